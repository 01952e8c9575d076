import { Form } from "@remix-run/react";
import { Alert } from "~/components/alert";
import type { IsoDate } from "~/domain/bekanntgabe";
import { formatDateLong, formatDateTime, isoString } from "~/domain/format";

/**
 * Parties and Bescheid receipt on the applicant's case page and in "Meine Anträge" (issue 14):
 * open invitations to accept, the Bauherr's confirmation or the declared Vollmacht a submission
 * rests on, and the Bekanntgabe of the Bescheid with the deadlines that run from it. The clerk's
 * case page uses BekanntgabeSummary too. Every form posts without JavaScript.
 */

/** "2026-03-11" → "11.03.2026". */
export function formatIsoDate(iso: IsoDate | null | undefined): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? `${m[3]}.${m[2]}.${m[1]}` : "";
}

export interface PendingInvitationView {
  memberId: string;
  applicationTitle: string;
  authorityName: string;
  invitedBy: string | null;
  roleLabel: string;
  expiresAt: string | Date;
}

export function PendingInvitations({
  invitations,
  error,
}: {
  invitations: PendingInvitationView[];
  error?: string | null;
}) {
  if (invitations.length === 0 && !error) return null;
  return (
    <section className="app-section" aria-labelledby="einladungen" data-testid="pending-invitations">
      <h2 className="kern-heading-medium" id="einladungen">
        Einladungen
      </h2>
      {error ? (
        <Alert tone="danger" title="Einladung konnte nicht angenommen werden" announce>
          <p className="kern-body">{error}</p>
        </Alert>
      ) : null}
      <ul className="kern-list app-stack">
        {invitations.map((i) => (
          <li key={i.memberId} data-testid="pending-invitation">
            <p className="kern-body">
              <strong>{i.applicationTitle}</strong> ({i.authorityName}):{" "}
              {i.invitedBy ? `${i.invitedBy} lädt Sie ein` : "Sie sind eingeladen"}, als {i.roleLabel}{" "}
              mitzuwirken. Gültig bis{" "}
              <time dateTime={isoString(i.expiresAt)}>{formatDateLong(new Date(i.expiresAt))}</time>.
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="accept-invitation" />
              <input type="hidden" name="memberId" value={i.memberId} />
              <button type="submit" className="kern-btn kern-btn--primary">
                <span className="kern-label">Einladung annehmen</span>
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface ConsentView {
  satisfied: boolean;
  basis: {
    kind: string;
    byName: string;
    at: string;
    filename: string | null;
    declaration: string;
  } | null;
  ownerConfirmation: { byName: string; at: string } | null;
  staleOwnerConfirmation: { byName: string; at: string } | null;
  owners: { name: string }[];
  ownerInvitationPending: boolean;
  mandateFile: { filename: string } | null;
  missing: string | null;
}

/** Who has agreed to the submission so far, or what is still missing and who can give it. */
function ConsentStatus({ consent, myRole }: { consent: ConsentView; myRole: string | null }) {
  const basis = consent.basis;
  return consent.ownerConfirmation ? (
    <p className="kern-body" data-testid="consent-status">
      {consent.ownerConfirmation.byName} hat den Antrag in der aktuellen Fassung am{" "}
      <time dateTime={consent.ownerConfirmation.at}>{formatDateTime(consent.ownerConfirmation.at)}</time> zur
      Einreichung bestätigt.
    </p>
  ) : basis && basis.kind === "MANDATE" ? (
    <p className="kern-body" data-testid="consent-status">
      {basis.byName} hat am <time dateTime={basis.at}>{formatDateTime(basis.at)}</time> eine Vollmacht der
      Bauherrschaft erklärt{basis.filename ? ` (Unterlage „${basis.filename}“)` : ""}.
    </p>
  ) : myRole === "BAUHERR" ? (
    <p className="kern-body" data-testid="consent-status">
      Als Bauherr:in können Sie selbst einreichen. Reicht eine andere beteiligte Person ein, bestätigen Sie
      den Antrag bitte vorher hier.
    </p>
  ) : (
    <Alert tone="warning" title="Bestätigung der Bauherrschaft fehlt">
      <p className="kern-body" data-testid="consent-status">
        {consent.missing}
      </p>
      <p className="kern-body">
        {consent.owners.length > 0
          ? `Bestätigen kann: ${consent.owners.map((o) => o.name).join(", ")}.`
          : consent.ownerInvitationPending
            ? "Die Einladung an die Bauherrschaft ist noch nicht angenommen."
            : "Laden Sie die Bauherr:in unten unter „Beteiligte“ ein."}
      </p>
    </Alert>
  );
}

/** "Wer reicht ein?": the Bauherr confirms, or the Entwurfsverfasser declares the Vollmacht. */
export function SubmissionConsentPanel({
  applicationId,
  version,
  myRole,
  consent,
  ownerDeclaration,
  mandateDeclaration,
  message,
}: {
  applicationId: string;
  version: number;
  myRole: string | null;
  consent: ConsentView;
  ownerDeclaration: string;
  mandateDeclaration: string;
  message: { ok: boolean; text: string } | null;
}) {
  const action = `/antraege/${applicationId}/beteiligte`;
  const basis = consent.basis;
  return (
    <section
      className="app-section app-stack"
      aria-labelledby="einreichung-zustimmung"
      data-testid="consent-panel"
    >
      <h2 className="kern-heading-medium" id="einreichung-zustimmung">
        Zustimmung der Bauherrschaft
      </h2>
      {message ? (
        <Alert
          tone={message.ok ? "success" : "danger"}
          title={message.ok ? "Gespeichert" : "Nicht möglich"}
          announce
        >
          <p className="kern-body" data-testid="consent-message">
            {message.text}
          </p>
        </Alert>
      ) : null}
      <ConsentStatus consent={consent} myRole={myRole} />
      {myRole === "BAUHERR" ? (
        <Form method="post" action={action} className="app-stack" data-testid="owner-confirm-form">
          <input type="hidden" name="intent" value="confirm-owner" />
          <input type="hidden" name="expectedVersion" value={version} />
          <div className="kern-form-check">
            <input
              className="kern-form-check__input"
              type="checkbox"
              id="owner-declared"
              name="declared"
              required
            />
            <label className="kern-label" htmlFor="owner-declared">
              {ownerDeclaration}
            </label>
          </div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Antrag zur Einreichung bestätigen</span>
          </button>
        </Form>
      ) : myRole === "ENTWURFSVERFASSER" || myRole === "BEVOLLMAECHTIGTER" ? (
        basis?.kind === "MANDATE" ? null : (
          <details className="kern-body">
            <summary>Stattdessen eine Vollmacht der Bauherrschaft erklären</summary>
            {consent.mandateFile ? (
              <Form method="post" action={action} className="app-stack" data-testid="mandate-form">
                <input type="hidden" name="intent" value="declare-mandate" />
                <p className="kern-body">Vollmacht: „{consent.mandateFile.filename}“</p>
                <div className="kern-form-check">
                  <input
                    className="kern-form-check__input"
                    type="checkbox"
                    id="mandate-declared"
                    name="declared"
                    required
                  />
                  <label className="kern-label" htmlFor="mandate-declared">
                    {mandateDeclaration}
                  </label>
                </div>
                <button type="submit" className="kern-btn kern-btn--secondary">
                  <span className="kern-label">Vollmacht erklären</span>
                </button>
              </Form>
            ) : (
              <p className="kern-body">
                Laden Sie zuerst die unterschriebene Vollmacht als Unterlage „Vollmacht des Bauherrn“ hoch.
              </p>
            )}
          </details>
        )
      ) : null}
    </section>
  );
}

export interface BekanntgabeViewData {
  decisionKind: string;
  providedAt: string | null;
  retrievalPeriodEnd: string | null;
  retrievalLegalBasis: string;
  periodLegalBasis: string;
  notified: { name: string; at: string }[];
  retrievals: { name: string; roleLabel: string; retrievedAt: string; bekanntgabe: string | null }[];
  postDelivery: { methodLabel: string; deliveredOn: string; note: string; recordedBy: string } | null;
  bekanntgabe: string | null;
  via: "RETRIEVAL" | "POST" | null;
  deadlines: {
    legalRemedy: {
      date: string;
      shiftedFrom: string | null;
      shiftReason: string | null;
      label: string;
      legalBasis: string;
    };
    validity: {
      date: string;
      shiftedFrom: string | null;
      shiftReason: string | null;
      years: number;
      extensionYears: number;
      legalBasis: string;
    } | null;
    periodEndLegalBasis: string;
  } | null;
  notRetrievedInTime: boolean;
}

function shiftNote(d: { shiftedFrom: string | null; shiftReason: string | null }) {
  return d.shiftedFrom ? ` (statt ${formatIsoDate(d.shiftedFrom)}, ${d.shiftReason})` : "";
}

/** Who received the Bescheid when, its Bekanntgabe and the deadlines from it (both sides). */
export function BekanntgabeSummary({
  view,
  audience,
}: {
  view: BekanntgabeViewData;
  audience: "applicant" | "clerk";
}) {
  const d = view.deadlines;
  return (
    <div className="app-stack" data-testid="bekanntgabe">
      {view.bekanntgabe ? (
        <p className="kern-body" data-testid="bekanntgabe-date">
          Bekannt gegeben am <strong>{formatIsoDate(view.bekanntgabe)}</strong>{" "}
          {view.via === "RETRIEVAL"
            ? `(Tag nach dem ersten Abruf, ${view.retrievalLegalBasis})`
            : `(Zustellung: ${view.postDelivery?.methodLabel ?? "Post"})`}
          .
        </p>
      ) : view.notRetrievedInTime ? (
        <Alert tone="warning" title="Bescheid nicht abgerufen">
          <p className="kern-body" data-testid="bekanntgabe-warning">
            Der Bescheid wurde bis zum {formatIsoDate(view.retrievalPeriodEnd)} nicht abgerufen. Die
            Bekanntgabe durch Abruf ist damit nicht bewirkt ({view.periodLegalBasis});{" "}
            {audience === "clerk"
              ? "bitte geben Sie den Bescheid auf anderem Weg bekannt und erfassen Sie die Zustellung."
              : "die Behörde stellt ihn Ihnen auf anderem Weg zu."}
          </p>
        </Alert>
      ) : view.providedAt ? (
        <p className="kern-body" data-testid="bekanntgabe-pending">
          Der Bescheid steht seit {formatDateTime(view.providedAt)} zum Abruf bereit. Er gilt am Tag nach dem
          ersten Abruf als bekannt gegeben ({view.retrievalLegalBasis}); wird er nicht bis zum{" "}
          {formatIsoDate(view.retrievalPeriodEnd)} abgerufen, gibt die Behörde ihn auf anderem Weg bekannt.
        </p>
      ) : null}
      {d ? (
        <dl className="kern-description-list" data-testid="bekanntgabe-deadlines">
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">{d.legalRemedy.label} möglich bis</dt>
            <dd className="kern-description-list-item__value" data-testid="legal-remedy-end">
              {formatIsoDate(d.legalRemedy.date)}
              {shiftNote(d.legalRemedy)} – ein Monat nach Bekanntgabe, {d.legalRemedy.legalBasis}
            </dd>
          </div>
          {d.validity ? (
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Baubeginn spätestens</dt>
              <dd className="kern-description-list-item__value" data-testid="validity-end">
                {formatIsoDate(d.validity.date)}
                {shiftNote(d.validity)} – die Genehmigung erlischt, wenn nicht innerhalb von{" "}
                {d.validity.years} Jahren nach Bekanntgabe mit der Ausführung begonnen wurde (
                {d.validity.legalBasis}); auf Antrag verlängerbar um jeweils bis zu{" "}
                {d.validity.extensionYears} Jahr.
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {d ? <p className="kern-body kern-body--small">Fristberechnung nach {d.periodEndLegalBasis}.</p> : null}
      {view.notified.length > 0 || view.retrievals.length > 0 || view.postDelivery ? (
        <ul className="kern-list" data-testid="bekanntgabe-receipts">
          {view.notified.map((n) => (
            <li key={`n-${n.name}-${n.at}`}>
              {n.name}: benachrichtigt am <time dateTime={n.at}>{formatDateTime(n.at)}</time>
            </li>
          ))}
          {view.retrievals.map((r) => (
            <li key={`r-${r.name}-${r.retrievedAt}`} data-testid="bekanntgabe-retrieval">
              {r.name}
              {r.roleLabel ? ` (${r.roleLabel})` : ""}: Bescheid abgerufen am{" "}
              <time dateTime={r.retrievedAt}>{formatDateTime(r.retrievedAt)}</time>
              {r.bekanntgabe ? "" : " – nach Ablauf der Abrufzeit, keine Bekanntgabe"}
            </li>
          ))}
          {view.postDelivery ? (
            <li>
              {view.postDelivery.methodLabel}: zugestellt am {formatIsoDate(view.postDelivery.deliveredOn)}{" "}
              (erfasst von {view.postDelivery.recordedBy})
              {view.postDelivery.note ? ` – ${view.postDelivery.note}` : ""}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
