import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction, carriedFields, isCancelled, isConfirmed } from "~/components/confirm-action";
import { berlinDate, requestDeadlineFromDate } from "~/domain/deadlines";
import { DOCUMENT_TYPES } from "~/domain/document-types";
import { formatDate } from "~/domain/format";
import { isUuid } from "~/models/application.server";
import { getCaseHeaderForClerk } from "~/models/case-file.server";
import {
  FINDING_CATEGORIES,
  getReviewProposal,
  previewConfirmComplete,
  sendRequest,
} from "~/models/review.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Formelle Prüfung ${data?.case.fileNumber ?? ""} – Bauantrag` },
];

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";
const MAX_ITEMS = 100;

interface ItemRow {
  key: string;
  keep: boolean;
  category: string;
  message: string;
  ruleId: string;
  documentTypeCode: string;
  fieldPath: string;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const c = await getCaseHeaderForClerk(user.authorityId, id);
  if (!c) notFound(NOT_FOUND);
  const proposal = await getReviewProposal(user, id);
  const twoWeeks = new Date(Date.now() + 14 * 86_400_000);
  // "Vollständigkeit bestätigen" on the case page leads here: a page naming the consequences.
  const completion =
    new URL(request.url).searchParams.get("bestaetigen") === "vollstaendig"
      ? await previewConfirmComplete(user, id)
      : null;
  return {
    case: c,
    completion: completion
      ? {
          dueAt: completion.deadline?.dueAt ?? null,
          months: completion.deadline?.months ?? null,
          fiction: completion.deadline?.fiction ?? false,
          legalBasis: completion.deadline?.legalBasis ?? null,
        }
      : null,
    proposal: (proposal?.items ?? []).map((p, i) => ({
      key: `p${i}`,
      keep: true,
      category: p.category,
      message: p.message,
      ruleId: p.ruleId,
      documentTypeCode: p.documentTypeCode ?? "",
      fieldPath: p.fieldPath ?? "",
      legalBasis: p.legalBasis,
      source: p.source,
    })),
    defaultDeadline: berlinDate(twoWeeks),
    today: berlinDate(new Date()),
    categories: Object.entries(FINDING_CATEGORIES).map(([code, label]) => ({ code, label })),
    documentTypes: DOCUMENT_TYPES.map((d) => ({ code: d.code, label: d.shortLabel })),
  };
}

function readItems(form: FormData): ItemRow[] {
  const rows: ItemRow[] = [];
  for (let i = 0; i < MAX_ITEMS + 20; i++) {
    const message = form.get(`items[${i}].message`);
    if (message === null) continue;
    rows.push({
      key: `f${i}`,
      keep: form.get(`items[${i}].keep`) === "on",
      category: String(form.get(`items[${i}].category`) ?? ""),
      message: String(message),
      ruleId: String(form.get(`items[${i}].ruleId`) ?? ""),
      documentTypeCode: String(form.get(`items[${i}].documentTypeCode`) ?? ""),
      fieldPath: String(form.get(`items[${i}].fieldPath`) ?? ""),
    });
  }
  return rows;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  const form = await request.formData();
  const rows = readItems(form);
  const values = {
    rows,
    message: String(form.get("message") ?? ""),
    internalNote: String(form.get("internalNote") ?? ""),
    bylawReference: String(form.get("bylawReference") ?? ""),
    deadline: String(form.get("deadline") ?? ""),
  };
  const deadline = requestDeadlineFromDate(values.deadline);
  if (!deadline) return { message: "Bitte geben Sie die Frist als Datum an.", values };
  if (isCancelled(form)) return { message: "", values };
  const items = rows
    .filter((r) => r.keep && r.message.trim() !== "")
    .map((r) => ({
      category: r.category,
      message: r.message,
      ruleId: r.ruleId || null,
      documentTypeCode: r.documentTypeCode || null,
      fieldPath: r.fieldPath || null,
    }));
  // Irreversible: the first post shows what sending means; only the confirmation sends.
  if (!isConfirmed(form)) {
    if (items.length === 0) {
      return { message: "Bitte geben Sie mindestens einen Punkt an, der nachgefordert werden soll.", values };
    }
    return {
      message: "",
      values,
      confirm: {
        fields: carriedFields(form),
        items: items.map((i) => i.message.trim()),
        deadline: deadline.toISOString(),
      },
    };
  }
  const result = await sendRequest(user, id, {
    items,
    message: values.message,
    internalNote: values.internalNote,
    bylawReference: values.bylawReference.trim() || null,
    deadline,
  });
  if (!result.ok) return { message: result.message, values };
  return redirect(`/behoerde/faelle/${id}?nachforderung=gesendet`);
}

