import { XmlDocument } from "libxml2-wasm";
import { describe, expect, it } from "vitest";
import { type Aufforderung0300Input, buildAufforderung0300Xml } from "./beteiligung-aufforderung-0300.server";
import { XbauInputError } from "./input-error";
import { fullApplication, minimalApplication, sampleDocument } from "./sample-applications";
import { validateXml } from "./validate.server";

const ENTRY = "xbau-nachrichten-beteiligung.xsd";
const NS = { xbau: "http://www.xleitstelle.de/xbau/2/6" };

function valid(xml: string): string {
  const result = validateXml(xml, ENTRY);
  if (!result.valid) console.error(result.errors, xml);
  expect(result.errors).toEqual([]);
  return xml;
}

function query(xml: string, xpath: string): string[] {
  const doc = XmlDocument.fromString(xml);
  try {
    return doc.find(xpath, NS).map((n) => n.content.trim());
  } finally {
    doc.dispose();
  }
}

function input(overrides: Partial<Aufforderung0300Input> = {}): Aufforderung0300Input {
  return {
    messageId: "6f1c1f0e-1c7a-4d3e-9a55-0b7a3c2d1e01",
    createdAt: new Date("2026-11-22T09:30:00Z"),
    authority: { name: "Landkreis Nordwestmecklenburg", id: "psw:13074000" },
    agency: { name: "Brandschutzdienststelle Nordwestmecklenburg", id: "psw:0000012345" },
    reference: { applicationId: fullApplication.applicationId, fileNumber: "63-2026-00017" },
    requestId: "0d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d",
    agencyAddress: "brandschutz@nordwestmecklenburg.example",
    anliegen: [
      {
        rolle: "2",
        rechtsbereich: "BRANDSCHUTZ",
        grund: "Das Gebäude hat die Gebäudeklasse 4.\n\nBitte nehmen Sie zum Brandschutznachweis Stellung.",
      },
    ],
    project: {
      land: fullApplication.land,
      data: fullApplication.data,
      title: fullApplication.title,
      fileNumber: "63-2026-00017",
      submittedAt: fullApplication.submittedAt,
    },
    documents: [sampleDocument(1), sampleDocument(2, { typeCode: "2701", title: "Brandschutznachweis" })],
    // 22:59:59.999Z = end of the Berlin day 2026-12-22 (the UTC date would still be the 22nd; at
    // 23:30Z it is the next Berlin day).
    deadline: new Date("2026-12-22T22:59:59.999Z"),
    silenceConsequence:
      "Zustimmung gilt als erteilt: Geht bis zum Ablauf der Frist keine Stellungnahme ein, gilt die Zustimmung als erteilt (§ 69 Abs. 1 LBauO M-V).",
    ...overrides,
  };
}

describe("beteiligung.aufforderung.0300", () => {
  it("is XSD-valid and carries role, Rechtsbereich, reason, deadline and consequence of silence", () => {
    const xml = valid(buildAufforderung0300Xml(input()));
    expect(
      query(
        xml,
        "//xbau:beteiligung.aufforderung.0300/nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code",
      ),
    ).toEqual(["0300"]);
    expect(query(xml, "//xbau:bezug/vorgang")).toEqual(["63-2026-00017"]);
    expect(query(xml, "//xbau:referenzAufforderung/xbau:referenzAuftrag")).toEqual([
      "0d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d",
    ]);
    expect(query(xml, "//xbau:anliegenBeteiligung/xbau:rolle/code")).toEqual(["2"]);
    expect(query(xml, "//xbau:anliegenBeteiligung/xbau:rechtsbereich/code")).toEqual(["BRANDSCHUTZ"]);
    const grund = query(xml, "//xbau:anliegenBeteiligung/xbau:grundDerBeteiligung/text")[0] ?? "";
    // HTML flow content, one <p> per paragraph (XSD: TextFormatiert carries HTML5).
    expect(Buffer.from(grund, "base64").toString("utf8")).toBe(
      "<p>Das Gebäude hat die Gebäudeklasse 4.</p><p>Bitte nehmen Sie zum Brandschutznachweis Stellung.</p>",
    );
    expect(query(xml, "//xbau:frist")).toEqual(["2026-12-22"]);
    expect(query(xml, "//xbau:rechtsfolgeFristversaeumnis/textabsatz")[0]).toContain(
      "Zustimmung gilt als erteilt",
    );
    expect(query(xml, "//nachrichtenkopf.g2g/leser/name")).toEqual([
      "Brandschutzdienststelle Nordwestmecklenburg",
    ]);
    expect(query(xml, "//xbau:anlagen/*").length).toBeGreaterThan(0);
  });

  it("stays valid for a minimal case, the Gemeinde role and no documents", () => {
    valid(
      buildAufforderung0300Xml(
        input({
          agencyAddress: null,
          anliegen: [
            { rolle: "3", rechtsbereich: "BAUPLANUNGSRECHT", grund: "Einvernehmen nach § 36 BauGB" },
          ],
          project: {
            land: minimalApplication.land,
            data: minimalApplication.data,
            title: null,
            fileNumber: null,
            submittedAt: null,
          },
          documents: [],
        }),
      ),
    );
  });

  it("refuses what would make an invalid message, naming the problems", () => {
    const bad = input({
      requestId: "nope",
      anliegen: [],
      project: { ...input().project, data: {} },
      silenceConsequence: " ",
    });
    expect(() => buildAufforderung0300Xml(bad)).toThrow(XbauInputError);
    try {
      buildAufforderung0300Xml(bad);
    } catch (err) {
      expect((err as XbauInputError).problems).toEqual([
        "Kennung der Aufforderung ist keine UUID",
        "Anliegen der Beteiligung fehlt",
        "Bauherr fehlt",
        "Rechtsfolge bei Fristversäumnis fehlt",
      ]);
    }
  });
});
