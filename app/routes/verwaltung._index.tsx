import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { MAX_REVIEW_TARGET_DAYS, MIN_REVIEW_TARGET_DAYS } from "~/domain/admin-limits";
import { getAuthoritySettings } from "~/models/authority.server";
import { getReviewTarget, saveReviewTarget } from "~/models/review-target.server";
import { listUsersOfAuthority } from "~/models/user.server";
import { rolesLabel } from "~/utils/permissions";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Verwaltung – Bauantrag" }];

const KIND_LABELS: Record<string, string> = {
  BAUAUFSICHT: "Untere Bauaufsichtsbehörde",
  GEMEINDE: "Gemeinde",
  FACHSTELLE: "Fachstelle",
};

const AGENCY_LABELS: Record<string, string> = {
  DENKMALSCHUTZ: "Denkmalschutz",
  BRANDSCHUTZ: "Brandschutz",
  NATURSCHUTZ: "Naturschutz",
  STRASSENBAU: "Straßenbau",
  IMMISSIONSSCHUTZ: "Immissionsschutz",
  SONSTIGE: "Sonstige",
};

const LAND_PROFILE_LABELS: Record<string, string> = {
  MV: "Mecklenburg-Vorpommern (LBauO M-V)",
  MBO: "Musterbauordnung (MBO)",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "manage:authority:own");
  const [authority, users, reviewTarget] = await Promise.all([
    getAuthoritySettings(user.authorityId),
    listUsersOfAuthority(user.authorityId),
    getReviewTarget(user),
  ]);
  if (!authority) notFound();
  return { authority, users, reviewTargetDays: reviewTarget.days };
}

/** The processing target for the completeness check (issue 14 item 5), for the admin's own authority. */
export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const form = await request.formData();
  const reviewTargetDays = String(form.get("reviewTargetDays") ?? "");
  const r = await saveReviewTarget(admin, { days: reviewTargetDays });
  if (!r.ok) return { ...r, reviewTargetDays };
  return redirect(`/verwaltung?gespeichert=bearbeitungsziel&verschoben=${r.movedCases}`);
}

