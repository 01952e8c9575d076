import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { FieldError, RadioGroup, SelectField, TextAreaField } from "~/components/form-fields";
import { procedureLabel } from "~/components/status";
import { TextField } from "~/components/text-field";
import { berlinDate } from "~/domain/deadlines";
import { formatBytes, formatDate, formatDateTime, isoString } from "~/domain/format";
import {
  CONDITION_KIND_LABELS,
  CONDITION_KINDS,
  MAX_ATTACHMENTS,
  MAX_CONDITIONS,
  STATEMENT_OUTCOME_LABELS,
  STATEMENT_OUTCOMES,
} from "~/domain/statements";
import { agencyParticipationExists, getParticipationForAgency } from "~/models/agency-portal.server";
import { formatLimit } from "~/models/document.server";
import {
  type ConditionInput,
  readStatementForm,
  requestExtension,
  submitStatement,
} from "~/models/statement.server";
import { env } from "~/utils/env.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Beteiligung ${data?.participation.summary.fileNumber ?? ""} – Bauantrag` },
];

const NOT_FOUND = "Diese Beteiligung gibt es nicht oder sie ist nicht an Ihre Fachstelle gerichtet.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:participation:assigned");
  // The agency is part of every query: another agency's participation is never loaded (404).
  const participation = await getParticipationForAgency(user, params.id ?? "");
  if (!participation) notFound(NOT_FOUND);
  return {
    participation,
    maxUploadLabel: formatLimit(env().UPLOAD_MAX_BYTES),
    // The earliest date an extension may name: the day after the current deadline (Berlin).
    minExtensionDate: berlinDate(new Date(new Date(participation.deadline).getTime() + 86_400_000)),
  };
}

interface StatementValues {
  outcome: string;
  reasons: string;
  conditions: ConditionInput[];
}

type ActionData =
  | {
      form: "statement";
      values: StatementValues;
      errors: Record<string, string>;
      message: string | null;
      /** Files chosen before adding/removing a row are not kept by the browser: say so. */
      filesDropped: boolean;
      nonce: number;
    }
  | {
      form: "extension";
      values: { until: string; reason: string };
      errors: Record<string, string>;
      message: string | null;
      nonce: number;
    };

function applyRowIntent(rows: ConditionInput[], intent: string): ConditionInput[] {
  const list = rows.length > 0 ? [...rows] : [{ kind: "", text: "", legalBasis: "" }];
  if (intent === "add-condition")
    return list.length >= MAX_CONDITIONS ? list : [...list, { kind: "", text: "", legalBasis: "" }];
  const m = /^remove-condition-(\d+)$/.exec(intent);
  return m ? list.filter((_, i) => i !== Number(m[1])) : list;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "write:statement:assigned");
  const id = params.id ?? "";
  // Before reading any body: a foreign participation is a 404 and its upload is never staged.
  if (!(await agencyParticipationExists(user, id))) notFound(NOT_FOUND);
  const nonce = Date.now();

  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const formData = await request.formData();
    const values = {
      until: String(formData.get("until") ?? ""),
      reason: String(formData.get("reason") ?? ""),
    };
    if (formData.get("intent") !== "request-extension") notFound();
    const r = await requestExtension(user, id, values);
    if (r.ok) return redirect(`/beteiligung/${id}?verlaengerung=beantragt`);
    if (r.status === 404) notFound(NOT_FOUND);
    return {
      form: "extension",
      values,
      errors: "errors" in r ? r.errors : {},
      message: "message" in r ? r.message : null,
      nonce,
    } satisfies ActionData;
  }

  const form = await readStatementForm(request);
  try {
    const intent = form.fields.intent ?? "submit-statement";
    const values: StatementValues = {
      outcome: form.outcome,
      reasons: form.reasons,
      conditions: form.conditions,
    };
    if (intent === "add-condition" || intent.startsWith("remove-condition-")) {
      return {
        form: "statement",
        values: { ...values, conditions: applyRowIntent(values.conditions, intent) },
        errors: {},
        message: null,
        filesDropped: form.attachments.length > 0 || form.attachmentErrors.length > 0,
        nonce,
      } satisfies ActionData;
    }
    if (form.attachmentErrors.length > 0) {
      return {
        form: "statement",
        values,
        errors: { attachments: form.attachmentErrors.join(" ") },
        message: "Bitte prüfen Sie die Anlagen und wählen Sie sie erneut aus.",
        filesDropped: true,
        nonce,
      } satisfies ActionData;
    }
    const r = await submitStatement(user, id, { ...values, attachments: form.attachments });
    if (r.ok) return redirect(`/beteiligung/${id}?stellungnahme=abgegeben`);
    if (r.status === 404) notFound(NOT_FOUND);
    const errors = "errors" in r ? r.errors : {};
    return {
      form: "statement",
      values,
      errors,
      message: "message" in r && r.message ? r.message : "Bitte prüfen Sie die markierten Angaben.",
      filesDropped: form.attachments.length > 0,
      nonce,
    } satisfies ActionData;
  } finally {
    await form.cleanup();
  }
}

