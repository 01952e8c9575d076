import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import {
  assembleReasons,
  REASON_SECTION_TITLES,
  reasonsToText,
  reasonTextsFromForm,
} from "~/domain/decision-reasons";
import { decisionTenor } from "~/domain/decision-tenor";
import { MV_PROFILE } from "~/domain/land-profiles";
import {
  BESCHEID_RENDERER_VERSION,
  type BescheidCondition,
  numberConditions,
  renderBescheid,
} from "./bescheid";
import { SAMPLE_AUFLAGE, sampleBescheid, sampleReasonFacts, sampleReasons } from "./bescheid-samples";
import { compareGrey, decodeGreyPng, pdfPageCount, pdfPages, pdfText, renderPagePng } from "./test-support";

const GOLDEN = path.resolve(import.meta.dirname, "../../fixtures/golden/bescheid-page1.png");
/** Share of page-1 pixels (50 dpi) that may differ by more than 48 grey levels (rasteriser noise). */
const GOLDEN_TOLERANCE = 0.0005;

const squash = (s: string) => s.replace(/\s+/g, "");

describe("Bescheid renderer", () => {
  it("contains every part of a Bescheid: letterhead, Az., parties, plot, tenor, Abweichung, Nebenbestimmungen, fees, reasons, Belehrung, Bauvorlagen", async () => {
    const data = sampleBescheid();
    const bytes = await renderBescheid(data);
    const reparsed = await PDFDocument.load(bytes);
    expect(reparsed.getTitle()).toBe("Baugenehmigung 63-2026-00042");
    expect(reparsed.getCreator()).toContain(BESCHEID_RENDERER_VERSION);

    const text = await pdfText(bytes);
    const flat = squash(text);
    expect(text).toContain("Landkreis Vorpommern-Greifswald");
    expect(text).toContain("63-2026-00042");
    expect(text).toContain("18.06.2026");
    expect(text).toContain("Erika Müller-Lüdenscheidt");
    expect(text).toContain("Jana Beispiel, Architektin");
    expect(text).toContain("Gemarkung Eldena, Flur 12, Flurstück 7/12");
    expect(text).toContain("Gemeinde Greifswald");
    expect(text).toContain("Neubau eines Einfamilienhauses mit Carport");
    expect(text).toContain("Bescheid nach § 72 Abs. 1 LBauO M-V");
    expect(flat).toContain(squash("wird die Baugenehmigung für das oben bezeichnete Vorhaben"));
    expect(text).toContain("Zugelassene Abweichungen");
    expect(flat).toContain(squash("Unterschreitung der Abstandsfläche"));
    // Grouped by kind, numbered through, with their source.
    for (const heading of ["Bedingungen", "Auflagen", "Hinweise"]) expect(text).toContain(heading);
    expect(text).not.toContain("Vorbehalte");
    expect(flat).toContain(squash(SAMPLE_AUFLAGE));
    expect(flat).toContain(squash("Quelle: Untere Denkmalschutzbehörde, Stellungnahme vom 02.06.2026"));
    const headings = text
      .split("\n")
      .filter((l) => ["Bedingungen", "Auflagen", "Vorbehalte", "Hinweise"].includes(l.trim()));
    expect(headings.map((l) => l.trim())).toEqual(["Bedingungen", "Auflagen", "Hinweise"]);
    // Fee table in German currency format.
    expect(text).toContain("2.800,00 €");
    expect(text).toContain("50,00 €");
    expect(text).toContain("Gesamtbetrag");
    expect(text).toContain("2.850,00 €");
    expect(flat).toContain(squash("erlischt, wenn innerhalb von drei Jahren nach ihrer Bekanntgabe"));
    expect(text).toContain("Begründung");
    expect(flat).toContain(squash("Bebauungsplans Nr. 12"));
    expect(text).toContain("Rechtsbehelfsbelehrung");
    expect(flat).toContain(squash("innerhalb eines Monats nach Bekanntgabe Widerspruch"));
    for (const d of data.documents) {
      expect(text).toContain(d.sha256);
      expect(flat).toContain(squash(d.filename));
    }
    const pages = await pdfPages(bytes);
    pages.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${pages.length}`);
    });
  });

  it("numbers the Nebenbestimmungen through, grouped in the order Bedingungen, Auflagen, Vorbehalte, Hinweise", () => {
    const c = (kind: BescheidCondition["kind"], text: string): BescheidCondition => ({ kind, text });
    const groups = numberConditions([
      c("HINWEIS", "h1"),
      c("AUFLAGE", "a1"),
      c("BEDINGUNG", "b1"),
      c("AUFLAGE", "a2"),
      c("VORBEHALT", "v1"),
    ]);
    expect(groups.map((g) => [g.kind, g.items.map((i) => `${i.number}:${i.condition.text}`)])).toEqual([
      ["BEDINGUNG", ["1:b1"]],
      ["AUFLAGE", ["2:a1", "3:a2"]],
      ["VORBEHALT", ["4:v1"]],
      ["HINWEIS", ["5:h1"]],
    ]);
  });

  it("an Ablehnung has its own title and tenor and no validity", async () => {
    const text = await pdfText(
      await renderBescheid(
        sampleBescheid({
          tenor: decisionTenor("ABLEHNUNG", MV_PROFILE, "15.03.2026"),
          conditions: [],
          deviations: [],
          validUntil: null,
        }),
      ),
    );
    expect(text).toContain("Ablehnungsbescheid");
    expect(squash(text)).toContain(
      squash("auf Erteilung einer Baugenehmigung für das oben bezeichnete Vorhaben wird abgelehnt"),
    );
    expect(text).not.toContain("Geltungsdauer");
    expect(text).not.toContain("Nebenbestimmungen und Hinweise");
  });

  it("is deterministic: the same input renders to the same bytes", async () => {
    const a = await renderBescheid(sampleBescheid());
    const b = await renderBescheid(sampleBescheid());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("flows long texts over pages: every condition once, footers numbered", async () => {
    const conditions: BescheidCondition[] = Array.from({ length: 45 }, (_, i) => ({
      kind: (["BEDINGUNG", "AUFLAGE", "VORBEHALT", "HINWEIS"] as const)[i % 4] as BescheidCondition["kind"],
      text: `Nebenbestimmung Nummer ${i} ${"mit einem langen Text, der über mehrere Zeilen umbrechen muss, ".repeat(3 + (i % 5))}Ende${i}.`,
      legalBasis: i % 3 === 0 ? "§ 36 VwVfG" : null,
      sourceLabel: i % 2 === 0 ? `Fachstelle ${i}, Stellungnahme vom 01.06.2026` : null,
    }));
    const reasons = Array.from(
      { length: 12 },
      (_, i) => `Absatz ${i}: ${"Begründungstext ".repeat(60)}`,
    ).join("\n\n");
    const bytes = await renderBescheid(sampleBescheid({ conditions, reasons }));
    const count = await pdfPageCount(bytes);
    expect(count).toBeGreaterThanOrEqual(6);
    const pages = await pdfPages(bytes);
    expect(pages).toHaveLength(count);
    pages.forEach((page, i) => {
      expect(page).toContain(`Seite ${i + 1} von ${count}`);
      expect(page).toContain("63-2026-00042");
    });
    const flat = squash(pages.join(""));
    for (let i = 0; i < conditions.length; i++) expect(flat.split(`Ende${i}.`).length - 1).toBe(1);
    for (let i = 0; i < 12; i++) expect(flat).toContain(`Absatz${i}:`);
  });

  it("matches the golden image of page 1 (pdftoppm -r 50)", async () => {
    const png = await renderPagePng(await renderBescheid(sampleBescheid()), { dpi: 50 });
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
      await mkdir(path.dirname(GOLDEN), { recursive: true });
      await writeFile(GOLDEN, png);
      if (process.env.UPDATE_GOLDEN !== "1")
        throw new Error(`golden image was missing; written to ${GOLDEN}`);
    }
    const golden = decodeGreyPng(await readFile(GOLDEN));
    const diff = compareGrey(golden, decodeGreyPng(png));
    expect(diff.sameSize).toBe(true);
    expect(diff.ratio).toBeLessThanOrEqual(GOLDEN_TOLERANCE);

    // Sensitive enough to notice another decision kind and a missing Nebenbestimmung.
    const other = decodeGreyPng(
      await renderPagePng(
        await renderBescheid(
          sampleBescheid({ tenor: decisionTenor("VORBESCHEID", MV_PROFILE, "15.03.2026") }),
        ),
        { dpi: 50 },
      ),
    );
    expect(compareGrey(golden, other).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
    const fewer = decodeGreyPng(
      await renderPagePng(
        await renderBescheid(sampleBescheid({ conditions: sampleBescheid().conditions.slice(1) })),
        { dpi: 50 },
      ),
    );
    expect(compareGrey(golden, fewer).ratio).toBeGreaterThan(GOLDEN_TOLERANCE);
  });
});

/** Word boxes of page 1 (pdftotext -bbox): text and height in points. */
async function wordBoxes(
  bytes: Uint8Array,
): Promise<{ word: string; height: number; yMin: number; xMin: number }[]> {
  const { execFileSync } = await import("node:child_process");
  const html = execFileSync("pdftotext", ["-bbox", "-f", "1", "-l", "1", "-", "-"], {
    input: Buffer.from(bytes),
  }).toString();
  return [
    ...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g),
  ].map((m) => ({
    word: m[4] as string,
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    height: Number(m[3]) - Number(m[2]),
  }));
}

describe("Bescheid text from the file (issue 15 item 1)", () => {
  const begruendung = (facts: Parameters<typeof sampleReasonFacts>[0], texts = {}) =>
    reasonsToText(assembleReasons(sampleReasonFacts(facts), texts));

  it("a § 30, a § 34 and a § 35 case give different, correct reasoning", () => {
    const b30 = begruendung({ planningArea: "BEBAUUNGSPLAN", deviations: [] });
    const b34 = begruendung({ planningArea: "INNENBEREICH", deviations: [] });
    const b35 = begruendung({ planningArea: "AUSSENBEREICH", deviations: [] });
    const b35agri = begruendung({ planningArea: "AUSSENBEREICH", use: "LANDWIRTSCHAFT", deviations: [] });

    expect(b30).toContain("nach § 30 Abs. 1 BauGB bauplanungsrechtlich zulässig");
    expect(b30).toContain("Festsetzungen des Bebauungsplans");
    expect(b30).not.toMatch(/fügt sich|einfügt/);
    expect(b30).not.toContain("§ 35");
    // No Einvernehmen needed for a § 30 case without Befreiung.
    expect(b30).toContain("Eines Einvernehmens der Gemeinde bedurfte es nicht");

    expect(b34).toContain("nach § 34 Abs. 1 BauGB zulässig");
    expect(b34).toContain("in die Eigenart der näheren Umgebung einfügt");
    expect(b34).not.toContain("§ 30 Abs. 1 BauGB");
    expect(b34).toContain("§ 36 Abs. 1 BauGB");

    expect(b35).toContain("nicht nach § 35 Abs. 1 BauGB privilegiert");
    expect(b35).toContain("nach § 35 Abs. 2 BauGB zulässig");
    expect(b35).toContain("§ 35 Abs. 3 BauGB");
    expect(b35).not.toMatch(/fügt sich|einfügt|Festsetzungen des Bebauungsplans/);
    expect(b35agri).toContain("nach § 35 Abs. 1 Nr. 1 BauGB privilegiert");

    // Befreiung in a B-Plan: § 31 Abs. 2 BauGB, and then the Einvernehmen is needed.
    const b31 = begruendung({
      planningArea: "BEBAUUNGSPLAN",
      deviations: [{ text: "Befreiung von der Baugrenze um 1,5 m.", legalBasis: "§ 31 Abs. 2 BauGB" }],
      participations: [{ agencyName: "Gemeinde Kirchdorf", outcome: "DEEMED_CONSENT", municipal: true }],
    });
    expect(b31).toContain("nach § 31 Abs. 2 BauGB befreit");
    expect(b31).toContain("gilt nach § 36 Abs. 2 Satz 2 BauGB als erteilt");

    // Scope of review: § 63 vs § 64 LBauO M-V; the Land's VwVfG, not the federal one.
    expect(b30).toContain("Im vereinfachten Baugenehmigungsverfahren (§ 63 LBauO M-V)");
    expect(begruendung({ procedureType: "BAUGENEHMIGUNG" })).toContain(
      "Im Baugenehmigungsverfahren (§ 64 LBauO M-V)",
    );
    expect(b30).toContain("§ 36 Abs. 1 VwVfG M-V");
    expect(b30).not.toMatch(/§ 36 VwVfG(?! M-V)/);
  });

  it("every Nebenbestimmung carries its own reason, not 'Forderungen der beteiligten Stellen'", () => {
    const text = begruendung({});
    expect(text).toContain(
      "Zu Nr. 1 (Bedingung, § 72 Abs. 3 LBauO M-V): Die Standsicherheit des Hanggrundstücks",
    );
    expect(text).toContain(
      "Zu Nr. 2 (Auflage, § 7 DSchG M-V): Das Haus liegt in der Umgebung des Baudenkmals",
    );
    // Without a reason and a legal basis the clerk is asked to write one.
    expect(text).toContain("Zu Nr. 3 (Auflage): Zweck und Erforderlichkeit: […]");
    expect(text).not.toContain("Forderungen der beteiligten Stellen");
  });

  it("a clerk's free text cannot remove a section", async () => {
    const hostile = "Alles in Ordnung.";
    // All four sections overwritten with one sentence each, and an old form's single field.
    const sections = assembleReasons(sampleReasonFacts(), {
      sachverhalt: hostile,
      wuerdigung: hostile,
      nebenbestimmungen: hostile,
      kosten: hostile,
    });
    expect(sections.map((x) => x.title)).toEqual(Object.values(REASON_SECTION_TITLES));
    for (const x of sections) {
      expect(x.fromFile.length).toBeGreaterThan(0);
      expect(x.clerkText).toBe(hostile);
    }
    const legacy = reasonTextsFromForm((name) =>
      name === "reasons" ? "Die ganze Begründung, neu geschrieben." : null,
    );
    expect(legacy).toEqual({ wuerdigung: "Die ganze Begründung, neu geschrieben." });

    const text = await pdfText(await renderBescheid(sampleBescheid({ reasons: reasonsToText(sections) })));
    const lines = text.split("\n").map((l) => l.trim());
    for (const [i, title] of Object.values(REASON_SECTION_TITLES).entries()) {
      expect(lines).toContain(`${i + 1}. ${title}`);
    }
    expect(squash(text)).toContain(squash("nach § 30 Abs. 1 BauGB"));
    expect(squash(text)).toContain(
      squash("Die Kostenentscheidung beruht auf der Baugebührenverordnung (BauGebVO M-V)"),
    );
    expect(text.split(hostile).length - 1).toBe(4);
  });

  it("the fee notice can be paid: Kassenzeichen, payee, IBAN, BIC, due date, Kostenschuldner, Tarifstelle, basis with source", async () => {
    const text = await pdfText(await renderBescheid(sampleBescheid()));
    const flat = squash(text);
    expect(text).toContain("Kassenzeichen");
    expect(text.split("KZ-2026-000042").length - 1).toBeGreaterThanOrEqual(2); // letterhead and payment block
    expect(text).toContain("DE89 3704 0044 0532 0130 00");
    expect(text).toContain("NOLADE21GRW");
    expect(text).toContain("Zahlbar bis");
    expect(text).toContain("18.07.2026");
    expect(flat).toContain(squash("Landkreis Vorpommern-Greifswald, Kreiskasse"));
    expect(flat).toContain(squash("Kostenschuldner:in: Erika Müller-Lüdenscheidt"));
    expect(flat).toContain(squash("Anlage 1 Nr. 1.1.2 BauGebVO M-V"));
    expect(flat).toContain(
      squash("Anrechenbarer Bauwert: 350.000,00 € (Quelle: Rohbauwert nach § 2 BauGebVO M-V"),
    );
    expect(flat).toContain(squash("465.000,00 €"));
    expect(text).not.toContain("der angegebenen Gebührenordnung");
  });

  it("letterhead: unit, phone, office hours, e-mail in one piece, street and town on their own lines; body 10 pt", async () => {
    const bytes = await renderBescheid(sampleBescheid());
    const page1 = (await pdfPages(bytes))[0] as string;
    expect(page1).toContain("Fachdienst Bauordnung");
    expect(page1).toContain("03834 8760-3100");
    expect(page1).toContain("Di 9–12 und 13–18 Uhr");
    const words = await wordBoxes(bytes);
    // The e-mail address is one word on one line.
    expect(words.filter((w) => w.word.includes("kreis-vg.example")).map((w) => w.word)).toEqual([
      "bauaufsicht.sachgebiet-nord@kreis-vg.example",
    ]);
    // Recipient: "Am Ryck 3" and "17489 Greifswald" on separate lines of the address field.
    const street = words.find((w) => w.word === "Ryck" && w.xMin < 200);
    const town = words.find((w) => w.word === "17489" && w.xMin < 200 && w.yMin > (street?.yMin ?? 0));
    expect(street && town && town.yMin - street.yMin).toBeGreaterThan(8);
    // Body text: the tenor's words are set in 10 pt (pdftotext's box height is the font's ascent+descent, ≈1.36 × size).
    const tenorWord = words.find((w) => w.word === "Maßgabe");
    expect(tenorWord?.height ?? 0).toBeGreaterThanOrEqual(10 * 1.3);
  });

  it("the annex lists only approvable Bauvorlagen, each file once", async () => {
    const base = sampleBescheid().documents;
    const first = base[0] as (typeof base)[number];
    const documents = [
      ...base,
      { ...first, typeCode: "1802", typeLabel: "Liegenschaftskarte", title: "Auszug", filename: "kopie.pdf" },
      {
        ...first,
        typeCode: "2501",
        typeLabel: "Statistischer Erhebungsbogen",
        title: "Statistik",
        sha256: "f".repeat(64),
      },
      {
        ...first,
        typeCode: "0401",
        typeLabel: "Bauvorlageberechtigung (Architekt)",
        title: "Kammer",
        sha256: "e".repeat(64),
      },
    ];
    const text = await pdfText(await renderBescheid(sampleBescheid({ documents })));
    expect(text).toContain(`Anlage: Genehmigte Bauvorlagen (${base.length})`);
    expect(text).not.toContain("Statistischer Erhebungsbogen");
    expect(text).not.toContain("Bauvorlageberechtigung");
    expect(text.split(first.sha256).length - 1).toBe(1);
    expect(squash(text)).toContain(squash("auch als Liegenschaftskarte"));
  });

  it("a prompt '[…]' in a section is answered by the clerk's text in that section", () => {
    const open = assembleReasons(sampleReasonFacts({ planningArea: null }), {});
    expect(open.find((x) => x.key === "wuerdigung")?.fromFile.join(" ")).toContain("[…]");
    const answered = assembleReasons(sampleReasonFacts({ planningArea: null }), {
      wuerdigung: "Das Vorhaben liegt im Innenbereich und fügt sich ein.",
      nebenbestimmungen: "Die Versickerung sichert den Wasserhaushalt des Grundstücks.",
    });
    expect(reasonsToText(answered)).not.toContain("[…]");
  });

  it("tables keep their header with their first row wherever the page breaks", async () => {
    // Shift the fee table and the annex down line by line: each header's page also holds its first row.
    const base = sampleBescheid();
    for (let n = 0; n < 24; n++) {
      // One-line Auflagen (≈ 18 pt each) and a two-line one every third step (finer offsets).
      const conditions = Array.from({ length: Math.floor(n / 2) }, (_, i) => ({
        kind: "AUFLAGE" as const,
        text: `Zusätzliche Auflage ${i} mit etwas Text${n % 2 ? ", der eine zweite Zeile braucht, weil er länger ist als eine Zeile des Bescheids breit ist" : ""}.`,
        legalBasis: null,
        sourceLabel: null,
      }));
      const pages = await pdfPages(
        await renderBescheid(sampleBescheid({ conditions, fee: { ...base.fee, basisSource: null } })),
      );
      const feeHeader = pages.findIndex((p) => p.includes("Gebührentatbestand"));
      expect(pages[feeHeader]).toContain("Gebühr für die Baugenehmigung");
      const annexHeader = pages.findIndex((p) => p.includes("Datei und SHA-256-Prüfsumme"));
      expect(pages[annexHeader]).toContain("Lageplan_M1-500_Am-Ryck-3.pdf");
    }
  });

  it("sample reasons stay consistent with the sample data", () => {
    expect(sampleBescheid().reasons).toBe(sampleReasons());
  });
});
