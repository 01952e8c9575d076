import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { EmptyState } from "~/components/application-table";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Beteiligungen – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:participation:assigned");
  return { agencyName: user.authority?.name ?? "" };
}

export default function Participations() {
  const { agencyName } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Beteiligungen"
        lead={`Bauanträge, zu denen ${agencyName} um eine Stellungnahme gebeten wurde.`}
      />
      <EmptyState title="Keine offenen Beteiligungen">
        Derzeit liegt keine Anfrage zur Stellungnahme vor. Wenn eine Bauaufsichtsbehörde Ihre Fachstelle
        beteiligt, erscheint der Antrag hier mit der Frist und den für Sie freigegebenen Unterlagen. Sie sehen
        nur die Anträge, zu denen Ihre Fachstelle beteiligt wurde.
      </EmptyState>
    </>
  );
}
