import { describe, expect, it } from "vitest";
import { closedPort } from "../../workers/test-support";
import { closeClient, createRedis, pingRedis } from "./redis.server";

describe("redis", () => {
  it("pings the real Redis", async () => {
    const client = createRedis();
    try {
      expect(await pingRedis(client)).toBe(true);
    } finally {
      await closeClient(client);
    }
  });

  it("reports an unreachable Redis as down instead of hanging or throwing", async () => {
    const client = createRedis({ url: `redis://127.0.0.1:${await closedPort()}` });
    try {
      expect(await pingRedis(client, 300)).toBe(false);
    } finally {
      await closeClient(client);
    }
  });

  it("configures worker connections the way BullMQ requires", async () => {
    const worker = createRedis({ forWorker: true });
    const app = createRedis();
    try {
      expect(worker.options.maxRetriesPerRequest).toBeNull();
      expect(app.options.maxRetriesPerRequest).toBeGreaterThan(0);
    } finally {
      await closeClient(worker);
      await closeClient(app);
    }
  });
});
