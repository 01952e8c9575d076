import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { openValue } from "~/models/totp.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action as listAction, loader as listLoader } from "./verwaltung.webhooks._index";
import { action as detailAction, loader as detailLoader } from "./verwaltung.webhooks.$id";

const BASE = "/verwaltung/webhooks";

function form(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) body.append(k, value);
  return body;
}

type Created = { ok: true; created: { id: string; secret: string } };
type Refused = { ok: false; errors: Record<string, string>; values: { url: string; eventTypes: string[] } };

describe("/verwaltung/webhooks", () => {
  let admin: SessionUser;
  let clerk: SessionUser;
  let otherAdmin: SessionUser;
  beforeAll(async () => {
    const [d, other] = await Promise.all([
      createTestDistrict("webhook-route"),
      createTestDistrict("webhook-route-x"),
    ]);
    admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    otherAdmin = await sessionUser({ roles: ["ADMIN"], authorityId: other.authority.id });
  });

  async function create(url = "http://127.0.0.1:4010/hook"): Promise<Created["created"]> {
    const r = await postRoute(
      listAction,
      admin,
      BASE,
      form({
        url,
        description: "Fachverfahren ProBau",
        eventTypes: ["application.submitted", "decision.decided"],
      }),
    );
    expect(r.status).toBe(200);
    return (r.data as Created).created;
  }

  it("creates a receiver and shows its secret once: in the answer, never in the page or the database in clear", async () => {
    const created = await create();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const row = await db().webhookSubscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.authorityId).toBe(admin.authorityId);
    expect(row.eventTypes).toEqual(["application.submitted", "decision.decided"]);
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(6));
    expect(openValue(row.secretEnc)).toBe(created.secret);

    const list = await loadRoute(listLoader, admin, BASE);
    expect(JSON.stringify(list.data)).not.toContain(created.secret.slice(6));
    expect((list.data as { subscriptions: { id: string }[] }).subscriptions.map((s) => s.id)).toContain(
      created.id,
    );
    const detail = await loadRoute(detailLoader, admin, `${BASE}/${created.id}`, { id: created.id });
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.data)).not.toContain(created.secret.slice(6));
  });

  it("refuses bad input with German messages and keeps what was typed; nothing stored", async () => {
    const before = await db().webhookSubscription.count({
      where: { authorityId: admin.authorityId as string },
    });
    const none = await postRoute(
      listAction,
      admin,
      BASE,
      form({ url: "https://fv.example.de/h", description: "" }),
    );
    expect((none.data as Refused).errors.eventTypes).toBe("Bitte wählen Sie mindestens ein Ereignis aus.");
    expect((none.data as Refused).values.url).toBe("https://fv.example.de/h");
    const bad = await postRoute(
      listAction,
      admin,
      BASE,
      form({ url: "ftp://x", eventTypes: ["application.submitted", "member.invited"] }),
    );
    expect((bad.data as Refused).errors).toEqual({
      url: "Nur https-Adressen sind möglich.",
      eventTypes: "Unbekanntes Ereignis ausgewählt. Bitte laden Sie die Seite neu.",
    });
    expect(
      await db().webhookSubscription.count({ where: { authorityId: admin.authorityId as string } }),
    ).toBe(before);
  });

  it("is for the authority's admin only: clerks get 403, another authority's admin sees and changes nothing", async () => {
    const created = await create();
    expect((await loadRoute(listLoader, clerk, BASE)).status).toBe(403);
    expect((await postRoute(listAction, clerk, BASE, form({ url: "https://a.example.de" }))).status).toBe(
      403,
    );
    expect((await loadRoute(detailLoader, clerk, `${BASE}/${created.id}`, { id: created.id })).status).toBe(
      403,
    );
    expect((await loadRoute(listLoader, null, BASE)).status).toBe(302);

    const foreignList = await loadRoute(listLoader, otherAdmin, BASE);
    expect(JSON.stringify(foreignList.data)).not.toContain(created.id);
    expect(
      (await loadRoute(detailLoader, otherAdmin, `${BASE}/${created.id}`, { id: created.id })).status,
    ).toBe(404);
    for (const intent of ["rotate", "deactivate", "delete"]) {
      const r = await postRoute(
        detailAction,
        otherAdmin,
        `${BASE}/${created.id}`,
        form({ intent, bestaetigt: "ja" }),
        {
          id: created.id,
        },
      );
      expect(r.status, intent).toBe(404);
    }
    const row = await db().webhookSubscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.active).toBe(true);
    expect(openValue(row.secretEnc)).toBe(created.secret);
  });

  it("renews the secret (shown once), deactivates, and deletes only after confirmation", async () => {
    const created = await create();
    const path = `${BASE}/${created.id}`;
    const rotated = await postRoute(detailAction, admin, path, form({ intent: "rotate" }), {
      id: created.id,
    });
    const secret = (rotated.data as { secret: string }).secret;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    const row = await db().webhookSubscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(openValue(row.secretEnc)).toBe(secret);
    expect(row.secretRotatedAt).not.toBeNull();
    // The previous secret keeps signing for a day (receivers switch over), sealed as well.
    expect(openValue(row.previousSecretEnc as string)).toBe(created.secret);
    expect(row.previousSecretUntil?.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // "Sofort ersetzen" (leaked secret): no grace period.
    const now = await postRoute(detailAction, admin, path, form({ intent: "rotate-now" }), {
      id: created.id,
    });
    const third = (now.data as { secret: string }).secret;
    const afterNow = await db().webhookSubscription.findUniqueOrThrow({ where: { id: created.id } });
    expect(openValue(afterNow.secretEnc)).toBe(third);
    expect(afterNow.previousSecretEnc).toBeNull();

    expect(
      (await postRoute(detailAction, admin, path, form({ intent: "deactivate" }), { id: created.id })).status,
    ).toBe(302);
    expect((await db().webhookSubscription.findUniqueOrThrow({ where: { id: created.id } })).active).toBe(
      false,
    );

    const ask = await postRoute(detailAction, admin, path, form({ intent: "delete" }), { id: created.id });
    expect(ask.data).toMatchObject({ intent: "delete", confirm: [["intent", "delete"]] });
    expect(await db().webhookSubscription.count({ where: { id: created.id } })).toBe(1);
    const del = await postRoute(detailAction, admin, path, form({ intent: "delete", bestaetigt: "ja" }), {
      id: created.id,
    });
    expect(del).toMatchObject({ status: 302, location: `${BASE}?geloescht=1` });
    expect(await db().webhookSubscription.count({ where: { id: created.id } })).toBe(0);
  });

  it("shows the delivery log paged (25 a page, newest first) with attempts, and re-sends a failed delivery", async () => {
    const created = await create();
    const path = `${BASE}/${created.id}`;
    const base = Date.now() - 60 * 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = randomUUID();
      ids.push(id);
      await db().webhookDelivery.create({
        data: {
          id,
          subscriptionId: created.id,
          authorityId: admin.authorityId as string,
          caseEventId: BigInt(1_000_000 + i),
          applicationId: randomUUID(),
          eventType: "application.submitted",
          body: "{}",
          status: i === 0 ? "FAILED" : "DELIVERED",
          attemptCount: 1,
          createdAt: new Date(base + i * 1000),
          attempts: {
            create: {
              startedAt: new Date(base + i * 1000),
              durationMs: 12,
              httpStatus: i === 0 ? 503 : 200,
              responseBody: i === 0 ? "Wartung" : "ok",
              succeeded: i !== 0,
            },
          },
        },
      });
    }
    type Log = {
      deliveries: { id: string; status: string; attempts: { httpStatus: number }[] }[];
      pages: number;
      total: number;
    };
    const first = (await loadRoute(detailLoader, admin, path, { id: created.id })).data as Log;
    expect(first.total).toBe(30);
    expect(first.pages).toBe(2);
    expect(first.deliveries).toHaveLength(25);
    expect(first.deliveries[0]?.id).toBe(ids[29]);
    const second = (await loadRoute(detailLoader, admin, `${path}?seite=2`, { id: created.id })).data as Log;
    expect(second.deliveries.map((d) => d.id)).toEqual(ids.slice(0, 5).reverse());
    const failed = second.deliveries.at(-1);
    expect(failed).toMatchObject({ status: "FAILED", attempts: [{ httpStatus: 503 }] });

    // A delivered one cannot be re-sent; the failed one can, once, through the outbox.
    const refused = await postRoute(
      detailAction,
      admin,
      path,
      form({ intent: "resend", deliveryId: ids[5] as string }),
      {
        id: created.id,
      },
    );
    expect(refused.data).toMatchObject({
      ok: false,
      message: expect.stringMatching(/nicht erneut gesendet/),
    });
    const resent = await postRoute(
      detailAction,
      admin,
      path,
      form({ intent: "resend", deliveryId: ids[0] as string }),
      {
        id: created.id,
      },
    );
    expect(resent).toMatchObject({ status: 302, location: `${path}?erneut=1` });
    expect((await db().webhookDelivery.findUniqueOrThrow({ where: { id: ids[0] } })).status).toBe("PENDING");
    const outbox = await db().outboxMessage.findMany({ where: { jobId: { contains: ids[0] } } });
    expect(outbox.map((o) => o.jobName)).toEqual(["webhooks.deliver"]);
    expect(outbox[0]?.payload).toEqual({ deliveryId: ids[0] });
  });
});
