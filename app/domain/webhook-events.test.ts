import { describe, expect, it } from "vitest";
import { CASE_EVENTS } from "./case-events";
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, webhookBody, webhookData } from "./webhook-events";

describe("webhook events", () => {
  it("offers only catalogued events, none of the personal ones (invitations carry e-mail addresses)", () => {
    for (const type of WEBHOOK_EVENT_TYPES) expect(Object.hasOwn(CASE_EVENTS, type)).toBe(true);
    expect(isWebhookEventType("member.invited")).toBe(false);
    expect(isWebhookEventType("consent.owner-confirmed")).toBe(false);
  });

  it("sends only the fields named for the type: a withdrawal's free-text reason stays out, objects never go", () => {
    expect(
      webhookData("application.withdrawn", {
        reason: "Frau Müller, Tel. 0381 123",
        previousStatus: "IN_REVIEW",
      }),
    ).toEqual({ previousStatus: "IN_REVIEW" });
    expect(
      webhookData("document.uploaded", { filename: "lageplan.pdf", versionNumber: 2, extra: "x" }),
    ).toEqual({
      filename: "lageplan.pdf",
      versionNumber: 2,
    });
    expect(webhookData("application.submitted", { fileNumber: { nested: true } })).toEqual({});
  });

  it("builds the body with the case's API URL and the event time", () => {
    const body = webhookBody({
      deliveryId: "0b6c2f0e-3f57-4a8e-9f0e-0a0b0c0d0e0f",
      type: "application.submitted",
      occurredAt: new Date("2026-12-06T08:00:00.000Z"),
      authorityId: "a1",
      applicationId: "c1",
      fileNumber: "63-2026-00007",
      appUrl: "https://bauantrag.landkreis.de/",
      payload: { fileNumber: "63-2026-00007", role: "ARCHITECT" },
    });
    expect(body).toBe(
      '{"id":"0b6c2f0e-3f57-4a8e-9f0e-0a0b0c0d0e0f","type":"application.submitted","occurredAt":"2026-12-06T08:00:00.000Z",' +
        '"authorityId":"a1","case":{"id":"c1","fileNumber":"63-2026-00007","url":"https://bauantrag.landkreis.de/api/v1/cases/c1"},' +
        '"data":{"fileNumber":"63-2026-00007"}}',
    );
  });
});