export default function ReviewForm() {
  const {
    case: c,
    completion,
    proposal,
    defaultDeadline,
    today,
    documentTypes,
    categories,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const initial: ItemRow[] = actionData?.values.rows ?? [
    ...proposal,
    { key: "new0", keep: true, category: "05", message: "", ruleId: "", documentTypeCode: "", fieldPath: "" },
  ];
  const [rows, setRows] = useState<ItemRow[]>(initial);
  const [counter, setCounter] = useState(1);
  const reviewable = c.status === "SUBMITTED" || c.status === "IN_REVIEW";
  const update = (key: string, patch: Partial<ItemRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const lead = `${c.title || "Antrag ohne Titel"}, Aktenzeichen ${c.fileNumber ?? "–"}`;

  if (actionData && "confirm" in actionData && actionData.confirm) {
    const { confirm } = actionData;
    return (
      <>
        <PageHeader title="Nachforderung senden?" lead={lead} />
        <ConfirmAction
          title="Bitte bestätigen Sie das Senden der Nachforderung"
          intro="Eine gesendete Nachforderung kann nicht zurückgeholt werden."
          consequences={[
            `${confirm.items.length === 1 ? "Ein Punkt geht" : `${confirm.items.length} Punkte gehen`} an Antragsteller:in und Entwurfsverfasser:in (Benachrichtigung und XBau-Nachricht 0201).`,
            `Frist für die Nachreichung: ${formatDate(confirm.deadline)}.`,
            "Der Fall gilt bis zur Nachreichung als unvollständig; Angaben und Unterlagen können in dieser Zeit von der Antragsseite geändert werden.",
          ]}
          confirmLabel="Ja, Nachforderung jetzt senden"
          fields={confirm.fields}
          cancel={{ post: true, label: "Zurück zur Bearbeitung" }}
        >
          <ol className="kern-list" data-testid="confirm-items">
            {confirm.items.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the posted order is the item number
              <li key={i}>{m}</li>
            ))}
          </ol>
        </ConfirmAction>
      </>
    );
  }

  if (completion && reviewable) {
    return (
      <>
        <PageHeader title="Vollständigkeit bestätigen?" lead={lead} />
        <ConfirmAction
          title="Bitte bestätigen Sie die Vollständigkeit"
          intro="Die Bestätigung kann nicht rückgängig gemacht werden."
          consequences={[
            "Der Antrag gilt als vollständig; Antragsteller:in und Entwurfsverfasser:in werden benachrichtigt (XBau-Nachricht 0201).",
            completion.dueAt
              ? `Die Entscheidungsfrist beginnt heute: Entscheidung spätestens am ${formatDate(completion.dueAt)} (${completion.months} ${completion.months === 1 ? "Monat" : "Monate"}, ${completion.legalBasis})${completion.fiction ? "; danach gilt die Genehmigung als erteilt" : ""}.`
              : "Für dieses Verfahren setzt das Land keine Entscheidungsfrist; es läuft keine Frist an.",
            "Eine Nachforderung über die formelle Prüfung ist danach nicht mehr möglich.",
            ...(proposal.length > 0
              ? [
                  `Die automatische Prüfung meldet noch ${proposal.length === 1 ? "einen offenen Punkt" : `${proposal.length} offene Punkte`}: ${proposal.map((p) => p.message).join("; ")}.`,
                ]
              : []),
          ]}
          confirmLabel="Ja, Vollständigkeit jetzt bestätigen"
          fields={[["intent", "confirm-complete"]]}
          action={`/behoerde/faelle/${c.id}?index`}
          cancel={{ href: `/behoerde/faelle/${c.id}`, label: "Abbrechen" }}
        />
      </>
    );
  }

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/behoerde/faelle/${c.id}`}>
          Zurück zum Fall
        </Link>
      </p>
      <PageHeader title="Formelle Prüfung" lead={lead} />
      {!reviewable ? (
        <Alert tone="info" title="Keine Prüfung möglich">
          <p className="kern-body">Dieser Fall ist nicht (mehr) in der Vollständigkeitsprüfung.</p>
        </Alert>
      ) : null}
      {actionData?.message ? (
        <Alert tone="danger" title="Nachforderung nicht gesendet" announce>
          <p className="kern-body" data-testid="review-error">
            {actionData.message}
          </p>
        </Alert>
      ) : null}
      <Form method="post" data-testid="review-form">
        <section className="app-section" aria-labelledby="befunde">
          <h2 className="kern-heading-medium" id="befunde">
            Befunde
          </h2>
          <p className="kern-body">
            Vorgeschlagen aus der automatischen Prüfung ({proposal.length}). Entfernen Sie, was nicht
            nachgefordert werden soll, und ergänzen Sie eigene Punkte. Leere Punkte werden ignoriert.
          </p>
          <ol className="app-findings" data-testid="review-items">
            {rows.map((r, i) => (
              <li key={r.key} className="app-finding" data-testid="review-item">
                <input type="hidden" name={`items[${i}].ruleId`} value={r.ruleId} />
                <input type="hidden" name={`items[${i}].fieldPath`} value={r.fieldPath} />
                <div className="kern-form-check">
                  <input
                    className="kern-form-check__input"
                    type="checkbox"
                    id={`item-${r.key}-keep`}
                    name={`items[${i}].keep`}
                    checked={r.keep}
                    onChange={(e) => update(r.key, { keep: e.target.checked })}
                  />
                  <label className="kern-label" htmlFor={`item-${r.key}-keep`}>
                    Punkt {i + 1} nachfordern
                  </label>
                </div>
                <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem" }}>
                  <div className="kern-form-input">
                    <label className="kern-label" htmlFor={`item-${r.key}-category`}>
                      Befundart
                    </label>
                    <div className="kern-form-input__select-wrapper">
                      <select
                        id={`item-${r.key}-category`}
                        name={`items[${i}].category`}
                        className="kern-form-input__select"
                        value={r.category}
                        onChange={(e) => update(r.key, { category: e.target.value })}
                      >
                        {categories.map((k) => (
                          <option key={k.code} value={k.code}>
                            {k.label}
                          </option>
                        ))}
                      </select>
                    </div>
                  </div>
                  <div className="kern-form-input">
                    <label className="kern-label" htmlFor={`item-${r.key}-doc`}>
                      Betroffene Unterlage
                    </label>
                    <div className="kern-form-input__select-wrapper">
                      <select
                        id={`item-${r.key}-doc`}
                        name={`items[${i}].documentTypeCode`}
                        className="kern-form-input__select"
                        value={r.documentTypeCode}
                        onChange={(e) => update(r.key, { documentTypeCode: e.target.value })}
                      >
                        <option value="">keine</option>
                        {documentTypes.map((d) => (
                          <option key={d.code} value={d.code}>
                            {d.label}
                          </option>
                        ))}
                      </select>
                    </div>
                  </div>
                </div>
                <div className="kern-form-input">
                  <label className="kern-label" htmlFor={`item-${r.key}-message`}>
                    Was fehlt oder ist mangelhaft?
                  </label>
                  <textarea
                    id={`item-${r.key}-message`}
                    name={`items[${i}].message`}
                    className="kern-form-input__input"
                    rows={2}
                    maxLength={2000}
                    value={r.message}
                    onChange={(e) => update(r.key, { message: e.target.value })}
                  />
                </div>
                <button
                  type="button"
                  className="kern-btn kern-btn--tertiary"
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                >
                  <span className="kern-label">Punkt {i + 1} entfernen</span>
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            className="kern-btn kern-btn--secondary"
            disabled={rows.length >= MAX_ITEMS}
            onClick={() => {
              setRows((rs) => [
                ...rs,
                {
                  key: `new${counter}`,
                  keep: true,
                  category: "05",
                  message: "",
                  ruleId: "",
                  documentTypeCode: "",
                  fieldPath: "",
                },
              ]);
              setCounter((n) => n + 1);
            }}
          >
            <span className="kern-label">Weiteren Punkt hinzufügen</span>
          </button>
        </section>
        <section className="app-section" aria-labelledby="anschreiben">
          <h2 className="kern-heading-medium" id="anschreiben">
            Nachforderung
          </h2>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="message">
              Anschreiben an Antragsteller:in und Entwurfsverfasser:in
            </label>
            <textarea
              id="message"
              name="message"
              className="kern-form-input__input"
              rows={4}
              maxLength={5000}
              defaultValue={
                actionData?.values.message ??
                "Ihr Antrag ist noch nicht vollständig. Bitte reichen Sie die folgenden Punkte bis zur genannten Frist nach."
              }
            />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="bylawReference">
              Örtliche Satzung (optional)
            </label>
            <input
              id="bylawReference"
              name="bylawReference"
              className="kern-form-input__input"
              maxLength={300}
              defaultValue={actionData?.values.bylawReference ?? ""}
            />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="deadline">
              Frist
            </label>
            <input
              id="deadline"
              name="deadline"
              type="date"
              className="kern-form-input__input"
              min={today}
              required
              defaultValue={actionData?.values.deadline ?? defaultDeadline}
            />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="internalNote">
              Interner Vermerk (nur für die Behörde sichtbar)
            </label>
            <textarea
              id="internalNote"
              name="internalNote"
              className="kern-form-input__input"
              rows={3}
              maxLength={5000}
              defaultValue={actionData?.values.internalNote ?? ""}
            />
          </div>
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy || !reviewable}>
            <span className="kern-label">Nachforderung senden</span>
          </button>
        </section>
      </Form>
    </>
  );
}
