import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "~/domain/webhook-events";
import { createSubscription } from "~/models/webhook.server";
import { db } from "~/utils/db.server";
import { buildCase } from "../../test/kit/case";
import { sessionUser } from "../../test/kit/draft-fixtures";
import { createParticipationDistrict } from "../../test/kit/participation-fixtures";
import { openApiDocument } from "./openapi";
import { dataFieldsWithoutSchema, webhookSchemas, webhooksSection } from "./openapi-webhooks";

describe("OpenAPI webhooks section", () => {
  it("has one webhook per offered event type, a schema for every data field, and the merged document validates as OpenAPI 3.1", async () => {
    expect(Object.keys(webhooksSection).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(dataFieldsWithoutSchema()).toEqual([]);
    const doc = openApiDocument("https://bauantrag.example.de");
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.webhooks).toEqual(webhooksSection);
  });

  it("every body the product sends for a real case (submitted … decided) validates against its event schema", async () => {
    const d = await createParticipationDistrict("webhook-openapi");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const sub = await createSubscription(
      { id: admin.id, authorityId: d.authority.id },
      { url: "http://127.0.0.1:9/hook", description: "", eventTypes: [...WEBHOOK_EVENT_TYPES] },
    );
    if (!sub.ok) throw new Error("subscription refused");
    await buildCase({ until: "decided", district: d, label: "webhook-openapi" });

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "https://bauantrag.example.de/openapi", components: { schemas: webhookSchemas } });
    const rows = await db().webhookDelivery.findMany({
      where: { subscriptionId: sub.id },
      orderBy: { createdAt: "asc" },
    });
    const types = rows.map((r) => r.eventType);
    for (const expected of [
      "application.submitted",
      "review.started",
      "application.complete",
      "participation.started",
      "decision.decided",
    ]) {
      expect(types).toContain(expected);
    }
    for (const row of rows) {
      const validate = ajv.getSchema(
        `https://bauantrag.example.de/openapi#/components/schemas/WebhookEvent.${row.eventType}`,
      );
      expect(validate, row.eventType).toBeTypeOf("function");
      const ok = validate?.(JSON.parse(row.body));
      expect(ok ? [] : validate?.errors, `${row.eventType}: ${row.body}`).toEqual([]);
    }
  });
});
