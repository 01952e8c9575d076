import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Short retry schedule for this file (read by the job registry when the relay adds a job).
vi.hoisted(() => {
  process.env.WEBHOOK_BACKOFF_MS = "150";
  process.env.WEBHOOK_MAX_ATTEMPTS = "6";
});

import type { WebhookBody } from "~/domain/webhook-events";
import { verifyWebhook } from "~/domain/webhook-signature";
import { createSubscription, resendDelivery, rotateSecret } from "~/models/webhook.server";
import { deliverOnce } from "~/models/webhook-delivery.server";
import { db } from "~/utils/db.server";
import { buildCase } from "../../test/kit/case";
import { sessionUser } from "../../test/kit/draft-fixtures";
import {
  createParticipationDistrict,
  type ParticipationDistrict,
} from "../../test/kit/participation-fixtures";
import { type RunningWorkers, startWorkers } from "../start";
import { closedPort, deletePrefix, randomPrefix, waitFor } from "../test-support";

/**
 * Webhook delivery end to end against the real parts: case events appended by the real model
 * commands (PostgreSQL), outbox relay and BullMQ worker (Redis), and a real HTTP receiver started
 * here that checks the Standard Webhooks signature with the secret the admin was shown.
 */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** Status to answer with for the n-th request (0-based); 200 by default. */
  answer: (n: number) => { status: number; body?: string };
  close(): Promise<void>;
}

