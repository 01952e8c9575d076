import { describe, expect, it } from "vitest";
import { buildAntrag0200Xml } from "./baugenehmigung-antrag-0200.server";
import { minimalApplication } from "./sample-applications";
import { schemaValidator, validateXml } from "./validate.server";

const ENTRY = "xbau-nachrichten-baugenehmigung.xsd";

describe("validateXml (XBau 2.6 XSD via libxml2)", () => {
  it("compiles each entry schema once and reuses it", () => {
    const first = schemaValidator(ENTRY);
    expect(schemaValidator(ENTRY)).toBe(first);
    // A second entry schema compiles against the same input provider.
    expect(schemaValidator("xbau-nachrichten-beteiligung.xsd")).not.toBe(first);
  });

  it("accepts a generated 0200", () => {
    const result = validateXml(buildAntrag0200Xml(minimalApplication), ENTRY);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("reports a schema violation with its line number", () => {
    const xml = buildAntrag0200Xml(minimalApplication);
    const lines = xml.split("\n");
    const idx = lines.findIndex((l) => l.includes("<versionsnummer>"));
    expect(idx).toBeGreaterThan(0);
    lines[idx] = "      <versionsnummer>zwei</versionsnummer>";
    const result = validateXml(lines.join("\n"), ENTRY);
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0]?.line).toBe(idx + 1);
    expect(result.errors[0]?.message).toMatch(/versionsnummer/);
  });

  it("reports a missing required element", () => {
    const xml = buildAntrag0200Xml(minimalApplication).replace(
      /\s*<xbau:anlagen>[\s\S]*<\/xbau:anlagen>/,
      "",
    );
    const result = validateXml(xml, ENTRY);
    expect(result.valid).toBe(false);
    expect(result.errors.some((e) => /anlagen/.test(e.message))).toBe(true);
  });

  it("reports XML that is not well-formed instead of throwing", () => {
    const result = validateXml('<?xml version="1.0"?>\n<a>\n  <b>\n</a>', ENTRY);
    expect(result.valid).toBe(false);
    expect(result.errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it("rejects an unknown entry schema", () => {
    expect(() => validateXml("<a/>", "xbau-nachrichten-gibtsnicht.xsd")).toThrow(/Unknown XBau schema/);
    expect(() => validateXml("<a/>", "xbau-nachrichten-../../etc.xsd")).toThrow();
  });
});
