import { XmlDocument } from "libxml2-wasm";
import { describe, expect, it } from "vitest";
import type { ApplicationData } from "~/domain/application-data";
import {
  type Antrag0200Input,
  buildAntrag0200Xml,
  derivedUuid,
  NUTZUNGSFLAECHEN,
  splitPersonName,
  xbauFilename,
} from "./baugenehmigung-antrag-0200.server";
import { codelist } from "./codelists.server";
import { toDin91379 } from "./din91379.server";
import { mapAntrag0200 } from "./import/antrag-0200.server";
import { parseHardened } from "./import/safe-xml.server";
import { XbauInputError } from "./input-error";
import {
  fullApplication,
  largeApplication,
  laterDocumentsApplication,
  minimalApplication,
  specialCharsApplication,
} from "./sample-applications";
import { validateSchematron } from "./schematron.server";
import { validateXml } from "./validate.server";

const ENTRY = "xbau-nachrichten-baugenehmigung.xsd";
const NS = { xbau: "http://www.xleitstelle.de/xbau/2/6" };

function expectValid(input: Antrag0200Input): string {
  const xml = buildAntrag0200Xml(input);
  const result = validateXml(xml, ENTRY);
  if (!result.valid) console.error(result.errors, xml);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return xml;
}

function query(xml: string, xpath: string): string[] {
  const doc = XmlDocument.fromString(xml);
  try {
    return doc.find(xpath, NS).map((n) => n.content);
  } finally {
    doc.dispose();
  }
}

/** Schematron rule sch-xbau-gen-001: no element may be empty or whitespace only. */
function emptyElements(xml: string): string[] {
  const doc = XmlDocument.fromString(xml);
  try {
    return doc
      .find("//*[not(*) and normalize-space(.) = '']")
      .map((n) => (n as { name?: string }).name ?? "?");
  } finally {
    doc.dispose();
  }
}

