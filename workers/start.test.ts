import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "~/generated/prisma/client";
import { enqueueInTx } from "~/models/outbox.server";
import { createPrisma } from "~/utils/db.server";
import { createMailer } from "~/utils/mail.server";
import { buildJobId, defaultJobOptions } from "~/utils/queue.server";
import { type RunningWorkers, startWorkers } from "./start";
import {
  deletePrefix,
  randomId,
  randomPrefix,
  startSmtpServer,
  type TestSmtpServer,
  waitFor,
} from "./test-support";

// The real workers in-process: outbox row -> relay (scoped to this file's rows) -> BullMQ ->
// send-email processor -> a real SMTP server.

const run = `w${randomId()}`;
const prefix = randomPrefix();
let db: PrismaClient;
let smtp: TestSmtpServer;
let workers: RunningWorkers;

beforeAll(async () => {
  db = createPrisma(process.env.DATABASE_URL as string);
  smtp = await startSmtpServer();
  workers = startWorkers({
    prefix,
    concurrency: 3,
    db,
    mailer: createMailer(smtp.url, "Bauamt Musterstadt <bauamt@musterstadt.example>"),
    relay: { intervalMs: 100, jobIdLike: `%__${run}__%`, listenUrl: false },
  });
  await workers.ready;
});

afterAll(async () => {
  await workers?.close();
  await smtp?.close();
  await db.outboxMessage.deleteMany({ where: { jobId: { contains: `__${run}__` } } });
  await db.$disconnect();
  await deletePrefix(prefix);
});

describe("system.send-email", () => {
  it("sends the mail written to the outbox over SMTP", async () => {
    const jobId = buildJobId("system.send-email", run, "eingang", "BV-2026-0001");
    await db.$transaction((tx) =>
      enqueueInTx(tx, {
        jobName: "system.send-email",
        jobId,
        payload: {
          to: ["antragsteller@example.org", "entwurfsverfasserin@example.org"],
          subject: "Eingangsbestätigung Bauantrag BV-2026-0001",
          text: "Ihr Bauantrag ist eingegangen. Aktenzeichen: BV-2026-0001",
          html: "<p>Ihr Bauantrag ist <strong>eingegangen</strong>.</p>",
        },
      }),
    );
    await waitFor(() => smtp.mails.length > 0, { what: "mail" });
    const job = await waitFor(
      async () => {
        // State first, then read: a job read before it finished carries stale fields.
        const state = await workers.queues.get("system").getJobState(jobId);
        return state === "completed" ? workers.queues.get("system").getJob(jobId) : undefined;
      },
      { what: "job completed" },
    );
    expect(job.returnvalue).toMatchObject({ sent: true, accepted: 2 });

    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0];
    expect(m?.from).toBe("bauamt@musterstadt.example");
    expect(m?.to).toEqual(["antragsteller@example.org", "entwurfsverfasserin@example.org"]);
    expect(m?.raw).toMatch(/^Subject: =\?UTF-8\?Q\?Eingangsbest=C3=A4tigung/m);
    // Headers may be folded onto the next line.
    expect(m?.raw.replace(/\r?\n\s+/g, " ")).toContain(`Message-ID: <${jobId}@bauantrag.invalid>`);
    expect(m?.raw).toContain("Aktenzeichen: BV-2026-0001");
    expect(m?.raw).toContain("<strong>eingegangen</strong>");
  });

  it("fails a job with a bad payload at once, without retries and without sending", async () => {
    const before = smtp.mails.length;
    // Bypasses the outbox (which would refuse it) to see what the worker does with bad input.
    const jobId = buildJobId("system.send-email", run, "bad");
    await workers.queues
      .get("system")
      .add("system.send-email", { to: "nicht-eine-adresse", subject: "" }, { ...defaultJobOptions, jobId });
    const job = await waitFor(
      async () => {
        // State first, then read: a job read before it finished carries stale fields.
        const state = await workers.queues.get("system").getJobState(jobId);
        return state === "failed" ? workers.queues.get("system").getJob(jobId) : undefined;
      },
      { what: "job failed" },
    );
    expect(job.attemptsMade).toBe(1);
    expect(job.opts.attempts).toBe(5);
    expect(job.failedReason).toMatch(/Ungültige Nutzdaten für system.send-email/);
    expect(smtp.mails.length).toBe(before);
  });

  it("fails an unknown job name for good", async () => {
    const jobId = `unknown__${run}`;
    await workers.queues.get("system").add("system.do-magic", {}, { ...defaultJobOptions, jobId });
    const job = await waitFor(
      async () => {
        // State first, then read: a job read before it finished carries stale fields.
        const state = await workers.queues.get("system").getJobState(jobId);
        return state === "failed" ? workers.queues.get("system").getJob(jobId) : undefined;
      },
      { what: "job failed" },
    );
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/Unbekannter Job/);
  });

  it("completes without sending when mail is disabled (no SMTP_URL)", async () => {
    const otherPrefix = randomPrefix();
    const noMail = startWorkers({ prefix: otherPrefix, concurrency: 1, db, mailer: null, relay: false });
    try {
      await noMail.ready;
      const jobId = buildJobId("system.send-email", run, "disabled");
      await noMail.queues
        .get("system")
        .add("system.send-email", { to: "a@example.org", subject: "x", text: "y" }, { jobId });
      const job = await waitFor(
        async () => {
          // State first, then read: a job read before it finished carries stale fields.
          const state = await noMail.queues.get("system").getJobState(jobId);
          return state === "completed" ? noMail.queues.get("system").getJob(jobId) : undefined;
        },
        { what: "job completed" },
      );
      expect(job.returnvalue).toEqual({ sent: false, reason: "disabled" });
    } finally {
      await noMail.close();
      await deletePrefix(otherPrefix);
    }
  });

  it("retries when the SMTP server is unreachable", async () => {
    const otherPrefix = randomPrefix();
    const broken = startWorkers({
      prefix: otherPrefix,
      concurrency: 1,
      db,
      mailer: createMailer("smtp://127.0.0.1:1"),
      relay: false,
    });
    try {
      await broken.ready;
      const jobId = buildJobId("system.send-email", run, "smtp-down");
      await broken.queues
        .get("system")
        .add(
          "system.send-email",
          { to: "a@example.org", subject: "x", text: "y" },
          { ...defaultJobOptions, backoff: { type: "fixed", delay: 60_000 }, jobId },
        );
      const job = await waitFor(
        async () => {
          const state = await broken.queues.get("system").getJobState(jobId);
          return state === "delayed" ? broken.queues.get("system").getJob(jobId) : undefined;
        },
        { what: "job waiting for retry" },
      );
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/ECONNREFUSED/);
    } finally {
      await broken.close();
      await deletePrefix(otherPrefix);
    }
  });
});
