import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { evaluateBase, groupFindings, toCompletenessBase } from "~/components/completeness-panel";
import { ConfirmAction, carriedFields, isCancelled, isConfirmed } from "~/components/confirm-action";
import { CompletenessSection, DocumentsSection, SubmitSection } from "~/components/draft/review-sections";
import { stepForSection } from "~/components/draft/steps";
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
