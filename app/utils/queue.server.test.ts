import { afterAll, describe, expect, it } from "vitest";
import { deletePrefix, randomPrefix } from "../../workers/test-support";
import {
  buildJobId,
  createQueues,
  defaultJobOptions,
  jobNames,
  jobOptions,
  jobs,
  parsePayload,
  queueNames,
  queueOf,
} from "./queue.server";
import { closeClient, createRedis } from "./redis.server";

describe("job registry", () => {
  it("names every job domain.verb-noun and maps it to a known queue", () => {
    expect(jobNames).toContain("system.send-email");
    for (const name of jobNames) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
      expect(queueNames).toContain(jobs[name].queue);
    }
    expect(queueOf("system.send-email")).toBe("system");
  });

  it("validates payloads with the job's schema", () => {
    expect(parsePayload("system.send-email", { to: "a@example.org", subject: " Hallo ", text: "x" })).toEqual(
      {
        to: "a@example.org",
        subject: "Hallo",
        text: "x",
      },
    );
    expect(() => parsePayload("system.send-email", { to: "kaputt", subject: "x", text: "y" })).toThrow();
    expect(() => parsePayload("system.send-email", { to: [], subject: "x", text: "y" })).toThrow();
  });

  it("uses bounded retention and exponential retries", () => {
    expect(jobOptions("system.send-email")).toMatchObject({
      attempts: 5,
      backoff: { type: "exponential" },
      removeOnComplete: { count: expect.any(Number), age: expect.any(Number) },
      removeOnFail: { count: expect.any(Number), age: expect.any(Number) },
    });
    expect(defaultJobOptions.attempts).toBe(5);
  });
});

describe("buildJobId", () => {
  it("is deterministic and joins parts with __", () => {
    const a = buildJobId("system.send-email", "app_123", 4);
    expect(a).toBe("system.send-email__app_123__4");
    expect(buildJobId("system.send-email", "app_123", 4)).toBe(a);
  });

  it("never contains ':' nor is a bare number, and stays short", () => {
    const id = buildJobId("system.send-email", "urn:de:xbau:2.4", "a b/c", "ü");
    expect(id).not.toContain(":");
    expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(id).toBe("system.send-email__urn-de-xbau-2.4__a-b-c__-");
    const long = buildJobId("system.send-email", "x".repeat(500));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(buildJobId("system.send-email", "x".repeat(500))).toBe(long);
    expect(buildJobId("system.send-email", `${"x".repeat(499)}y`)).not.toBe(long);
  });

  it("keeps the separator unambiguous", () => {
    expect(buildJobId("system.send-email", "a__b")).not.toBe(buildJobId("system.send-email", "a", "b"));
    expect(() => buildJobId("system.send-email")).toThrow();
    expect(() => buildJobId("system.send-email", "")).toThrow();
  });
});

describe("createQueues", () => {
  const prefix = randomPrefix();
  const queues = createQueues({ prefix });
  afterAll(async () => {
    await queues.close();
    await deletePrefix(prefix);
  });

  it("stores jobs under the given prefix and ignores a second add with the same id", async () => {
    const q = queues.get("system");
    expect(queues.get("system")).toBe(q);
    const jobId = buildJobId("system.send-email", "dedupe");
    const payload = { to: "a@example.org", subject: "x", text: "y" };
    await q.add("system.send-email", payload, { ...jobOptions("system.send-email"), jobId });
    await q.add("system.send-email", { ...payload, text: "zweites Mal" }, { jobId });
    const waiting = await q.getWaiting();
    expect(waiting.map((j) => j.id)).toEqual([jobId]);
    expect(waiting[0]?.data.text).toBe("y");
    const client = createRedis();
    try {
      expect(await client.exists(`${prefix}:system:${jobId}`)).toBe(1);
    } finally {
      await closeClient(client);
    }
  });
});
