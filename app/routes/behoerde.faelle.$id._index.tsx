import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { formatDateTime, isoString } from "~/components/format";
import { eventLabel, procedureLabel, StatusBadge } from "~/components/status";
import { getCaseForAuthority } from "~/models/application.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.case.fileNumber ?? "Fall"} – Bauantrag` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  // The authority is part of the query: another tenant's case is never loaded, so it is a 404.
  const found = await getCaseForAuthority({ applicationId: params.id ?? "", authorityId: user.authorityId });
  if (!found) notFound("Diesen Fall gibt es in Ihrer Behörde nicht.");
  const { events, ...rest } = found;
  return {
    case: rest,
    events: events.map((e) => ({
      id: e.id.toString(),
      type: e.type,
      createdAt: e.createdAt,
      actor: e.actor?.displayName ?? "System",
    })),
  };
}

export default function CasePage() {
  const { case: c, events } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/behoerde/posteingang">
          Zurück zum Posteingang
        </Link>
      </p>
      <PageHeader title={c.title || "Antrag ohne Titel"} lead={`Aktenzeichen ${c.fileNumber ?? "–"}`} />
      <DescriptionList
        items={[
          { label: "Status", value: <StatusBadge status={c.status} /> },
          { label: "Aktenzeichen", value: c.fileNumber ?? "–" },
          { label: "Verfahrensart", value: procedureLabel(c.procedureType) },
          { label: "Eingereicht von", value: `${c.createdBy.displayName} (${c.createdBy.email})` },
          { label: "Eingang", value: formatDateTime(c.submittedAt) },
        ]}
      />
      <section className="app-section" aria-labelledby="verlauf">
        <h2 className="kern-heading-medium" id="verlauf">
          Verlauf
        </h2>
        {events.length === 0 ? (
          <p className="kern-body">Noch keine Einträge.</p>
        ) : (
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--small">
              <caption className="kern-title kern-sr-only">Verlauf des Falls</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">
                    Zeitpunkt
                  </th>
                  <th scope="col" className="kern-table__header">
                    Ereignis
                  </th>
                  <th scope="col" className="kern-table__header">
                    durch
                  </th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {events.map((e) => (
                  <tr key={e.id} className="kern-table__row">
                    <td className="kern-table__cell">
                      <time dateTime={isoString(e.createdAt)}>{formatDateTime(e.createdAt)}</time>
                    </td>
                    <td className="kern-table__cell">{eventLabel(e.type)}</td>
                    <td className="kern-table__cell">{e.actor}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
