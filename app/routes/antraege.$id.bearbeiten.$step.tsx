import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { CompletenessPanel, evaluateBase, toCompletenessBase } from "~/components/completeness-panel";
import {
  type AutosaveReply,
  AutosaveStatus,
  LeaveDialog,
  useDraftAutosave,
} from "~/components/draft/autosave";
import { parseSection } from "~/components/draft/form-schemas";
import { SectionFields, type Values } from "~/components/draft/step-fields";
import { ALL_STEPS, FORM_STEPS, stepBySlug } from "~/components/draft/steps";
import { IntentButton } from "~/components/intent-button";
import { procedureLabel } from "~/components/status";
import { StepIndicator } from "~/components/step-indicator";
import { formatDate, formatTime } from "~/domain/format";
import { resolveProfile } from "~/domain/land-profiles";
import { completenessInputFor, getDraftForMember, saveDraftSection } from "~/models/draft.server";
import { requireUser } from "~/utils/auth.server";
import { notFound } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.step.title ?? "Antrag"} – ${data?.application.title || "Antrag"} – Bauantrag` },
];

const NOT_FOUND = "Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.";

function conflictMessage(changedBy: string | null, changedAt: Date): string {
  const who = changedBy ?? "einer anderen beteiligten Person";
  const sameDay = formatDate(changedAt) === formatDate(new Date());
  const when = sameDay
    ? `um ${formatTime(changedAt)} Uhr`
    : `am ${formatDate(changedAt)} um ${formatTime(changedAt)} Uhr`;
  return `Dieser Abschnitt wurde zwischenzeitlich von ${who} ${when} gespeichert. Ihre Eingaben sind unten erhalten; bitte prüfen und erneut speichern.`;
}

/** Blocking findings per step slug, for the counts in the step indicator. */
function openBySlug(result: ReturnType<typeof evaluateBase>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of result.findings) {
    if (!f.blocking) continue;
    const slug =
      f.section === "documents"
        ? "unterlagen"
        : (FORM_STEPS.find((s) => s.section === f.section)?.slug ?? "pruefen");
    out[slug] = (out[slug] ?? 0) + 1;
  }
  return out;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const step = stepBySlug(params.step);
  if (!step) notFound("Diesen Schritt gibt es nicht.");
  const view = await getDraftForMember(user, params.id ?? "");
  if (!view) notFound(NOT_FOUND);
  // A submitted case can be changed only while a request (Nachforderung) is open.
  if (!view.editable && !view.requestOpen) throw redirect(`/antraege/${view.id}`);
  const base = toCompletenessBase(completenessInputFor(view));
  const saved = new URL(request.url).searchParams.get("gespeichert") === "1";
  return {
    step: { slug: step.slug, title: step.title, section: step.section },
    application: {
      id: view.id,
      title: view.title,
      version: view.version,
      procedureType: view.procedureType,
      municipality: view.municipality?.name ?? null,
      authority: view.authority.name,
      buildingCode: resolveProfile(view.authority.landProfile).buildingCode,
      authorityAgs: view.authority.ags,
    },
    values: (view.data[step.section] ?? {}) as Values,
    base,
    openBySlug: openBySlug(evaluateBase(base)),
    saved,
  };
}

function applyParcelIntent(payload: Values, intent: string): Values | null {
  const rows = Array.isArray(payload.parcels) ? [...(payload.parcels as Values[])] : [];
  if (rows.length === 0) rows.push({});
  if (intent === "add-parcel") {
    if (rows.length >= 200) return { ...payload, parcels: rows };
    return { ...payload, parcels: [...rows, {}] };
  }
  const m = /^remove-parcel-(\d+)$/.exec(intent);
  if (m) {
    const index = Number(m[1]);
    return { ...payload, parcels: rows.filter((_, i) => i !== index) };
  }
  return null;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const step = stepBySlug(params.step);
  if (!step) notFound("Diesen Schritt gibt es nicht.");
  const applicationId = params.id ?? "";
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "save");
  const expectedVersion = Number(formData.get("expectedVersion"));
  const submission = parseSection(step.section, formData);
  const payload = (submission.payload ?? {}) as Values;
  const nonce = Date.now();

  // Adding or removing a Flurstück: no save, the form comes back with the posted values.
  if (intent.startsWith("add-parcel") || intent.startsWith("remove-parcel-")) {
    const values = applyParcelIntent(payload, intent) ?? payload;
    return { kind: "edited" as const, values, expectedVersion, nonce, lastResult: null, message: null };
  }

  if (submission.status !== "success") {
    return {
      kind: "invalid" as const,
      values: payload,
      expectedVersion,
      nonce,
      lastResult: submission.reply(),
      message: null,
    };
  }

  // Autosave (JavaScript, a moment after typing): answers with the new version, never redirects.
  if (intent === "autosave") return autosave(user, applicationId, step.section, submission, expectedVersion);

  const result = await saveDraftSection(user, applicationId, {
    section: step.section,
    value: submission.value,
    expectedVersion,
  });
  if (result.ok) {
    if (intent === "save-next") {
      const index = ALL_STEPS.findIndex((s) => s.slug === step.slug);
      return redirect(ALL_STEPS[index + 1]!.href(applicationId));
    }
    return redirect(`${step.href(applicationId)}?gespeichert=1`);
  }
  if (result.reason === "not-editable") return redirect(`/antraege/${applicationId}`);
  if (result.reason === "invalid") {
    return {
      kind: "invalid" as const,
      values: payload,
      expectedVersion,
      nonce,
      lastResult: submission.reply({ fieldErrors: result.fieldErrors }),
      message: null,
    };
  }
  // Conflict: keep what the user typed, continue from the latest version.
  return {
    kind: "conflict" as const,
    values: payload,
    expectedVersion: result.currentVersion,
    nonce,
    lastResult: null,
    message: conflictMessage(result.changedBy, result.changedAt),
  };
}

async function autosave(
  user: Awaited<ReturnType<typeof requireUser>>,
  applicationId: string,
  section: (typeof FORM_STEPS)[number]["section"],
  submission: ReturnType<typeof parseSection>,
  expectedVersion: number,
): Promise<AutosaveReply> {
  if (submission.status !== "success") {
    return {
      kind: "autosave-failed",
      message: "Einige Angaben haben noch nicht das erwartete Format (Hinweise am Feld nach „Speichern“).",
    };
  }
  const result = await saveDraftSection(user, applicationId, {
    section,
    value: submission.value,
    expectedVersion,
  });
  if (result.ok) return { kind: "autosaved", version: result.version };
  if (result.reason === "invalid") {
    return { kind: "autosave-failed", message: "Einige Angaben haben nicht das erwartete Format." };
  }
  if (result.reason === "not-editable") {
    return { kind: "autosave-failed", message: "Der Antrag kann derzeit nicht geändert werden." };
  }
  // Someone else saved meanwhile: keep the old version, so "Speichern" shows the conflict and
  // nothing is overwritten silently.
  return { kind: "autosave-failed", message: conflictMessage(result.changedBy, result.changedAt) };
}

/** An autosave changes nothing the page shows: no reload of the loader while typing. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "autosave" ? false : defaultShouldRevalidate;

const passThrough = z.any();

export default function DraftStep() {
  const { step, application, values, base, openBySlug, saved } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  // Autosave answers go to the autosave fetcher; a form post answers with the values it carried.
  const actionData = posted && "values" in posted ? posted : undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const formId = `antrag-${step.section}`;
  const currentValues = (actionData?.values ?? values) as Values;
  const version = actionData?.expectedVersion ?? application.version;
  const stepIndex = ALL_STEPS.findIndex((s) => s.slug === step.slug);
  const next = ALL_STEPS[stepIndex + 1]!;

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/antraege/${application.id}`}>
          Zur Übersicht des Antrags
        </Link>
      </p>
      <PageHeader
        title={step.title}
        lead={`${application.title} · ${procedureLabel(application.procedureType)}${application.municipality ? ` · ${application.municipality}` : ""}`}
      />
      <StepIndicator applicationId={application.id} current={step.slug} openBySlug={openBySlug} />
      <div className="app-form-layout">
        <div>
          {saved && !actionData ? (
            <Alert tone="success" title="Gespeichert">
              <p className="kern-body">
                Ihre Angaben sind gespeichert. Sie können jederzeit hier weitermachen.
              </p>
            </Alert>
          ) : null}
          {actionData?.kind === "conflict" ? (
            <Alert tone="warning" title="Zwischenzeitlich geändert" announce>
              <p className="kern-body" data-testid="conflict-message">
                {actionData.message}
              </p>
            </Alert>
          ) : null}
          {actionData?.kind === "invalid" ? (
            <Alert tone="danger" title="Bitte prüfen Sie Ihre Eingaben">
              <p className="kern-body">
                Einige Angaben haben nicht das erwartete Format. Die Hinweise stehen am Feld.
              </p>
            </Alert>
          ) : null}
          <StepForm
            // A new step (same route module) is a new form: fresh values, version and autosave state.
            key={`${step.slug}-${actionData?.nonce ?? "loaded"}`}
            formId={formId}
            section={step.section}
            values={currentValues}
            version={version}
            lastResult={actionData?.lastResult ?? undefined}
            nextTitle={next.title}
            busy={busy}
            initiallyDirty={actionData != null}
            buildingCode={application.buildingCode}
            authorityAgs={application.authorityAgs}
          />
        </div>
        <aside className="app-form-layout__aside" aria-label="Vollständigkeit des Antrags">
          <CompletenessPanel
            applicationId={application.id}
            base={base}
            live={{ formId, section: step.section }}
          />
        </aside>
      </div>
    </>
  );
}

