import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { API_SCOPE_LABELS, API_SCOPES, type ApiScope } from "~/api/scopes";
import { Alert } from "~/components/alert";
import { ApiCallLog } from "~/components/api-admin/call-log";
import { ApiClientTable } from "~/components/api-admin/client-table";
import { PageHeader } from "~/components/app-shell";
import {
  CALL_LOG_PAGE_SIZE,
  callLogPage,
  createApiClient,
  listApiClients,
  parseClientInput,
  revokeApiClient,
  rotateApiClient,
} from "~/models/api-client.server";
import { isUuid } from "~/models/application.server";
import { clientIp } from "~/utils/auth.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "API-Zugänge – Verwaltung – Bauantrag" }];

/**
 * API clients of the authority (issue 16 item 3): the admin creates a client with its scopes, sees
 * the key exactly once (in the answer to creation or rotation, never in the loader), rotates or
 * revokes it, and reads the call log of the authority's clients. Everything is scoped to the
 * admin's authority in the model's queries.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const url = new URL(request.url);
  const rawBefore = url.searchParams.get("vor");
  const before = rawBefore && /^\d{1,18}$/.test(rawBefore) ? BigInt(rawBefore) : null;
  const rawClient = url.searchParams.get("zugang");
  const clientFilter = rawClient && isUuid(rawClient) ? rawClient : null;
  const [clients, log] = await Promise.all([
    listApiClients(admin.authorityId),
    callLogPage(admin.authorityId, { before, clientId: clientFilter }),
  ]);
  return {
    clients: clients.map((c) => ({
      id: c.id,
      name: c.name,
      scopes: c.scopes,
      keyPrefix: `bau_${c.keyId}_…`,
      createdAt: c.createdAt.toISOString(),
      rotatedAt: c.rotatedAt?.toISOString() ?? null,
      revokedAt: c.revokedAt?.toISOString() ?? null,
      lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    })),
    log: log.rows.map((r) => ({
      id: String(r.id),
      clientName: r.client.name,
      method: r.method,
      path: r.path,
      status: r.status,
      durationMs: r.durationMs,
      at: r.createdAt.toISOString(),
    })),
    nextBefore: log.nextBefore ? String(log.nextBefore) : null,
    clientFilter,
    pageSize: CALL_LOG_PAGE_SIZE,
  };
}

type ActionResult =
  | { ok: true; kind: "created" | "rotated"; name: string; token: string }
  | { ok: true; kind: "revoked"; name: string }
  | { ok: false; message: string; field?: "name" | "scopes" };

export async function action({ request, context }: ActionFunctionArgs): Promise<ActionResult> {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const form = await request.formData();
  const meta = {
    ip: clientIp(context as { clientIp?: string }),
    userAgent: request.headers.get("User-Agent"),
  };
  const intent = form.get("intent");
  if (intent === "create") {
    const input = parseClientInput(form.get("name"), form.getAll("scopes"));
    if (!input.ok) return { ok: false, message: input.message, field: input.field };
    const created = await createApiClient(admin, input, meta);
    return { ok: true, kind: "created", name: input.name, token: created.token };
  }
  const clientId = String(form.get("clientId") ?? "");
  const name = isUuid(clientId)
    ? (await listApiClients(admin.authorityId)).find((c) => c.id === clientId)?.name
    : undefined;
  const gone = "Diesen API-Zugang gibt es nicht, er gehört nicht zu Ihrer Behörde oder er ist widerrufen.";
  if (intent === "rotate") {
    const rotated = name ? await rotateApiClient(admin, clientId, meta) : null;
    if (!rotated || !name) return { ok: false, message: gone };
    return { ok: true, kind: "rotated", name, token: rotated.token };
  }
  if (intent === "revoke") {
    if (form.get("bestaetigt") !== "ja") {
      return { ok: false, message: "Bitte bestätigen Sie den Widerruf (Häkchen setzen)." };
    }
    const revoked = name ? await revokeApiClient(admin, clientId, meta) : false;
    if (!revoked || !name) return { ok: false, message: gone };
    return { ok: true, kind: "revoked", name };
  }
  return { ok: false, message: "Unbekannte Aktion." };
}

export default function ApiClientsPage() {
  const { clients, log, nextBefore, clientFilter } = useLoaderData<typeof loader>();
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
        title="API-Zugänge"
        lead="Zugänge für Fachverfahren, DMS und GIS Ihrer Behörde zur Schnittstelle /api/v1. Der Schlüssel wird nur einmal angezeigt und nur als Prüfwert gespeichert."
      />
      {a?.ok && (a.kind === "created" || a.kind === "rotated") ? (
        <Alert
          tone="success"
          title={a.kind === "created" ? `API-Zugang „${a.name}“ angelegt` : `Neuer Schlüssel für „${a.name}“`}
        >
          <p className="kern-body">
            Kopieren Sie den Schlüssel jetzt in das aufrufende System. Er wird nicht wieder angezeigt
            {a.kind === "rotated" ? "; der bisherige Schlüssel gilt ab sofort nicht mehr" : ""}.
          </p>
          <p className="kern-body">
            <code data-testid="api-token" style={{ wordBreak: "break-all", userSelect: "all" }}>
              {a.token}
            </code>
          </p>
        </Alert>
      ) : null}
      {a?.ok && a.kind === "revoked" ? (
        <Alert tone="success" title={`API-Zugang „${a.name}“ widerrufen`}>
          Anfragen mit seinem Schlüssel werden ab sofort abgewiesen.
        </Alert>
      ) : null}
      {a && !a.ok ? (
        <Alert tone="danger" title="Nicht ausgeführt">
          {a.message}
        </Alert>
      ) : null}

      <section aria-labelledby="zugaenge">
        <h2 className="kern-heading-medium" id="zugaenge">
          Zugänge
        </h2>
        <ApiClientTable clients={clients} busy={busy} />
      </section>

      <section aria-labelledby="neu">
        <h2 className="kern-heading-medium" id="neu">
          Neuen Zugang anlegen
        </h2>
        <Form method="post" className="kern-stack">
          <input type="hidden" name="intent" value="create" />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="api-name">
              Name (z. B. das Fachverfahren)
            </label>
            <input
              className="kern-form-input__input"
              id="api-name"
              name="name"
              maxLength={80}
              required
              aria-invalid={a && !a.ok && a.field === "name" ? true : undefined}
            />
          </div>
          <fieldset className="kern-fieldset">
            <legend className="kern-label">Berechtigungen</legend>
            <div className="kern-fieldset__body">
              {API_SCOPES.map((scope: ApiScope) => (
                <div className="kern-form-check" key={scope}>
                  <input
                    className="kern-form-check__checkbox"
                    type="checkbox"
                    id={`scope-${scope}`}
                    name="scopes"
                    value={scope}
                  />
                  <label className="kern-label" htmlFor={`scope-${scope}`}>
                    {API_SCOPE_LABELS[scope]} (<code>{scope}</code>)
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <button className="kern-btn kern-btn--primary" type="submit" disabled={busy}>
            <span className="kern-label">Zugang anlegen</span>
          </button>
        </Form>
      </section>

      <section aria-labelledby="protokoll">
        <h2 className="kern-heading-medium" id="protokoll">
          Aufrufprotokoll
        </h2>
        <ApiCallLog rows={log} nextBefore={nextBefore} clientFilter={clientFilter} clients={clients} />
      </section>
    </>
  );
}
