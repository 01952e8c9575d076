import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { StatusBadge } from "~/components/status";
import { formatDate } from "~/domain/format";
import type { ApplicationStatus } from "~/generated/prisma/enums";
import { getOfflineIntake, inviteFromIntake } from "~/models/paper-intake.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

/**
 * After "Papierantrag erfassen": what was registered (Aktenzeichen, Eingangsart, Eingangsdatum,
 * open items of the completeness check) and "Zur Online-Bearbeitung einladen" for the Bauherr:in
 * and the Entwurfsverfasser:in at the address written on the application. Clerks of the case's
 * authority only (the model scopes by authorityId); other cases answer 404.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Erfasst: ${data?.intake.fileNumber ?? "Papierantrag"} – Bauantrag` },
];

const NOT_FOUND = "Diesen erfassten Antrag gibt es nicht oder er gehört nicht zu Ihrer Behörde.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "review:application:authority");
  const intake = await getOfflineIntake(user, params.id ?? "");
  if (!intake) notFound(NOT_FOUND);
  return { intake };
}

type InviteReply = { ok: boolean; message: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "review:application:authority");
  const form = await request.formData();
  const result = await inviteFromIntake(user, params.id ?? "", String(form.get("role") ?? ""));
  return data<InviteReply>(
    result.ok ? { ok: true, message: `Einladung an ${result.email} versandt.` } : result,
    {
      status: result.ok ? 200 : 422,
    },
  );
}

export default function PaperIntakeRegistered() {
  const { intake } = useLoaderData<typeof loader>();
  const invited = useActionData<typeof action>() as InviteReply | undefined;
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader title={`Antrag erfasst – Az. ${intake.fileNumber}`} lead={intake.title}>
        <Link className="kern-link" to="/behoerde/posteingang">
          Zurück zum Posteingang
        </Link>
      </PageHeader>
      {params.get("erfasst") === "1" && !invited ? (
        <Alert tone="success" title="Der Antrag ist erfasst">
          <p className="kern-body" data-testid="paper-intake-registered">
            Der Antrag hat das Aktenzeichen {intake.fileNumber} und ist mit dem Eingangsdatum{" "}
            {formatDate(intake.receivedAt)} eingegangen. Die Eingangsbestätigung (PDF) für die Papierakte wird
            erstellt und erscheint auf der Seite des Vorgangs.
          </p>
        </Alert>
      ) : null}
      {invited ? (
        <Alert
          tone={invited.ok ? "success" : "danger"}
          title={invited.ok ? "Eingeladen" : "Nicht eingeladen"}
          announce
        >
          <p className="kern-body" data-testid="paper-intake-invite-message">
            {invited.message}
          </p>
        </Alert>
      ) : null}
      <DescriptionList
        items={[
          { label: "Status", value: <StatusBadge status={intake.status as ApplicationStatus} /> },
          { label: "Aktenzeichen", value: intake.fileNumber },
          { label: "Eingangsart", value: intake.channelLabel },
          { label: "Eingangsdatum", value: formatDate(intake.receivedAt) },
          { label: "Eingescannte Unterlagen", value: String(intake.documents) },
        ]}
      />
      <section className="app-section" aria-labelledby="offen">
        <h2 className="kern-heading-medium" id="offen">
          Ergebnis der Vollständigkeitsprüfung
        </h2>
        {intake.openItems.length === 0 ? (
          <p className="kern-body">Nach den Angaben fehlt nichts; die formelle Prüfung steht noch aus.</p>
        ) : (
          <>
            <p className="kern-body">
              Noch offen ({intake.openItems.length}); über eine Nachforderung entscheidet die
              Vollständigkeitsprüfung:
            </p>
            <ul className="kern-list" data-testid="paper-intake-open-items">
              {intake.openItems.map((o) => (
                <li key={`${o.ruleId}|${o.message}`}>{o.message}</li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="app-section" aria-labelledby="einladen">
        <h2 className="kern-heading-medium" id="einladen">
          Zur Online-Bearbeitung einladen
        </h2>
        <p className="kern-body">
          Die eingeladene Person erhält eine E-Mail mit Eingangsdatum und Aktenzeichen und kann den Antrag
          nach dem Annehmen online weiterbearbeiten: Nachforderungen beantworten und Unterlagen nachreichen.
        </p>
        <ul className="kern-list">
          {intake.parties.map((p) => (
            <li key={p.role} data-testid={`paper-intake-party-${p.role}`}>
              <strong>{p.roleLabel}</strong>: {p.name || "ohne Namen"}
              {p.email ? ` (${p.email})` : " – keine E-Mail-Adresse erfasst"}
              {p.invitation?.state === "ACCEPTED" ? (
                <span> – nimmt online teil</span>
              ) : p.invitation?.state === "PENDING" ? (
                <span>
                  {" "}
                  – eingeladen
                  {p.invitation.expiresAt ? `, Link gültig bis ${formatDate(p.invitation.expiresAt)}` : ""}
                </span>
              ) : null}
              {p.email && p.invitation?.state !== "ACCEPTED" ? (
                <Form method="post" className="app-inline-form">
                  <input type="hidden" name="role" value={p.role} />
                  <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
                    <span className="kern-label">
                      {p.invitation?.state === "PENDING"
                        ? `${p.roleLabel} erneut einladen`
                        : `${p.roleLabel} zur Online-Bearbeitung einladen`}
                    </span>
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <p className="kern-body">
        <Link className="kern-btn kern-btn--primary" to={`/behoerde/faelle/${intake.id}`}>
          <span className="kern-label">Zum Vorgang</span>
        </Link>
      </p>
    </>
  );
}
