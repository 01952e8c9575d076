import { describe, expect, it } from "vitest";
import {
  buildEingangsbestaetigung1120Xml,
  type Eingangsbestaetigung1120Input,
} from "./prozessnachrichten-eingangsbestaetigung-1120.server";
import { validateSchematron } from "./schematron.server";
import { validateXml } from "./validate.server";

/** The answer to a received 0200 against the official Kernmodul XSD and the XBau Schematron. */

const input: Eingangsbestaetigung1120Input = {
  messageId: "5d6f3c1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f",
  createdAt: new Date("2026-12-06T07:30:00Z"),
  authority: { name: "Landkreis Vorpommern-Greifswald, Bauaufsicht", id: "psw:13075000" },
  recipient: { name: "EfA-Bauportal", id: "bap:1000001" },
  senderReference: "0f3e2d1c-4b5a-4987-8a6b-5c4d3e2f1a0b",
  fileNumber: "63-2026-00017",
  received: {
    messageId: "A1B2C3D4-E5F6-4a7b-8c9d-0e1f2a3b4c5d",
    typeCode: "0200",
    createdAt: new Date("2026-12-06T07:00:00Z"),
  },
  information: "Ihr Antrag ist eingegangen und wird bearbeitet.",
};

describe("prozessnachrichten.eingangsbestaetigung.1120", () => {
  it("is valid against the Kernmodul XSD and the XBau Schematron and refers to the received 0200", () => {
    const xml = buildEingangsbestaetigung1120Xml(input);
    expect(validateXml(xml, "xbau-kernmodul-prozessnachrichten.xsd")).toEqual({ valid: true, errors: [] });
    expect(validateSchematron(xml)).toEqual({ valid: true, violations: [] });
    expect(xml).toContain("<referenz>0f3e2d1c-4b5a-4987-8a6b-5c4d3e2f1a0b</referenz>");
    expect(xml).toContain("<vorgang>63-2026-00017</vorgang>");
    expect(xml).toMatch(/<g2g:nachrichtenUUID>a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d<\/g2g:nachrichtenUUID>/);
    expect(xml).toMatch(
      /<nachrichtentyp listURI="urn:xoev-de:xbau-kernmodul:codeliste:xbau-kernmodul-nachrichten"[^>]*>\s*<code>1120<\/code>/,
    );
  });

  it("the checks can fail: an empty element breaks the Schematron rule, a missing bezug the XSD", () => {
    const xml = buildEingangsbestaetigung1120Xml(input);
    const empty = xml.replace("<vorgang>63-2026-00017</vorgang>", "<vorgang></vorgang>");
    expect(validateSchematron(empty).violations.map((v) => v.id)).toContain("sch-xbau-gen-001");
    const noBezug = xml.replace(/<bezug>[\s\S]*<\/bezug>/, "");
    expect(validateXml(noBezug, "xbau-kernmodul-prozessnachrichten.xsd").valid).toBe(false);
  });

  it("refuses to build without the sender's reference or with a malformed one", () => {
    expect(() => buildEingangsbestaetigung1120Xml({ ...input, senderReference: "abc" })).toThrow(
      /Referenz des Antragsservice/,
    );
  });
});
