import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { DecisionSection } from "~/components/decision/decision-section";
import { FeeTable } from "~/components/decision/fee-table";
import { DescriptionList } from "~/components/description-list";
import { procedureLabel, StatusBadge } from "~/components/status";
import {
  CONDITION_KIND_LABELS,
  CONDITION_KINDS,
  DECISION_KIND_LABELS,
  DECISION_KINDS,
  type DecisionKind,
  decisionKindLabel,
  isDecisionKind,
  TO_BE_WRITTEN,
} from "~/domain/decision";
import { documentTypeLabel } from "~/domain/document-types";
import { computeFee, parseEuroToCents } from "~/domain/fees";
import { formatDate, formatDateTime, isoString } from "~/domain/format";
import { isUuid } from "~/models/application.server";
import {
  approve,
  type DraftChanges,
  decide,
  getDecidedDecision,
  getDecisionForClerk,
  openDraft,
  submitForApproval,
  updateDraft,
} from "~/models/decision.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Bescheid ${data?.case.fileNumber ?? ""} – Bauantrag` },
];

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";
const MAX_ROWS = 220;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "decide:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const view = await getDecisionForClerk(user, id);
  const decided = view.decision?.status === "DECIDED" ? await getDecidedDecision(user, id) : null;
  return { me: user.id, ...view, decided };
}

// ---- form values (what the editor posts; kept as typed when anything goes wrong) -------------------

interface ConditionRow {
  id: string;
  kind: string;
  text: string;
  legalBasis: string;
  sourceLabel: string;
}
interface DeviationRow {
  text: string;
  legalBasis: string;
}
interface FormValues {
  version: number;
  kind: string;
  constructionCost: string;
  conditions: ConditionRow[];
  deviations: DeviationRow[];
  documents: string[];
  stamped: string[];
  reasons: string;
  legalRemedy: string;
}

function rows<T>(form: FormData, prefix: string, read: (i: number) => T | null): T[] {
  const out: T[] = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    if (!form.has(`${prefix}[${i}].text`)) continue;
    const row = read(i);
    if (row) out.push(row);
  }
  return out;
}

function readValues(form: FormData): FormValues {
  const str = (k: string) => String(form.get(k) ?? "");
  return {
    version: Number(form.get("version")),
    kind: str("kind"),
    constructionCost: str("constructionCost"),
    conditions: rows(form, "conditions", (i) => ({
      id: str(`conditions[${i}].id`),
      kind: str(`conditions[${i}].kind`),
      text: str(`conditions[${i}].text`),
      legalBasis: str(`conditions[${i}].legalBasis`),
      sourceLabel: str(`conditions[${i}].sourceLabel`),
    })),
    deviations: rows(form, "deviations", (i) => ({
      text: str(`deviations[${i}].text`),
      legalBasis: str(`deviations[${i}].legalBasis`),
    })),
    documents: form.getAll("document").map(String),
    stamped: form.getAll("stamp").map(String),
    reasons: str("reasons"),
    legalRemedy: str("legalRemedy"),
  };
}

/** Form values -> the model's changes; empty new rows are dropped (like an untouched blank line). */
function toChanges(v: FormValues): { changes: DraftChanges } | { message: string } {
  const cost = parseEuroToCents(v.constructionCost);
  if (cost === undefined)
    return { message: "Bitte geben Sie die Baukosten als Betrag in Euro an, z. B. 350.000,00." };
  return {
    changes: {
      kind: v.kind,
      reasons: v.reasons,
      legalRemedy: v.legalRemedy,
      constructionCostCents: cost,
      deviations: v.deviations
        .filter((d) => d.text.trim() !== "" || d.legalBasis.trim() !== "")
        .map((d) => ({ text: d.text, legalBasis: d.legalBasis })),
      conditions: v.conditions
        .filter((c) => c.id !== "" || c.text.trim() !== "")
        .map((c) => ({ id: c.id || null, kind: c.kind, text: c.text, legalBasis: c.legalBasis })),
      documents: v.documents.map((id) => ({ documentVersionId: id, stamp: v.stamped.includes(id) })),
    },
  };
}

type ActionResult = { message?: string; tone?: "danger" | "info"; values?: FormValues; nonce: number };

