import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * Confirmation pages for irreversible actions (issue 14 item 6): the first post of such a form
 * comes back as a page that names the consequences; only the second post, carrying
 * `bestaetigt=ja`, acts. Works without JavaScript (two ordinary form posts). The fields of the first
 * post travel along as hidden inputs, so nothing typed is lost and "Zurück" returns to the filled
 * form. Files cannot travel through hidden inputs: a form with attachments asks for them on the
 * confirmation page itself (`formContent`), so they are chosen once, at the moment of sending.
 */

export const CONFIRM_FIELD = "bestaetigt";

/** Did the person confirm on the confirmation page? */
export function isConfirmed(form: FormData): boolean {
  return form.get(CONFIRM_FIELD) === "ja";
}

/** Did the person choose "Zurück" on the confirmation page (back to the filled form)? */
export function isCancelled(form: FormData): boolean {
  return form.get(CONFIRM_FIELD) === "nein";
}

/**
 * Where a confirmable post stands: "back" to the filled form (Zurück), "ask" (show the
 * confirmation page, change nothing) or "act" (the confirmed post).
 */
export type ConfirmStep = "back" | "ask" | "act";

export function confirmStep(form: FormData): ConfirmStep {
  if (isCancelled(form)) return "back";
  return isConfirmed(form) ? "act" : "ask";
}

/**
 * A confirmation page described by the server (serialisable action data): the route renders it
 * with `<ConfirmRequestPage request={…} cancel={…} />`. Used where one page has several irreversible
 * actions (the participation board), so each action names its own consequences.
 */
export interface ConfirmRequest {
  /** Which action asks (lets the page and tests tell its confirmations apart). */
  kind: string;
  /** The page heading, a question ("Fristverlängerung gewähren?"). */
  pageTitle: string;
  title: string;
  intro?: string;
  consequences: string[];
  confirmLabel: string;
  fields: [string, string][];
  /** What the person typed and will send, quoted on the page (e.g. the reasons). */
  details?: string[];
}

/** The text fields of a post, to carry through the confirmation page (files are never carried). */
export function carriedFields(form: FormData): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of form.entries()) {
    if (name === CONFIRM_FIELD || typeof value !== "string") continue;
    out.push([name, value]);
  }
  return out;
}

export function ConfirmAction({
  title,
  intro,
  consequences,
  confirmLabel,
  fields,
  action,
  cancel,
  children,
  encType,
  formContent,
}: {
  title: string;
  intro?: string;
  /** What happens and what can no longer be undone, one sentence each. */
  consequences: string[];
  confirmLabel: string;
  /** Hidden fields posted with the confirmation (the first post's values). */
  fields: [string, string][];
  /** Where the confirmation posts (default: the current route). */
  action?: string;
  /** Back without acting: a link, or a post with bestaetigt=nein that returns to the filled form. */
  cancel: { href: string; label: string } | { post: true; label: string };
  children?: ReactNode;
  /** multipart when the confirmation post carries files chosen on this page. */
  encType?: "multipart/form-data";
  /** Inputs inside the confirmation form (files are chosen here, never carried: see below). */
  formContent?: ReactNode;
}) {
  return (
    <section className="app-section app-confirm" aria-labelledby="confirm-title" data-testid="confirm-page">
      <div className="kern-alert kern-alert--warning">
        <div className="kern-alert__header">
          <span className="kern-icon kern-icon--warning" aria-hidden="true" />
          <h2 className="kern-title" id="confirm-title">
            {title}
          </h2>
        </div>
        <div className="kern-alert__body">
          {intro ? <p className="kern-body">{intro}</p> : null}
          <ul className="kern-list" data-testid="confirm-consequences">
            {consequences.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          {children}
        </div>
      </div>
      <Form method="post" action={action} encType={encType} className="app-form-actions">
        {formContent}
        {fields.map(([name, value], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: repeated names (checkbox groups) keep their order
          <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" name={CONFIRM_FIELD} value="ja" className="kern-btn kern-btn--primary">
          <span className="kern-label">{confirmLabel}</span>
        </button>
        {"href" in cancel ? (
          <Link className="kern-btn kern-btn--secondary" to={cancel.href}>
            <span className="kern-label">{cancel.label}</span>
          </Link>
        ) : (
          <button type="submit" name={CONFIRM_FIELD} value="nein" className="kern-btn kern-btn--secondary">
            <span className="kern-label">{cancel.label}</span>
          </button>
        )}
      </Form>
    </section>
  );
}

/** Renders a server-described confirmation page (see ConfirmRequest). */
export function ConfirmRequestPage({
  request,
  cancel,
  children,
}: {
  request: ConfirmRequest;
  cancel: { href: string; label: string } | { post: true; label: string };
  children?: ReactNode;
}) {
  return (
    <ConfirmAction
      title={request.title}
      intro={request.intro}
      consequences={request.consequences}
      confirmLabel={request.confirmLabel}
      fields={request.fields}
      cancel={cancel}
    >
      {request.details?.map((d) => (
        <p className="kern-body" key={d} data-testid="confirm-details">
          {d}
        </p>
      ))}
      {children}
    </ConfirmAction>
  );
}
