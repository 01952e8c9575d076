import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { ApplicationTable, EmptyState } from "~/components/application-table";
import { listInboxForAuthority } from "~/models/application.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Posteingang – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  return {
    authorityName: user.authority?.name ?? "",
    cases: await listInboxForAuthority(user.authorityId),
  };
}

export default function Inbox() {
  const { authorityName, cases } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Posteingang"
        lead={`Bei Ihrer Behörde eingegangene Bauanträge (${authorityName}).`}
      />
      {cases.length === 0 ? (
        <EmptyState title="Keine eingegangenen Anträge">
          Zurzeit liegen keine eingereichten Bauanträge vor. Neue Anträge erscheinen hier, sobald sie
          eingereicht und mit einem Aktenzeichen versehen sind.
        </EmptyState>
      ) : (
        <ApplicationTable
          caption="Eingegangene Bauanträge"
          rows={cases}
          hrefFor={(id) => `/behoerde/faelle/${id}`}
          showApplicant
        />
      )}
    </>
  );
}
