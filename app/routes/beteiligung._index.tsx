import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { EmptyState } from "~/components/empty-state";
import { formatDate, isoString } from "~/domain/format";
import { listParticipationsForAgency } from "~/models/agency-portal.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Beteiligungen – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:participation:assigned");
  // Scoped by the user's agency inside the model (agencyId in the WHERE, routed states only).
  const participations = await listParticipationsForAgency(user);
  return { agencyName: user.authority?.name ?? "", participations };
}

export default function Participations() {
  const { agencyName, participations } = useLoaderData<typeof loader>();
  const open = participations.filter((p) => p.open).length;
  return (
    <>
      <PageHeader
        title="Beteiligungen"
        lead={`Bauanträge, zu denen ${agencyName} um eine Stellungnahme gebeten wurde.`}
      />
      {participations.length === 0 ? (
        <EmptyState title="Keine offenen Beteiligungen">
          Derzeit liegt keine Anfrage zur Stellungnahme vor. Wenn eine Bauaufsichtsbehörde Ihre Fachstelle
          beteiligt, erscheint der Antrag hier mit der Frist und den für Sie freigegebenen Unterlagen. Sie
          sehen nur die Anträge, zu denen Ihre Fachstelle beteiligt wurde.
        </EmptyState>
      ) : (
        <>
          <p className="kern-body">
            {open === 0
              ? "Keine Anfrage wartet auf Ihre Stellungnahme."
              : open === 1
                ? "1 Anfrage wartet auf Ihre Stellungnahme."
                : `${open} Anfragen warten auf Ihre Stellungnahme.`}
          </p>
          <div className="kern-table-responsive">
            <table className="kern-table app-table-stack">
              <caption className="kern-title kern-sr-only">Anfragen zur Stellungnahme</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">
                    Aktenzeichen
                  </th>
                  <th scope="col" className="kern-table__header">
                    Vorhaben
                  </th>
                  <th scope="col" className="kern-table__header">
                    Gemeinde
                  </th>
                  <th scope="col" className="kern-table__header">
                    Frist
                  </th>
                  <th scope="col" className="kern-table__header">
                    Status
                  </th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {participations.map((p) => (
                  <tr key={p.id} className="kern-table__row" data-testid="participation-row">
                    <td className="kern-table__cell" data-label="Aktenzeichen">
                      <Link className="kern-link" to={`/beteiligung/${p.id}`}>
                        {p.fileNumber}
                      </Link>
                      {p.round > 1 ? (
                        <div className="kern-body kern-body--small kern-body--muted">{p.round}. Runde</div>
                      ) : null}
                    </td>
                    <td className="kern-table__cell" data-label="Vorhaben">
                      {p.projectTitle || "Ohne Titel"}
                      <div className="kern-body kern-body--small kern-body--muted">{p.authorityName}</div>
                    </td>
                    <td className="kern-table__cell" data-label="Gemeinde">
                      {p.municipality ?? "–"}
                    </td>
                    <td className="kern-table__cell" data-label="Frist">
                      <time dateTime={isoString(p.deadline)}>{formatDate(p.deadline)}</time>
                      {p.daysLeftLabel ? (
                        <>
                          <br />
                          {p.overdue ? (
                            <span className="kern-badge kern-badge--danger">
                              <span className="kern-label">{p.daysLeftLabel}</span>
                            </span>
                          ) : (
                            <span className="kern-body kern-body--small">{p.daysLeftLabel}</span>
                          )}
                        </>
                      ) : null}
                    </td>
                    <td className="kern-table__cell" data-label="Status">
                      <span className={`kern-badge ${p.open ? "kern-badge--info" : "kern-badge--success"}`}>
                        <span className="kern-label">{p.statusLabel}</span>
                      </span>
                      {p.closed ? (
                        <div className="kern-body kern-body--small kern-body--muted">abgeschlossen</div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
