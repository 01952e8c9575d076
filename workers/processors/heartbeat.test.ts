import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { queueOf } from "~/utils/queue.server";
import { redis } from "~/utils/redis.server";
import { type RunningWorkers, startWorkers } from "../start";
import { deletePrefix, randomPrefix, waitFor } from "../test-support";
import { HEARTBEAT_JOB, heartbeatAge, scheduleHeartbeat } from "./heartbeat";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
let workers: RunningWorkers | undefined;
const prefixes: string[] = [];

afterAll(async () => {
  await workers?.close();
  for (const p of prefixes) await deletePrefix(p);
});

/** The compose healthcheck, as the container runs it. */
async function healthcheck(prefix: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/worker-healthcheck.ts"], {
      cwd: root,
      env: { ...process.env, QUEUE_PREFIX: prefix, NODE_ENV: "test" },
      timeout: 20_000,
    });
    return { code: 0, output: stdout };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { code: e.code ?? -1, output: e.stderr ?? "" };
  }
}

describe("worker heartbeat", () => {
  it("a consuming worker keeps the beat fresh; the healthcheck fails without one and after the worker stops", async () => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    const none = await healthcheck(prefix);
    expect(none.code).toBe(1);
    expect(none.output).toContain("noch kein Herzschlag");

    workers = startWorkers({ prefix, concurrency: 1, mailer: null, relay: false });
    await workers.ready;
    await scheduleHeartbeat(workers.queues, 200);
    await waitFor(async () => ((await heartbeatAge(redis(), prefix)) ?? Infinity) < 1_000, {
      timeoutMs: 20_000,
      what: "first heartbeat",
    });
    // It keeps beating: a later read is still fresh.
    await new Promise((r) => setTimeout(r, 600));
    expect(await heartbeatAge(redis(), prefix)).toBeLessThan(1_000);
    const healthy = await healthcheck(prefix);
    expect(healthy).toMatchObject({ code: 0 });
    expect(healthy.output).toMatch(/Herzschlag vor \d+ s/);

    // A stopped worker (jobs still scheduled, nobody consuming) stops the stamps.
    await workers.close();
    workers = undefined;
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_000));
    const age = await heartbeatAge(redis(), prefix);
    expect(age).toBeGreaterThanOrEqual(Date.now() - stoppedAt - 300);
    // A stamp older than the limit fails the healthcheck with the age in the reason.
    await redis().set(`${prefix}:health:worker-heartbeat`, String(Date.now() - 120_000));
    const stale = await healthcheck(prefix);
    expect(stale.code).toBe(1);
    expect(stale.output).toMatch(/letzter Herzschlag vor 1[12]\d s/);
    expect(queueOf(HEARTBEAT_JOB)).toBe("system");
  }, 90_000);
});
