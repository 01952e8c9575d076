import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, login } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { createLoginLimiter } from "~/utils/rate-limit.server";
import { createRedis } from "~/utils/redis.server";
import { createTestTenant, createTestUser } from "~/utils/test-tenant.server";
import {
  coarseIp,
  historyItems,
  recordSecurityEvent,
  securityHistoryOf,
  staffSecurityHistory,
  userAgentFamily,
} from "./security-event.server";

let redis: Redis;
beforeAll(() => {
  redis = createRedis({ connectionName: "bauantrag-test-security-history" });
});
afterAll(async () => {
  await redis.quit();
  await db().$disconnect();
});

describe("coarse location", () => {
  it("keeps only the network of an address", () => {
    expect(coarseIp("203.0.113.77")).toBe("203.0.113.0/24");
    expect(coarseIp("::ffff:198.51.100.9")).toBe("198.51.100.0/24");
    expect(coarseIp("2001:0db8:00ab:cdef:1:2:3:4")).toBe("2001:db8:ab::/48");
    expect(coarseIp("2001:db8::1")).toBe("2001:db8:0::/48");
    expect(coarseIp("nonsense")).toBeNull();
    expect(coarseIp(null)).toBeNull();
  });

  it("keeps only the browser family and operating system", () => {
    expect(
      userAgentFamily(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
      ),
    ).toBe("Safari unter macOS");
    expect(
      userAgentFamily(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
      ),
    ).toBe("Edge unter Windows");
    expect(userAgentFamily("Mozilla/5.0 (Android 14; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0")).toBe(
      "Firefox unter Android",
    );
    expect(userAgentFamily("curl/8.5.0")).toBe("Anderes Programm");
  });
});

describe("security history", () => {
  it("records a password sign-in with its method and shows it to the person", async () => {
    const user = await createTestUser({
      roles: ["APPLICANT"],
      passwordHash: await hashPassword("Verlauf-Test-2026!"),
    });
    const result = await login(
      {
        email: user.email,
        password: "Verlauf-Test-2026!",
        ip: "192.0.2.44",
        userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
      },
      createLoginLimiter(redis, { prefix: `test:${randomUUID()}` }),
    );
    expect(result.ok).toBe(true);
    const items = historyItems(await securityHistoryOf(user.id));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kindLabel: "Anmeldung",
      methodLabel: "Passwort",
      ipPrefix: "192.0.2.0/24",
      userAgentFamily: "Firefox unter Linux",
    });
  });

  it("shows a staff member's history to the admin of the same authority only", async () => {
    const tenant = await createTestTenant("history");
    const other = await createTestTenant("history-other");
    const clerk = await createTestUser({ roles: ["CLERK"], authorityId: tenant.id });
    const admin = await createTestUser({ roles: ["ADMIN"], authorityId: tenant.id });
    await recordSecurityEvent({ userId: clerk.id, kind: "LOGIN", method: "password+totp" });
    // Distinct timestamps (millisecond precision) for a stable newest-first order.
    await new Promise((r) => setTimeout(r, 5));
    await recordSecurityEvent({ userId: clerk.id, kind: "TOTP_RESET_BY_ADMIN", actorId: admin.id });
    expect(await staffSecurityHistory(other.id, clerk.id)).toBeNull();
    const seen = await staffSecurityHistory(tenant.id, clerk.id);
    expect(seen?.user.email).toBe(clerk.email);
    const items = historyItems(seen!.events);
    expect(items.map((i) => [i.kindLabel, i.methodLabel, i.actorName])).toEqual([
      ["Zwei-Faktor-Anmeldung von der Administration zurückgesetzt", "–", admin.displayName],
      ["Anmeldung", "Passwort und Authenticator-App", null],
    ]);
  });
});
