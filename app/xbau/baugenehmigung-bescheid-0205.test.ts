import { XmlDocument } from "libxml2-wasm";
import { describe, expect, it } from "vitest";
import type { Antrag0200Document } from "./baugenehmigung-antrag-0200.server";
import {
  abweichungArtOf,
  type Bescheid0205Fee,
  type Bescheid0205Input,
  buildBescheid0205Xml,
} from "./baugenehmigung-bescheid-0205.server";
import { XbauInputError } from "./input-error";
import { validateSchematron } from "./schematron.server";
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
    tenor: { text: "Die Baugenehmigung wird erteilt.", legalBasis: "§ 72 Abs. 1 LBauO M-V" },
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
        reason: "Das Erscheinungsbild des Denkmals bleibt erhalten.",
        source: "Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026",
      },
      { kind: "HINWEIS", rechtsbereich: "SONSTIGE", text: "Baubeginn anzeigen." },
    ],
    reasons: [
      { heading: "Sachverhalt", text: "Antrag vom 15.03.2026." },
      {
        heading: "Rechtliche Würdigung",
        text: "Das Vorhaben entspricht dem Bebauungsplan (§ 30 Abs. 1 BauGB).",
      },
    ],
    legalRemedy: "Gegen diesen Bescheid kann innerhalb eines Monats Widerspruch erhoben werden.",
    validity: { until: new Date("2029-06-20T22:30:00Z"), legalBasis: "§ 73 Abs. 1 LBauO M-V" },
    fee: {
      lines: [
        { label: "Baugenehmigung", basis: "Tarifstelle 1.1 BauGebVO M-V", amountCents: 200_000 },
        { label: "Abweichung", basis: "Tarifstelle 1.6 BauGebVO M-V", amountCents: 36_000 },
      ],
      totalCents: 236_000,
      kassenzeichen: "KZ-2026-000042",
      payee: "Landkreis Testkreis, Kreiskasse",
      iban: "DE02 1203 0000 0000 2020 51",
      bic: "BYLADEM1001",
      dueDate: "2026-07-18",
      debtor: "Kostenschuldner: Erika Mustermann (Bauherrin)",
    },
    attachments: [
      {
        documentId: "4b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        title: "Baugenehmigung 63-2026-00042",
        typeCode: "5013",
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
    // HTML flow content (XSD: TextFormatiert carries HTML5), escaped, with its reason and origin.
    expect(decode(auflage as string)).toBe(
      "<p>Holzfenster mit Sprossen &lt;historisch&gt; &amp; passend.</p>" +
        "<h3>Rechtsgrundlage</h3><p>§ 7 DSchG M-V</p>" +
        "<h3>Begründung</h3><p>Das Erscheinungsbild des Denkmals bleibt erhalten.</p>" +
        "<h3>Herkunft</h3><p>Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026</p>",
    );
    const [begruendung] = query(xml, "//xbau:bescheid/xbau:begruendung/text");
    expect(decode(begruendung as string)).toBe(
      "<h3>Sachverhalt</h3><p>Antrag vom 15.03.2026.</p>" +
        "<h3>Rechtliche Würdigung</h3><p>Das Vorhaben entspricht dem Bebauungsplan (§ 30 Abs. 1 BauGB).</p>",
    );
    // The operative text is not an agency's comment.
    expect(query(xml, "//xbau:kommentareFachrecht")).toEqual([]);
    const hinweise = decode(query(xml, "//xbau:bescheid/xbau:hinweise/text")[0] as string);
    expect(hinweise).toContain(
      "<h3>Entscheidung</h3><p>Die Baugenehmigung wird erteilt.</p><p>Rechtsgrundlage: § 72 Abs. 1 LBauO M-V</p>",
    );
    // Validity: the Berlin calendar date (22:30 UTC on the 20th is the 21st in Berlin).
    expect(hinweise).toContain("<tr><td>Gültig bis</td><td>21.06.2029</td></tr>");
    expect(hinweise).toContain("<tr><td>Rechtsgrundlage</td><td>§ 73 Abs. 1 LBauO M-V</td></tr>");
    expect(hinweise).toContain(
      "<thead><tr><th>Gegenstand</th><th>Tarifstelle</th><th>Betrag</th></tr></thead>",
    );
    expect(hinweise).toMatch(
      /<tr><td>Baugenehmigung<\/td><td>Tarifstelle 1\.1 BauGebVO M-V<\/td><td>2\.000,00\s€<\/td><\/tr>/,
    );
    expect(hinweise).toMatch(/<tr><td>Gesamtbetrag<\/td><td><\/td><td>2\.360,00\s€<\/td><\/tr>/);
    expect(hinweise).toContain("<tr><td>Kassenzeichen (Verwendungszweck)</td><td>KZ-2026-000042</td></tr>");
    expect(hinweise).toContain("<tr><td>IBAN</td><td>DE02 1203 0000 0000 2020 51</td></tr>");
    expect(hinweise).toContain("<tr><td>Fällig am</td><td>18.07.2026</td></tr>");
    expect(hinweise).toContain("<p>Kostenschuldner: Erika Mustermann (Bauherrin)</p>");
    // The Bescheid is typed 5013 "Bescheid" (anlagen 3.0), not 5200 "Sonstiges Schriftgut".
    expect(query(xml, "//xbau:anlagen/anlage/anlageart/code")).toEqual(["5013", "1803"]);
    // Header time in Europe/Berlin with its offset (09:15 UTC in June = 11:15 CEST).
    expect(query(xml, "//nachrichtenkopf.g2g/identifikation.nachricht/erstellungszeitpunkt")).toEqual([
      "2026-06-18T11:15:00+02:00",
    ]);
    expect(query(xml, "//xbau:bezug/bezugNachricht/g2g:nachrichtenUUID")).toEqual([
      "2b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    ]);
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
        input({ approved: false, deviations: [], conditions: [], fee: null, validity: null, reasons: "" }),
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

  it("refuses a Bescheid without itself (5013) among the Anlagen, without bezugNachricht, or with a wrong fee sum", () => {
    const base = input();
    const [bescheid, plan] = base.attachments as [Antrag0200Document, Antrag0200Document];
    try {
      buildBescheid0205Xml(
        input({
          attachments: [{ ...bescheid, typeCode: "5200" }, plan],
          reference: { ...base.reference, message: null },
          fee: { ...(base.fee as Bescheid0205Fee), totalCents: 1 },
        }),
      );
      expect.unreachable();
    } catch (err) {
      const problems = (err as XbauInputError).problems;
      expect(problems).toContain("Der Bescheid selbst fehlt unter den Anlagen (Anlagenart 5013 „Bescheid“)");
      expect(problems).toContain("Bezug auf den Antrag (bezugNachricht) fehlt");
      expect(problems).toContain(
        "Gebühren: die Summe der Positionen stimmt nicht mit dem Gesamtbetrag überein",
      );
    }
  });

  it("puts the agencies' comments, and only those, into kommentareFachrecht", () => {
    const xml = valid(
      buildBescheid0205Xml(
        input({ agencyComments: [{ agency: "Brandschutzdienststelle", text: "Keine Bedenken." }] }),
      ),
    );
    expect(query(xml, "//xbau:kommentareFachrecht/xbau:kommentarFachrecht/textabsatz")).toEqual([
      "Brandschutzdienststelle:",
      "Keine Bedenken.",
    ]);
  });

  it("passes the official XBau Schematron rules", () => {
    const result = validateSchematron(buildBescheid0205Xml(input()));
    expect(result.violations).toEqual([]);
    expect(result.valid).toBe(true);
  }, 60_000);

  it("derives the abweichungart code from the legal basis", () => {
    expect(abweichungArtOf("§ 31 Abs. 2 BauGB")).toBe("1");
    expect(abweichungArtOf("§ 31 Abs. 1 BauGB")).toBe("2");
    expect(abweichungArtOf("§ 67 Abs. 2 Satz 2 MBO")).toBe("4");
    expect(abweichungArtOf("§ 14 Abs. 2 BauGB")).toBe("5");
    expect(abweichungArtOf("§ 67 Abs. 1 LBauO M-V")).toBe("3");
    expect(abweichungArtOf(null)).toBe("3");
  });
});
