import { XmlDocument } from "libxml2-wasm";
import { describe, expect, it } from "vitest";
import { buildAntragGeaendert0202Xml } from "./baugenehmigung-antrag-geaendert-0202.server";
import {
  buildFormellePruefung0201Xml,
  type FormellePruefung0201Input,
} from "./baugenehmigung-formelle-pruefung-0201.server";
import { XbauInputError } from "./input-error";
import { fullApplication, minimalApplication, sampleDocument } from "./sample-applications";
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

const authority = { name: "Landkreis Testkreis, Bauaufsicht", id: "psw:01003000" };
const portal = { name: "Bauantrag-Portal", id: "psw:09999999" };
const reference = {
  applicationId: "1b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
  fileNumber: "63-2026-00042",
  message: {
    messageId: "2b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    typeCode: "0200",
    createdAt: new Date("2026-11-20T09:00:00Z"),
  },
};
const base = {
  messageId: "0b8a3f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
  createdAt: new Date("2026-11-22T10:00:00Z"),
  authority,
  recipient: portal,
  reference,
};

describe("baugenehmigung.formellePruefung.0201", () => {
  it("incomplete: befundliste with formellebefundeart codes and the frist, XSD-valid", () => {
    const input: FormellePruefung0201Input = {
      ...base,
      complete: false,
      deadline: new Date("2026-12-22T12:00:00Z"),
      coverLetter:
        "Bitte reichen Sie die folgenden Unterlagen nach.\n\nGrundlage: Stellplatzsatzung der Gemeinde",
      findings: [
        { category: "05", message: "Der Brandschutznachweis fehlt.", documentTypeCode: "1803" },
        { category: "04", message: "Maßstab fehlt", document: { title: "Lageplan", versionNumber: 2 } },
        { category: "01", message: "Anschrift der Bauherrin unvollständig" },
      ],
    };
    const xml = valid(buildFormellePruefung0201Xml(input));
    expect(query(xml, "//xbau:antragVollstaendig")).toEqual(["false"]);
    expect(query(xml, "//xbau:befund/xbau:artDesBefundes/code")).toEqual(["05", "04", "01"]);
    expect(query(xml, "//xbau:befundFrist/xbau:frist")).toEqual(["2026-12-22"]);
    expect(query(xml, "//xbau:refAnlage/xbau:versionsnummer")).toEqual(["2"]);
    expect(query(xml, "//xbau:bezug/vorgang")).toEqual(["63-2026-00042"]);
    expect(query(xml, "//xbau:bezug/bezugNachricht/g2g:nachrichtentyp/code")).toEqual(["0200"]);
    expect(query(xml, "//xbau:anschreiben/textabsatz")).toHaveLength(2);
    expect(query(xml, "//xbau:unterlagenAntragVollstaendig")).toEqual([]);
    expect(query(xml, "//nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code")).toEqual([
      "0201",
    ]);
  });

  it("complete: antragVollstaendig with spaetestesGenehmigungsdatum, XSD-valid", () => {
    const xml = valid(
      buildFormellePruefung0201Xml({
        ...base,
        complete: true,
        findings: [],
        decisionDueAt: new Date("2027-02-22T10:00:00Z"),
      }),
    );
    expect(query(xml, "//xbau:antragVollstaendig")).toEqual(["true"]);
    expect(query(xml, "//xbau:spaetestesGenehmigungsdatum")).toEqual(["2027-02-22"]);
    expect(query(xml, "//xbau:befundFrist")).toEqual([]);
    // A procedure without a decision deadline: complete, no date.
    const noDate = valid(buildFormellePruefung0201Xml({ ...base, complete: true, findings: [] }));
    expect(query(noDate, "//xbau:unterlagenAntragVollstaendig")).toEqual([]);
  });

  it("refuses inconsistent input instead of writing an invalid message", () => {
    const cases: Partial<FormellePruefung0201Input>[] = [
      { complete: false, findings: [] },
      { complete: false, findings: [{ category: "99", message: "x" }] },
      { complete: false, findings: [{ category: "05", message: "  " }] },
      { complete: true, findings: [{ category: "05", message: "x" }] },
      { complete: true, findings: [], deadline: "2026-12-01" },
      { complete: false, findings: [{ category: "05", message: "x", documentTypeCode: "XYZ" }] },
      { complete: false, findings: [{ category: "05", message: "x" }], messageId: "nope" },
    ];
    for (const c of cases) {
      expect(() => buildFormellePruefung0201Xml({ ...base, complete: false, findings: [], ...c })).toThrow(
        XbauInputError,
      );
    }
  });
});

describe("baugenehmigung.antragGeaendert.0202", () => {
  const base0202 = {
    messageId: base.messageId,
    createdAt: base.createdAt,
    sender: portal,
    authority,
    reference,
  };

  it("changed data and new document versions, XSD-valid", () => {
    const { land, data, title, fileNumber, submittedAt } = fullApplication;
    const xml = valid(
      buildAntragGeaendert0202Xml({
        ...base0202,
        changedProject: { land, data, title, fileNumber, submittedAt },
        documents: [sampleDocument(1, { versionNumber: 2 })],
      }),
    );
    expect(query(xml, "//nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code")).toEqual([
      "0202",
    ]);
    expect(query(xml, "//xbau:bauvorhabenAenderungsdaten/xbau:bezeichnungDesBauvorhabens")).toHaveLength(1);
    expect(query(xml, "//xbau:anlagen/anlage/versionsnummer")).toEqual(["2"]);
  });

  it("only new documents, or only changed data, are valid too; nothing changed is refused", () => {
    valid(buildAntragGeaendert0202Xml({ ...base0202, documents: [sampleDocument(2), sampleDocument(3)] }));
    const { land, data } = minimalApplication;
    valid(buildAntragGeaendert0202Xml({ ...base0202, changedProject: { land, data }, documents: [] }));
    expect(() => buildAntragGeaendert0202Xml({ ...base0202, documents: [] })).toThrow(XbauInputError);
    expect(() =>
      buildAntragGeaendert0202Xml({ ...base0202, changedProject: { land, data: {} }, documents: [] }),
    ).toThrow(XbauInputError);
  });
});
