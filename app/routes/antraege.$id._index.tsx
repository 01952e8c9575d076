import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { formatDateTime } from "~/components/format";
import { procedureLabel, StatusBadge } from "~/components/status";
import { getApplicationForMember } from "~/models/application.server";
import { notFound, requirePermission } from "~/utils/permissions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.application.title || "Antrag"} – Bauantrag` },
];

const MEMBER_ROLE_LABELS: Record<string, string> = {
  BAUHERR: "Bauherr:in",
  ENTWURFSVERFASSER: "Entwurfsverfasser:in",
  BEVOLLMAECHTIGTER: "Bevollmächtigte:r",
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:application:own");
  // Scoped by creator/accepted membership in the query: someone else's application is "not found".
  const application = await getApplicationForMember({ applicationId: params.id ?? "", userId: user.id });
  if (!application) notFound("Diesen Antrag gibt es nicht oder Sie sind an ihm nicht beteiligt.");
  return { application };
}

export default function ApplicationPage() {
  const { application } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/antraege">
          Zurück zu „Meine Anträge“
        </Link>
      </p>
      <PageHeader title={application.title || "Antrag ohne Titel"} />
      <DescriptionList
        items={[
          { label: "Status", value: <StatusBadge status={application.status} /> },
          { label: "Aktenzeichen", value: application.fileNumber ?? "wird bei Einreichung vergeben" },
          { label: "Verfahrensart", value: procedureLabel(application.procedureType) },
          { label: "Bauaufsichtsbehörde", value: application.authority.name },
          { label: "Eingereicht am", value: formatDateTime(application.submittedAt) },
          { label: "Zuletzt geändert", value: formatDateTime(application.updatedAt) },
        ]}
      />
      <section className="app-section" aria-labelledby="beteiligte">
        <h2 className="kern-heading-medium" id="beteiligte">
          Beteiligte
        </h2>
        {application.members.length === 0 ? (
          <p className="kern-body">Es sind noch keine weiteren Personen eingeladen.</p>
        ) : (
          <ul className="kern-list">
            {application.members.map((m) => (
              <li key={m.id}>
                {m.user?.displayName ?? m.email} – {MEMBER_ROLE_LABELS[m.role] ?? m.role}
                {m.invitationState === "PENDING" ? " (Einladung offen)" : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
