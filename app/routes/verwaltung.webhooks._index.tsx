import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { formValues, SecretOnce, WebhookFields } from "~/components/webhooks/webhook-form";
import { WEBHOOK_EVENT_TYPES, webhookEventLabel } from "~/domain/webhook-events";
import { createSubscription, deliveryCounts, listSubscriptions } from "~/models/webhook.server";
import { webhookUrlPolicy } from "~/models/webhook-url.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Webhooks – Verwaltung – Bauantrag" }];

/**
 * Webhook receivers of the admin's authority (issue 16 item 3): list and create. The signing
 * secret is generated on creation and returned once, in the action's answer; the loader never
 * returns it (only the sealed value is stored).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const [subscriptions, counts] = await Promise.all([
    listSubscriptions(admin.authorityId),
    deliveryCounts(admin.authorityId),
  ]);
  return {
    allowPrivate: webhookUrlPolicy().allowPrivate,
    options: WEBHOOK_EVENT_TYPES.map((type) => ({ type, label: webhookEventLabel(type) })),
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      url: s.url,
      description: s.description,
      events: s.eventTypes.length,
      active: s.active,
      disabledReason: s.disabledReason,
      counts: counts.get(s.id) ?? { DELIVERED: 0, PENDING: 0, FAILED: 0 },
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const form = await request.formData();
  const values = formValues(form);
  const r = await createSubscription({ id: admin.id, authorityId: admin.authorityId }, values);
  if (!r.ok) return { ok: false as const, errors: r.errors, values };
  return { ok: true as const, created: { id: r.id, url: values.url.trim(), secret: r.secret } };
}

export default function WebhooksPage() {
  const { subscriptions, options, allowPrivate } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/verwaltung">
          Zurück zur Verwaltung
        </Link>
      </p>
      <PageHeader
        title="Webhooks"
        lead="Das Fachverfahren der Behörde erfährt hier eingehende Anträge, neue Unterlagen, Statuswechsel, Beteiligungen und Bescheide sofort: Jedes gewählte Ereignis wird signiert an die Empfänger-URL gesendet und bei Störungen wiederholt."
      />
      {a?.ok ? (
        <>
          <SecretOnce secret={a.created.secret} title="Empfänger angelegt" />
          <p className="kern-body">
            <Link className="kern-link" to={`/verwaltung/webhooks/${a.created.id}`}>
              Zum Empfänger {a.created.url}
            </Link>
          </p>
        </>
      ) : null}
      {a && !a.ok ? (
        <Alert tone="danger" title="Der Empfänger wurde nicht angelegt">
          <p className="kern-body">{a.errors.form ?? "Bitte prüfen Sie die markierten Angaben."}</p>
        </Alert>
      ) : null}
      <section aria-labelledby="empfaenger">
        <h2 className="kern-heading-medium" id="empfaenger">
          Empfänger
        </h2>
        {subscriptions.length === 0 ? (
          <p className="kern-body">Noch keine Empfänger eingerichtet.</p>
        ) : (
          <table className="kern-table app-table--stacked" data-testid="webhook-list">
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">
                  Empfänger
                </th>
                <th className="kern-table__header" scope="col">
                  Ereignisse
                </th>
                <th className="kern-table__header" scope="col">
                  Status
                </th>
                <th className="kern-table__header" scope="col">
                  Zustellungen
                </th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {subscriptions.map((s) => (
                <tr className="kern-table__row" key={s.id}>
                  <td className="kern-table__cell" data-label="Empfänger">
                    <Link className="kern-link" to={`/verwaltung/webhooks/${s.id}`}>
                      {s.description || s.url}
                    </Link>
                    {s.description ? (
                      <>
                        <br />
                        <code style={{ wordBreak: "break-all" }}>{s.url}</code>
                      </>
                    ) : null}
                  </td>
                  <td className="kern-table__cell" data-label="Ereignisse">
                    {s.events}
                  </td>
                  <td className="kern-table__cell" data-label="Status">
                    {s.active ? "aktiv" : "deaktiviert"}
                    {s.disabledReason ? (
                      <>
                        <br />
                        {s.disabledReason}
                      </>
                    ) : null}
                  </td>
                  <td className="kern-table__cell" data-label="Zustellungen">
                    {s.counts.DELIVERED} zugestellt, {s.counts.PENDING} ausstehend, {s.counts.FAILED}{" "}
                    fehlgeschlagen
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="anlegen">
        <h2 className="kern-heading-medium" id="anlegen">
          Neuen Empfänger anlegen
        </h2>
        <p className="kern-body">
          {allowPrivate
            ? "Dieser Betrieb erlaubt auch http- und interne Adressen (Test oder internes Netz)."
            : "Erlaubt sind https-Adressen, die aus dem Internet erreichbar sind; interne Adressen werden aus Sicherheitsgründen abgelehnt."}{" "}
          Weiterleitungen werden nicht verfolgt. Eine Zustellung gilt mit einer Antwort 2xx als erfolgt; sonst
          wird sie mit wachsendem Abstand etwa einen Tag lang wiederholt.
        </p>
        <Form method="post" className="kern-stack" key={a?.ok ? a.created.id : "neu"}>
          <WebhookFields
            options={options}
            values={a && !a.ok ? a.values : { url: "", description: "", eventTypes: [] }}
            errors={a && !a.ok ? a.errors : undefined}
          />
          <button className="kern-btn kern-btn--primary" type="submit" disabled={busy}>
            <span className="kern-label">{busy ? "Wird geprüft …" : "Empfänger anlegen"}</span>
          </button>
        </Form>
      </section>
    </>
  );
}
