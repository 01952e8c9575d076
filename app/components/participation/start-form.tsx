import { Form } from "@remix-run/react";
import { useState } from "react";
import { Alert } from "~/components/alert";
import { IntentButton } from "~/components/intent-button";
import { needToKnowKey } from "~/domain/need-to-know";
import {
  type AgencyTarget,
  PARTICIPATION_KIND_LABELS,
  type ParticipationKindName,
} from "~/domain/participation";
import type { ParticipationProposal } from "~/models/participation.server";

/**
 * The clerk's "Beteiligung starten" form: one row per agency (suggested or added) with documents,
 * deadline, question and what is asked for (Einvernehmen of the case's Gemeinde; Stellungnahme or
 * a Zustimmung required by law for a Fachstelle). The consequence of silence follows from that kind
 * (Land profile), it is not a free choice. Rows are plain form fields (`rows[i].…`), so the form
 * works without JavaScript; readRows parses them on the server within MAX_ROWS.
 */

const MAX_ROWS = 40;

export interface Row {
  agencyId: string;
  keep: boolean;
  deadline: string;
  question: string;
  reason: string;
  kind: ParticipationKindName;
  documentVersionIds: string[];
}

function kindOf(v: unknown, fallback: ParticipationKindName): ParticipationKindName {
  return v === "AGENCY_CONSENT" || v === "AGENCY_STATEMENT" || v === "MUNICIPAL_CONSENT" ? v : fallback;
}

/**
 * Need-to-know: the versions of the document types the authority pre-selects for this kind of
 * agency (never the statistics forms — the server does not even offer them).
 */
export function defaultVersionIds(p: ParticipationProposal, target: AgencyTarget): string[] {
  const codes = new Set(p.documentDefaults[needToKnowKey(target)] ?? []);
  return p.documents.filter((d) => d.selectable && codes.has(d.typeCode)).map((d) => d.versionId);
}

/** The rows the form starts with: every suggestion that has a registered agency, not yet asked. */
export function initialRows(p: ParticipationProposal): Row[] {
  return p.suggestions.flatMap((s) =>
    s.agency && !s.alreadyParticipating
      ? [
          {
            agencyId: s.agency.id,
            keep: true,
            deadline: s.deadlineDate,
            question: s.suggestion.question,
            reason: s.suggestion.reason,
            kind: s.suggestion.participationKind,
            documentVersionIds: defaultVersionIds(p, s.suggestion.target),
          },
        ]
      : [],
  );
}

export function rowFor(p: ParticipationProposal, agencyId: string): Row | null {
  const a = p.agencies.find((x) => x.id === agencyId);
  if (!a) return null;
  return {
    agencyId: a.id,
    keep: true,
    deadline: a.deadlineDate,
    question: a.defaults.question,
    reason: a.defaults.reason,
    kind: a.defaults.participationKind,
    documentVersionIds: defaultVersionIds(p, a.defaults.target),
  };
}

/**
 * "Alle auswählen" / "keine" of a row without JavaScript: intent `docs-all-<i>` / `docs-none-<i>`
 * (a round trip that keeps everything typed). Null when the intent is not one of them.
 */
export function applyDocsIntent(intent: string, rows: Row[], p: ParticipationProposal): Row[] | null {
  const m = /^docs-(all|none)-(\d{1,2})$/.exec(intent);
  if (!m) return null;
  const index = Number(m[2]);
  return rows.map((r, i) =>
    i === index ? { ...r, documentVersionIds: m[1] === "all" ? selectableIds(p) : [] } : r,
  );
}

/** Versions that may be shared now (not those still "wird geprüft"). */
function selectableIds(p: ParticipationProposal): string[] {
  return p.documents.filter((d) => d.selectable).map((d) => d.versionId);
}

export function readRows(form: FormData): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const agencyId = form.get(`rows[${i}].agencyId`);
    if (agencyId === null) continue;
    rows.push({
      agencyId: String(agencyId),
      keep: form.get(`rows[${i}].keep`) === "on",
      deadline: String(form.get(`rows[${i}].deadline`) ?? ""),
      question: String(form.get(`rows[${i}].question`) ?? ""),
      reason: String(form.get(`rows[${i}].reason`) ?? ""),
      kind: kindOf(form.get(`rows[${i}].kind`), "AGENCY_STATEMENT"),
      documentVersionIds: form.getAll(`rows[${i}].docs`).map(String),
    });
  }
  return rows;
}

/** The consequence of silence of the row's kind (as the server will record it). */
function consequenceFor(p: ParticipationProposal, r: Row): string {
  return p.consequences[r.kind] ?? "";
}

