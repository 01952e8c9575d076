import type { Job } from "bullmq";
import type { Logger } from "pino";
import type { PrismaClient } from "~/generated/prisma/client";
import type { Mailer } from "~/utils/mail.server";
import type { JobName, JobPayload } from "~/utils/queue.server";

/** What every processor gets besides its (already validated) payload. */
export interface ProcessorContext {
  db: PrismaClient;
  /** null when SMTP_URL is not configured (mail disabled). */
  mailer: Mailer | null;
  /** Child logger carrying job name and id. */
  log: Logger;
}

export type Processor<N extends JobName> = (
  payload: JobPayload<N>,
  job: Job<JobPayload<N>, unknown, N>,
  ctx: ProcessorContext,
) => Promise<unknown>;

/** Every registered job must have exactly one processor (the type makes a missing one a compile error). */
export type ProcessorMap = { [N in JobName]: Processor<N> };