export async function action({ request, params }: ActionFunctionArgs): Promise<ActionResult | Response> {
  const user = await requireAuthorityPermission(request, "decide:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const nonce = Date.now();
  const here = `/behoerde/faelle/${id}/bescheid`;

  if (intent === "open") {
    const r = await openDraft(user, id);
    if (!r.ok) return { message: r.message, nonce };
    return redirect(here);
  }

  const view = await getDecisionForClerk(user, id);
  const decision = view.decision;
  if (!decision) return { message: "Es gibt noch keinen Entwurf. Bitte legen Sie ihn zuerst an.", nonce };

  if (intent === "approve") {
    const r = await approve(user, decision.id, Number(form.get("version")));
    if (!r.ok) return { message: r.message, nonce };
    return redirect(`${here}?freigegeben=1`);
  }
  if (intent === "decide") {
    const r = await decide(user, decision.id, {
      confirmOpenParticipations: form.get("confirmOpenParticipations") === "on",
    });
    if (!r.ok) return { message: r.message, nonce };
    return redirect(`${here}?erlassen=ok`);
  }

  // Everything else comes from the editor: its values are kept whatever happens.
  const values = readValues(form);
  if (intent === "add-condition") {
    values.conditions.push({ id: "", kind: "AUFLAGE", text: "", legalBasis: "", sourceLabel: "" });
    return {
      values,
      nonce,
      tone: "info",
      message: "Neue Nebenbestimmung eingefügt (noch nicht gespeichert).",
    };
  }
  if (intent.startsWith("remove-condition-")) {
    const index = Number(intent.slice("remove-condition-".length));
    values.conditions = values.conditions.filter((_, i) => i !== index);
    return { values, nonce, tone: "info", message: "Nebenbestimmung entfernt (noch nicht gespeichert)." };
  }
  if (intent === "add-deviation") {
    values.deviations.push({ text: "", legalBasis: "" });
    return { values, nonce, tone: "info", message: "Neue Abweichung eingefügt (noch nicht gespeichert)." };
  }
  if (intent.startsWith("remove-deviation-")) {
    const index = Number(intent.slice("remove-deviation-".length));
    values.deviations = values.deviations.filter((_, i) => i !== index);
    return { values, nonce, tone: "info", message: "Abweichung entfernt (noch nicht gespeichert)." };
  }
  if (intent === "recompute") {
    return { values, nonce, tone: "info", message: "Gebühr neu berechnet (noch nicht gespeichert)." };
  }

  if (intent !== "save" && intent !== "submit-approval" && intent !== "prepare-decide") {
    return { values, nonce, message: "Unbekannte Aktion." };
  }
  const parsed = toChanges(values);
  if ("message" in parsed) return { values, nonce, message: parsed.message };
  const saved = await updateDraft(user, decision.id, values.version, parsed.changes);
  if (!saved.ok) {
    // A stale save keeps the input and moves to the current version: saving again overwrites knowingly.
    const version = saved.reason === "conflict" ? saved.currentVersion : values.version;
    return { values: { ...values, version }, nonce, message: saved.message };
  }
  if (intent === "submit-approval") {
    const r = await submitForApproval(user, decision.id, saved.version);
    if (!r.ok) return { message: r.message, nonce };
    return redirect(`${here}?vorgelegt=1`);
  }
  if (intent === "prepare-decide") return redirect(`${here}?erlassen=bestaetigen`);
  return redirect(`${here}?gespeichert=1`);
}

// ---- page ----------------------------------------------------------------------------------------

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type LoadedDecision = NonNullable<Loaded["decision"]>;

function valuesFrom(d: LoadedDecision): FormValues {
  return {
    version: d.version,
    kind: d.kind,
    constructionCost:
      d.constructionCostCents === null
        ? ""
        : (d.constructionCostCents / 100).toLocaleString("de-DE", { minimumFractionDigits: 2 }),
    conditions: d.conditions.map((c) => ({
      id: c.id,
      kind: c.kind,
      text: c.text,
      legalBasis: c.legalBasis ?? "",
      sourceLabel: c.sourceLabel ?? "",
    })),
    deviations: d.deviations.map((x) => ({ text: x.text, legalBasis: x.legalBasis })),
    documents: d.documents.map((x) => x.documentVersionId),
    stamped: d.documents.filter((x) => x.stamp).map((x) => x.documentVersionId),
    reasons: d.reasons,
    legalRemedy: d.legalRemedy,
  };
}

export default function DecisionPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const { case: c, decision } = data;

  const notices: [string, string][] = [
    ["gespeichert", "Der Entwurf wurde gespeichert."],
    ["vorgelegt", "Der Entwurf liegt jetzt zur Freigabe vor."],
    ["freigegeben", "Der Entwurf ist freigegeben und kann erlassen werden."],
  ];
  const notice = actionData ? undefined : notices.find(([k]) => params.get(k))?.[1];

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/behoerde/faelle/${c.id}`}>
          Zurück zum Fall
        </Link>
      </p>
      <PageHeader
        title={decision?.status === "DECIDED" ? "Bescheid" : "Bescheid vorbereiten"}
        lead={`${c.title || "Antrag ohne Titel"}, Aktenzeichen ${c.fileNumber ?? "–"}, ${procedureLabel(c.procedureType)}`}
      >
        <StatusBadge status={c.status} />
      </PageHeader>
      {actionData?.message ? (
        <Alert
          tone={actionData.tone ?? "danger"}
          title={actionData.tone === "info" ? "Hinweis" : "Nicht ausgeführt"}
          announce
        >
          <p className="kern-body" data-testid="decision-message">
            {actionData.message}
          </p>
        </Alert>
      ) : null}
      {notice ? (
        <Alert tone="success" title="Erledigt">
          <p className="kern-body" data-testid="decision-notice">
            {notice}
          </p>
        </Alert>
      ) : null}
      {!decision ? (
        <NoDraft refusal={c.refusal} />
      ) : decision.status === "DECIDED" ? (
        <DecidedView data={data} decision={decision} justDecided={params.get("erlassen") === "ok"} />
      ) : params.get("erlassen") === "bestaetigen" && !actionData?.values ? (
        <ConfirmDecide data={data} decision={decision} />
      ) : (
        <Editor data={data} decision={decision} actionData={actionData} />
      )}
    </>
  );
}

function NoDraft({ refusal }: { refusal: string | null }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="app-section" aria-labelledby="entwurf">
      <h2 className="kern-heading-medium" id="entwurf">
        Noch kein Entwurf
      </h2>
      {refusal ? (
        <Alert tone="info" title="Noch nicht möglich">
          <p className="kern-body">{refusal}</p>
        </Alert>
      ) : (
        <p className="kern-body">
          Der Entwurf wird aus der Akte vorbereitet: Art der Entscheidung, die aktuellen Fassungen der
          Bauvorlagen, die Nebenbestimmungen aus den Stellungnahmen, Abweichungen, Baukosten und Gebühr, ein
          Begründungsgerüst und die Rechtsbehelfsbelehrung Ihrer Behörde. Sie prüfen und ändern alles vor dem
          Erlass.
        </p>
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="open" />
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy || refusal !== null}>
          <span className="kern-label">Bescheidentwurf anlegen</span>
        </button>
      </Form>
    </section>
  );
}

function ApprovalState({ decision: d, fourEyes }: { decision: LoadedDecision; fourEyes: boolean }) {
  if (!fourEyes) return null;
  if (d.status === "AWAITING_APPROVAL" && d.approvedAt) {
    return (
      <Alert tone="success" title="Freigegeben">
        <p className="kern-body" data-testid="approval-state">
          Freigegeben von {d.approvedBy?.displayName} am {formatDateTime(d.approvedAt)}. Jede weitere Änderung
          hebt die Freigabe auf.
        </p>
      </Alert>
    );
  }
  if (d.status === "AWAITING_APPROVAL") {
    return (
      <Alert tone="info" title="Zur Freigabe vorgelegt">
        <p className="kern-body" data-testid="approval-state">
          Vorgelegt von {d.draftedBy.displayName} am {formatDateTime(d.submittedForApprovalAt)}. Eine zweite
          Sachbearbeiter:in muss den Entwurf freigeben (Vier-Augen-Prinzip).
        </p>
      </Alert>
    );
  }
  return (
    <Alert tone="info" title="Vier-Augen-Prinzip">
      <p className="kern-body" data-testid="approval-state">
        Ihre Behörde erlässt Bescheide nur nach Freigabe durch eine zweite Person. Legen Sie den Entwurf zur
        Freigabe vor, wenn er fertig ist.
      </p>
    </Alert>
  );
}

function Editor({
  data,
  decision: d,
  actionData,
}: {
  data: Loaded;
  decision: LoadedDecision;
  actionData: ActionResult | undefined;
}) {
  const busy = useNavigation().state === "submitting";
  const initial = actionData?.values ?? valuesFrom(d);
  // Re-mount the inputs when the server returns new values (no-JS add/remove round trips).
  const formKey = `${d.version}-${actionData?.nonce ?? 0}`;
  return (
    <EditorForm
      key={formKey}
      data={data}
      decision={d}
      initial={initial}
      busy={busy}
      unsaved={Boolean(actionData?.values)}
    />
  );
}

function EditorForm({
  data,
  decision: d,
  initial,
  busy,
  unsaved,
}: {
  data: Loaded;
  decision: LoadedDecision;
  initial: FormValues;
  busy: boolean;
  unsaved: boolean;
}) {
  const { case: c, documents, fee, openParticipations, me } = data;
  const [kind, setKind] = useState(initial.kind);
  const [cost, setCost] = useState(initial.constructionCost);
  const parsedCost = parseEuroToCents(cost);
  const preview = computeFee(fee.schedule, {
    kind: (isDecisionKind(kind) ? kind : "BAUGENEHMIGUNG") as DecisionKind,
    procedureType: c.procedureType,
    constructionCostCents: parsedCost ?? null,
    participations: fee.participations,
  });
  const canApprove = c.fourEyes && d.status === "AWAITING_APPROVAL" && !d.approvedAt && d.draftedBy.id !== me;
  const mayDecide = !c.fourEyes || (d.status === "AWAITING_APPROVAL" && d.approvedAt !== null);
  const shownVersions = new Set(initial.documents);

  return (
    <>
      {c.refusal ? (
        <Alert tone="warning" title="Keine Entscheidung möglich">
          <p className="kern-body" data-testid="decision-refusal">
            {c.refusal}
          </p>
        </Alert>
      ) : null}
      <ApprovalState decision={d} fourEyes={c.fourEyes} />
      {canApprove ? (
        <Form method="post" className="app-section">
          <input type="hidden" name="intent" value="approve" />
          <input type="hidden" name="version" value={d.version} />
          <p className="kern-body">Sie haben den Entwurf nicht selbst erstellt und können ihn freigeben.</p>
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
            <span className="kern-label">Freigeben</span>
          </button>
        </Form>
      ) : null}
      {unsaved ? (
        <p className="kern-body kern-body--bold" data-testid="unsaved">
          Es gibt nicht gespeicherte Änderungen.
        </p>
      ) : null}
      <Form method="post" data-testid="decision-form">
        <input type="hidden" name="version" value={initial.version} />
        <section className="app-section" aria-labelledby="art">
          <h2 className="kern-heading-medium" id="art">
            Entscheidung
          </h2>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="kind">
              Art der Entscheidung
            </label>
            <div className="kern-form-input__select-wrapper">
              <select
                id="kind"
                name="kind"
                className="kern-form-input__select"
                value={kind}
                onChange={(e) => setKind(e.target.value)}
              >
                {DECISION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {DECISION_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </section>

        <section className="app-section" aria-labelledby="bauvorlagen">
          <h2 className="kern-heading-medium" id="bauvorlagen">
            Maßgebliche Bauvorlagen
          </h2>
          <p className="kern-body">
            Der Bescheid nennt die ausgewählten Fassungen mit Version und Prüfsumme. Pläne mit
            „Genehmigungsvermerk“ werden auf jeder Seite gestempelt und als genehmigte Bauvorlagen zugestellt.
          </p>
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--small app-table-stack" data-testid="decision-documents">
              <caption className="kern-title kern-sr-only">Bauvorlagen und ihre Fassungen</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">
                    Maßgeblich
                  </th>
                  <th scope="col" className="kern-table__header">
                    Bauvorlage
                  </th>
                  <th scope="col" className="kern-table__header">
                    Fassung
                  </th>
                  <th scope="col" className="kern-table__header">
                    Genehmigungsvermerk
                  </th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {documents.flatMap((doc) =>
                  doc.versions
                    .filter((v, i) => i === 0 || shownVersions.has(v.id))
                    .map((v) => (
                      <tr key={v.id} className="kern-table__row" data-testid="decision-document">
                        <td className="kern-table__cell" data-label="Maßgeblich">
                          <div className="kern-form-check">
                            <input
                              className="kern-form-check__input"
                              type="checkbox"
                              id={`doc-${v.id}`}
                              name="document"
                              value={v.id}
                              defaultChecked={initial.documents.includes(v.id)}
                            />
                            <label className="kern-label" htmlFor={`doc-${v.id}`}>
                              <span className="kern-sr-only">
                                {doc.title} Version {v.versionNumber}{" "}
                              </span>
                              maßgeblich
                            </label>
                          </div>
                        </td>
                        <td className="kern-table__cell" data-label="Bauvorlage">
                          {doc.title || documentTypeLabel(doc.typeCode)}
                          <br />
                          <span className="kern-body--small">{v.filename}</span>
                        </td>
                        <td className="kern-table__cell" data-label="Fassung">
                          Version {v.versionNumber} vom {formatDate(v.createdAt)}
                          <br />
                          <code title={v.sha256}>sha256 {v.sha256.slice(0, 12)}…</code>
                        </td>
                        <td className="kern-table__cell" data-label="Genehmigungsvermerk">
                          <div className="kern-form-check">
                            <input
                              className="kern-form-check__input"
                              type="checkbox"
                              id={`stamp-${v.id}`}
                              name="stamp"
                              value={v.id}
                              defaultChecked={
                                initial.documents.includes(v.id) ? initial.stamped.includes(v.id) : doc.isPlan
                              }
                            />
                            <label className="kern-label" htmlFor={`stamp-${v.id}`}>
                              <span className="kern-sr-only">{doc.title} </span>
                              stempeln
                            </label>
                          </div>
                        </td>
                      </tr>
                    )),
                )}
              </tbody>
            </table>
          </div>
        </section>

        <section className="app-section" aria-labelledby="nebenbestimmungen">
          <h2 className="kern-heading-medium" id="nebenbestimmungen">
            Nebenbestimmungen
          </h2>
          {initial.conditions.length === 0 ? <p className="kern-body">Keine Nebenbestimmungen.</p> : null}
          <ol className="app-findings" data-testid="decision-conditions">
            {initial.conditions.map((cond, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: new rows have no id yet; the form re-mounts on change
              <li key={`${cond.id}-${i}`} className="app-finding" data-testid="decision-condition">
                <input type="hidden" name={`conditions[${i}].id`} value={cond.id} />
                <input type="hidden" name={`conditions[${i}].sourceLabel`} value={cond.sourceLabel} />
                <p className="kern-body kern-body--small" data-testid="condition-source">
                  {cond.sourceLabel
                    ? `Quelle: ${cond.sourceLabel}`
                    : "Quelle: eigene Nebenbestimmung der Behörde"}
                </p>
                <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem" }}>
                  <div className="kern-form-input">
                    <label className="kern-label" htmlFor={`cond-${i}-kind`}>
                      Art ({i + 1}.)
                    </label>
                    <div className="kern-form-input__select-wrapper">
                      <select
                        id={`cond-${i}-kind`}
                        name={`conditions[${i}].kind`}
                        className="kern-form-input__select"
                        defaultValue={cond.kind}
                      >
                        {CONDITION_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {CONDITION_KIND_LABELS[k]}
                          </option>
                        ))}
                      </select>
                    </div>
                  </div>
                  <div className="kern-form-input" style={{ flex: "1 1 16rem" }}>
                    <label className="kern-label" htmlFor={`cond-${i}-basis`}>
                      Rechtsgrundlage ({i + 1}.)
                    </label>
                    <input
                      id={`cond-${i}-basis`}
                      name={`conditions[${i}].legalBasis`}
                      className="kern-form-input__input"
                      maxLength={300}
                      defaultValue={cond.legalBasis}
                    />
                  </div>
                </div>
                <div className="kern-form-input">
                  <label className="kern-label" htmlFor={`cond-${i}-text`}>
                    Text der Nebenbestimmung {i + 1}
                  </label>
                  <textarea
                    id={`cond-${i}-text`}
                    name={`conditions[${i}].text`}
                    className="kern-form-input__input"
                    rows={2}
                    maxLength={4000}
                    defaultValue={cond.text}
                  />
                </div>
                <button
                  type="submit"
                  name="intent"
                  value={`remove-condition-${i}`}
                  className="kern-btn kern-btn--tertiary"
                  disabled={busy}
                >
                  <span className="kern-label">Nebenbestimmung {i + 1} entfernen</span>
                </button>
              </li>
            ))}
          </ol>
          <button
            type="submit"
            name="intent"
            value="add-condition"
            className="kern-btn kern-btn--secondary"
            disabled={busy}
          >
            <span className="kern-label">Nebenbestimmung hinzufügen</span>
          </button>
        </section>

        <section className="app-section" aria-labelledby="abweichungen">
          <h2 className="kern-heading-medium" id="abweichungen">
            Zugelassene Abweichungen
          </h2>
          {initial.deviations.length === 0 ? <p className="kern-body">Keine Abweichungen.</p> : null}
          <ol className="app-findings">
            {initial.deviations.map((dev, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity; the form re-mounts on change
              <li key={i} className="app-finding" data-testid="decision-deviation">
                <div className="kern-form-input">
                  <label className="kern-label" htmlFor={`dev-${i}-text`}>
                    Abweichung {i + 1}
                  </label>
                  <textarea
                    id={`dev-${i}-text`}
                    name={`deviations[${i}].text`}
                    className="kern-form-input__input"
                    rows={2}
                    maxLength={2000}
                    defaultValue={dev.text}
                  />
                </div>
                <div className="kern-form-input">
                  <label className="kern-label" htmlFor={`dev-${i}-basis`}>
                    Rechtsgrundlage der Abweichung {i + 1}
                  </label>
                  <input
                    id={`dev-${i}-basis`}
                    name={`deviations[${i}].legalBasis`}
                    className="kern-form-input__input"
                    maxLength={300}
                    defaultValue={dev.legalBasis}
                  />
                </div>
                <button
                  type="submit"
                  name="intent"
                  value={`remove-deviation-${i}`}
                  className="kern-btn kern-btn--tertiary"
                  disabled={busy}
                >
                  <span className="kern-label">Abweichung {i + 1} entfernen</span>
                </button>
              </li>
            ))}
          </ol>
          <button
            type="submit"
            name="intent"
            value="add-deviation"
            className="kern-btn kern-btn--secondary"
            disabled={busy}
          >
            <span className="kern-label">Abweichung hinzufügen</span>
          </button>
        </section>

        <section className="app-section" aria-labelledby="gebuehr">
          <h2 className="kern-heading-medium" id="gebuehr">
            Baukosten und Gebühr
          </h2>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="constructionCost">
              Baukosten in Euro
            </label>
            <div className="kern-hint" id="constructionCost-hint">
              Aus dem Antrag übernommen; leer lassen, wenn unbekannt (dann gilt die Mindestgebühr).
            </div>
            <input
              id="constructionCost"
              name="constructionCost"
              className="kern-form-input__input"
              inputMode="decimal"
              aria-describedby="constructionCost-hint"
              aria-invalid={parsedCost === undefined ? true : undefined}
              value={cost}
              onChange={(e) => setCost(e.target.value)}
            />
            {parsedCost === undefined ? (
              <p className="kern-error" role="alert">
                Bitte geben Sie die Baukosten als Betrag in Euro an, z. B. 350.000,00.
              </p>
            ) : null}
          </div>
          <p className="kern-body kern-body--small">
            Gebührenordnung: {fee.schedule.name}; {fee.participations} beteiligte Stelle(n).
          </p>
          <FeeTable lines={preview.lines} totalCents={preview.totalCents} />
          <button
            type="submit"
            name="intent"
            value="recompute"
            className="kern-btn kern-btn--tertiary"
            disabled={busy}
          >
            <span className="kern-label">Gebühr neu berechnen</span>
          </button>
        </section>

        <section className="app-section" aria-labelledby="begruendung">
          <h2 className="kern-heading-medium" id="begruendung">
            Begründung und Rechtsbehelfsbelehrung
          </h2>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="reasons">
              Begründung
            </label>
            <div className="kern-hint" id="reasons-hint">
              Aus der Akte vorbereitet; ergänzen Sie die mit „[…]“ markierten Stellen.
            </div>
            <textarea
              id="reasons"
              name="reasons"
              className="kern-form-input__input"
              rows={14}
              style={{ minHeight: "18rem" }}
              maxLength={20000}
              aria-describedby="reasons-hint"
              defaultValue={initial.reasons}
            />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="legalRemedy">
              Rechtsbehelfsbelehrung
            </label>
            <textarea
              id="legalRemedy"
              name="legalRemedy"
              className="kern-form-input__input"
              rows={6}
              style={{ minHeight: "9rem" }}
              maxLength={5000}
              defaultValue={initial.legalRemedy}
            />
          </div>
        </section>

        {openParticipations.length > 0 ? (
          <Alert tone="warning" title="Stellungnahmen stehen aus">
            <p className="kern-body">
              Noch ohne Stellungnahme:{" "}
              {openParticipations.map((p) => `${p.agencyName} (Frist ${formatDate(p.deadline)})`).join(", ")}.
            </p>
          </Alert>
        ) : null}

        <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
          <button
            type="submit"
            name="intent"
            value="save"
            className="kern-btn kern-btn--secondary"
            disabled={busy}
          >
            <span className="kern-label">Entwurf speichern</span>
          </button>
          {c.fourEyes && d.status === "DRAFT" ? (
            <button
              type="submit"
              name="intent"
              value="submit-approval"
              className="kern-btn kern-btn--primary"
              disabled={busy}
            >
              <span className="kern-label">Zur Freigabe vorlegen</span>
            </button>
          ) : null}
          {mayDecide && !c.fourEyes ? (
            <button
              type="submit"
              name="intent"
              value="prepare-decide"
              className="kern-btn kern-btn--primary"
              disabled={busy}
            >
              <span className="kern-label">Bescheid erlassen …</span>
            </button>
          ) : null}
          {mayDecide && c.fourEyes ? (
            // The approved draft is decided as it is: no save on the way (a save clears the approval).
            <Link className="kern-btn kern-btn--primary" to="?erlassen=bestaetigen">
              <span className="kern-label">Bescheid erlassen …</span>
            </Link>
          ) : null}
        </div>
        {c.fourEyes && mayDecide ? (
          <p className="kern-body kern-body--small">
            Der freigegebene Entwurf wird unverändert erlassen; speichern Sie Änderungen nur, wenn eine neue
            Freigabe eingeholt werden soll.
          </p>
        ) : null}
      </Form>
    </>
  );
}

function ConfirmDecide({ data, decision: d }: { data: Loaded; decision: LoadedDecision }) {
  const busy = useNavigation().state === "submitting";
  const { openParticipations, case: c } = data;
  return (
    <section className="app-section" aria-labelledby="bestaetigen" data-testid="decide-confirmation">
      <h2 className="kern-heading-medium" id="bestaetigen">
        Bescheid verbindlich erlassen?
      </h2>
      <p className="kern-body">
        Mit dem Erlass ist die Entscheidung getroffen: Der Fall wird abgeschlossen, der Bescheid und die
        gestempelten Bauvorlagen werden erzeugt und den Antragstellenden zugestellt, die beteiligten Stellen
        werden informiert und verlieren den Zugriff auf die Unterlagen. Das kann nicht rückgängig gemacht
        werden.
      </p>
      {d.reasons.includes(TO_BE_WRITTEN) || d.deviations.some((x) => x.text.includes(TO_BE_WRITTEN)) ? (
        <Alert tone="warning" title="Noch Platzhalter im Entwurf">
          <p className="kern-body" data-testid="placeholder-warning">
            Begründung oder Abweichungen enthalten noch „{TO_BE_WRITTEN}“ an Stellen, die Sie ergänzen
            wollten. Gehen Sie zurück zum Entwurf, wenn der Bescheid so nicht erlassen werden soll.
          </p>
        </Alert>
      ) : null}
      <DescriptionList
        items={[
          { label: "Entscheidung", value: decisionKindLabel(d.kind) },
          { label: "Nebenbestimmungen", value: String(d.conditions.length) },
          { label: "Maßgebliche Bauvorlagen", value: String(d.documents.length) },
          {
            label: "Davon gestempelt",
            value: String(d.documents.filter((x) => x.stamp).length),
          },
          { label: "Gebühr", value: <FeeTotal cents={d.feeTotalCents} /> },
        ]}
      />
      <Form method="post">
        <input type="hidden" name="intent" value="decide" />
        {openParticipations.length > 0 ? (
          <div className="kern-form-check" style={{ marginBlock: "1rem" }}>
            <input
              className="kern-form-check__input"
              type="checkbox"
              id="confirmOpenParticipations"
              name="confirmOpenParticipations"
            />
            <label className="kern-label" htmlFor="confirmOpenParticipations">
              Ohne die ausstehenden Stellungnahmen entscheiden (
              {openParticipations.map((p) => p.agencyName).join(", ")})
            </label>
          </div>
        ) : null}
        <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
            <span className="kern-label">Jetzt verbindlich erlassen</span>
          </button>
          <Link className="kern-btn kern-btn--secondary" to={`/behoerde/faelle/${c.id}/bescheid`}>
            <span className="kern-label">Zurück zum Entwurf</span>
          </Link>
        </div>
      </Form>
    </section>
  );
}

function FeeTotal({ cents }: { cents: number }) {
  return <>{(cents / 100).toLocaleString("de-DE", { style: "currency", currency: "EUR" })}</>;
}

function DecidedView({
  data,
  decision: d,
  justDecided,
}: {
  data: Loaded;
  decision: LoadedDecision;
  justDecided: boolean;
}) {
  const versions = new Map(
    data.documents.flatMap((doc) => doc.versions.map((v) => [v.id, { doc, v }] as const)),
  );
  return (
    <>
      {justDecided ? (
        <Alert tone="success" title="Bescheid erlassen">
          <p className="kern-body" data-testid="decision-notice">
            Die Entscheidung ist getroffen. Bescheid und genehmigte Bauvorlagen werden jetzt erzeugt und
            zugestellt.
          </p>
        </Alert>
      ) : null}
      {data.decided ? <DecisionSection decision={data.decided} /> : null}
      <section className="app-section" aria-labelledby="inhalt">
        <h2 className="kern-heading-medium" id="inhalt">
          Inhalt der Entscheidung
        </h2>
        <DescriptionList
          items={[
            { label: "Entscheidung", value: decisionKindLabel(d.kind) },
            {
              label: "Erlassen",
              value: (
                <>
                  <time dateTime={d.decidedAt ? isoString(d.decidedAt) : undefined}>
                    {formatDateTime(d.decidedAt)}
                  </time>{" "}
                  von {d.decidedBy?.displayName ?? "–"}
                </>
              ),
            },
            ...(d.approvedBy ? [{ label: "Freigegeben von", value: d.approvedBy.displayName }] : []),
            { label: "Gültig bis", value: d.validUntil ? formatDate(d.validUntil) : "–" },
          ]}
        />
        <h3 className="kern-heading-small">Nebenbestimmungen</h3>
        {d.conditions.length === 0 ? (
          <p className="kern-body">Keine.</p>
        ) : (
          <ol className="app-findings" data-testid="decided-conditions">
            {d.conditions.map((cond) => (
              <li key={cond.id} className="app-finding">
                <span className="kern-body kern-body--bold">
                  {CONDITION_KIND_LABELS[cond.kind as keyof typeof CONDITION_KIND_LABELS] ?? cond.kind}:
                </span>{" "}
                {cond.text}
                <span className="app-finding__basis">
                  {[cond.legalBasis, cond.sourceLabel ? `Quelle: ${cond.sourceLabel}` : null]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </li>
            ))}
          </ol>
        )}
        {d.deviations.length > 0 ? (
          <>
            <h3 className="kern-heading-small">Zugelassene Abweichungen</h3>
            <ol className="app-findings">
              {d.deviations.map((x) => (
                <li key={x.text} className="app-finding">
                  {x.text}
                  <span className="app-finding__basis">{x.legalBasis}</span>
                </li>
              ))}
            </ol>
          </>
        ) : null}
        <h3 className="kern-heading-small">Maßgebliche Bauvorlagen</h3>
        <ul className="kern-list">
          {d.documents.map((x) => {
            const found = versions.get(x.documentVersionId);
            return (
              <li key={x.documentVersionId}>
                {found ? `${found.doc.title}, Version ${found.v.versionNumber}` : x.documentVersionId}
                {found ? <code> sha256 {found.v.sha256.slice(0, 12)}…</code> : null}
                {x.stamp ? " (gestempelt)" : ""}
              </li>
            );
          })}
        </ul>
        <h3 className="kern-heading-small">Gebühr</h3>
        <FeeTable lines={d.feeLines} totalCents={d.feeTotalCents} />
      </section>
    </>
  );
}
