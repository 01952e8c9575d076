import { XmlDocument } from "libxml2-wasm";
import { describe, expect, it } from "vitest";
import {
  abweichungArtOf,
  type Bescheid0205Input,
  buildBescheid0205Xml,
} from "./baugenehmigung-bescheid-0205.server";
import { XbauInputError } from "./input-error";
import { validateXml } from "./validate.server";

const ENTRY = "xbau-nachrichten-baugenehmigung.xsd";
const NS = {
  xbau: "http://www.xleitstelle.de/xbau/2/6",
  g2g: "http://xoev.de/schemata/basisnachricht/g2g/1_1",
};

function valid(xml: string): string {
  const result = validateXml(xml, ENTRY);
  if (!result.valid) console.error(result.errors, xml);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
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

const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

function input(overrides: Partial<Bescheid0205Input> = {}): Bescheid0205Input {
  return {
    messageId: "0b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    createdAt: new Date("2026-06-18T09:15:00Z"),
    authority: { name: "Landkreis Testkreis, Bauaufsicht", id: "psw:01003000" },
    recipient: { name: "Bauantrag-Portal", id: "bap:1000001" },
    reference: {
      applicationId: "1b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
      fileNumber: "63-2026-00042",
      message: {
        messageId: "2b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        typeCode: "0200",
        createdAt: new Date("2026-03-15T10:29:00Z"),
      },
    },
    approved: true,
    tenorText: "Die Baugenehmigung wird erteilt.\n\nRechtsgrundlage: § 72 Abs. 1 LBauO M-V",
    deviations: [
      {
        id: "3b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        text: "Unterschreitung der Abstandsfläche um 0,40 m.",
        legalBasis: "§ 67 Abs. 1 LBauO M-V",
      },
    ],
    conditions: [
      {
        kind: "AUFLAGE",
        rechtsbereich: "DENKMALSCHUTZ",
        text: "Holzfenster mit Sprossen <historisch> & passend.",
        legalBasis: "§ 7 DSchG M-V",
      },
      { kind: "HINWEIS", rechtsbereich: "SONSTIGE", text: "Baubeginn anzeigen." },
    ],
    reasons: "Das Vorhaben entspricht dem Bebauungsplan.",
    legalRemedy: "Gegen diesen Bescheid kann innerhalb eines Monats Widerspruch erhoben werden.",
    notes: "Gültig bis 18.06.2029.\n\nGebühren: 2.360,00 €",
    attachments: [
      {
        documentId: "4b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        title: "Baugenehmigung 63-2026-00042",
        typeCode: "5200",
        versionNumber: 1,
        date: new Date("2026-06-18T09:15:00Z"),
        mimeType: "application/pdf",
        toBeSubmittedLater: false,
        file: {
          versionId: "4b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
          filename: "Bescheid.pdf",
          sizeBytes: 35_000,
          sha256: "a".repeat(64),
        },
      },
      {
        documentId: "5b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        title: "Genehmigte Bauvorlage: Lageplan (Version 2)",
        typeCode: "1803",
        versionNumber: 2,
        date: new Date("2026-06-18T09:15:00Z"),
        mimeType: "application/pdf",
        toBeSubmittedLater: false,
        file: {
          versionId: "6b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
          filename: "Lageplan_genehmigt.pdf",
          sizeBytes: 120_000,
          sha256: "b".repeat(64),
        },
      },
    ],
    ...overrides,
  };
}

describe("baugenehmigung.bescheid.0205", () => {
  it("approval with Abweichung, Nebenbestimmungen, reasons and Anlagen is XSD-valid", () => {
    const xml = valid(buildBescheid0205Xml(input()));
    expect(query(xml, "//xbau:bescheid/xbau:tenor/xbau:istGenehmigung")).toEqual(["true"]);
    expect(query(xml, "//g2g:nachrichtentyp/code|//nachrichtentyp/code")).toContain("0205");
    expect(query(xml, "//xbau:bezug/vorgang|//xbau:bezug/*[local-name()='vorgang']")).toEqual([
      "63-2026-00042",
    ]);
    expect(query(xml, "//xbau:nebenbestimmung/xbau:art/code")).toEqual(["2", "4"]);
    expect(query(xml, "//xbau:nebenbestimmung/xbau:rechtsbereich/code")).toEqual([
      "DENKMALSCHUTZ",
      "SONSTIGE",
    ]);
    const [auflage] = query(xml, "//xbau:nebenbestimmung/xbau:nebenbestimmung/text");
    expect(decode(auflage as string)).toContain("Holzfenster mit Sprossen <historisch> & passend.");
    expect(decode(auflage as string)).toContain("Rechtsgrundlage: § 7 DSchG M-V");
    expect(query(xml, "//xbau:abweichung/xbau:art/code")).toEqual(["3"]);
    expect(query(xml, "//xbau:abweichung/xbau:istZugelassen")).toEqual(["true"]);
    expect(query(xml, "//xbau:anlagen/anlage/anhangOderVerlinkung/anhang/@hashValue")).toEqual([
      "a".repeat(64),
      "b".repeat(64),
    ]);
  });

  it("an Ablehnung without Nebenbestimmungen and Abweichungen is valid; one with an Auflage is refused", () => {
    const xml = valid(
      buildBescheid0205Xml(
        input({ approved: false, deviations: [], conditions: [], notes: null, reasons: "" }),
      ),
    );
    expect(query(xml, "//xbau:tenor/xbau:istGenehmigung")).toEqual(["false"]);
    expect(query(xml, "//xbau:nebenbestimmung")).toEqual([]);
    expect(query(xml, "//xbau:begruendung")).toEqual([]);
    expect(() => buildBescheid0205Xml(input({ approved: false }))).toThrow(XbauInputError);
  });

  it("refuses incomplete input with every problem named", () => {
    try {
      buildBescheid0205Xml(input({ messageId: "x", legalRemedy: " ", attachments: [] }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(XbauInputError);
      const problems = (err as XbauInputError).problems;
      expect(problems).toContain("Nachrichten-ID ist keine UUID");
      expect(problems).toContain("Rechtsbehelfsbelehrung fehlt");
      expect(problems).toContain("Mindestens eine Anlage (der Bescheid) ist nötig");
    }
  });

  it("derives the abweichungart code from the legal basis", () => {
    expect(abweichungArtOf("§ 31 Abs. 2 BauGB")).toBe("1");
    expect(abweichungArtOf("§ 31 Abs. 1 BauGB")).toBe("2");
    expect(abweichungArtOf("§ 67 Abs. 2 Satz 2 MBO")).toBe("4");
    expect(abweichungArtOf("§ 14 Abs. 2 BauGB")).toBe("5");
    expect(abweichungArtOf("§ 67 Abs. 1 LBauO M-V")).toBe("3");
    expect(abweichungArtOf(null)).toBe("3");
  });
});
