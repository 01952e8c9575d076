import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SecurityHistoryTable } from "~/components/account/security-history";
import { PageHeader } from "~/components/app-shell";
import { historyItems, staffSecurityHistory } from "~/models/security-event.server";
import { rolesLabel } from "~/utils/permissions";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Sicherheitsverlauf – Verwaltung – Bauantrag" }];

/** One staff account's security history for the admin of the same authority (tenant-scoped). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:user:authority");
  const found = /^[0-9a-f-]{36}$/i.test(params.id ?? "")
    ? await staffSecurityHistory(admin.authorityId, params.id!)
    : null;
  if (!found) notFound("Dieses Konto gibt es in Ihrer Behörde nicht.");
  return {
    user: {
      displayName: found.user.displayName,
      email: found.user.email,
      roles: found.user.roles,
      totp: !!found.user.totpEnabledAt,
    },
    history: historyItems(found.events),
  };
}

export default function StaffAccountHistory() {
  const { user, history } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title={`Sicherheitsverlauf: ${user.displayName}`}
        lead={`${user.email} · ${rolesLabel(user.roles)} · ${user.totp ? "mit Authenticator-App" : "ohne zweiten Faktor"}`}
      >
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/konten">
          <span className="kern-label">Zu den Konten</span>
        </Link>
      </PageHeader>
      <section className="app-section">
        <SecurityHistoryTable items={history} caption={`Sicherheitsverlauf von ${user.displayName}`} />
      </section>
    </>
  );
}
