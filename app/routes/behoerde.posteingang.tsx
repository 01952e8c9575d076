import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { EmptyState } from "~/components/empty-state";
import { PROCEDURE_LABELS_SHORT, procedureLabel, StatusBadge, statusLabel } from "~/components/status";
import { daysLeft, daysLeftLabel } from "~/domain/deadlines";
import { formatDate, isoString } from "~/domain/format";
import {
  clerkDisplayName,
  getCaseHeaderForClerk,
  listAuthorityAndMunicipalities,
  listClerks,
} from "~/models/case-file.server";
import { INBOX_STATUSES, type InboxSort, isInboxSort, listInbox } from "~/models/inbox.server";
import { assignCase } from "~/models/review.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Posteingang – Bauantrag" }];

const PAGE_SIZE = 25;

const SORT_LABELS: Record<InboxSort, string> = {
  deadline: "nächste Frist zuerst",
  newest: "neueste Eingänge zuerst",
  oldest: "älteste Eingänge zuerst",
  fileNumber: "Aktenzeichen",
};

function readFilters(url: URL) {
  const get = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  const due = get("frist");
  return {
    status: get("status"),
    procedureType: get("verfahren"),
    municipalityId: get("gemeinde"),
    assignedClerkId: get("zustaendig"),
    due: due === "overdue" || due === "week" ? (due as "overdue" | "week") : undefined,
    q: get("q"),
    sort: isInboxSort(get("sortierung")) ? (get("sortierung") as InboxSort) : "deadline",
    page: Math.max(1, Number.parseInt(get("seite") || "1", 10) || 1),
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const url = new URL(request.url);
  const f = readFilters(url);
  const assigned = f.assignedClerkId === "me" ? user.id : f.assignedClerkId;
  const [result, clerks, municipalities] = await Promise.all([
    listInbox(user, {
      status: f.status || undefined,
      procedureType: f.procedureType || undefined,
      municipalityId: f.municipalityId || undefined,
      assignedClerkId: assigned || undefined,
      due: f.due,
      q: f.q || undefined,
      sort: f.sort,
      page: f.page,
      pageSize: PAGE_SIZE,
    }),
    listClerks(user.authorityId),
    listAuthorityAndMunicipalities(user.authorityId),
  ]);
  const now = new Date();
  return {
    me: user.id,
    authorityName: user.authority?.name ?? "",
    filters: f,
    total: result.total,
    page: result.page,
    pageCount: Math.max(1, Math.ceil(result.total / result.pageSize)),
    rows: result.rows.map((r) => ({
      ...r,
      deadlineLabel: r.nextDeadlineAt ? daysLeftLabel(r.nextDeadlineAt, now) : null,
      overdue: r.nextDeadlineAt ? daysLeft(r.nextDeadlineAt, now) < 0 : false,
    })),
    clerks,
    municipalities,
    statuses: INBOX_STATUSES.map((value) => ({ value, label: statusLabel(value) })),
  };
}

/** Assignment from the list (plain form post per row): to oneself or to a clerk of the authority. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const form = await request.formData();
  if (form.get("intent") !== "assign") return { ok: false as const, message: "Unbekannte Aktion." };
  const caseId = String(form.get("caseId") ?? "");
  const to = String(form.get("clerkId") ?? "");
  const clerkId = to === "me" ? user.id : to === "" ? null : to;
  const result = await assignCase(user, caseId, clerkId);
  if (!result.ok) return { ok: false as const, message: result.message, caseId };
  const fileNumber = (await getCaseHeaderForClerk(user.authorityId, caseId))?.fileNumber ?? "";
  const name =
    clerkId === null
      ? null
      : clerkId === user.id
        ? "Ihnen"
        : ((await clerkDisplayName(user.authorityId, clerkId)) ?? "");
  return {
    ok: true as const,
    caseId,
    message: name
      ? `Der Fall ${fileNumber} ist ${name} zugewiesen.`
      : `Der Fall ${fileNumber} ist niemandem mehr zugewiesen.`,
  };
}

export default function Inbox() {
  const { authorityName, rows, total, page, pageCount, filters, clerks, municipalities, me, statuses } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "loading";
  const assigning = navigation.state === "submitting";
  const assigned = useActionData<typeof action>();
  const hrefForPage = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("seite", String(p));
    return `?${next.toString()}`;
  };
  const anyFilter =
    filters.status ||
    filters.procedureType ||
    filters.municipalityId ||
    filters.assignedClerkId ||
    filters.due ||
    filters.q;
  return (
    <>
      <PageHeader title="Posteingang" lead={`Bauanträge bei ${authorityName}, ${SORT_LABELS[filters.sort]}.`}>
        <Link className="kern-btn kern-btn--secondary" to="/behoerde/posteingang/xbau">
          <span className="kern-label">XBau-Nachricht einlesen</span>
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
      <Form method="get" className="app-section" aria-label="Posteingang filtern" data-testid="inbox-filters">
        <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem", alignItems: "end" }}>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="f-q">
              Suche (Aktenzeichen, Bauherr:in, Adresse)
            </label>
            <input
              id="f-q"
              name="q"
              type="search"
              className="kern-form-input__input"
              defaultValue={filters.q}
              maxLength={100}
            />
          </div>
          <FilterSelect
            id="f-status"
            name="status"
            label="Status"
            value={filters.status}
            options={statuses}
          />
          <FilterSelect
            id="f-verfahren"
            name="verfahren"
            label="Verfahrensart"
            value={filters.procedureType}
            options={Object.entries(PROCEDURE_LABELS_SHORT).map(([value, label]) => ({ value, label }))}
          />
          <FilterSelect
            id="f-gemeinde"
            name="gemeinde"
            label="Gemeinde"
            value={filters.municipalityId}
            options={municipalities.map((m) => ({ value: m.id, label: m.name }))}
          />
          <FilterSelect
            id="f-zustaendig"
            name="zustaendig"
            label="Zuständig"
            value={filters.assignedClerkId}
            options={[
              { value: "me", label: "Mir zugewiesen" },
              { value: "none", label: "Nicht zugewiesen" },
              ...clerks.filter((c) => c.id !== me).map((c) => ({ value: c.id, label: c.displayName })),
            ]}
          />
          <FilterSelect
            id="f-frist"
            name="frist"
            label="Frist"
            value={filters.due ?? ""}
            options={[
              { value: "overdue", label: "überfällig" },
              { value: "week", label: "fällig in 7 Tagen" },
            ]}
          />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="f-sortierung">
              Sortierung
            </label>
            <div className="kern-form-input__select-wrapper">
              <select
                id="f-sortierung"
                name="sortierung"
                className="kern-form-input__select"
                defaultValue={filters.sort}
              >
                {(Object.keys(SORT_LABELS) as InboxSort[]).map((k) => (
                  <option key={k} value={k}>
                    {SORT_LABELS[k]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Filtern</span>
          </button>
          {anyFilter ? (
            <Link className="kern-link" to="/behoerde/posteingang">
              Filter zurücksetzen
            </Link>
          ) : null}
        </div>
      </Form>
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
        <div className="kern-table-responsive">
          <table className="kern-table app-table-stack" data-testid="inbox-table">
            <caption className="kern-title kern-sr-only">Fälle im Posteingang</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">
                  Aktenzeichen / Vorhaben
                </th>
                <th scope="col" className="kern-table__header">
                  Bauherr:in / Adresse
                </th>
                <th scope="col" className="kern-table__header">
                  Status
                </th>
                <th scope="col" className="kern-table__header">
                  Nächste Frist
                </th>
                <th scope="col" className="kern-table__header">
                  Zuständig
                </th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {rows.map((r) => (
                <tr key={r.id} className="kern-table__row" data-testid="inbox-row">
                  <td className="kern-table__cell" data-label="Aktenzeichen / Vorhaben">
                    <Link className="kern-link" to={`/behoerde/faelle/${r.id}`}>
                      <strong>{r.fileNumber ?? "ohne Aktenzeichen"}</strong>
                      <br />
                      {r.title || "Antrag ohne Titel"}
                    </Link>
                    <br />
                    <span className="kern-body kern-body--small">
                      {procedureLabel(r.procedureType)}
                      {r.municipalityName ? `, ${r.municipalityName}` : ""}, Eingang{" "}
                      {formatDate(r.submittedAt)}
                    </span>
                  </td>
                  <td className="kern-table__cell" data-label="Bauherr:in / Adresse">
                    {r.applicantName ?? "–"}
                    <br />
                    <span className="kern-body kern-body--small">{r.plotAddress ?? ""}</span>
                  </td>
                  <td className="kern-table__cell" data-label="Status">
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="kern-table__cell" data-label="Nächste Frist">
                    {r.nextDeadlineAt ? (
                      <>
                        <time dateTime={isoString(r.nextDeadlineAt)}>{formatDate(r.nextDeadlineAt)}</time>
                        <br />
                        <span
                          className={
                            r.overdue ? "kern-badge kern-badge--danger" : "kern-body kern-body--small"
                          }
                        >
                          {r.overdue ? (
                            <span className="kern-label">{r.deadlineLabel}</span>
                          ) : (
                            r.deadlineLabel
                          )}
                        </span>
                      </>
                    ) : (
                      "–"
                    )}
                  </td>
                  <td className="kern-table__cell" data-label="Zuständig">
                    <span data-testid="inbox-assignee">
                      {r.assignedClerkId === me ? "ich" : (r.assignedClerkName ?? "nicht zugewiesen")}
                    </span>
                    <AssignForms
                      caseId={r.id}
                      fileNumber={r.fileNumber ?? r.title}
                      assignedClerkId={r.assignedClerkId}
                      me={me}
                      clerks={clerks}
                      disabled={assigning}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pageCount > 1 ? (
        <nav aria-label="Seiten" className="app-section" data-testid="inbox-pagination">
          <ul style={{ display: "flex", gap: "1rem", listStyle: "none", padding: 0 }}>
            {page > 1 ? (
              <li>
                <Link className="kern-link" to={hrefForPage(page - 1)} rel="prev">
                  Vorherige Seite
                </Link>
              </li>
            ) : null}
            <li className="kern-body">
              Seite {page} von {pageCount}
            </li>
            {page < pageCount ? (
              <li>
                <Link className="kern-link" to={hrefForPage(page + 1)} rel="next">
                  Nächste Seite
                </Link>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </>
  );
}

/** "Mir zuweisen" and a choice of any clerk of the authority, each a plain form post. */
function AssignForms({
  caseId,
  fileNumber,
  assignedClerkId,
  me,
  clerks,
  disabled,
}: {
  caseId: string;
  fileNumber: string;
  assignedClerkId: string | null;
  me: string;
  clerks: { id: string; displayName: string }[];
  disabled: boolean;
}) {
  return (
    <>
      {assignedClerkId !== me ? (
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="caseId" value={caseId} />
          <input type="hidden" name="clerkId" value="me" />
          <button
            type="submit"
            className="kern-btn kern-btn--tertiary"
            disabled={disabled}
            aria-label={`Fall ${fileNumber} mir zuweisen`}
          >
            <span className="kern-label">Mir zuweisen</span>
          </button>
        </Form>
      ) : null}
      <details>
        <summary className="kern-body kern-body--small">Zuweisung ändern</summary>
        <Form method="post" preventScrollReset style={{ display: "flex", gap: "0.5rem", alignItems: "end" }}>
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="caseId" value={caseId} />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor={`assign-${caseId}`}>
              Zuständig für {fileNumber}
            </label>
            <div className="kern-form-input__select-wrapper">
              <select
                id={`assign-${caseId}`}
                name="clerkId"
                className="kern-form-input__select"
                defaultValue={assignedClerkId ?? ""}
                key={assignedClerkId ?? "none"}
              >
                <option value="">nicht zugewiesen</option>
                {clerks.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName}
                    {c.id === me ? " (ich)" : ""}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={disabled}>
            <span className="kern-label">Zuweisen</span>
          </button>
        </Form>
      </details>
    </>
  );
}

function FilterSelect({
  id,
  name,
  label,
  value,
  options,
}: {
  id: string;
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      <div className="kern-form-input__select-wrapper">
        <select id={id} name={name} className="kern-form-input__select" defaultValue={value}>
          <option value="">alle</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