const OUTCOME_OPTIONS = STATEMENT_OUTCOMES.map((o) => ({ value: o, label: STATEMENT_OUTCOME_LABELS[o] }));

const KIND_OPTIONS = CONDITION_KINDS.map((k) => ({ value: k, label: CONDITION_KIND_LABELS[k] }));

function parcelLabel(p: { gemarkung?: string; flur?: string; zaehler?: string; nenner?: string }): string {
  return (
    [
      p.gemarkung ? `Gemarkung ${p.gemarkung}` : "",
      p.flur ? `Flur ${p.flur}` : "",
      p.zaehler ? `Flurstück ${p.zaehler}${p.nenner ? `/${p.nenner}` : ""}` : "",
    ]
      .filter(Boolean)
      .join(", ") || "–"
  );
}

const EXTENSION_STATUS: Record<string, string> = {
  PENDING: "beantragt, noch nicht entschieden",
  GRANTED: "gewährt",
  REFUSED: "abgelehnt",
};

export default function ParticipationPage() {
  const { participation: p, maxUploadLabel, minExtensionDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const s = p.summary;
  const packageFiles = p.generated.filter((g) => g.kind !== "STATEMENT" && g.kind !== "XBAU_0303");
  const statementFiles = p.generated.filter((g) => g.kind === "STATEMENT" || g.kind === "XBAU_0303");

  return (
    <>
      <PageHeader
        title={`Beteiligung zum Bauantrag ${s.fileNumber}`}
        lead={`${s.projectTitle || "Bauvorhaben"} · angefragt von ${s.authorityName} · ${p.statusLabel}`}
      >
        <Link className="kern-link" to="/beteiligung">
          Zurück zur Übersicht
        </Link>
      </PageHeader>

      {search.get("stellungnahme") === "abgegeben" && p.statement ? (
        <Alert tone="success" title="Stellungnahme abgegeben">
          Ihre Stellungnahme ist bei {s.authorityName} eingegangen. Das PDF der Stellungnahme wird erstellt
          und erscheint unten.
        </Alert>
      ) : null}
      {search.get("verlaengerung") === "beantragt" && p.pendingExtension ? (
        <Alert tone="success" title="Fristverlängerung beantragt">
          {s.authorityName} entscheidet über Ihren Antrag; Sie werden benachrichtigt.
        </Alert>
      ) : null}
      {p.status === "DEEMED_CONSENT" ? (
        <Alert tone="info" title="Zustimmung gilt als erteilt">
          Die Frist ist am {formatDate(p.deadline)} ohne Stellungnahme abgelaufen. {p.silenceConsequence}
        </Alert>
      ) : null}
      {p.closedAt ? (
        <Alert tone="info" title="Beteiligung abgeschlossen">
          Die Beteiligung wurde am {formatDate(p.closedAt)} abgeschlossen. Ihre Stellungnahme und das
          Beteiligungspaket bleiben abrufbar; die Unterlagen des Antrags sind nicht mehr freigegeben.
        </Alert>
      ) : null}

      <section aria-labelledby="anfrage" className="app-section">
        <h2 id="anfrage" className="kern-heading-medium">
          Anfrage
        </h2>
        <DescriptionList
          items={[
            { label: "Frage", value: p.question },
            ...(p.reason ? [{ label: "Anlass", value: p.reason }] : []),
            { label: "Rechtsgrundlage", value: p.legalBasis },
            {
              label: "Frist",
              value: (
                <>
                  <time dateTime={isoString(p.deadline)}>{formatDate(p.deadline)}</time>
                  {p.daysLeftLabel ? (
                    <>
                      {" "}
                      {p.overdue ? (
                        <span className="kern-badge kern-badge--danger">
                          <span className="kern-label">{p.daysLeftLabel}</span>
                        </span>
                      ) : (
                        <span>({p.daysLeftLabel})</span>
                      )}
                    </>
                  ) : null}
                </>
              ),
            },
            { label: "Folge bei Fristablauf", value: p.silenceConsequence },
            ...(p.round > 1 ? [{ label: "Runde", value: `${p.round}. Beteiligung` }] : []),
            ...p.extensions.map((e, i) => ({
              label: p.extensions.length > 1 ? `Fristverlängerung ${i + 1}` : "Fristverlängerung",
              value: `bis ${formatDate(e.requestedDeadline)} – ${EXTENSION_STATUS[e.status] ?? e.status}${
                e.decisionNote ? ` (${e.decisionNote})` : ""
              }`,
            })),
          ]}
        />
      </section>

      <section aria-labelledby="vorhaben" className="app-section">
        <h2 id="vorhaben" className="kern-heading-medium">
          Angaben zum Vorhaben
        </h2>
        <DescriptionList
          items={[
            { label: "Aktenzeichen", value: s.fileNumber },
            { label: "Vorhaben", value: s.projectTitle || "–" },
            ...(s.description ? [{ label: "Beschreibung", value: s.description }] : []),
            ...(s.measure ? [{ label: "Art der Maßnahme", value: s.measure }] : []),
            { label: "Verfahrensart", value: procedureLabel(s.procedureType) },
            { label: "Bauaufsichtsbehörde", value: s.authorityName },
            { label: "Gemeinde", value: s.municipality ?? "–" },
            { label: "Baugrundstück", value: s.plotAddress ?? "ohne Anschrift" },
            {
              label: s.parcels.length === 1 ? "Flurstück" : "Flurstücke",
              value:
                s.parcels.length === 0 ? (
                  "keine angegeben"
                ) : (
                  <ul className="app-plain-list">
                    {s.parcels.map((parcel, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: parcels have no identity of their own
                      <li key={i}>{parcelLabel(parcel)}</li>
                    ))}
                  </ul>
                ),
            },
            { label: "Bauherr/in", value: s.bauherr ?? "–" },
            { label: "Entwurfsverfasser/in", value: s.entwurfsverfasser ?? "–" },
          ]}
        />
      </section>

      <section aria-labelledby="unterlagen" className="app-section">
        <h2 id="unterlagen" className="kern-heading-medium">
          Freigegebene Unterlagen
        </h2>
        {!p.documentsAvailable ? (
          <p className="kern-body">
            Die Beteiligung ist abgeschlossen; die Unterlagen des Antrags sind nicht mehr freigegeben.
          </p>
        ) : p.documents.length === 0 ? (
          <p className="kern-body">Für diese Beteiligung wurden keine Unterlagen freigegeben.</p>
        ) : (
          <ul className="app-plain-list" aria-label="Freigegebene Unterlagen">
            {p.documents.map((d) => (
              <li key={d.versionId}>
                {d.href ? (
                  <a className="kern-link" href={d.href} download>
                    {d.typeLabel}
                  </a>
                ) : (
                  d.typeLabel
                )}{" "}
                <span className="kern-body--muted">
                  – {d.filename}, Version {d.versionNumber}, {formatBytes(d.sizeBytes)}
                  {d.pageCount ? `, ${d.pageCount === 1 ? "1 Seite" : `${d.pageCount} Seiten`}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
        <h3 className="kern-heading-small">Beteiligungspaket</h3>
        {packageFiles.length === 0 ? (
          <p className="kern-body">Das Beteiligungspaket wird noch erstellt.</p>
        ) : (
          <ul className="app-plain-list" aria-label="Beteiligungspaket">
            {packageFiles.map((g) => (
              <li key={g.id}>
                <a className="kern-link" href={g.href} download>
                  {g.kindLabel}
                </a>{" "}
                <span className="kern-body--muted">
                  – {g.filename}, {formatBytes(g.sizeBytes)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {p.statement ? (
        <section aria-labelledby="stellungnahme" className="app-section">
          <h2 id="stellungnahme" className="kern-heading-medium">
            Ihre Stellungnahme
          </h2>
          <DescriptionList
            items={[
              { label: "Ergebnis", value: STATEMENT_OUTCOME_LABELS[p.statement.outcome] },
              {
                label: "Abgegeben",
                value: `${formatDateTime(p.statement.submittedAt)} von ${p.statement.authorName}`,
              },
              { label: "Begründung", value: p.statement.reasons || "–" },
            ]}
          />
          {p.statement.conditions.length > 0 ? (
            <>
              <h3 className="kern-heading-small">Nebenbestimmungen</h3>
              <ol className="app-condition-list">
                {p.statement.conditions.map((c) => (
                  <li key={c.position}>
                    <strong>{CONDITION_KIND_LABELS[c.kind]}:</strong> {c.text}
                    {c.legalBasis ? (
                      <div className="kern-body--muted">Rechtsgrundlage: {c.legalBasis}</div>
                    ) : null}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {p.statement.attachments.length > 0 ? (
            <>
              <h3 className="kern-heading-small">Anlagen</h3>
              <ul className="app-plain-list" aria-label="Anlagen der Stellungnahme">
                {p.statement.attachments.map((a) => (
                  <li key={a.id}>
                    <a className="kern-link" href={a.href} download>
                      {a.filename}
                    </a>{" "}
                    <span className="kern-body--muted">– {formatBytes(a.sizeBytes)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3 className="kern-heading-small">Stellungnahme als Datei</h3>
          {statementFiles.length === 0 ? (
            <p className="kern-body">
              Das PDF der Stellungnahme wird erstellt. Laden Sie die Seite später neu.
            </p>
          ) : (
            <ul className="app-plain-list" aria-label="Stellungnahme als Datei">
              {statementFiles.map((g) => (
                <li key={g.id}>
                  <a className="kern-link" href={g.href} download>
                    {g.kindLabel}
                  </a>{" "}
                  <span className="kern-body--muted">– {g.filename}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {p.open ? (
        <>
          <StatementForm
            key={actionData?.form === "statement" ? actionData.nonce : "initial"}
            data={actionData?.form === "statement" ? actionData : undefined}
            busy={busy}
            maxUploadLabel={maxUploadLabel}
          />
          <ExtensionForm
            key={actionData?.form === "extension" ? actionData.nonce : "initial-extension"}
            data={actionData?.form === "extension" ? actionData : undefined}
            pending={p.pendingExtension}
            minDate={minExtensionDate}
            busy={busy}
          />
        </>
      ) : null}
    </>
  );
}

function StatementForm({
  data,
  busy,
  maxUploadLabel,
}: {
  data?: Extract<ActionData, { form: "statement" }>;
  busy: boolean;
  maxUploadLabel: string;
}) {
  const values = data?.values ?? { outcome: "", reasons: "", conditions: [] };
  const errors = data?.errors ?? {};
  const rows = values.conditions.length > 0 ? values.conditions : [{ kind: "", text: "", legalBasis: "" }];
  const err = (name: string) => (errors[name] ? [errors[name] as string] : undefined);
  return (
    <section aria-labelledby="stellungnahme-abgeben" className="app-section">
      <h2 id="stellungnahme-abgeben" className="kern-heading-medium">
        Stellungnahme abgeben
      </h2>
      {data?.message ? (
        <Alert tone="danger" title="Die Stellungnahme wurde nicht abgegeben">
          {data.message}
        </Alert>
      ) : null}
      {data?.filesDropped && !errors.attachments ? (
        <Alert tone="warning" title="Bitte Anlagen erneut auswählen" announce>
          Ausgewählte Dateien bleiben beim Hinzufügen oder Entfernen einer Nebenbestimmung nicht erhalten.
        </Alert>
      ) : null}
      <Form
        method="post"
        encType="multipart/form-data"
        className="app-form"
        aria-label="Stellungnahme abgeben"
      >
        <button
          type="submit"
          name="intent"
          value="submit-statement"
          className="app-default-submit"
          tabIndex={-1}
          aria-hidden="true"
        >
          Stellungnahme abgeben
        </button>
        <RadioGroup
          id="outcome"
          name="outcome"
          legend="Ergebnis der Stellungnahme"
          options={OUTCOME_OPTIONS}
          defaultValue={values.outcome}
          errors={err("outcome")}
        />

        <fieldset className="kern-fieldset app-field-group" id="conditions">
          <legend className="kern-title">Nebenbestimmungen</legend>
          <div className="kern-fieldset__body">
            <p className="kern-hint">
              Bedingungen, Auflagen und Vorbehalte nur bei „Zustimmung mit Nebenbestimmungen“; Hinweise sind
              bei jedem Ergebnis möglich. Leere Zeilen werden nicht übernommen.
            </p>
            {errors.conditions ? <FieldError id="conditions" error={errors.conditions} /> : null}
            {rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity; the form is re-keyed on add/remove
              <fieldset key={i} className="app-parcel" data-testid="condition-row">
                <legend>Nebenbestimmung {i + 1}</legend>
                <div className="app-condition__fields">
                  <SelectField
                    id={`conditions-${i}-kind`}
                    name={`conditions.${i}.kind`}
                    label="Art"
                    options={KIND_OPTIONS}
                    defaultValue={row.kind}
                    errors={err(`conditions.${i}.kind`)}
                  />
                  <TextAreaField
                    id={`conditions-${i}-text`}
                    name={`conditions.${i}.text`}
                    label="Text"
                    rows={3}
                    defaultValue={row.text}
                    errors={err(`conditions.${i}.text`)}
                  />
                  <TextField
                    id={`conditions-${i}-legalBasis`}
                    name={`conditions.${i}.legalBasis`}
                    label="Rechtsgrundlage (optional)"
                    defaultValue={row.legalBasis ?? ""}
                    errors={err(`conditions.${i}.legalBasis`)}
                    autoComplete="off"
                  />
                </div>
                {rows.length > 1 ? (
                  <div className="app-parcel__actions">
                    <button
                      type="submit"
                      name="intent"
                      value={`remove-condition-${i}`}
                      className="kern-btn kern-btn--tertiary"
                      formNoValidate
                    >
                      <span className="kern-icon kern-icon--delete" aria-hidden="true" />
                      <span className="kern-label">Nebenbestimmung {i + 1} entfernen</span>
                    </button>
                  </div>
                ) : null}
              </fieldset>
            ))}
            {rows.length < MAX_CONDITIONS ? (
              <div>
                <button
                  type="submit"
                  name="intent"
                  value="add-condition"
                  className="kern-btn kern-btn--secondary"
                  formNoValidate
                >
                  <span className="kern-icon kern-icon--add" aria-hidden="true" />
                  <span className="kern-label">Weitere Nebenbestimmung hinzufügen</span>
                </button>
              </div>
            ) : null}
          </div>
        </fieldset>

        <TextAreaField
          id="reasons"
          name="reasons"
          label="Begründung"
          hint="Bei einer Ablehnung erforderlich."
          rows={6}
          defaultValue={values.reasons}
          errors={err("reasons")}
        />

        <div className={`kern-form-input${errors.attachments ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="attachments">
            Anlagen (optional)
          </label>
          <div className="kern-hint" id="attachments-hint">
            PDF, JPEG oder PNG; höchstens {MAX_ATTACHMENTS} Dateien zu je {maxUploadLabel}.
          </div>
          <input
            id="attachments"
            name="attachments"
            type="file"
            multiple
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            className="kern-form-input__input"
            aria-describedby={`attachments-hint${errors.attachments ? " attachments-error" : ""}`}
            aria-invalid={errors.attachments ? true : undefined}
          />
          <FieldError id="attachments" error={errors.attachments} />
        </div>

        <p className="kern-body">Eine abgegebene Stellungnahme kann nicht mehr geändert werden.</p>
        <div className="app-form-actions">
          <button
            type="submit"
            name="intent"
            value="submit-statement"
            className="kern-btn kern-btn--primary"
            disabled={busy}
          >
            <span className="kern-label">Stellungnahme abgeben</span>
          </button>
        </div>
      </Form>
    </section>
  );
}

function ExtensionForm({
  data,
  pending,
  minDate,
  busy,
}: {
  data?: Extract<ActionData, { form: "extension" }>;
  pending: { requestedDeadline: string | Date; reason: string } | null;
  minDate: string;
  busy: boolean;
}) {
  const errors = data?.errors ?? {};
  return (
    <section aria-labelledby="fristverlaengerung" className="app-section">
      <h2 id="fristverlaengerung" className="kern-heading-medium">
        Fristverlängerung beantragen
      </h2>
      {pending ? (
        <p className="kern-body">
          Sie haben eine Verlängerung bis zum {formatDate(pending.requestedDeadline)} beantragt. Die
          Bauaufsichtsbehörde hat noch nicht entschieden.
        </p>
      ) : (
        <>
          {data?.message ? (
            <Alert tone="danger" title="Die Fristverlängerung wurde nicht beantragt">
              {data.message}
            </Alert>
          ) : null}
          <Form method="post" className="app-form" aria-label="Fristverlängerung beantragen">
            <input type="hidden" name="intent" value="request-extension" />
            <TextField
              id="extension-until"
              name="until"
              type="date"
              label="Gewünschtes Fristende"
              hint={`Frühestens der ${formatDate(minDate)}; die Bauaufsichtsbehörde entscheidet über den Antrag.`}
              defaultValue={data?.values.until ?? ""}
              errors={errors.until ? [errors.until] : undefined}
            />
            <TextAreaField
              id="extension-reason"
              name="reason"
              label="Begründung der Fristverlängerung"
              rows={3}
              defaultValue={data?.values.reason ?? ""}
              errors={errors.reason ? [errors.reason] : undefined}
            />
            <div className="app-form-actions">
              <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
                <span className="kern-label">Fristverlängerung beantragen</span>
              </button>
            </div>
          </Form>
        </>
      )}
    </section>
  );
}
