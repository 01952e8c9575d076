import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestUser } from "~/utils/test-tenant.server";
import { createNotificationsInTx, listNotifications, markRead, unreadCount } from "./notification.server";

let alice: { id: string };
let bob: { id: string };

beforeAll(async () => {
  alice = await createTestUser({ roles: ["APPLICANT"] });
  bob = await createTestUser({ roles: ["CLERK"] });
});

describe("notifications", () => {
  it("creates notifications once per dedupe key, lists them newest first and counts unread", async () => {
    const key = randomUUID();
    const batch = [
      {
        userId: alice.id,
        type: "application.submitted",
        title: "Antrag eingereicht",
        link: "/antraege/x",
        dedupeKey: `${key}:a`,
      },
      {
        userId: bob.id,
        type: "application.submitted",
        title: "Neuer Antrag",
        body: "63-2026-00001",
        dedupeKey: `${key}:b`,
      },
    ];
    expect(await db().$transaction((tx) => createNotificationsInTx(tx, batch))).toBe(2);
    // A retried job writes the same keys again: nothing new.
    expect(await db().$transaction((tx) => createNotificationsInTx(tx, batch))).toBe(0);
    expect(await db().$transaction((tx) => createNotificationsInTx(tx, []))).toBe(0);

    const later = {
      userId: alice.id,
      type: "x",
      title: "Zweite",
      link: "https://evil.example/",
      dedupeKey: `${key}:c`,
    };
    await db().$transaction((tx) => createNotificationsInTx(tx, [later]));

    const list = await listNotifications(alice.id, { take: 10 });
    expect(list.map((n) => n.title)).toEqual(["Zweite", "Antrag eingereicht"]);
    expect(list[0]?.link).toBeNull(); // only relative links inside the app are kept
    expect(list[1]?.link).toBe("/antraege/x");
    expect(await unreadCount(alice.id)).toBe(2);
    expect(await unreadCount(bob.id)).toBe(1);
  });

  it("marks only the user's own notifications read", async () => {
    const key = randomUUID();
    await db().$transaction((tx) =>
      createNotificationsInTx(tx, [
        { userId: alice.id, type: "t", title: "A1", dedupeKey: `${key}:1` },
        { userId: bob.id, type: "t", title: "B1", dedupeKey: `${key}:2` },
      ]),
    );
    const bobs = await listNotifications(bob.id);
    const b1 = bobs.find((n) => n.title === "B1");
    expect(await markRead(alice.id, b1?.id as string)).toBe(0);
    expect(await markRead(alice.id, "kein-uuid")).toBe(0);
    expect((await listNotifications(bob.id)).find((n) => n.title === "B1")?.readAt).toBeNull();
    expect(await markRead(bob.id, b1?.id as string)).toBe(1);
    expect(await markRead(bob.id, b1?.id as string)).toBe(0);

    const before = await unreadCount(alice.id);
    expect(before).toBeGreaterThan(0);
    expect(await markRead(alice.id, "all")).toBe(before);
    expect(await unreadCount(alice.id)).toBe(0);
  });
});
