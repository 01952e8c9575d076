import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction, carriedFields, isConfirmed } from "~/components/confirm-action";
import { DescriptionList } from "~/components/description-list";
import { IntentButton } from "~/components/intent-button";
import { formValues, SecretOnce, WebhookFields } from "~/components/webhooks/webhook-form";
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, webhookEventLabel } from "~/domain/webhook-events";
import { isUuid } from "~/models/application.server";
import {
  deleteSubscription,
  getSubscription,
  listDeliveries,
  resendDelivery,
  rotateSecret,
  setActive,
  updateSubscription,
} from "~/models/webhook.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Webhook-Empfänger – Verwaltung – Bauantrag" }];

const BASE = "/verwaltung/webhooks";

/** The page number from ?seite= (1 when missing or not a number). */
function pageOf(request: Request): number {
  const raw = new URL(request.url).searchParams.get("seite") ?? "1";
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, n);
}

/**
 * One receiver of the admin's authority (issue 16 item 3): settings, secret renewal (shown once),
 * deactivate/activate, delete, and the delivery log, paged, with every attempt and "erneut senden"
 * for a failed delivery. Every query carries the admin's authorityId; another authority's
 * receiver is "nicht gefunden".
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound();
  const sub = await getSubscription(admin.authorityId, id);
  if (!sub) notFound("Dieser Webhook-Empfänger wurde nicht gefunden.");
  const page = pageOf(request);
  const log = await listDeliveries(admin.authorityId, id, page);
  return {
    subscription: {
      id: sub.id,
      url: sub.url,
      description: sub.description,
      eventTypes: sub.eventTypes,
      active: sub.active,
      disabledReason: sub.disabledReason,
      createdAt: sub.createdAt.toISOString(),
      secretRotatedAt: sub.secretRotatedAt?.toISOString() ?? null,
      previousSecretUntil:
        sub.previousSecretUntil && sub.previousSecretUntil > new Date()
          ? sub.previousSecretUntil.toISOString()
          : null,
    },
    options: WEBHOOK_EVENT_TYPES.map((type) => ({ type, label: webhookEventLabel(type) })),
    page: Math.min(page, log.pages),
    pages: log.pages,
    total: log.total,
    deliveries: log.rows.map((d) => ({
      id: d.id,
      eventType: d.eventType,
      eventLabel: isWebhookEventType(d.eventType) ? webhookEventLabel(d.eventType) : d.eventType,
      applicationId: d.applicationId,
      status: d.status,
      attemptCount: d.attemptCount,
      resendCount: d.resendCount,
      createdAt: d.createdAt.toISOString(),
      attempts: d.attempts.map((a) => ({
        id: String(a.id),
        startedAt: a.startedAt.toISOString(),
        durationMs: a.durationMs,
        httpStatus: a.httpStatus,
        error: a.error,
        responseBody: a.responseBody,
        succeeded: a.succeeded,
      })),
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound();
  if (!(await getSubscription(admin.authorityId, id)))
    notFound("Dieser Webhook-Empfänger wurde nicht gefunden.");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  switch (intent) {
    case "update": {
      const values = formValues(form);
      const r = await updateSubscription(admin.authorityId, id, values);
      if (!r.ok) return { intent, ok: false as const, errors: r.errors, values };
      return redirect(`${BASE}/${id}?gespeichert=1`);
    }
    case "rotate":
    case "rotate-now": {
      const secret = await rotateSecret(admin.authorityId, id, { immediately: intent === "rotate-now" });
      if (!secret) notFound();
      return { intent: "rotate" as const, ok: true as const, secret };
    }
    case "deactivate":
    case "activate":
      await setActive(admin.authorityId, id, intent === "activate");
      return redirect(`${BASE}/${id}`);
    case "delete":
      if (!isConfirmed(form)) return { intent, ok: false as const, confirm: carriedFields(form) };
      await deleteSubscription(admin.authorityId, id);
      return redirect(`${BASE}?geloescht=1`);
    case "resend": {
      const deliveryId = String(form.get("deliveryId") ?? "");
      const ok = isUuid(deliveryId) && (await resendDelivery(admin.authorityId, id, deliveryId));
      if (!ok) {
        return {
          intent,
          ok: false as const,
          message:
            "Diese Zustellung kann nicht erneut gesendet werden (nicht fehlgeschlagen oder nicht gefunden).",
        };
      }
      return redirect(`${BASE}/${id}?erneut=1`);
    }
    default:
      return { intent, ok: false as const, message: "Unbekannte Aktion." };
  }
}

const dateTime = (iso: string) =>
  new Date(iso).toLocaleString("de-DE", {
    timeZone: "Europe/Berlin",
    dateStyle: "medium",
    timeStyle: "medium",
  });

const STATUS_LABELS: Record<string, string> = {
  DELIVERED: "zugestellt",
  PENDING: "ausstehend",
  FAILED: "fehlgeschlagen",
};

export default function WebhookPage() {
  const { subscription: s, options, deliveries, page, pages, total } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  if (a && a.intent === "delete" && "confirm" in a) {
    return (
      <ConfirmAction
        title="Empfänger löschen?"
        consequences={[
          `An ${s.url} werden keine Ereignisse mehr gesendet; ausstehende Zustellungen entfallen.`,
          "Das Zustellprotokoll dieses Empfängers wird mit gelöscht.",
        ]}
        confirmLabel="Endgültig löschen"
        fields={a.confirm}
        cancel={{ href: `${BASE}/${s.id}`, label: "Abbrechen" }}
      />
    );
  }
  const updateErrors =
    a && "values" in a && a.values && a.errors ? { values: a.values, errors: a.errors } : null;
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={BASE}>
          Zurück zu den Webhooks
        </Link>
      </p>
      <PageHeader title={s.description || "Webhook-Empfänger"} lead={s.url} />
      {params.get("gespeichert") ? (
        <Alert tone="success" title="Gespeichert">
          Die Einstellungen des Empfängers wurden gespeichert.
        </Alert>
      ) : null}
      {params.get("erneut") ? (
        <Alert tone="success" title="Wird erneut gesendet">
          Die Zustellung wurde neu eingeplant (gleiche Webhook-Id).
        </Alert>
      ) : null}
      {a && a.intent === "rotate" && a.ok ? (
        <SecretOnce secret={a.secret} title="Neuer Signaturschlüssel" />
      ) : null}
      {a && "message" in a ? (
        <Alert tone="danger" title="Nicht ausgeführt">
          {a.message}
        </Alert>
      ) : null}
      {!s.active ? (
        <Alert tone="warning" title="Deaktiviert">
          {s.disabledReason ?? "Dieser Empfänger erhält keine Ereignisse."}
        </Alert>
      ) : null}
      <section aria-labelledby="einstellungen">
        <h2 className="kern-heading-medium" id="einstellungen">
          Einstellungen
        </h2>
        <DescriptionList
          items={[
            { label: "Status", value: s.active ? "aktiv" : "deaktiviert" },
            { label: "Angelegt", value: dateTime(s.createdAt) },
            {
              label: "Signaturschlüssel",
              value: s.secretRotatedAt
                ? `erneuert am ${dateTime(s.secretRotatedAt)}`
                : "seit dem Anlegen unverändert",
            },
            ...(s.previousSecretUntil
              ? [
                  {
                    label: "Bisheriger Schlüssel",
                    value: `signiert zusätzlich bis ${dateTime(s.previousSecretUntil)} (Umstellungszeit)`,
                  },
                ]
              : []),
          ]}
        />
        <Form method="post" className="kern-stack">
          <WebhookFields
            options={options}
            values={updateErrors ? updateErrors.values : s}
            errors={updateErrors?.errors}
          />
          <IntentButton intent="update" variant="primary" disabled={busy}>
            Speichern
          </IntentButton>
        </Form>
        <Form method="post" className="app-form-actions">
          <IntentButton intent="rotate" disabled={busy}>
            Signaturschlüssel erneuern
          </IntentButton>
          <IntentButton intent="rotate-now" disabled={busy}>
            Sofort ersetzen (Schlüssel offengelegt)
          </IntentButton>
          <IntentButton intent={s.active ? "deactivate" : "activate"} disabled={busy}>
            {s.active ? "Deaktivieren" : "Aktivieren"}
          </IntentButton>
          <IntentButton intent="delete" variant="tertiary" disabled={busy}>
            Löschen
          </IntentButton>
        </Form>
      </section>
      <DeliveryLog deliveries={deliveries} total={total} page={page} pages={pages} busy={busy} />
    </>
  );
}

type WebhookPageData = ReturnType<typeof useLoaderData<typeof loader>>;

/** The deliveries to this receiver, newest first, with their attempts and "Erneut senden" for a failed one. */
function DeliveryLog({
  deliveries,
  total,
  page,
  pages,
  busy,
}: Pick<WebhookPageData, "deliveries" | "total" | "page" | "pages"> & { busy: boolean }) {
  return (
    <section aria-labelledby="protokoll">
      <h2 className="kern-heading-medium" id="protokoll">
        Zustellprotokoll ({total})
      </h2>
      {deliveries.length === 0 ? (
        <p className="kern-body">Noch keine Zustellungen.</p>
      ) : (
        <table className="kern-table app-table--stacked" data-testid="webhook-deliveries">
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th className="kern-table__header" scope="col">
                Zeitpunkt
              </th>
              <th className="kern-table__header" scope="col">
                Ereignis
              </th>
              <th className="kern-table__header" scope="col">
                Status
              </th>
              <th className="kern-table__header" scope="col">
                Versuche
              </th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {deliveries.map((d) => (
              <tr className="kern-table__row" key={d.id} data-testid={`delivery-${d.id}`}>
                <td className="kern-table__cell" data-label="Zeitpunkt">
                  {dateTime(d.createdAt)}
                </td>
                <td className="kern-table__cell" data-label="Ereignis">
                  {d.eventLabel}
                  <br />
                  <Link className="kern-link" to={`/behoerde/faelle/${d.applicationId}`}>
                    Zum Fall
                  </Link>
                </td>
                <td className="kern-table__cell" data-label="Status">
                  {STATUS_LABELS[d.status] ?? d.status}
                  {d.status === "FAILED" ? (
                    <Form method="post">
                      <input type="hidden" name="deliveryId" value={d.id} />
                      <IntentButton intent="resend" disabled={busy}>
                        Erneut senden
                      </IntentButton>
                    </Form>
                  ) : null}
                </td>
                <td className="kern-table__cell" data-label="Versuche">
                  {d.attempts.length === 0 ? (
                    "noch keiner"
                  ) : (
                    <details>
                      <summary>
                        {d.attemptCount} {d.attemptCount === 1 ? "Versuch" : "Versuche"}
                      </summary>
                      <ol className="kern-list">
                        {d.attempts.map((t) => (
                          <li key={t.id}>
                            {dateTime(t.startedAt)}:{" "}
                            {t.httpStatus !== null ? `HTTP ${t.httpStatus}` : t.error} ({t.durationMs} ms)
                            {t.httpStatus !== null && t.error ? ` – ${t.error}` : null}
                            {t.responseBody ? <pre className="app-pre">{t.responseBody}</pre> : null}
                          </li>
                        ))}
                      </ol>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 ? (
        <nav aria-label="Seiten des Zustellprotokolls" className="app-form-actions">
          {page > 1 ? (
            <Link className="kern-link" to={`?seite=${page - 1}`}>
              Neuere
            </Link>
          ) : null}
          <span className="kern-body">
            Seite {page} von {pages}
          </span>
          {page < pages ? (
            <Link className="kern-link" to={`?seite=${page + 1}`}>
              Ältere
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
