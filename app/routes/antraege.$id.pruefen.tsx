import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import {
  evaluateBase,
  groupFindings,
  openCountText,
  toCompletenessBase,
} from "~/components/completeness-panel";
import { ConfirmAction, carriedFields, isCancelled, isConfirmed } from "~/components/confirm-action";
import { findingHref, stepForSection } from "~/components/draft/steps";
import { DataSummary } from "~/components/draft/summary";
import { procedureLabel } from "~/components/status";
import { StepIndicator } from "~/components/step-indicator";
import { type EvaluateInput, evaluateCompleteness, type Finding } from "~/domain/completeness";
import { documentTypeLabel } from "~/domain/document-types";
import { completenessInputFor, getDraftForMember } from "~/models/draft.server";
import { submitApplication } from "~/models/submission.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Prüfen und einreichen – ${data?.application.title || "Antrag"} – Bauantrag` },
];

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const view = await getDraftForMember(user, params.id ?? "");
  if (!view) notFound(NOT_FOUND);
  if (!view.editable) throw redirect(`/antraege/${view.id}`);
  const base = toCompletenessBase(completenessInputFor(view));
  return {
    application: {
      id: view.id,
      title: view.title,
      version: view.version,
      procedureType: view.procedureType,
      authority: view.authority.name,
      municipality: view.municipality?.name ?? null,
      maySubmit: view.maySubmit,
      myRole: view.myRole,
    },
    data: view.data,
    documents: view.documents.map((d) => ({
      typeCode: d.typeCode,
      title: d.title || documentTypeLabel(d.typeCode),
      latest: d.versions[0]
        ? {
            id: d.versions[0].id,
            versionNumber: d.versions[0].versionNumber,
            filename: d.versions[0].filename,
            pageCount: d.versions[0].pageCount,
          }
        : null,
    })),
    base,
  };
}

/** Blocking findings if the person submitted now with these documents marked "wird nachgereicht". */
function missingWithChoice(input: EvaluateInput, laterCodes: string[]): Finding[] {
  const later = new Set(laterCodes);
  const documents = (input.documents ?? []).map((d) => ({ ...d, toBeSubmittedLater: later.has(d.typeCode) }));
  for (const code of later) {
    if (!documents.some((d) => d.typeCode === code)) {
      documents.push({ typeCode: code, hasFile: false, toBeSubmittedLater: true });
    }
  }
  return evaluateCompleteness({ ...input, documents }).findings.filter((f) => f.blocking);
}

