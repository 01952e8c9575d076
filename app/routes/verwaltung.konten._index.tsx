import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { TextField } from "~/components/text-field";
import { createStaffSchema, STAFF_ROLE_LABELS, STAFF_ROLES } from "~/domain/accounts";
import { signInMethodLabel } from "~/models/security-event.server";
import { createStaffAccount, listStaffAccounts, setStaffTotpRequired } from "~/models/staff-accounts.server";
import { resetTotpByAdmin } from "~/models/totp.server";
import { clientIp } from "~/utils/auth.server";
import { rolesLabel } from "~/utils/permissions";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Konten und Anmeldung – Verwaltung – Bauantrag" }];

const dateTime = new Intl.DateTimeFormat("de-DE", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Europe/Berlin",
});

const staffRoles = STAFF_ROLES.map((value) => ({ value, label: STAFF_ROLE_LABELS[value] }));

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:user:authority");
  const { authority, users } = await listStaffAccounts(admin.authorityId);
  return {
    authority,
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      roles: u.roles,
      disabled: !!u.disabledAt,
      totp: !!u.totpEnabledAt,
      providers: u.identities.map((i) => i.provider),
      lastLogin: u.securityEvents[0]
        ? {
            at: u.securityEvents[0].createdAt.toISOString(),
            method: signInMethodLabel(u.securityEvents[0].method),
          }
        : null,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:user:authority");
  const meta = { ip: clientIp(context), userAgent: request.headers.get("User-Agent") };
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "require-totp") {
    await setStaffTotpRequired(admin, form.get("required") === "on", meta);
    return { ok: true, message: "Die Einstellung ist gespeichert." };
  }
  if (intent === "create") {
    const parsed = createStaffSchema.safeParse({
      displayName: form.get("displayName") ?? "",
      email: form.get("email") ?? "",
      role: form.get("role") ?? "",
    });
    if (!parsed.success)
      return { ok: false, message: parsed.error.issues[0]?.message ?? "Bitte prüfen Sie die Angaben." };
    const created = await createStaffAccount(admin, parsed.data, meta);
    return created.ok
      ? {
          ok: true,
          message: `Das Konto für ${parsed.data.email} ist angelegt. Die Person erhält eine E-Mail mit einem Link, über den sie ihr Passwort festlegt.`,
        }
      : { ok: false, message: created.message };
  }
  if (intent === "reset-totp") {
    const done = await resetTotpByAdmin(admin, String(form.get("userId") ?? ""), meta);
    return done
      ? {
          ok: true,
          message:
            "Die Zwei-Faktor-Anmeldung ist zurückgesetzt und alle Sitzungen des Kontos sind beendet. Bei der nächsten Anmeldung wird sie neu eingerichtet, wo sie Pflicht ist.",
        }
      : { ok: false, message: "Dieses Konto gehört nicht zu Ihrer Behörde." };
  }
  return { ok: false, message: "Unbekannte Aktion." };
}

export default function StaffAccounts() {
  const { authority, users } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="Konten und Anmeldung"
        lead={`Anmeldeverfahren der Benutzer:innen von ${authority.name}, Zwei-Faktor-Pflicht und Sicherheitsverlauf.`}
      >
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung">
          <span className="kern-label">Zur Verwaltung</span>
        </Link>
      </PageHeader>
      {result ? (
        <Alert
          tone={result.ok ? "success" : "danger"}
          title={result.ok ? "Gespeichert" : "Nicht möglich"}
          announce
        >
          <p className="kern-body" data-testid="accounts-result">
            {result.message}
          </p>
        </Alert>
      ) : null}
      <section className="app-section app-stack" aria-labelledby="pflicht">
        <h2 className="kern-heading-medium" id="pflicht">
          Zwei-Faktor-Pflicht
        </h2>
        <Form method="post" className="app-stack">
          <input type="hidden" name="intent" value="require-totp" />
          <div className="kern-form-check">
            <input
              className="kern-form-check__checkbox"
              type="checkbox"
              id="required"
              name="required"
              defaultChecked={authority.staffTotpRequired}
            />
            <label className="kern-label" htmlFor="required">
              Sachbearbeiter:innen und Administration müssen sich mit Authenticator-App anmelden
            </label>
          </div>
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
              <span className="kern-label">Einstellung speichern</span>
            </button>
          </div>
        </Form>
      </section>
      <section className="app-section app-stack" aria-labelledby="anlegen">
        <h2 className="kern-heading-medium" id="anlegen">
          Konto anlegen
        </h2>
        <Form method="post" className="app-stack">
          <input type="hidden" name="intent" value="create" />
          <TextField id="staff-name" name="displayName" label="Name" autoComplete="off" required />
          <TextField
            id="staff-email"
            name="email"
            type="email"
            label="E-Mail-Adresse"
            autoComplete="off"
            required
          />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="staff-role">
              Rolle
            </label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="staff-role" name="role" defaultValue="CLERK">
                {staffRoles.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div>
            <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
              <span className="kern-label">Konto anlegen und einladen</span>
            </button>
          </div>
        </Form>
      </section>
      <AccountsTable users={users} submitting={submitting} />
    </>
  );
}

/** The authority's accounts with their sign-in methods, last sign-in and the two-factor reset. */
function AccountsTable({
  users,
  submitting,
}: {
  users: ReturnType<typeof useLoaderData<typeof loader>>["users"];
  submitting: boolean;
}) {
  return (
    <section className="app-section" aria-labelledby="konten">
      <h2 className="kern-heading-medium" id="konten">
        Konten
      </h2>
      <div className="kern-table-responsive">
        <table className="kern-table">
          <caption className="kern-title kern-sr-only">Konten der Behörde</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">
                Name
              </th>
              <th scope="col" className="kern-table__header">
                Rolle
              </th>
              <th scope="col" className="kern-table__header">
                Anmeldung
              </th>
              <th scope="col" className="kern-table__header">
                Letzte Anmeldung
              </th>
              <th scope="col" className="kern-table__header">
                Aktionen
              </th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {users.map((u) => (
              <tr key={u.id} className="kern-table__row" data-testid={`account-${u.email}`}>
                <td className="kern-table__cell">
                  {u.displayName}
                  <br />
                  <span className="kern-body kern-body--small">{u.email}</span>
                </td>
                <td className="kern-table__cell">{rolesLabel(u.roles)}</td>
                <td className="kern-table__cell">
                  {u.disabled ? "gesperrt · " : ""}
                  {u.totp ? "Passwort und Authenticator-App" : "Passwort"}
                  {u.providers.length > 0 ? ` · ${u.providers.join(", ")}` : ""}
                </td>
                <td className="kern-table__cell">
                  {u.lastLogin ? `${dateTime.format(new Date(u.lastLogin.at))} (${u.lastLogin.method})` : "–"}
                </td>
                <td className="kern-table__cell">
                  <Link className="kern-link" to={`/verwaltung/konten/${u.id}`}>
                    Sicherheitsverlauf
                  </Link>
                  {u.totp ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="reset-totp" />
                      <input type="hidden" name="userId" value={u.id} />
                      <button type="submit" className="kern-btn kern-btn--secondary" disabled={submitting}>
                        <span className="kern-label">Zwei-Faktor zurücksetzen</span>
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
