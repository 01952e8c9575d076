import { beforeAll, describe, expect, it } from "vitest";
import { FOREIGN_NAMES, type RenderedKind, renderEveryKind } from "./every-kind";
import { pdfFonts, pdfText } from "./test-support";

/** The font files the product embeds (fixtures/fonts, see layout.ts). */
const OUR_FONTS = /^(?:[A-Z]{6}\+)?(?:NotoSans-Regular|NotoSans-Bold|DejaVuSansMono)$/;

let kinds: RenderedKind[];
beforeAll(async () => {
  kinds = await renderEveryKind();
}, 60_000);

describe("fonts in every PDF the product writes", () => {
  it("embeds (as subsets) every font it puts in; only fonts from the applicant's own files may stay unembedded", async () => {
    expect(kinds.map((k) => k.kind)).toEqual([
      "Eingangsbestätigung",
      "Stellungnahme",
      "Bescheid",
      "Beteiligungspaket",
      "Gestempelter Plan",
    ]);
    for (const { kind, bytes, sources } of kinds) {
      const rows = await pdfFonts(bytes);
      const ours = rows.filter((r) => OUR_FONTS.test(r.name));
      expect(ours.length, kind).toBeGreaterThan(0);
      for (const r of ours) {
        expect({ kind, font: r.name, emb: r.embedded, sub: r.subset, uni: r.unicode }).toEqual({
          kind,
          font: r.name,
          emb: true,
          sub: true,
          uni: true,
        });
      }
      // Whatever is not embedded must come unchanged from an applicant's file: per font name, no
      // more unembedded font objects than the applicant's files brought (a Helvetica we added to
      // a plan that already uses Helvetica would be one more).
      const allowed = new Map<string, number>();
      for (const s of sources) {
        for (const r of await pdfFonts(s))
          if (!r.embedded) allowed.set(r.name, (allowed.get(r.name) ?? 0) + 1);
      }
      const unembedded = rows.filter((r) => !r.embedded).map((r) => r.name);
      const counted = new Map<string, number>();
      for (const name of unembedded) counted.set(name, (counted.get(name) ?? 0) + 1);
      for (const [name, n] of counted) {
        expect(n, `${kind}: ${name} is not embedded`).toBeLessThanOrEqual(allowed.get(name) ?? 0);
      }
      if (sources.length === 0) expect(unembedded, kind).toEqual([]);
    }
  });

  it("prints names beyond WinAnsi (ł, Č, ő, Cyrillic) so that pdftotext reads them back", async () => {
    for (const { kind, bytes } of kinds) {
      const text = (await pdfText(bytes)).replace(/\s+/g, " ");
      for (const name of FOREIGN_NAMES) expect(text, kind).toContain(name);
      // Punctuation survives too: every kind prints dates like 18.06.2026, none lost its dots.
      expect(text, kind).toMatch(/\b\d{2}\.\d{2}\.\d{4}\b/);
      expect(text, kind).not.toMatch(/\b\d{2} \d{2} \d{4}\b/);
      expect(text, kind).not.toContain("?");
    }
  });
});
