import { Form, Link, useSearchParams } from "@remix-run/react";
import { ConfirmAction } from "~/components/confirm-action";
import { DescriptionList } from "~/components/description-list";
import { receivedPhrase } from "~/components/paper-intake/intake-channel";
import { procedureLabel, StatusBadge } from "~/components/status";
import { formatDate, formatDateTime, isoString } from "~/domain/format";
import type { LoadedCase } from "./case-page-types";

/**
 * The head of the clerk's case page: the case facts, the running deadlines and the processing
 * controls (assignment, review, completeness, onward links to Beteiligung and Bescheid).
 */

type Case = LoadedCase["case"];

const ROLE_LABELS: Record<string, string> = {
  BAUHERR: "Bauherr:in",
  ENTWURFSVERFASSER: "Entwurfsverfasser:in",
  BEVOLLMAECHTIGTER: "Bevollmächtigte:r",
};
function roleLabel(role: string) {
  return ROLE_LABELS[role] ?? role;
}

export function CaseFacts({ c, members }: { c: Case; members: LoadedCase["members"] }) {
  return (
    <DescriptionList
      items={[
        { label: "Status", value: <StatusBadge status={c.status} /> },
        { label: "Aktenzeichen", value: c.fileNumber ?? "–" },
        { label: "Verfahrensart", value: procedureLabel(c.procedureType) },
        { label: "Gemeinde", value: c.municipality ?? "–" },
        {
          label: c.intakeChannel ? "Erfasst von" : "Eingereicht von",
          value: `${c.createdBy.displayName} (${c.createdBy.email})`,
        },
        {
          label: "Beteiligte",
          value: members.length ? members.map((m) => `${m.name} (${roleLabel(m.role)})`).join(", ") : "–",
        },
        // A registered paper/e-mail application has an Eingangsdatum (a day), not a moment.
        c.intakeChannel
          ? {
              label: "Eingang",
              value: (
                <span data-testid="case-intake">
                  {formatDate(c.submittedAt)}, {receivedPhrase(c.intakeChannel)}
                </span>
              ),
            }
          : { label: "Eingang", value: formatDateTime(c.submittedAt) },
        ...(c.completeAt ? [{ label: "Vollständig seit", value: formatDateTime(c.completeAt) }] : []),
        ...(c.withdrawnAt ? [{ label: "Zurückgenommen am", value: formatDateTime(c.withdrawnAt) }] : []),
      ]}
    />
  );
}

export function DeadlinesSection({ deadlines }: { deadlines: LoadedCase["deadlines"] }) {
  return (
    <section className="app-section" aria-labelledby="fristen" data-testid="deadlines">
      <h2 className="kern-heading-medium" id="fristen">
        Fristen
      </h2>
      <ul className="kern-list">
        <DeadlineRow testId="deadline-request" label="Frist der Nachforderung" info={deadlines.request} />
        <DeadlineRow
          testId="deadline-decision"
          label="Entscheidung spätestens am"
          info={deadlines.decision}
        />
        {!deadlines.request && !deadlines.decision ? (
          deadlines.next ? (
            <DeadlineRow testId="deadline-next" label="Nächste Frist" info={deadlines.next} />
          ) : (
            <li>Zurzeit läuft keine Frist.</li>
          )
        ) : null}
        {deadlines.fiction?.note ? (
          <li data-testid="deadline-decision-note">{deadlines.fiction.note}</li>
        ) : null}
      </ul>
      {deadlines.fiction ? <DecisionFictionControls fiction={deadlines.fiction} /> : null}
    </section>
  );
}

type FictionControls = NonNullable<LoadedCase["deadlines"]["fiction"]>;

/**
 * § 63 Abs. 2 Sätze 3 and 4 LBauO M-V (where the Land profile has them): the Mitteilung to the
 * Bauherr after a refused Einvernehmen (irreversible, so through a confirmation page) and the
 * Vermerk "Verbandsbeteiligung erforderlich" (can be lifted again).
 */
