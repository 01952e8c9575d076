import { formatDate } from "~/domain/format";
import { AWAITING_STATEMENT_STATUSES, OPEN_PARTICIPATION_STATUSES } from "~/domain/lifecycle";
import { consentNoun, isConsentKind } from "~/domain/participation";
import type { Prisma } from "~/generated/prisma/client";
import { applyDeemedConsent } from "~/models/participation.server";
import type { Tx } from "~/utils/db.server";

/**
 * The Einvernehmen of the Gemeinde (§ 36 BauGB) and the Zustimmungen the law requires, as the
 * decision sees them: a permit may not be granted while one is outstanding and not yet deemed given,
 * nor while one is refused and not replaced (Ersetzung). A plain Stellungnahme never blocks (the
 * clerk may decide without it, saying so).
 *
 * Used by the decision model's guard and exposed as domain data for the Bescheid (letters).
 */

export type ConsentState = "AUSSTEHEND" | "ERTEILT" | "FIKTION" | "VERSAGT" | "ERSETZT";

export const CONSENT_STATE_LABELS: Record<ConsentState, string> = {
  AUSSTEHEND: "ausstehend",
  ERTEILT: "erteilt",
  FIKTION: "gilt als erteilt (Fristablauf)",
  VERSAGT: "versagt",
  ERSETZT: "ersetzt",
};

export interface ConsentFact {
  participationId: string;
  kind: "MUNICIPAL_CONSENT" | "AGENCY_CONSENT";
  /** "Einvernehmen" or "Zustimmung". */
  noun: string;
  agencyName: string;
  state: ConsentState;
  /** "Einvernehmen der Stadt X erteilt am …" — when the state was reached (null while outstanding). */
  at: Date | null;
  deadline: Date;
  legalBasis: string;
  /** The Gemeinde's reasons for a refusal; the Bauaufsicht's reasons for the Ersetzung. */
  refusalReasons: string;
  replacementReasons: string;
}

/**
 * The consents of the case, latest round per agency, not cancelled. With `applyDueFictions`, a consent
 * whose deadline passed without an answer is recorded as deemed given here and now (the law's
 * fiction does not wait for the deadlines job), in the caller's transaction.
 */
export async function consentFacts(
  tx: Tx,
  applicationId: string,
  { now = new Date(), applyDueFictions = false }: { now?: Date; applyDueFictions?: boolean } = {},
): Promise<ConsentFact[]> {
  const load = () =>
    tx.participation.findMany({
      where: {
        applicationId,
        kind: { in: ["MUNICIPAL_CONSENT", "AGENCY_CONSENT"] },
        status: { not: "CANCELLED" },
      },
      orderBy: [{ round: "desc" }, { createdAt: "asc" }],
      select: {
        id: true,
        agencyId: true,
        kind: true,
        status: true,
        deadline: true,
        legalBasis: true,
        silenceIsConsent: true,
        answeredAt: true,
        deemedConsentAt: true,
        replacedAt: true,
        replacementReasons: true,
        closedAt: true,
        agency: { select: { name: true } },
        statement: { select: { outcome: true, reasons: true, submittedAt: true } },
      },
    });
  let rows = await load();
  if (applyDueFictions) {
    let applied = false;
    for (const p of rows) {
      const awaiting = (AWAITING_STATEMENT_STATUSES as readonly string[]).includes(p.status);
      if (awaiting && p.closedAt === null && p.silenceIsConsent && p.deadline.getTime() < now.getTime()) {
        applied =
          (await applyDeemedConsent(
            tx,
            {
              id: p.id,
              applicationId,
              agencyId: p.agencyId,
              agencyName: p.agency.name,
              deadline: p.deadline,
              legalBasis: p.legalBasis,
              silenceIsConsent: true,
              kind: p.kind,
            },
            now,
          )) || applied;
      }
    }
    if (applied) rows = await load();
  }
  const seen = new Set<string>();
  const out: ConsentFact[] = [];
  for (const p of rows) {
    if (seen.has(p.agencyId) || !isConsentKind(p.kind)) continue;
    seen.add(p.agencyId);
    const refused = p.status === "ANSWERED" && p.statement?.outcome === "REJECTION";
    const state: ConsentState =
      p.status === "DEEMED_CONSENT"
        ? "FIKTION"
        : refused
          ? p.replacedAt
            ? "ERSETZT"
            : "VERSAGT"
          : p.status === "ANSWERED"
            ? "ERTEILT"
            : "AUSSTEHEND";
    out.push({
      participationId: p.id,
      kind: p.kind as ConsentFact["kind"],
      noun: consentNoun(p.kind),
      agencyName: p.agency.name,
      state,
      at:
        state === "FIKTION"
          ? p.deemedConsentAt
          : state === "ERSETZT"
            ? p.replacedAt
            : state === "AUSSTEHEND"
              ? null
              : (p.statement?.submittedAt ?? p.answeredAt),
      deadline: p.deadline,
      legalBasis: p.legalBasis,
      refusalReasons: refused ? (p.statement?.reasons ?? "") : "",
      replacementReasons: p.replacementReasons,
    });
  }
  return out;
}

/**
 * Why the decision may not be made (German, for the clerk), or null. Outstanding consents block
 * every decision except an Ablehnung (a refusal needs no one's consent); a refused, not replaced
 * consent blocks everything but an Ablehnung.
 */
export function consentRefusal(facts: ConsentFact[], decisionKind: string): string | null {
  if (decisionKind === "ABLEHNUNG") return null;
  const parts: string[] = [];
  const refused = facts.filter((f) => f.state === "VERSAGT");
  if (refused.length > 0) {
    parts.push(
      `${refused.map((f) => `${f.noun} von ${f.agencyName}`).join(" und ")} wurde versagt. ` +
        "Genehmigt werden kann erst, wenn ein rechtswidrig versagtes Einvernehmen ersetzt wurde (Beteiligung: „Einvernehmen ersetzen“); " +
        "andernfalls ist der Antrag abzulehnen.",
    );
  }
  const outstanding = facts.filter((f) => f.state === "AUSSTEHEND");
  if (outstanding.length > 0) {
    parts.push(
      `Es fehlt noch: ${outstanding.map((f) => `${f.noun} (${f.agencyName}, Frist bis ${formatDate(f.deadline)})`).join("; ")}. ` +
        "Ohne diese Entscheidung darf nicht genehmigt werden; sie gilt erst nach Ablauf der Frist als erteilt " +
        `(${outstanding.map((f) => f.legalBasis).join("; ")}).`,
    );
  }
  return parts.length > 0 ? parts.join(" ") : null;
}

/** Open participations that do not block (plain Stellungnahmen): the clerk may decide without them. */
export const NON_BLOCKING_OPEN_WHERE: Prisma.ParticipationWhereInput = {
  status: { in: [...OPEN_PARTICIPATION_STATUSES] },
  closedAt: null,
  kind: "AGENCY_STATEMENT",
};
