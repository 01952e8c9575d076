import { describe, expect, it } from "vitest";
import { buildAntrag0200Xml } from "./baugenehmigung-antrag-0200.server";
import {
  fullApplication,
  laterDocumentsApplication,
  minimalApplication,
  specialCharsApplication,
} from "./sample-applications";
import { parseSvrl, validateSchematron } from "./schematron.server";

/**
 * The official XBau Schematron, executed with SaxonJS. A check that cannot fail proves nothing, so
 * each rule we rely on is shown to fire on a message that breaks it — messages the XSD accepts.
 */
describe("XBau Schematron (SaxonJS, compiled SEF)", () => {
  const ours = buildAntrag0200Xml(fullApplication);

  it("passes our own 0200 exports", () => {
    for (const input of [
      minimalApplication,
      fullApplication,
      laterDocumentsApplication,
      specialCharsApplication,
    ]) {
      const result = validateSchematron(buildAntrag0200Xml(input));
      expect(result.violations).toEqual([]);
      expect(result.valid).toBe(true);
    }
  }, 60_000);

  it("refuses a malformed DVDV id of the reader (sch-xbau-001) and of the author (sch-xbau-002)", () => {
    const leser = validateSchematron(ours.replace("psw:13075000", "PSW-13075000"));
    expect(leser.valid).toBe(false);
    expect(leser.violations.map((v) => v.id)).toEqual(["sch-xbau-001"]);
    expect(leser.violations[0]?.text).toContain('"leser"');

    const autor = validateSchematron(ours.replace("bap:1000001", "bap-1000001"));
    expect(autor.violations.map((v) => v.id)).toEqual(["sch-xbau-002"]);
    expect(autor.violations[0]?.text).toContain('Die Behördenkennung des Elements "autor"');
    expect(autor.violations[0]?.location).toContain("nachrichtenkopf.g2g");
  }, 60_000);

  it("refuses an empty element (sch-xbau-gen-001) and names where it is", () => {
    const empty = ours.replace(
      /<xbau:weitereAngaben>[^<]*<\/xbau:weitereAngaben>/,
      "<xbau:weitereAngaben>  </xbau:weitereAngaben>",
    );
    expect(empty).not.toBe(ours);
    const result = validateSchematron(empty);
    expect(result.violations.map((v) => v.id)).toEqual(["sch-xbau-gen-001"]);
    expect(result.violations[0]?.location).toMatch(/bauvorhaben\[1\]\/Q\{[^}]*\}weitereAngaben\[1\]$/);
    expect(result.violations[0]?.text).toBe(
      "Es dürfen keine Elemente übermittelt werden, die leer sind oder nur Whitespace enthalten.",
    );
  }, 60_000);

  it("reads SVRL reports with escaped attribute values", () => {
    const svrl =
      '<svrl:schematron-output><svrl:failed-assert location="/a[1]" id="r-1" test="x &lt; 1">' +
      "<svrl:text>Wert &amp; Text</svrl:text></svrl:failed-assert></svrl:schematron-output>";
    expect(parseSvrl(svrl)).toEqual([{ id: "r-1", location: "/a[1]", text: "Wert & Text" }]);
  });
});