function incompleteReply(blocking: Finding[]) {
  return {
    kind: "error" as const,
    message:
      "Der Antrag ist noch nicht vollständig. Bitte ergänzen Sie die unten aufgeführten Angaben oder markieren Sie fehlende Unterlagen als „wird nachgereicht“.",
    findings: blocking.map((f) => f.message),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const applicationId = params.id ?? "";
  const form = await request.formData();
  const later = form.getAll("later").map(String);
  // Irreversible: the first post shows what submitting means; only the confirmation submits.
  if (isCancelled(form)) return { kind: "back" as const, later };
  if (!isConfirmed(form)) {
    const view = await getDraftForMember(user, applicationId);
    if (!view) notFound(NOT_FOUND);
    if (!view.editable) return redirect(`/antraege/${view.id}`);
    // What is missing is said before the confirmation, not after it (the submission checks again).
    const blocking = missingWithChoice(completenessInputFor(view), later);
    if (blocking.length > 0) return incompleteReply(blocking);
    return { kind: "confirm" as const, fields: carriedFields(form), later, authority: view.authority.name };
  }
  const result = await submitApplication(user, applicationId, {
    expectedVersion: Number(form.get("expectedVersion")),
    laterDocumentTypeCodes: form.getAll("later").map(String),
  });
  if (result.ok) return redirect(`/antraege/${applicationId}?eingereicht=1`);
  if (result.reason === "not-editable") return redirect(`/antraege/${applicationId}`);
  if (result.reason === "incomplete") return incompleteReply(result.findings.filter((f) => f.blocking));
  if (result.reason === "checking") {
    return {
      kind: "error" as const,
      message: `${result.files.map((f) => `„${f}“`).join(", ")} ${result.files.length === 1 ? "wird" : "werden"} noch geprüft. Bitte warten Sie, bis die Prüfung abgeschlossen ist (meist wenige Sekunden), und reichen Sie dann erneut ein.`,
      findings: [],
    };
  }
  if (result.reason === "consent-missing" || result.reason === "outside-district") {
    return { kind: "error" as const, message: result.message, findings: [] as string[] };
  }
  if (result.reason === "conflict") {
    return {
      kind: "error" as const,
      message:
        "Der Antrag wurde zwischenzeitlich von einer anderen beteiligten Person geändert. Bitte prüfen Sie die Zusammenfassung unten erneut und reichen Sie dann ein.",
      findings: [],
    };
  }
  return {
    kind: "error" as const,
    message:
      "Einreichen dürfen nur Bauherr:innen, Entwurfsverfasser:innen oder Bevollmächtigte, die am Antrag beteiligt sind.",
    findings: [],
  };
}

export default function ReviewAndSubmit() {
  const { application, data, documents, base } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const actionData = posted?.kind === "error" ? posted : undefined;
  const laterChosen = posted && posted.kind !== "error" ? posted.later : null;
  const busy = useNavigation().state === "submitting";
  const result = evaluateBase(base);
  const groups = groupFindings(result.findings);
  const docFindings = [...groups.missingDocuments, ...groups.laterDocuments];
  const fieldsMissing = groups.missingFields.length > 0;
  const canSubmit = application.maySubmit && !fieldsMissing;
  const id = application.id;

  if (posted?.kind === "confirm") {
    const laterLabels = posted.later.map((code) => documentTypeLabel(code));
    return (
      <>
        <PageHeader
          title="Antrag einreichen?"
          lead={`${application.title} · ${procedureLabel(application.procedureType)} · ${posted.authority}`}
        />
        <ConfirmAction
          title="Bitte bestätigen Sie das Einreichen"
          intro="Das Einreichen kann nicht rückgängig gemacht werden."
          consequences={[
            `Der Antrag geht mit den Angaben und Unterlagen, die Sie geprüft haben, an ${posted.authority}.`,
            "Sie erhalten ein Aktenzeichen und eine Eingangsbestätigung; der Antrag liegt dann im Posteingang der Behörde.",
            "Angaben und Unterlagen können danach nicht mehr geändert werden – nur noch, wenn die Behörde etwas nachfordert. Zurücknehmen können Sie den Antrag bis zur Entscheidung.",
            ...(laterLabels.length > 0
              ? [
                  `Als „wird nachgereicht“ markiert (${laterLabels.length}): ${laterLabels.join(", ")}. Diese Unterlagen bleiben als offene Punkte beim Antrag vermerkt.`,
                ]
              : []),
          ]}
          confirmLabel="Ja, Antrag jetzt verbindlich einreichen"
          fields={posted.fields}
          cancel={{ post: true, label: "Zurück zur Prüfung" }}
        />
      </>
    );
  }

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/antraege/${id}`}>
          Zur Übersicht des Antrags
        </Link>
      </p>
      <PageHeader
        title="Prüfen und einreichen"
        lead={`${application.title} · ${procedureLabel(application.procedureType)} · ${application.authority}`}
      />
      <StepIndicator applicationId={id} current="pruefen" />

      {actionData ? (
        <Alert tone="danger" title="Der Antrag wurde nicht eingereicht">
          <p className="kern-body" data-testid="submit-error">
            {actionData.message}
          </p>
          {actionData.findings.length > 0 ? (
            <ul className="kern-list">
              {actionData.findings.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}

      <CompletenessSection applicationId={id} result={result} groups={groups} />

      <Form method="post" className="app-section">
        <input type="hidden" name="expectedVersion" value={application.version} />
        <DocumentsSection
          applicationId={id}
          docFindings={docFindings}
          laterChosen={laterChosen}
          documents={documents}
        />

        <section className="app-section" aria-labelledby="angaben">
          <h2 className="kern-heading-medium" id="angaben">
            Ihre Angaben
          </h2>
          <DataSummary
            data={data}
            headingLevel={3}
            editHref={(section) => `${stepForSection(section).href(id)}`}
          />
        </section>

        <SubmitSection
          maySubmit={application.maySubmit}
          authority={application.authority}
          missingFields={groups.missingFields.length}
          disabled={!canSubmit || busy}
        />
      </Form>
    </>
  );
}

type ReviewData = ReturnType<typeof useLoaderData<typeof loader>>;

/** How many points are open: missing required data (linked to their step) and notices. */
function CompletenessSection({
  applicationId: id,
  result,
  groups,
}: {
  applicationId: string;
  result: ReturnType<typeof evaluateBase>;
  groups: ReturnType<typeof groupFindings>;
}) {
  return (
    <section className="app-section" aria-labelledby="stand">
      <h2 className="kern-heading-medium" id="stand">
        Stand der Vollständigkeit
      </h2>
      <p
        className="kern-body kern-body--large"
        data-testid="completeness-count"
        data-count={result.counts.blocking}
      >
        {openCountText(result.counts.blocking)}
      </p>

      {groups.missingFields.length > 0 ? (
        <div data-testid="missing-fields">
          <h3 className="kern-heading-small">Pflichtangaben fehlen ({groups.missingFields.length})</h3>
          <ul className="app-findings">
            {groups.missingFields.map((f) => (
              <li key={`${f.ruleId}-${f.path ?? ""}`} className="app-finding app-finding--error">
                <Link className="kern-link" to={findingHref(id, f)}>
                  {f.message}
                </Link>
                <span className="app-finding__basis">
                  {f.section !== "procedure" && f.section !== "documents"
                    ? `${stepForSection(f.section).title} · `
                    : ""}
                  {f.legalBasis}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {groups.notices.length > 0 ? (
        <div>
          <h3 className="kern-heading-small">Hinweise ({groups.notices.length})</h3>
          <ul className="app-findings">
            {groups.notices.map((f) => (
              <li key={`${f.ruleId}-${f.path ?? ""}`} className={`app-finding app-finding--${f.severity}`}>
                {f.message}
                <span className="app-finding__basis">{f.legalBasis}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** Missing documents (upload now or mark "wird nachgereicht") and the uploaded ones. */
function DocumentsSection({
  applicationId: id,
  docFindings,
  laterChosen,
  documents,
}: {
  applicationId: string;
  docFindings: ReturnType<typeof groupFindings>["missingDocuments"];
  laterChosen: string[] | null;
  documents: ReviewData["documents"];
}) {
  return (
    <section aria-labelledby="unterlagen-fehlen">
      <h2 className="kern-heading-medium" id="unterlagen-fehlen">
        Unterlagen
      </h2>
      {docFindings.length === 0 ? (
        <p className="kern-body">Alle erforderlichen Unterlagen sind hochgeladen.</p>
      ) : (
        <>
          <p className="kern-body">
            Für jede fehlende Unterlage: jetzt hochladen oder ankreuzen, dass Sie sie nachreichen.
            Nachgereichte Unterlagen bleiben als offene Punkte beim Antrag vermerkt.
          </p>
          {docFindings.map((f) => {
            const code = f.documentTypeCodes?.[0] ?? "";
            const checkboxId = `later-${code}`;
            return (
              <div key={f.ruleId} className="app-doc-choice" data-testid={`missing-document-${code}`}>
                <p className="kern-body kern-body--bold">{f.message}</p>
                <p className="app-finding__basis">{f.legalBasis}</p>
                <div className="app-doc-choice__actions">
                  <Link className="kern-link" to={`/antraege/${id}/unterlagen#dokument-${code}`}>
                    jetzt hochladen<span className="kern-sr-only">: {documentTypeLabel(code)}</span>
                  </Link>
                  <div className="kern-form-check">
                    <input
                      className="kern-form-check__checkbox"
                      type="checkbox"
                      id={checkboxId}
                      name="later"
                      value={code}
                      defaultChecked={
                        laterChosen ? laterChosen.includes(code) : f.status === "to-be-submitted-later"
                      }
                    />
                    <label className="kern-label" htmlFor={checkboxId}>
                      wird nachgereicht<span className="kern-sr-only">: {documentTypeLabel(code)}</span>
                    </label>
                  </div>
                </div>
              </div>
            );
          })}
        </>
      )}
      {documents.some((d) => d.latest) ? (
        <>
          <h3 className="kern-heading-small">Hochgeladen</h3>
          <ul className="kern-list" data-testid="uploaded-documents">
            {documents
              .filter((d) => d.latest)
              .map((d) => (
                <li key={d.typeCode}>
                  {d.title}: {d.latest!.filename} (Version {d.latest!.versionNumber}
                  {d.latest!.pageCount
                    ? `, ${d.latest!.pageCount} ${d.latest!.pageCount === 1 ? "Seite" : "Seiten"}`
                    : ""}
                  )
                </li>
              ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** What submitting means (or why it is not possible yet) and the button. */
function SubmitSection({
  maySubmit,
  authority,
  missingFields,
  disabled,
}: {
  maySubmit: boolean;
  authority: string;
  missingFields: number;
  disabled: boolean;
}) {
  return (
    <section className="app-section" aria-labelledby="einreichen">
      <h2 className="kern-heading-medium" id="einreichen">
        Einreichen
      </h2>
      {!maySubmit ? (
        <p className="kern-body" id="einreichen-hinweis">
          Einreichen dürfen nur Beteiligte in der Rolle Bauherr:in, Entwurfsverfasser:in oder
          Bevollmächtigte:r.
        </p>
      ) : missingFields > 0 ? (
        <p className="kern-body" id="einreichen-hinweis">
          Sie können den Antrag einreichen, sobald alle Pflichtangaben vollständig sind (oben{" "}
          {missingFields === 1 ? "1 fehlende Angabe" : `${missingFields} fehlende Angaben`}
          ).
        </p>
      ) : (
        <p className="kern-body" id="einreichen-hinweis">
          Mit dem Einreichen geht der Antrag mit den oben aufgeführten Angaben und Unterlagen an {authority}.
          Danach erhalten Sie ein Aktenzeichen und eine Eingangsbestätigung. Die Angaben können dann nicht
          mehr geändert werden.
        </p>
      )}
      <div className="app-form-actions">
        <button
          type="submit"
          className="kern-btn kern-btn--primary"
          disabled={disabled}
          aria-describedby="einreichen-hinweis"
        >
          <span className="kern-label">Antrag verbindlich einreichen</span>
        </button>
      </div>
    </section>
  );
}
