import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { PendingInvitations } from "~/components/application/parties-panels";
import { EmptyState } from "~/components/empty-state";
import { procedureLabel, StatusBadge } from "~/components/status";
import { evaluateCompleteness } from "~/domain/completeness";
import { openItemsOf } from "~/domain/completeness/open-items";
import { formatDateTime, isoString } from "~/domain/format";
import { listApplicationOverviewForMember } from "~/models/case-file.server";
import { readApplicationData } from "~/models/draft.server";
import { acceptInvitationById, listPendingInvitationsForUser } from "~/models/member.server";
import { can } from "~/utils/permissions";
import { requirePermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Meine Anträge – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "read:application:own");
  const [rows, invitations] = await Promise.all([
    listApplicationOverviewForMember(user),
    // Open invitations to this account's address (issue 14): accepted here, no e-mail needed.
    listPendingInvitationsForUser(user),
  ]);
  const applications = rows.map((r) => {
    const documents = r.documents.map((d) => ({
      typeCode: d.typeCode,
      hasFile: d._count.versions > 0,
      toBeSubmittedLater: d.toBeSubmittedLater,
    }));
    // Drafts: what still blocks submission. Submitted: documents still to be handed in, by the same
    // evaluation as the case page (none once decided or withdrawn; issue 14 item 5).
    const input = {
      profile: r.authority.landProfile,
      procedureType: r.procedureType,
      data: readApplicationData(r.data),
      documents,
    };
    const openItems =
      r.status === "DRAFT"
        ? evaluateCompleteness(input).counts.blocking
        : openItemsOf(r.status, input).length;
    return {
      id: r.id,
      title: r.title,
      status: r.status,
      fileNumber: r.fileNumber,
      procedureType: r.procedureType,
      updatedAt: r.updatedAt,
      authority: r.authority.name,
      municipality: r.municipality?.name ?? null,
      openItems,
    };
  });
  const invitedHint = new URL(request.url).searchParams.get("einladung") === "offen";
  return { applications, invitations, invitedHint, mayCreate: can(user, "create:application:own") };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "read:application:own");
  const form = await request.formData();
  if (form.get("intent") !== "accept-invitation") return { error: "Diese Aktion gibt es nicht." };
  const result = await acceptInvitationById(user, String(form.get("memberId") ?? ""));
  if (result.ok) return redirect(`/antraege/${result.applicationId}`);
  return { error: result.message };
}

export default function MyApplications() {
  const { applications, invitations, invitedHint, mayCreate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title="Meine Anträge"
        lead="Bauanträge, die Sie angelegt haben oder an denen Sie als Bauherr:in oder Entwurfsverfasser:in beteiligt sind."
      >
        {mayCreate ? (
          <Link className="kern-btn kern-btn--primary" to="/antraege/neu">
            <span className="kern-icon kern-icon--add" aria-hidden="true" />
            <span className="kern-label">Neuer Antrag</span>
          </Link>
        ) : null}
      </PageHeader>
      {invitedHint && invitations.length > 0 ? (
        <Alert tone="info" title="Einladung noch nicht angenommen">
          <p className="kern-body" data-testid="invitation-hint">
            Sie sind zu diesem Antrag eingeladen. Nehmen Sie die Einladung unten an, um ihn zu öffnen.
          </p>
        </Alert>
      ) : null}
      <PendingInvitations invitations={invitations} error={actionData?.error ?? null} />
      {applications.length === 0 ? (
        <EmptyState title="Noch keine Anträge">
          Sie haben noch keinen Bauantrag. Sobald Sie einen Antrag anlegen oder eine Einladung zu einem Antrag
          annehmen, erscheint er hier mit seinem Bearbeitungsstand.
        </EmptyState>
      ) : (
        <div className="kern-table-responsive">
          <table className="kern-table app-table-stack" data-testid="my-applications">
            <caption className="kern-title kern-sr-only">Meine Anträge</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">
                  Vorhaben
                </th>
                <th scope="col" className="kern-table__header">
                  Aktenzeichen
                </th>
                <th scope="col" className="kern-table__header">
                  Status
                </th>
                <th scope="col" className="kern-table__header">
                  Gemeinde
                </th>
                <th scope="col" className="kern-table__header kern-table__header--numeric">
                  Offene Punkte
                </th>
                <th scope="col" className="kern-table__header">
                  Zuletzt geändert
                </th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {applications.map((a) => (
                <tr key={a.id} className="kern-table__row">
                  <td className="kern-table__cell">
                    <Link className="kern-link" to={`/antraege/${a.id}`}>
                      {a.title || "Ohne Titel"}
                    </Link>
                    <div className="kern-body kern-body--small kern-body--muted">
                      {procedureLabel(a.procedureType)}
                    </div>
                  </td>
                  <td className="kern-table__cell" data-label="Aktenzeichen">
                    {a.fileNumber ?? "noch keins"}
                  </td>
                  <td className="kern-table__cell" data-label="Status">
                    <StatusBadge status={a.status} />
                  </td>
                  <td className="kern-table__cell" data-label="Gemeinde">
                    {a.municipality ?? "–"}
                    <div className="kern-body kern-body--small kern-body--muted">{a.authority}</div>
                  </td>
                  <td className="kern-table__cell kern-table__cell--numeric" data-label="Offene Punkte">
                    {a.openItems}
                  </td>
                  <td className="kern-table__cell" data-label="Zuletzt geändert">
                    <time dateTime={isoString(a.updatedAt)}>{formatDateTime(a.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