async function startReceiver(port = 0): Promise<Receiver> {
  const r: Partial<Receiver> & { requests: Received[] } = { requests: [], answer: () => ({ status: 200 }) };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const n = r.requests.length;
      r.requests.push({
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const a = (r.answer as Receiver["answer"])(n);
      res.writeHead(a.status, { "content-type": "text/plain" });
      res.end(a.body ?? "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r as Receiver;
}

function signatureValid(secret: string, req: Received): boolean {
  return verifyWebhook(
    secret,
    {
      id: String(req.headers["webhook-id"]),
      timestamp: String(req.headers["webhook-timestamp"]),
      signature: String(req.headers["webhook-signature"]),
    },
    req.body,
  );
}

async function deliveriesOf(subscriptionId: string) {
  return db().webhookDelivery.findMany({
    where: { subscriptionId },
    orderBy: { createdAt: "asc" },
    include: { attempts: { orderBy: { id: "asc" } } },
  });
}

async function adminOf(d: ParticipationDistrict) {
  return sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
}

async function subscribe(d: ParticipationDistrict, url: string, eventTypes: string[]) {
  const admin = await adminOf(d);
  const created = await createSubscription(
    { id: admin.id, authorityId: d.authority.id },
    { url, description: "Fachverfahren", eventTypes },
  );
  if (!created.ok) throw new Error(JSON.stringify(created.errors));
  return created;
}

const prefix = randomPrefix();
let running: RunningWorkers | undefined;
const receivers: Receiver[] = [];

/** One worker process for the file; its relay only takes this file's subscriptions' jobs. */
function startFor(subscriptionIds: string[]) {
  // LIKE with '_' matches any character: close enough, the ids are random UUIDs.
  const pattern =
    subscriptionIds.length === 1 ? `webhooks.deliver__${subscriptionIds[0]}%` : "webhooks.deliver__%";
  running = startWorkers({
    prefix,
    concurrency: 2,
    relay: { intervalMs: 100, jobIdLike: pattern },
    mailer: null,
  });
  return running.ready;
}

async function stopWorkers() {
  await running?.close();
  running = undefined;
}

afterAll(async () => {
  await stopWorkers();
  await Promise.all(receivers.map((r) => r.close()));
  await deletePrefix(prefix);
});

describe("webhooks.deliver", () => {
  let district: ParticipationDistrict;
  let other: ParticipationDistrict;
  beforeAll(async () => {
    [district, other] = await Promise.all([
      createParticipationDistrict("webhook-a"),
      createParticipationDistrict("webhook-b"),
    ]);
  });

  it("delivers only the subscribed event types of the own authority, signed with the secret shown once", async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const mine = await subscribe(district, `${receiver.url}/a`, [
      "application.submitted",
      "application.complete",
    ]);
    const theirs = await subscribe(other, `${receiver.url}/b`, [
      "application.submitted",
      "application.complete",
      "review.started",
    ]);

    const built = await buildCase({ until: "complete", district, label: "webhook-a" });

    // Written in the submitting transactions: one delivery per subscribed event, none for the other tenant.
    const rows = await deliveriesOf(mine.id);
    expect(rows.map((r) => r.eventType)).toEqual(["application.submitted", "application.complete"]);
    expect(await deliveriesOf(theirs.id)).toHaveLength(0);

    await startFor([mine.id]);
    await waitFor(
      async () =>
        receiver.requests.length >= 2 && (await deliveriesOf(mine.id)).every((r) => r.status === "DELIVERED"),
      {
        what: "both deliveries",
      },
    );
    await stopWorkers();

    expect(receiver.requests.map((r) => r.path)).toEqual(["/a", "/a"]);
    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as WebhookBody);
    expect(bodies.map((b) => b.type).sort()).toEqual(["application.complete", "application.submitted"]);
    const submitted = bodies.find((b) => b.type === "application.submitted") as WebhookBody;
    expect(submitted).toMatchObject({
      authorityId: district.authority.id,
      case: { id: built.application.id, fileNumber: built.application.fileNumber },
      data: { fileNumber: built.application.fileNumber },
    });
    expect(submitted.case.url).toMatch(new RegExp(`/api/v1/cases/${built.application.id}$`));
    expect(Object.keys(submitted)).toEqual(["id", "type", "occurredAt", "authorityId", "case", "data"]);
    for (const req of receiver.requests) {
      expect(req.headers["content-type"]).toBe("application/json");
      expect(req.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(req.headers["webhook-id"]).toBe((JSON.parse(req.body) as WebhookBody).id);
      expect(signatureValid(mine.secret, req)).toBe(true);
      // A wrong secret (e.g. the other authority's) does not verify.
      expect(signatureValid(theirs.secret, req)).toBe(false);
    }
    const delivered = await deliveriesOf(mine.id);
    expect(delivered.map((d) => d.attempts.map((a) => [a.httpStatus, a.succeeded]))).toEqual([
      [[200, true]],
      [[200, true]],
    ]);
  });

  it("retries while the receiver is down, then delivers with the same Webhook-Id; every attempt is logged", async () => {
    const d = await createParticipationDistrict("webhook-down");
    const port = await closedPort();
    const sub = await subscribe(d, `http://127.0.0.1:${port}/hook`, ["application.submitted"]);
    await buildCase({ until: "submitted", district: d, label: "webhook-down" });
    await startFor([sub.id]);

    // Down: connection refused, twice at least.
    await waitFor(async () => ((await deliveriesOf(sub.id))[0]?.attemptCount ?? 0) >= 2, {
      what: "two refused attempts",
    });
    // Back, but first answering 500 once.
    const receiver = await startReceiver(port);
    receivers.push(receiver);
    receiver.answer = (n) => (n === 0 ? { status: 500, body: "Wartung" } : { status: 204 });
    const [delivery] = await waitFor(
      async () => {
        const rows = await deliveriesOf(sub.id);
        return rows[0]?.status === "DELIVERED" ? rows : undefined;
      },
      { what: "delivered after the receiver came back", timeoutMs: 20_000 },
    );
    await stopWorkers();

    const attempts = delivery?.attempts ?? [];
    const refused = attempts.filter((a) => a.httpStatus === null);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    for (const a of refused) expect(a.error).toBe("Verbindung abgelehnt (Empfänger nicht erreichbar)");
    expect(attempts.slice(refused.length).map((a) => [a.httpStatus, a.responseBody, a.succeeded])).toEqual([
      [500, "Wartung", false],
      [204, "", true],
    ]);
    expect(delivery?.attemptCount).toBe(attempts.length);
    for (const a of attempts) expect(a.durationMs).toBeGreaterThanOrEqual(0);
    // The receiver saw the same id twice (idempotency key), each time validly signed.
    expect(receiver.requests).toHaveLength(2);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery?.id]));
    for (const req of receiver.requests) expect(signatureValid(sub.secret, req)).toBe(true);
  });

  it("marks a delivery FAILED after the last attempt (answer kept to 1 KB) and 'erneut senden' delivers it later", async () => {
    const d = await createParticipationDistrict("webhook-fail");
    const receiver = await startReceiver();
    receivers.push(receiver);
    let healthy = false;
    receiver.answer = () => (healthy ? { status: 200 } : { status: 503, body: "x".repeat(5000) });
    const sub = await subscribe(d, `${receiver.url}/hook`, ["application.submitted"]);
    await buildCase({ until: "submitted", district: d, label: "webhook-fail" });
    await startFor([sub.id]);

    const [failed] = await waitFor(
      async () => {
        const rows = await deliveriesOf(sub.id);
        return rows[0]?.status === "FAILED" ? rows : undefined;
      },
      { what: "failed for good", timeoutMs: 20_000 },
    );
    expect(failed?.attempts).toHaveLength(6);
    expect(failed?.attempts.every((a) => a.httpStatus === 503 && a.responseBody?.length === 1024)).toBe(true);
    expect(failed?.failedAt).not.toBeNull();
    expect(receiver.requests).toHaveLength(6);

    healthy = true;
    // Another authority cannot re-send it.
    expect(await resendDelivery(district.authority.id, sub.id, failed?.id as string)).toBe(false);
    expect(await resendDelivery(d.authority.id, sub.id, failed?.id as string)).toBe(true);
    // A second click while it is pending does nothing.
    expect(await resendDelivery(d.authority.id, sub.id, failed?.id as string)).toBe(false);
    const [done] = await waitFor(
      async () => {
        const rows = await deliveriesOf(sub.id);
        return rows[0]?.status === "DELIVERED" ? rows : undefined;
      },
      { what: "delivered after re-send" },
    );
    await stopWorkers();
    expect(done?.attempts).toHaveLength(7);
    expect(done?.resendCount).toBe(1);
    expect(receiver.requests).toHaveLength(7);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([failed?.id]));
  });

  it("in production mode refuses to connect to a private address at delivery time (SSRF), logged, nothing sent", async () => {
    const d = await createParticipationDistrict("webhook-ssrf");
    const receiver = await startReceiver();
    receivers.push(receiver);
    // Saved while private targets were allowed (development), delivered under the production policy.
    const sub = await subscribe(d, `${receiver.url}/intern`, ["application.submitted"]);
    await buildCase({ until: "submitted", district: d, label: "webhook-ssrf" });
    const [row] = await deliveriesOf(sub.id);
    const outcome = await deliverOnce(db(), row?.id as string, {
      isLastAttempt: false,
      policy: { allowPrivate: false },
    });
    expect(outcome).toMatchObject({ kind: "failed", permanent: true, final: true });
    expect(receiver.requests).toHaveLength(0);
    const [after] = await deliveriesOf(sub.id);
    expect(after?.status).toBe("FAILED");
    expect(after?.attempts[0]?.error).toMatch(/^URL nicht erlaubt: .*https:\/\//);
  });

  it("after a renewal both the new and (for the grace period) the previous secret verify the delivery", async () => {
    const d = await createParticipationDistrict("webhook-rotate");
    const receiver = await startReceiver();
    receivers.push(receiver);
    const sub = await subscribe(d, `${receiver.url}/rot`, ["application.submitted"]);
    const fresh = await rotateSecret(d.authority.id, sub.id);
    await buildCase({ until: "submitted", district: d, label: "webhook-rotate" });
    const [row] = await deliveriesOf(sub.id);
    expect(await deliverOnce(db(), row?.id as string, { isLastAttempt: false })).toMatchObject({
      kind: "delivered",
    });
    const req = receiver.requests[0] as Received;
    expect(String(req.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(signatureValid(fresh as string, req)).toBe(true);
    expect(signatureValid(sub.secret, req)).toBe(true);

    // Grace period over: only the new secret signs.
    await db().webhookSubscription.update({
      where: { id: sub.id },
      data: { previousSecretUntil: new Date(Date.now() - 1000) },
    });
    await db().webhookDelivery.update({ where: { id: row?.id as string }, data: { status: "FAILED" } });
    await deliverOnce(db(), row?.id as string, { isLastAttempt: false });
    const later = receiver.requests[1] as Received;
    expect(signatureValid(fresh as string, later)).toBe(true);
    expect(signatureValid(sub.secret, later)).toBe(false);
  });

  it("a receiver answering 410 Gone is switched off; later events are not delivered to it", async () => {
    const d = await createParticipationDistrict("webhook-gone");
    const receiver = await startReceiver();
    receivers.push(receiver);
    receiver.answer = () => ({ status: 410 });
    const sub = await subscribe(d, `${receiver.url}/gone`, ["application.submitted", "review.started"]);
    const built = await buildCase({ until: "submitted", district: d, label: "webhook-gone" });
    const [row] = await deliveriesOf(sub.id);
    const outcome = await deliverOnce(db(), row?.id as string, { isLastAttempt: false });
    expect(outcome).toMatchObject({ kind: "failed", permanent: true });
    const s = await db().webhookSubscription.findUniqueOrThrow({ where: { id: sub.id } });
    expect(s.active).toBe(false);
    expect(s.disabledReason).toMatch(/410/);
    // A later event of the case: no delivery for an inactive subscription.
    const { startReview } = await import("~/models/review.server");
    await startReview(d.clerk, built.application.id);
    expect((await deliveriesOf(sub.id)).map((r) => r.eventType)).toEqual(["application.submitted"]);
  });
});