function StepForm({
  formId,
  section,
  values,
  version,
  lastResult,
  nextTitle,
  busy,
  initiallyDirty,
  buildingCode,
  authorityAgs,
}: {
  formId: string;
  section: (typeof FORM_STEPS)[number]["section"];
  values: Values;
  version: number;
  lastResult?: Parameters<typeof useForm>[0]["lastResult"];
  nextTitle: string;
  busy: boolean;
  initiallyDirty: boolean;
  buildingCode: string;
  authorityAgs: string | null;
}) {
  const autosave = useDraftAutosave({ formId, initialVersion: version, initiallyDirty });
  const [form] = useForm({
    id: formId,
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate({ formData, submitter }) {
      // Adding/removing a row is not a save: never block it on half-filled fields.
      const intent = submitter && "value" in submitter ? String(submitter.value) : "";
      if (intent === "add-parcel" || intent.startsWith("remove-parcel-")) {
        return parseWithZod(formData, { schema: passThrough });
      }
      return parseSection(section, formData);
    },
  });
  const errors = form.allErrors as Record<string, string[] | undefined>;
  const formProps = getFormProps(form);
  return (
    <Form
      method="post"
      {...formProps}
      className="app-form"
      onChange={autosave.onChange}
      onSubmit={(event) => {
        formProps.onSubmit(event);
        autosave.onSubmitting(event);
      }}
    >
      {/* Enter in a field saves (the first submit button is the default; row buttons come later). */}
      <button
        type="submit"
        name="intent"
        value="save"
        className="app-default-submit"
        tabIndex={-1}
        aria-hidden="true"
      >
        Speichern
      </button>
      <input type="hidden" name="expectedVersion" value={autosave.version} />
      <SectionFields ctx={{ section, values, errors, buildingCode, authorityAgs }} />
      <div className="app-form-actions">
        <IntentButton intent="save" variant="secondary" disabled={busy}>
          Speichern
        </IntentButton>
        <button
          type="submit"
          name="intent"
          value="save-next"
          className="kern-btn kern-btn--primary"
          disabled={busy}
          aria-label={`Speichern und weiter zu „${nextTitle}“`}
        >
          <span className="kern-label">Speichern und weiter</span>
          <span className="kern-icon kern-icon--arrow-forward" aria-hidden="true" />
        </button>
      </div>
      <AutosaveStatus status={autosave.status} />
      <LeaveDialog
        blocker={autosave.blocker}
        onSaveAndLeave={autosave.saveAndLeave}
        saving={autosave.status.state === "saving"}
      />
    </Form>
  );
}