function DecisionFictionControls({ fiction }: { fiction: FictionControls }) {
  const [params] = useSearchParams();
  const { notice, association } = fiction;
  const confirming = params.get("bestaetigen") === "mitteilung-ersetzung" && notice?.possible;
  return (
    <div data-testid="decision-fiction-controls">
      {notice?.sentAt ? (
        <p className="kern-body" data-testid="replacement-notice-sent">
          Mitteilung an Bauherr:in (Einvernehmen versagt, Ersetzung soll erfolgen) gesendet am{" "}
          {formatDateTime(notice.sentAt)} ({notice.legalBasis}).
        </p>
      ) : null}
      {confirming && notice ? (
        <ConfirmAction
          title="Mitteilung an Bauherr:in senden?"
          intro="Die Gemeinde hat ihr Einvernehmen versagt; die Bauaufsicht will es ersetzen."
          consequences={[
            "Bauherr:in wird mitgeteilt, dass die Gemeinde ihr Einvernehmen versagt hat und die Ersetzung erfolgen soll.",
            `Danach gilt die Genehmigung nicht mehr nach Ablauf der Entscheidungsfrist als erteilt (${notice.legalBasis}).`,
            "Die Mitteilung wird mit Datum in der Akte vermerkt und kann nicht zurückgenommen werden.",
          ]}
          confirmLabel="Mitteilung senden"
          fields={[["intent", "replacement-notice"]]}
          cancel={{ href: ".", label: "Zurück" }}
        />
      ) : notice?.possible ? (
        <Form method="post">
          <input type="hidden" name="intent" value="replacement-notice" />
          <p className="kern-body">
            Die Gemeinde hat ihr Einvernehmen versagt. Soll es ersetzt werden, teilen Sie das Bauherr:in bis
            zum {formatDate(notice.dueAt)} mit; dann gilt die Genehmigung nicht nach Fristablauf als erteilt (
            {notice.legalBasis}).
          </p>
          <button type="submit" className="kern-btn kern-btn--secondary" data-testid="replacement-notice">
            <span className="kern-label">Mitteilung an Bauherr:in senden …</span>
          </button>
        </Form>
      ) : null}
      {association ? (
        <Form method="post">
          <input type="hidden" name="intent" value="association-participation" />
          <input type="hidden" name="required" value={association.required ? "nein" : "ja"} />
          <button
            type="submit"
            className="kern-btn kern-btn--tertiary"
            data-testid="association-participation"
          >
            <span className="kern-label">
              {association.required
                ? "Vermerk „Verbandsbeteiligung erforderlich“ aufheben"
                : `Verbandsbeteiligung erforderlich (${association.legalBasis})`}
            </span>
          </button>
        </Form>
      ) : null}
    </div>
  );
}

/** Statuses after the completeness check: Beteiligung and Bescheid can be opened. */
const AFTER_COMPLETE = ["COMPLETE", "PARTICIPATION", "DECISION_PENDING", "DECIDED"];

export function ProcessingSection({
  c,
  clerks,
  me,
  busy,
}: {
  c: Case;
  clerks: LoadedCase["clerks"];
  me: string;
  busy: boolean;
}) {
  const reviewable = c.status === "SUBMITTED" || c.status === "IN_REVIEW";
  return (
    <section className="app-section" aria-labelledby="bearbeitung">
      <h2 className="kern-heading-medium" id="bearbeitung">
        Bearbeitung
      </h2>
      <Form
        method="post"
        className="app-inline-form"
        style={{ display: "flex", gap: "1rem", alignItems: "end", flexWrap: "wrap" }}
      >
        <input type="hidden" name="intent" value="assign" />
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="assign-clerk">
            Zuständige Sachbearbeitung
          </label>
          <div className="kern-form-input__select-wrapper">
            <select
              id="assign-clerk"
              name="clerkId"
              className="kern-form-input__select"
              defaultValue={c.assignedClerkId ?? ""}
              key={c.assignedClerkId ?? "none"}
            >
              <option value="">nicht zugewiesen</option>
              {clerks.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.displayName}
                  {k.id === me ? " (ich)" : ""}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
          <span className="kern-label">Zuweisen</span>
        </button>
      </Form>
      <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap", marginTop: "1rem" }}>
        {c.status === "SUBMITTED" ? (
          <Form method="post">
            <input type="hidden" name="intent" value="start-review" />
            <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
              <span className="kern-label">Prüfung beginnen</span>
            </button>
          </Form>
        ) : null}
        {reviewable ? (
          <Link className="kern-btn kern-btn--primary" to={`/behoerde/faelle/${c.id}/pruefung`}>
            <span className="kern-label">Formelle Prüfung / Nachforderung</span>
          </Link>
        ) : null}
        {reviewable ? (
          // Irreversible: a confirmation page names the consequences first (issue 14 item 6).
          <Link
            className="kern-btn kern-btn--primary"
            to={`/behoerde/faelle/${c.id}/pruefung?bestaetigen=vollstaendig`}
          >
            <span className="kern-label">Vollständigkeit bestätigen</span>
          </Link>
        ) : null}
        {AFTER_COMPLETE.includes(c.status) ? (
          <Link className="kern-btn kern-btn--primary" to={`/behoerde/faelle/${c.id}/beteiligung`}>
            <span className="kern-label">
              {c.status === "COMPLETE"
                ? "Beteiligung vorbereiten"
                : "Beteiligung (Stellen und Stellungnahmen)"}
            </span>
          </Link>
        ) : null}
        {AFTER_COMPLETE.includes(c.status) ? (
          <Link className="kern-btn kern-btn--secondary" to={`/behoerde/faelle/${c.id}/bescheid`}>
            <span className="kern-label">
              {c.status === "DECIDED" ? "Bescheid ansehen" : "Bescheid vorbereiten"}
            </span>
          </Link>
        ) : null}
      </div>
    </section>
  );
}

function DeadlineRow({
  label,
  info,
  testId,
}: {
  label: string;
  info: { at: Date | string; label: string; overdue: boolean } | null;
  testId: string;
}) {
  if (!info) return null;
  return (
    <li data-testid={testId}>
      {label}: <time dateTime={isoString(info.at)}>{formatDate(info.at)}</time>{" "}
      <span className={`kern-badge kern-badge--${info.overdue ? "danger" : "info"}`}>
        <span className="kern-label">{info.label}</span>
      </span>
    </li>
  );
}
