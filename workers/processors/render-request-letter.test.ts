import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendRequest, startReview } from "~/models/review.server";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { parsePayload, type RenderRequestLetterPayload } from "~/utils/queue.server";
import type { Storage } from "../../storage/index";
import { startTestStorage } from "../../storage/test-support";
import { createSubmittedCase } from "../../test/kit/agency-fixtures";
import { pdfText } from "../pdf/test-support";
import {
  createRenderRequestLetter,
  requestLetterFilename,
  requestLetterSourceKey,
} from "./render-request-letter";

let storage: Storage;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ storage, close } = await startTestStorage("request-letter"));
});
afterAll(async () => {
  await close?.();
});

async function run(requestId: string) {
  const parsed = parsePayload("documents.render-request-letter", { requestId });
  const job = { id: "test", name: "documents.render-request-letter", data: parsed } as unknown as Job<
    RenderRequestLetterPayload,
    unknown,
    "documents.render-request-letter"
  >;
  return createRenderRequestLetter({ storage })(parsed, job, { db: db(), mailer: null, log: logger });
}

const squash = (s: string) => s.replace(/\s+/g, "");

describe("documents.render-request-letter (Nachforderung as a letter beside its 0201)", () => {
  it("is queued with the request and renders a readable letter once: items, deadline, consequence, letterhead", async () => {
    const c = await createSubmittedCase("request-letter");
    await db().authority.update({
      where: { id: c.district.authority.id },
      data: { orgUnit: "Fachdienst Bauordnung", phone: "03841 3040-6300", officeHours: "Di 9–12 Uhr" },
    });
    await startReview(c.clerk, c.application.id);
    const deadline = new Date(Date.now() + 21 * 86_400_000);
    const sent = await sendRequest(c.clerk, c.application.id, {
      items: [
        { category: "04", message: "Die Abstandsflächen sind nicht vermaßt.", documentTypeCode: "1803" },
        { category: "05", message: "Der Stellplatznachweis fehlt.", documentTypeCode: "2301" },
      ],
      message: "Bitte laden Sie die Unterlagen als neue Fassung hoch.",
      internalNote: "Intern: Nachbar hat angerufen.",
      deadline,
    });
    if (!sent.ok) throw new Error(sent.message);

    // The outbox carries the letter's job next to the 0201, in the same transaction.
    const jobs = await db().outboxMessage.findMany({
      where: {
        jobName: "documents.render-request-letter",
        payload: { equals: { requestId: sent.requestId } },
      },
    });
    expect(jobs).toHaveLength(1);

    const first = await run(sent.requestId);
    expect(first).toMatchObject({ created: true });
    expect(await run(sent.requestId)).toMatchObject({ created: false });

    const row = await db().generatedDocument.findUniqueOrThrow({
      where: { sourceKey: requestLetterSourceKey(sent.requestId) },
    });
    expect(row).toMatchObject({ kind: "REQUEST_LETTER", audience: "CASE", mimeType: "application/pdf" });
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      storage.getStream(row.storageKey).then((s) => {
        const chunks: Buffer[] = [];
        s.on("data", (b: Buffer) => chunks.push(b));
        s.on("end", () => resolve(Buffer.concat(chunks)));
        s.on("error", reject);
      }, reject);
    });
    const text = await pdfText(bytes);
    const flat = squash(text);
    expect(text).toContain("Nachforderung zu Ihrem Bauantrag");
    expect(text).toContain(c.application.fileNumber);
    expect(text).toContain("Fachdienst Bauordnung");
    expect(text).toContain("03841 3040-6300");
    expect(flat).toContain(squash("2 Punkte festgestellt"));
    expect(flat).toContain(squash("Die Abstandsflächen sind nicht vermaßt."));
    expect(text).toContain("Lageplan");
    expect(text).toContain("Bauvorlage mangelhaft");
    expect(flat).toContain(squash("gilt der Bauantrag als zurückgenommen"));
    expect(text).toContain("Im Auftrag");
    // Internal note never reaches the letter; no internal codes.
    expect(text).not.toContain("Intern:");
    expect(text).not.toMatch(/Code \d{4}/);
    const events = await db().caseEvent.findMany({
      where: { applicationId: c.application.id, type: "request.letter-rendered" },
    });
    expect(events).toHaveLength(1);
  });

  it("file names keep umlauts", () => {
    expect(requestLetterFilename("Grevesmühlen/2026-00042")).toBe(
      "Nachforderung_Grevesmühlen-2026-00042.pdf",
    );
  });
});
