import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { ApplicationTable, EmptyState } from "~/components/application-table";
import { listApplicationsForApplicant } from "~/models/application.server";
import { requirePermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Meine Anträge – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:application:own");
  return { applications: await listApplicationsForApplicant(user.id) };
}

export default function MyApplications() {
  const { applications } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Meine Anträge"
        lead="Bauanträge, die Sie angelegt haben oder an denen Sie als Bauherr:in oder Entwurfsverfasser:in beteiligt sind."
      />
      {applications.length === 0 ? (
        <EmptyState title="Noch keine Anträge">
          Sie haben noch keinen Bauantrag. Sobald Sie einen Antrag anlegen oder eine Einladung zu einem Antrag
          annehmen, erscheint er hier mit seinem Bearbeitungsstand.
        </EmptyState>
      ) : (
        <ApplicationTable
          caption="Meine Anträge"
          rows={applications}
          hrefFor={(id) => `/antraege/${id}`}
          showAuthority
        />
      )}
    </>
  );
}
