import { Form, Link } from "@remix-run/react";
import { PROCEDURE_LABELS_SHORT } from "~/components/status";
import type { InboxSort } from "~/models/inbox.server";
import type { LoadedInbox } from "./inbox-page-types";

/** The inbox filter form (a plain GET form, so filters are bookmarkable and work without JavaScript). */

export const SORT_LABELS: Record<InboxSort, string> = {
  deadline: "nächste Frist zuerst",
  newest: "neueste Eingänge zuerst",
  oldest: "älteste Eingänge zuerst",
  fileNumber: "Aktenzeichen",
};

/** Whether any filter narrows the list (the sort order and page do not). */
export function hasFilter(filters: LoadedInbox["filters"]): boolean {
  return Boolean(
    filters.status ||
      filters.procedureType ||
      filters.municipalityId ||
      filters.assignedClerkId ||
      filters.due ||
      filters.q,
  );
}

export function InboxFilters({
  filters,
  statuses,
  municipalities,
  clerks,
  me,
}: Pick<LoadedInbox, "filters" | "statuses" | "municipalities" | "clerks" | "me">) {
  const anyFilter = hasFilter(filters);
  return (
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
        <FilterSelect id="f-status" name="status" label="Status" value={filters.status} options={statuses} />
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