describe("baugenehmigung.antrag.0200", () => {
  it("minimal application validates against the XSD", () => {
    const xml = expectValid(minimalApplication);
    expect(query(xml, "//nachrichtentyp/code")).toEqual(["0200"]);
    expect(query(xml, "//xbau:flurstueck//zaehler")).toEqual(["17"]);
    expect(query(xml, "//xbau:antragsteller/natuerlichePerson/name/familienname/name")).toEqual([
      "Musterfrau",
    ]);
    expect(emptyElements(xml)).toEqual([]);
  });

  it("full application (company Bauherr, several Flurstücke, architect) validates and carries the data", () => {
    const xml = expectValid(fullApplication);
    expect(query(xml, "//xbau:bauherr/xbau:bauherr/organisation/name/name")).toEqual([
      "Wohnbau Nordost GmbH & Co. KG",
    ]);
    expect(query(xml, "//xbau:flurstueck")).toHaveLength(3);
    expect(query(xml, "//xbau:flurstueck/kodierungFlurstueck/gemarkung/*")).toEqual([
      "1302",
      "1302",
      "Eldena",
    ]);
    expect(query(xml, "//xbau:flurstueck[1]/kodierungFlurstueck/nenner")).toEqual(["3"]);
    expect(query(xml, "//xbau:flurstueck/bundesland/code")).toEqual(["13", "13", "13"]);
    expect(query(xml, "//xbau:gebaeudeklasse/code")).toEqual(["4"]);
    expect(query(xml, "//xbau:artDerMassnahme/code")).toEqual(["11"]);
    expect(query(xml, "//xbau:verfahrensart/code")).toEqual(["63"]);
    expect(query(xml, "//xbau:gemeindeschluessel/code")).toEqual(["13075039"]);
    expect(query(xml, "//xbau:mitgliedsnummerBundesland/xbau:mitgliedsnummer")).toEqual(["AK-MV 2041"]);
    expect(query(xml, "//xbau:summeHerstellungskosten")).toEqual(["3450000"]);
    // A portal message carries no authority Aktenzeichen and no "key: value" dump of header data.
    expect(
      query(xml, "//xbau:weitereAngaben").filter((s) => /^(Aktenzeichen|Eingereicht am)/.test(s)),
    ).toEqual([]);
    expect(xml).not.toContain("63-2026-00042");
    // The Entwurfsverfasser with the chamber membership the Bauvorlageberechtigung rests on.
    expect(
      query(
        xml,
        "//xbau:beteiligte/xbau:entwurfsverfasser/xbau:personendaten/natuerlichePerson/name/familienname/name",
      ),
    ).toHaveLength(1);
    expect(query(xml, "//xbau:entwurfsverfasser/xbau:berechtigung//xbau:bundesland/code")).toEqual(["13"]);
    expect(query(xml, "//xbau:anlagen/anlage")).toHaveLength(9);
    expect(query(xml, "//anlage/anlageart/code")).toEqual([
      "1802",
      "1803",
      "2001",
      "2002",
      "2003",
      "1502",
      "2801",
      "2701",
      "0401",
    ]);
    expect(emptyElements(xml)).toEqual([]);
  });

  it("puts use and Bebauungsplan in their elements; only what XBau has no element for stays text", () => {
    const xml = expectValid(fullApplication);
    const unit = "//xbau:gegenstand/xbau:bauvorhabenDatenblatt/xbau:nutzungen/xbau:nutzungseinheit";
    expect(query(xml, `${unit}/xbau:beschreibungDerNutzungseinheit`)).toEqual(["Wohnen"]);
    expect(query(xml, `${unit}/xbau:nutzungsflaeche/code`)).toEqual(["01"]);
    expect(query(xml, `${unit}/xbau:nutzungsflaeche/@listURI`)).toEqual([
      "urn:xoev-de:xbau:codeliste:nutzungsflaechen",
    ]);
    expect(query(xml, `${unit}/xbau:nutzungsflaeche/@listVersionID`)).toEqual(["2.0"]);
    expect(
      query(xml, "//xbau:verortung//xbau:grundstueck/xbau:bebauungsplan/xbau:bezeichnungBebauungsplan"),
    ).toEqual(['B-Plan Nr. 55 "Am Ryck"']);
    const lines = query(xml, "//xbau:bauvorhaben/xbau:weitereAngaben");
    // Gone: the lines whose data now sits in elements.
    expect(lines.filter((l) => /^(Nutzung|Planungsrechtliche Lage):/.test(l))).toEqual([]);
    // Kept: what the XSD has no element for (free description, the flags of the form).
    expect(lines).toEqual([
      "Beschreibung: Neubau eines Mehrfamilienhauses mit 12 Wohnungen und Tiefgarage.",
      "Beheizte Räume vorhanden",
      "Neuer Anschluss an die öffentliche Entwässerung",
      "Grundstück liegt an einer Bundes- oder Landesstraße",
    ]);
  });

  it("every use maps to a code of the official Nutzungsflächen list or to none, never to a guess", () => {
    const list = codelist("xbau.codeliste.nutzungsflaechen_2.0");
    expect(list.uri).toBe(NUTZUNGSFLAECHEN.listURI);
    expect(list.version).toBe(NUTZUNGSFLAECHEN.listVersionID);
    expect(list.entries.get(NUTZUNGSFLAECHEN.byUse.WOHNEN ?? "")).toMatch(/^Wohnen und Aufenthalt/);
    expect(list.entries.get(NUTZUNGSFLAECHEN.byUse.BUERO ?? "")).toMatch(/^Büroarbeit/);
    expect(list.entries.get(NUTZUNGSFLAECHEN.byUse.SONSTIGE ?? "")).toMatch(/^Sonstige Nutzungen/);
    expect(Object.keys(NUTZUNGSFLAECHEN.byUse).sort()).toEqual(["BUERO", "SONSTIGE", "WOHNEN"]);
  });

  it("§ 34 site and a use without DIN 277 group: description only, the Lage stays a line; valid", () => {
    const input: Antrag0200Input = {
      ...fullApplication,
      data: {
        ...fullApplication.data,
        plot: { ...fullApplication.data.plot, planningArea: "INNENBEREICH", developmentPlanName: undefined },
        project: { ...fullApplication.data.project, use: "GEWERBE" },
      },
    };
    const xml = expectValid(input);
    expect(query(xml, "//xbau:nutzungseinheit/xbau:beschreibungDerNutzungseinheit")).toEqual([
      "Gewerbe / Handel",
    ]);
    expect(query(xml, "//xbau:nutzungsflaeche")).toEqual([]);
    expect(query(xml, "//xbau:bebauungsplan")).toEqual([]);
    expect(query(xml, "//xbau:weitereAngaben")).toContain(
      "Planungsrechtliche Lage: Innenbereich (§ 34 BauGB)",
    );
    expect(emptyElements(xml)).toEqual([]);
    expect(validateSchematron(xml).violations).toEqual([]);
  }, 60_000);

  it("built by us and imported again keeps description, use and planungsrechtliche Lage", () => {
    const roundTrip = (data: ApplicationData) => {
      const xml = buildAntrag0200Xml({ ...fullApplication, data });
      return mapAntrag0200(parseHardened(new TextEncoder().encode(xml)).root, "MV").data;
    };
    const full = roundTrip(fullApplication.data);
    expect(full.project?.description).toBe(fullApplication.data.project?.description);
    expect(full.project?.use).toBe("WOHNEN");
    expect(full.plot?.planningArea).toBe("BEBAUUNGSPLAN");
    expect(full.plot?.developmentPlanName).toBe('B-Plan Nr. 55 "Am Ryck"');
    for (const [use, planningArea] of [
      ["GEWERBE", "AUSSENBEREICH"],
      ["OEFFENTLICH", "INNENBEREICH"],
      ["SONSTIGE", "BEBAUUNGSPLAN"],
      ["BUERO", "INNENBEREICH"],
      ["LANDWIRTSCHAFT", "AUSSENBEREICH"],
    ] as const) {
      const data: ApplicationData = {
        ...fullApplication.data,
        plot: { ...fullApplication.data.plot, planningArea, developmentPlanName: undefined },
        project: { ...fullApplication.data.project, use },
      };
      const back = roundTrip(data);
      expect([back.project?.use, back.plot?.planningArea]).toEqual([use, planningArea]);
    }
  });

  it("reads another sender's Nutzungseinheit by its DIN 277 group", () => {
    const xml = buildAntrag0200Xml(fullApplication)
      .replace(
        "<xbau:beschreibungDerNutzungseinheit>Wohnen</xbau:beschreibungDerNutzungseinheit>",
        "<xbau:beschreibungDerNutzungseinheit>Büros im 1. OG</xbau:beschreibungDerNutzungseinheit>",
      )
      .replace(/(<xbau:nutzungsflaeche[^>]*>\s*<code>)01</, "$102<");
    const data = mapAntrag0200(parseHardened(new TextEncoder().encode(xml)).root, "MV").data;
    expect(data.project?.use).toBe("BUERO");
  });

  it("full application also passes the official XBau Schematron rules", () => {
    expect(validateSchematron(buildAntrag0200Xml(fullApplication)).violations).toEqual([]);
  }, 60_000);

  it("documents handed in later are marked wirdNachgereicht and linked instead of attached", () => {
    const xml = expectValid(laterDocumentsApplication);
    expect(query(xml, "//anlage/xbau:wirdNachgereicht")).toEqual(["false", "true", "true"]);
    expect(
      query(xml, "//anlage[xbau:wirdNachgereicht='true']/anhangOderVerlinkung/verlinkung/uriVerlinkung"),
    ).toEqual([
      "urn:uuid:7d4c2b1a-0000-4000-8000-000000000006",
      "https://bauantrag.example/antraege/6ec0bd7f/dokumente/2701",
    ]);
    expect(
      query(xml, "//anlage[xbau:wirdNachgereicht='false']/anhangOderVerlinkung/anhang/dateiname"),
    ).toEqual(["bauvorlage-1.pdf"]);
  });

  it("names with umlauts and & < \" ' are escaped and survive a round trip", () => {
    const xml = expectValid(specialCharsApplication);
    expect(query(xml, "//xbau:antragsteller//familienname/name")).toEqual(["Größe-Übel <Bau> 'Süd'"]);
    expect(query(xml, "//xbau:antragsteller//vorname/name")).toEqual(['Zoë & "Jürgen"']);
    expect(query(xml, "//xbau:bezeichnungDesBauvorhabens")).toEqual([
      'Nutzungsänderung "Café <Süß & Sauer>"',
    ]);
    // Typographic quotes/dash are not in DIN 91379 datatypeC: normalised; the emoji is dropped.
    const description = query(xml, "//xbau:weitereAngaben").find((s) => s.startsWith("Beschreibung"));
    expect(description).toContain('"Café <Süß & Sauer>" - Nutzungsänderung');
    expect(description).not.toMatch(/🏠/u);
    expect(query(xml, "//xbau:nutzungseinheit/xbau:nutzungsflaeche/code")).toEqual(["02"]);
    expect(query(xml, "//leser/name")).toEqual(["Bezirksamt Mitte - Bau & Wohnen"]);
    // Attachment titles are datatypeD, where „“ are allowed.
    expect(query(xml, "//anlage/bezeichnung")[0]).toBe("Grundriss EG „Café“ <alt> & neu");
    // File names follow the XBau Dateiname pattern and are unique within the message.
    expect(query(xml, "//anhang/dateiname")).toEqual([
      "Grundriss EG_ _Cafe_ _v2_.pdf",
      "Grundriss EG_ _Cafe_ _v2_ (2).pdf",
    ]);
    expect(query(xml, "//anhang/@hashValue")[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a large application (20 Flurstücke, 50 documents) validates", () => {
    const xml = expectValid(largeApplication(20, 50));
    expect(query(xml, "//xbau:flurstueck")).toHaveLength(20);
    expect(query(xml, "//anlage")).toHaveLength(50);
  });

  it("is deterministic for the same input", () => {
    expect(buildAntrag0200Xml(fullApplication)).toBe(buildAntrag0200Xml(fullApplication));
  });

  it("refuses incomplete input with the missing parts listed", () => {
    const broken: Antrag0200Input = {
      ...minimalApplication,
      sender: { name: "Portal", id: "not a dvdv id" },
      data: { bauherr: { kind: "PERSON", firstName: "Erika" }, plot: { parcels: [] }, project: {} },
      documents: [{ ...minimalApplication.documents[0]!, typeCode: "9998", file: undefined }],
    };
    try {
      buildAntrag0200Xml(broken);
      expect.unreachable("should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(XbauInputError);
      const problems = (error as XbauInputError).problems.join("\n");
      expect(problems).toMatch(/DVDV-Kennung/);
      expect(problems).toMatch(/Bauherr: Nachname fehlt/);
      expect(problems).toMatch(/Bauherr: Anschrift fehlt/);
      expect(problems).toMatch(/Flurstück/);
      expect(problems).toMatch(/Art der Maßnahme/);
      expect(problems).toMatch(/unbekannte Anlagenart 9998/);
      expect(problems).toMatch(/Datei fehlt/);
    }
  });

  it("helpers: person names, file names, derived UUIDs, DIN 91379", () => {
    expect(splitPersonName("Dipl.-Ing. Jana Beispiel")).toEqual({
      first: "Dipl.-Ing. Jana",
      last: "Beispiel",
    });
    expect(splitPersonName("Madonna")).toEqual({ last: "Madonna" });
    const used = new Set<string>();
    expect(xbauFilename("plan", "application/pdf", used)).toBe("plan.pdf");
    expect(xbauFilename("plan.pdf", "application/pdf", used)).toBe("plan (2).pdf");
    expect(xbauFilename("Ansicht/Süd*.PDF", "application/pdf", used)).toBe("Ansicht_Süd_.PDF");
    expect(derivedUuid("a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid("a")).not.toBe(derivedUuid("b"));
    expect(toDin91379("Müller „Bau“ – Ǆ")).toBe('Müller "Bau" - ?');
    expect(toDin91379("Zeile\tmit Tab", "datatypeD")).toBe("Zeile mit Tab");
  });
});
