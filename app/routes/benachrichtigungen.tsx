import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { EmptyState } from "~/components/empty-state";
import { formatDateTime, isoString } from "~/domain/format";
import { listNotifications, markRead } from "~/models/notification.server";
import { requireUser } from "~/utils/auth.server";
import { safeRedirect } from "~/utils/safe-redirect";

export const meta: MetaFunction = () => [{ title: "Benachrichtigungen – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const notifications = await listNotifications(user.id, { take: 100 });
  return { notifications };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  const id = String(form.get("id") ?? "");
  await markRead(user.id, id === "all" ? "all" : id);
  // Opening the linked page after marking it read ("Öffnen" posts with `open`).
  return redirect(safeRedirect(form.get("open"), "/benachrichtigungen"));
}

export default function Notifications() {
  const { notifications } = useLoaderData<typeof loader>();
  const unread = notifications.filter((n) => !n.readAt).length;
  return (
    <>
      <PageHeader
        title="Benachrichtigungen"
        lead={unread === 0 ? "Keine ungelesenen Benachrichtigungen." : `${unread} ungelesen.`}
      >
        {unread > 0 ? (
          <Form method="post">
            <input type="hidden" name="id" value="all" />
            <button type="submit" className="kern-btn kern-btn--secondary">
              <span className="kern-icon kern-icon--check" aria-hidden="true" />
              <span className="kern-label">Alle als gelesen markieren</span>
            </button>
          </Form>
        ) : null}
      </PageHeader>
      {notifications.length === 0 ? (
        <EmptyState title="Noch keine Benachrichtigungen">
          Hier erscheinen Nachrichten zu Ihren Anträgen und Fällen, zum Beispiel wenn ein Antrag eingegangen
          ist.
        </EmptyState>
      ) : (
        <ul className="app-notification-list" data-testid="notification-list">
          {notifications.map((n) => (
            <li key={n.id} className={`app-notification${n.readAt ? "" : " app-notification--unread"}`}>
              <div>
                <p className="kern-body kern-body--bold">
                  {n.readAt ? null : <span className="kern-sr-only">Ungelesen: </span>}
                  {n.link ? (
                    <Link className="kern-link" to={n.link}>
                      {n.title}
                    </Link>
                  ) : (
                    n.title
                  )}
                </p>
                {n.body ? <p className="kern-body">{n.body}</p> : null}
                <p className="kern-body kern-body--small kern-body--muted">
                  <time dateTime={isoString(n.createdAt)}>{formatDateTime(n.createdAt)}</time>
                </p>
              </div>
              {n.readAt ? null : (
                <Form method="post">
                  <input type="hidden" name="id" value={n.id} />
                  <button
                    type="submit"
                    className="kern-btn kern-btn--tertiary"
                    aria-label={`Als gelesen markieren: ${n.title}`}
                  >
                    <span className="kern-label">Als gelesen markieren</span>
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
