import { needToKnowKey } from "~/domain/need-to-know";
import type { AgencyTarget, ParticipationKindName } from "~/domain/participation";
import type { ParticipationProposal } from "~/models/participation.server";
import type { StartFormRow } from "./forms";

/**
 * The rows of the "Beteiligung starten" form as the page and the action handle them: where they
 * start (suggestions, need-to-know defaults), an added agency's row, "Alle auswählen"/"Keine", and
 * the conversion between the parsed form (start-schema.ts) and the row shape.
 */

export interface Row {
  agencyId: string;
  keep: boolean;
  deadline: string;
  question: string;
  reason: string;
  kind: ParticipationKindName;
  documentVersionIds: string[];
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

/** Versions that may be shared now (not those still "wird geprüft"). */
export function selectableIds(p: ParticipationProposal): string[] {
  return p.documents.filter((d) => d.selectable).map((d) => d.versionId);
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

export function rowFromForm(r: StartFormRow): Row {
  return {
    agencyId: r.agencyId,
    keep: r.keep,
    deadline: r.deadline,
    question: r.question,
    reason: r.reason,
    kind: r.kind,
    documentVersionIds: r.docs,
  };
}

/** A row as the form's default value (Conform serialises it into the fields). */
export function rowToForm(r: Row) {
  return {
    agencyId: r.agencyId,
    keep: r.keep ? "on" : undefined,
    deadline: r.deadline,
    question: r.question,
    reason: r.reason,
    kind: r.kind,
    docs: r.documentVersionIds,
  };
}
