import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildAntrag0200Xml } from "./baugenehmigung-antrag-0200.server";
import { fullApplication } from "./sample-applications";
import { ValidationBusyError, ValidationFailedError, ValidationPool } from "./validation-pool.server";

/**
 * The validation pool runs the real XSD (libxml2) and Schematron (SaxonJS) in worker threads: same
 * verdicts as on the main thread, the event loop keeps running meanwhile, a full queue refuses.
 */

const ENTRY = "xbau-nachrichten-baugenehmigung.xsd" as const;
const valid = () =>
  buildAntrag0200Xml({
    ...fullApplication,
    messageId: randomUUID(),
    authority: { name: "Bauaufsicht Test", id: "psw:13075000" },
  });

describe("ValidationPool", () => {
  it("gives the XSD and Schematron verdicts in a worker while the event loop keeps ticking", async () => {
    const pool = new ValidationPool(1, 4);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const ok = await pool.validate(valid(), ENTRY);
      expect(ok.xsd).toEqual({ valid: true, errors: [] });
      expect(ok.schematron).toEqual({ valid: true, violations: [] });
      // Compiling the schemas and running SaxonJS takes well over a second in the worker;
      // on the main thread not a single tick would have fired meanwhile.
      expect(ticks).toBeGreaterThan(10);

      const badAuthor = valid().replace(/<kennung>bap:[^<]*<\/kennung>/, "<kennung>BAP-1</kennung>");
      const sch = await pool.validate(badAuthor, ENTRY);
      expect(sch.xsd.valid).toBe(true);
      expect(sch.schematron?.valid).toBe(false);

      const xsd = await pool.validate(valid().replace("<xbau:anlagen>", "<xbau:x/><xbau:anlagen>"), ENTRY);
      expect(xsd.xsd.valid).toBe(false);
      expect(xsd.schematron).toBeNull();
    } finally {
      clearInterval(timer);
    }
  }, 120_000);

  it("refuses when the queue is full instead of piling up, and fails a task that runs too long", async () => {
    const pool = new ValidationPool(1, 1);
    const xml = valid();
    const first = pool.validate(xml, ENTRY);
    const second = pool.validate(xml, ENTRY);
    await expect(pool.validate(xml, ENTRY)).rejects.toBeInstanceOf(ValidationBusyError);
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);

    const slow = new ValidationPool(1, 1, 1);
    await expect(slow.validate(xml, ENTRY)).rejects.toBeInstanceOf(ValidationFailedError);
  }, 120_000);
});
