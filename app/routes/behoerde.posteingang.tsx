import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { EmptyState } from "~/components/empty-state";
import { hasFilter, InboxFilters, SORT_LABELS } from "~/components/inbox/inbox-filters";
import { inboxAction, loadInbox } from "~/components/inbox/inbox-page.server";
import { InboxPagination, InboxTable } from "~/components/inbox/inbox-table";
import { atAuthority } from "~/domain/wording";

/**
 * The authority's inbox: filters, one page of cases and assignment from the list. Loader and
 * action live in app/components/inbox/inbox-page.server.ts, the form and table beside it.
 */

export const meta: MetaFunction = () => [{ title: "Posteingang – Bauantrag" }];

export function loader(args: LoaderFunctionArgs) {
  return loadInbox(args);
}

export function action(args: ActionFunctionArgs) {
  return inboxAction(args);
}

export default function Inbox() {
  const { authorityName, rows, total, page, pageCount, filters, clerks, municipalities, me, statuses } =
    useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const busy = navigation.state === "loading";
  const assigning = navigation.state === "submitting";
  const assigned = useActionData<typeof action>();
  const anyFilter = hasFilter(filters);
  return (
    <>
      <PageHeader
        title="Posteingang"
        lead={`Bauanträge ${atAuthority(authorityName)}, ${SORT_LABELS[filters.sort]}.`}
      >
        <Link className="kern-btn kern-btn--secondary" to="/behoerde/posteingang/xbau">
          <span className="kern-label">XBau-Nachricht einlesen</span>
        </Link>
        <Link className="kern-btn kern-btn--secondary" to="/behoerde/posteingang/papier">
          <span className="kern-label">Papierantrag erfassen</span>
        </Link>
      </PageHeader>
      {assigned ? (
        <Alert
          tone={assigned.ok ? "success" : "danger"}
          title={assigned.ok ? "Zugewiesen" : "Nicht zugewiesen"}
          announce
        >
          <p className="kern-body" data-testid="inbox-assign-message">
            {assigned.message}
          </p>
        </Alert>
      ) : null}
      <InboxFilters
        filters={filters}
        statuses={statuses}
        municipalities={municipalities}
        clerks={clerks}
        me={me}
      />
      <p className="kern-body" aria-live="polite" data-testid="inbox-total">
        {total === 1 ? "1 Fall" : `${total.toLocaleString("de-DE")} Fälle`}
        {pageCount > 1 ? `, Seite ${page} von ${pageCount}` : ""}
        {busy ? " – wird geladen …" : ""}
      </p>
      {rows.length === 0 ? (
        <EmptyState title={anyFilter ? "Keine passenden Fälle" : "Keine eingegangenen Anträge"}>
          {anyFilter
            ? "Zu diesen Filtern gibt es keine Fälle. Ändern oder setzen Sie die Filter zurück."
            : "Zurzeit liegen keine eingereichten Bauanträge vor. Neue Anträge erscheinen hier, sobald sie eingereicht und mit einem Aktenzeichen versehen sind."}
        </EmptyState>
      ) : (
        <InboxTable rows={rows} me={me} clerks={clerks} assigning={assigning} />
      )}
      {pageCount > 1 ? <InboxPagination page={page} pageCount={pageCount} /> : null}
    </>
  );
}
