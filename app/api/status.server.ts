import { APPLICATION_STATUS_LABELS } from "~/components/status";
import {
  APPLICATION_TRANSITIONS,
  type ApplicationCommand,
  checkApplicationTransition,
} from "~/domain/lifecycle";
import { authorityScope } from "~/models/application.server";
import { confirmCompleteAs, type ReviewIssuer, startReviewAs } from "~/models/review.server";
import { db } from "~/utils/db.server";
import type { ApiCaller } from "./auth.server";
import { isUuid } from "./paging.server";
import { apiError, NOT_FOUND_DETAIL } from "./problem.server";

/**
 * Status commands of /api/v1 (scope status:write). Only commands the lifecycle table lets the
 * authority issue (app/domain/lifecycle.ts) and that need nothing but the case — the others
 * (Nachforderung, Beteiligung, Bescheid) carry content a clerk writes in the product. Each runs
 * through the same model function as the clerk's button (transitionApplication inside), so
 * deadlines, notifications and XBau follow-ups are the same; the history names the API client.
 */

type Runner = (
  issuer: ReviewIssuer,
  caseId: string,
) => Promise<{ ok: true } | { ok: false; message: string }>;

const RUNNERS = {
  startReview: async (issuer, caseId) => {
    const r = await startReviewAs(issuer, caseId);
    return r === "not-found" ? { ok: false, message: NOT_FOUND_DETAIL } : { ok: true };
  },
  confirmComplete: async (issuer, caseId) => {
    const r = await confirmCompleteAs(issuer, caseId);
    return r.ok ? { ok: true } : { ok: false, message: r.message };
  },
} satisfies Partial<Record<ApplicationCommand, Runner>>;

export type ApiStatusCommand = keyof typeof RUNNERS;
export const API_STATUS_COMMANDS = Object.keys(RUNNERS) as ApiStatusCommand[];

// Guard against a later edit offering a command the table reserves for the applicant side or a worker.
for (const c of API_STATUS_COMMANDS) {
  if (!(APPLICATION_TRANSITIONS[c].by as readonly string[]).includes("authority")) {
    throw new Error(`API status command ${c} is not an authority command`);
  }
}

function isApiStatusCommand(value: unknown): value is ApiStatusCommand {
  return typeof value === "string" && (API_STATUS_COMMANDS as string[]).includes(value);
}

/** Reads `{ "command": "…" }`; a German 422 naming the allowed commands otherwise. */
export function parseStatusCommand(body: unknown): ApiStatusCommand {
  const command = (body as { command?: unknown } | null)?.command;
  if (body === null || typeof body !== "object" || Array.isArray(body) || !isApiStatusCommand(command)) {
    throw apiError(
      422,
      `Unbekannter oder nicht erlaubter Befehl. Erlaubt sind: ${API_STATUS_COMMANDS.map((c) => `„${c}“ (${APPLICATION_TRANSITIONS[c].label})`).join(", ")}.`,
      { parameter: "command" },
    );
  }
  return command;
}

/**
 * Applies the command to a case of the caller's authority. 404 outside the tenant, 409 when the
 * lifecycle does not allow it from the case's status; a command that is already done (review
 * started twice) answers 200 with `changed: false`.
 */
export async function applyStatusCommand(caller: ApiCaller, caseId: string, command: ApiStatusCommand) {
  if (!isUuid(caseId)) throw apiError(404, NOT_FOUND_DETAIL);
  const where = { AND: [{ id: caseId }, authorityScope(caller.authorityId)] };
  const before = await db().application.findFirst({ where, select: { status: true } });
  if (!before) throw apiError(404, NOT_FOUND_DETAIL);
  const target = APPLICATION_TRANSITIONS[command].to;
  if (
    before.status === target &&
    !(APPLICATION_TRANSITIONS[command].from as readonly string[]).includes(target)
  ) {
    return { caseId, command, status: before.status, changed: false };
  }
  if (!checkApplicationTransition(command, before.status, "authority").ok) {
    throw apiError(
      409,
      `„${APPLICATION_TRANSITIONS[command].label}“ ist im Status „${APPLICATION_STATUS_LABELS[before.status]}“ (${before.status}) nicht möglich.`,
    );
  }
  const client = await db().apiClient.findFirstOrThrow({
    where: { id: caller.clientId, authorityId: caller.authorityId },
    select: { id: true, name: true },
  });
  const result = await RUNNERS[command](
    { authorityId: caller.authorityId, userId: null, apiClient: { id: client.id, name: client.name } },
    caseId,
  );
  if (!result.ok) throw apiError(409, result.message);
  const after = await db().application.findFirstOrThrow({ where, select: { status: true } });
  return { caseId, command, status: after.status, changed: after.status !== before.status };
}