export default function AdminOverview() {
  const { authority, users, reviewTargetDays } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Verwaltung" lead={`Einstellungen und Benutzer:innen von ${authority.name}.`}>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/regeln">
          <span className="kern-label">Vollständigkeitsregeln ansehen</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/bescheide">
          <span className="kern-label">Bescheide: Vier-Augen-Prinzip, Gebühren</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/beteiligung">
          <span className="kern-label">Beteiligung: Erinnerung an Fachstellen</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/xbau">
          <span className="kern-label">XBau-Kennungen (DVDV)</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/konten">
          <span className="kern-label">Konten: Zwei-Faktor, Sicherheitsverlauf</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/siegel">
          <span className="kern-label">Elektronisches Siegel</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/webhooks">
          <span className="kern-label">Webhooks für Fachverfahren</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/verwaltung/api">
          <span className="kern-label">API-Zugänge für Fachverfahren</span>
        </Link>
      </PageHeader>
      <section aria-labelledby="einstellungen">
        <h2 className="kern-heading-medium" id="einstellungen">
          Einstellungen der Behörde
        </h2>
        <DescriptionList
          items={[
            { label: "Name", value: authority.name },
            { label: "Art", value: KIND_LABELS[authority.kind] ?? authority.kind },
            {
              label: "Landesprofil",
              value: LAND_PROFILE_LABELS[authority.landProfile] ?? authority.landProfile,
            },
            { label: "Format des Aktenzeichens", value: <code>{authority.fileNumberFormat}</code> },
            { label: "Amtlicher Gemeindeschlüssel", value: authority.ags ?? "–" },
            { label: "E-Mail", value: authority.email ?? "–" },
            { label: "Anschrift", value: authority.addressLine ?? "–" },
          ]}
        />
      </section>
      <ReviewTargetSection reviewTargetDays={reviewTargetDays} />
      <UserSection users={users} />
      {authority.children.length > 0 ? (
        <section className="app-section" aria-labelledby="beteiligte-stellen">
          <h2 className="kern-heading-medium" id="beteiligte-stellen">
            Gemeinden und Fachstellen im Zuständigkeitsbereich
          </h2>
          <ul className="kern-list">
            {authority.children.map((child) => (
              <li key={child.id}>
                {child.name} –{" "}
                {child.kind === "FACHSTELLE"
                  ? `Fachstelle ${AGENCY_LABELS[child.agencyType ?? ""] ?? ""}`.trim()
                  : KIND_LABELS[child.kind]}
                {child.ags ? ` (AGS ${child.ags})` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/**
 * The completeness-check target form with its saved notice; it reads the action's answer itself,
 * so a refused value stays in the field with its message.
 */
function ReviewTargetSection({ reviewTargetDays }: { reviewTargetDays: number }) {
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const targetError = a && !a.ok ? a.message : null;
  return (
    <section className="app-section" aria-labelledby="bearbeitungsziel">
      <h2 className="kern-heading-medium" id="bearbeitungsziel">
        Bearbeitungsziel Vollständigkeitsprüfung
      </h2>
      {params.get("gespeichert") === "bearbeitungsziel" && !a ? (
        <Alert tone="success" title="Gespeichert">
          <p className="kern-body" data-testid="review-target-saved">
            Das Bearbeitungsziel wurde gespeichert.{" "}
            {params.get("verschoben") && params.get("verschoben") !== "0"
              ? `Die „Nächste Frist“ von ${params.get("verschoben")} offenen Fällen ohne laufende Frist wurde neu berechnet.`
              : "Offene Fälle ohne laufende Frist waren nicht betroffen."}
          </p>
        </Alert>
      ) : null}
      <Form method="post" data-testid="review-target-form">
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="reviewTargetDays">
            Ziel für die Vollständigkeitsprüfung (Kalendertage)
          </label>
          <div className="kern-hint" id="reviewTargetDays-hint">
            Ein neuer Fall zeigt im Posteingang als „Nächste Frist“ dieses Ziel, gerechnet ab Eingang oder
            letzter Nachreichung, solange keine gesetzliche Frist läuft. Sieht das Landesrecht eine Frist für
            die Vollständigkeitsprüfung vor, gilt diese. Das Ziel ist keine gesetzliche Frist. Erlaubt sind{" "}
            {MIN_REVIEW_TARGET_DAYS} bis {MAX_REVIEW_TARGET_DAYS} Tage.
          </div>
          <input
            id="reviewTargetDays"
            name="reviewTargetDays"
            className="kern-form-input__input"
            inputMode="numeric"
            style={{ maxWidth: "8rem" }}
            aria-describedby={
              targetError ? "reviewTargetDays-hint reviewTargetDays-error" : "reviewTargetDays-hint"
            }
            aria-invalid={targetError ? true : undefined}
            defaultValue={a && !a.ok ? a.reviewTargetDays : String(reviewTargetDays)}
          />
          {targetError ? (
            <p className="kern-error" id="reviewTargetDays-error">
              {targetError}
            </p>
          ) : null}
        </div>
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
          <span className="kern-label">Bearbeitungsziel speichern</span>
        </button>
      </Form>
    </section>
  );
}

/** The authority's accounts with role and whether they are locked. */
function UserSection({ users }: { users: ReturnType<typeof useLoaderData<typeof loader>>["users"] }) {
  return (
    <section className="app-section" aria-labelledby="benutzer">
      <h2 className="kern-heading-medium" id="benutzer">
        Benutzer:innen
      </h2>
      <div className="kern-table-responsive">
        <table className="kern-table">
          <caption className="kern-title kern-sr-only">Benutzer:innen der Behörde</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">
                Name
              </th>
              <th scope="col" className="kern-table__header">
                E-Mail-Adresse
              </th>
              <th scope="col" className="kern-table__header">
                Rolle
              </th>
              <th scope="col" className="kern-table__header">
                Zugang
              </th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {users.map((u) => (
              <tr key={u.id} className="kern-table__row">
                <td className="kern-table__cell">{u.displayName}</td>
                <td className="kern-table__cell">{u.email}</td>
                <td className="kern-table__cell">{rolesLabel(u.roles)}</td>
                <td className="kern-table__cell">{u.disabledAt ? "gesperrt" : "aktiv"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