export function StartForm({
  proposal,
  initial,
  message,
  today,
  busy,
  boardCount,
}: {
  proposal: ParticipationProposal;
  initial: Row[] | null;
  message: string | null;
  today: string;
  busy: boolean;
  boardCount: number;
}) {
  const p = proposal;
  const [rows, setRows] = useState<Row[]>(() => initial ?? initialRows(p));
  const [addId, setAddId] = useState("");
  const agencyName = (id: string) => proposal.agencies.find((a) => a.id === id)?.name ?? "Unbekannte Stelle";
  const suggestionFor = (agencyId: string) => proposal.suggestions.find((s) => s.agency?.id === agencyId);
  const addable = proposal.agencies.filter(
    (a) => !a.alreadyParticipating && !rows.some((r) => r.agencyId === a.id),
  );
  const update = (agencyId: string, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.agencyId === agencyId ? { ...r, ...patch } : r)));
  return (
    <Form method="post" data-testid="participation-form">
      <section className="app-section" aria-labelledby="start-title">
        <h2 className="kern-heading-medium" id="start-title">
          {boardCount > 0 ? "Weitere Stellen beteiligen" : "Stellen beteiligen"}
        </h2>
        <p className="kern-body">
          Vorgeschlagen aus den Angaben des Antrags. Entfernen Sie Stellen, die nicht beteiligt werden sollen,
          und fügen Sie weitere hinzu. Jede Stelle erhält ein Paket mit Anschreiben, Zusammenfassung und den
          ausgewählten Unterlagen.
        </p>
        {proposal.suggestions
          .filter((s) => !s.agency)
          .map((s) => (
            <Alert
              key={s.suggestion.key}
              tone="warning"
              title={`${s.suggestion.label}: keine Stelle registriert`}
            >
              <p className="kern-body">
                {s.suggestion.reason} Für diese Stelle ist bei Ihrer Behörde kein Mandant eingerichtet.
              </p>
            </Alert>
          ))}
        {message ? (
          <Alert tone="danger" title="Beteiligung nicht gestartet" announce>
            <p className="kern-body" data-testid="participation-error">
              {message}
            </p>
          </Alert>
        ) : null}
        {rows.length === 0 ? <p className="kern-body">Keine Stelle ausgewählt.</p> : null}
        <ol className="app-findings" data-testid="participation-rows">
          {rows.map((r, i) => {
            const s = suggestionFor(r.agencyId);
            const name = agencyName(r.agencyId);
            const key = r.agencyId;
            return (
              <li key={key} className="app-finding" data-testid="participation-row" data-agency={name}>
                <input type="hidden" name={`rows[${i}].agencyId`} value={r.agencyId} />
                <input type="hidden" name={`rows[${i}].reason`} value={r.reason} />
                <div className="kern-form-check">
                  <input
                    className="kern-form-check__input"
                    type="checkbox"
                    id={`row-${key}-keep`}
                    name={`rows[${i}].keep`}
                    checked={r.keep}
                    onChange={(e) => update(key, { keep: e.target.checked })}
                  />
                  <label className="kern-label" htmlFor={`row-${key}-keep`}>
                    {name} beteiligen
                  </label>
                </div>
                <p className="kern-body kern-body--small">
                  {s ? <strong>{s.suggestion.label}: </strong> : null}
                  {r.reason}
                  {s ? ` (${s.suggestion.legalBasis})` : ""}
                </p>
                <p className="kern-body kern-body--small" data-testid="row-consequence">
                  {consequenceFor(proposal, r)}
                </p>
                <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem" }}>
                  <div className="kern-form-input">
                    <label className="kern-label" htmlFor={`row-${key}-deadline`}>
                      Frist
                    </label>
                    <input
                      id={`row-${key}-deadline`}
                      name={`rows[${i}].deadline`}
                      type="date"
                      className="kern-form-input__input"
                      min={today}
                      value={r.deadline}
                      onChange={(e) => update(key, { deadline: e.target.value })}
                    />
                  </div>
                  {r.kind === "MUNICIPAL_CONSENT" ? (
                    <div className="kern-form-input">
                      <input type="hidden" name={`rows[${i}].kind`} value="MUNICIPAL_CONSENT" />
                      <span className="kern-label">Art der Beteiligung</span>
                      <p className="kern-body" data-testid="row-kind">
                        {PARTICIPATION_KIND_LABELS.MUNICIPAL_CONSENT}
                      </p>
                    </div>
                  ) : (
                    <div className="kern-form-input">
                      <label className="kern-label" htmlFor={`row-${key}-kind`}>
                        Art der Beteiligung
                      </label>
                      <div className="kern-form-input__select-wrapper">
                        <select
                          id={`row-${key}-kind`}
                          name={`rows[${i}].kind`}
                          className="kern-form-input__select"
                          value={r.kind}
                          onChange={(e) => update(key, { kind: kindOf(e.target.value, "AGENCY_STATEMENT") })}
                        >
                          <option value="AGENCY_STATEMENT">
                            {PARTICIPATION_KIND_LABELS.AGENCY_STATEMENT}
                          </option>
                          <option value="AGENCY_CONSENT">{PARTICIPATION_KIND_LABELS.AGENCY_CONSENT}</option>
                        </select>
                      </div>
                    </div>
                  )}
                </div>
                <div className="kern-form-input">
                  <label className="kern-label" htmlFor={`row-${key}-question`}>
                    Frage an die Stelle
                  </label>
                  <textarea
                    id={`row-${key}-question`}
                    name={`rows[${i}].question`}
                    className="kern-form-input__input"
                    rows={2}
                    maxLength={4000}
                    value={r.question}
                    onChange={(e) => update(key, { question: e.target.value })}
                  />
                </div>
                <fieldset className="kern-fieldset" data-testid="row-documents">
                  <legend className="kern-label">Unterlagen für {name}</legend>
                  <p className="kern-hint">
                    Vorausgewählt ist, was diese Art von Stelle braucht. Der statistische Erhebungsbogen wird
                    nie weitergegeben.
                  </p>
                  <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
                    <button
                      type="submit"
                      name="intent"
                      value={`docs-all-${i}`}
                      className="kern-btn kern-btn--tertiary"
                      onClick={(e) => {
                        // With JavaScript here; without, the action ticks them (round trip).
                        e.preventDefault();
                        update(key, { documentVersionIds: selectableIds(proposal) });
                      }}
                    >
                      <span className="kern-label">Alle auswählen</span>
                      <span className="kern-sr-only"> (Unterlagen für {name})</span>
                    </button>
                    <button
                      type="submit"
                      name="intent"
                      value={`docs-none-${i}`}
                      className="kern-btn kern-btn--tertiary"
                      onClick={(e) => {
                        e.preventDefault();
                        update(key, { documentVersionIds: [] });
                      }}
                    >
                      <span className="kern-label">Keine</span>
                      <span className="kern-sr-only"> (Unterlagen für {name})</span>
                    </button>
                  </div>
                  <div className="kern-fieldset__body">
                    {proposal.documents.map((d) => (
                      <div className="kern-form-check" key={d.versionId}>
                        <input
                          className="kern-form-check__input"
                          type="checkbox"
                          id={`row-${key}-doc-${d.versionId}`}
                          name={`rows[${i}].docs`}
                          value={d.versionId}
                          disabled={!d.selectable}
                          checked={d.selectable && r.documentVersionIds.includes(d.versionId)}
                          onChange={(e) =>
                            update(key, {
                              documentVersionIds: e.target.checked
                                ? [...r.documentVersionIds, d.versionId]
                                : r.documentVersionIds.filter((v) => v !== d.versionId),
                            })
                          }
                        />
                        <label className="kern-label" htmlFor={`row-${key}-doc-${d.versionId}`}>
                          {d.typeLabel}
                          {d.title && d.title !== d.typeLabel ? ` – ${d.title}` : ""} (Version{" "}
                          {d.versionNumber}, {d.filename})
                          {d.selectable ? null : (
                            <span className="kern-body--small"> – wird geprüft, noch nicht auswählbar</span>
                          )}
                        </label>
                      </div>
                    ))}
                  </div>
                </fieldset>
                <button
                  type="button"
                  className="kern-btn kern-btn--tertiary"
                  onClick={() => setRows((rs) => rs.filter((x) => x.agencyId !== key))}
                >
                  <span className="kern-label">{name} entfernen</span>
                </button>
              </li>
            );
          })}
        </ol>
        {addable.length > 0 ? (
          <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem", alignItems: "flex-end" }}>
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="addAgencyId">
                Weitere Stelle
              </label>
              <div className="kern-form-input__select-wrapper">
                <select
                  id="addAgencyId"
                  name="addAgencyId"
                  className="kern-form-input__select"
                  value={addId}
                  onChange={(e) => setAddId(e.target.value)}
                >
                  <option value="">Bitte wählen</option>
                  {addable.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name} ({a.kindLabel})
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <button
              type="submit"
              name="intent"
              value="add"
              className="kern-btn kern-btn--secondary"
              onClick={(e) => {
                // With JavaScript the row is added here; without, the action adds it.
                e.preventDefault();
                const row = rowFor(p, addId);
                if (row) setRows((rs) => [...rs, row]);
                setAddId("");
              }}
            >
              <span className="kern-label">Stelle hinzufügen</span>
            </button>
          </div>
        ) : null}
        <p className="kern-body">
          <IntentButton intent="start" variant="primary" disabled={busy || rows.every((r) => !r.keep)}>
            Beteiligung starten …
          </IntentButton>
        </p>
      </section>
    </Form>
  );
}
