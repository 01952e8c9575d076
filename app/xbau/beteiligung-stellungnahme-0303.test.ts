import { describe, expect, it } from "vitest";
import {
  buildStellungnahme0303Xml,
  rechtsbereichOf,
  type Stellungnahme0303Input,
} from "./beteiligung-stellungnahme-0303.server";
import { XbauInputError } from "./input-error";
import { validateXml } from "./validate.server";

const base: Stellungnahme0303Input = {
  messageId: "5d0c6f5e-1d2a-4c3b-9e8f-0a1b2c3d4e5f",
  createdAt: new Date("2026-04-02T09:15:00Z"),
  agency: { name: "Landkreis Nordwestmecklenburg, Untere Denkmalschutzbehörde", id: "psw:1307400001" },
  authority: { name: "Landkreis Nordwestmecklenburg, Bauaufsicht", id: "psw:13074000" },
  reference: { applicationId: "6e1d7a6f-2e3b-4d4c-8f9a-1b2c3d4e5f60", fileNumber: "63-2026-00042" },
  requestId: "7f2e8b70-3f4c-4e5d-9a0b-2c3d4e5f6071",
  rechtsbereich: "DENKMALSCHUTZ",
  consent: true,
  conditions: [
    { kind: "BEDINGUNG", text: "Vor Baubeginn ist eine Dokumentation des Bestands vorzulegen." },
    { kind: "AUFLAGE", text: "Fenster in Holz, Teilung wie Bestand.", legalBasis: "§ 7 DSchG M-V" },
    { kind: "VORBEHALT", text: "Widerruf bei Funden im Boden." },
    { kind: "HINWEIS", text: "Funde sind nach § 11 DSchG M-V anzuzeigen." },
  ],
  reasons: "Das Vorhaben berührt ein Baudenkmal.\n\nMit den Nebenbestimmungen bestehen keine Bedenken.",
};

function texts(xml: string): string[] {
  return [...xml.matchAll(/<text>([^<]+)<\/text>/g)].map((m) =>
    Buffer.from(m[1] as string, "base64").toString(),
  );
}

describe("beteiligung.stellungnahme.0303", () => {
  it("is XSD-valid with every kind of Nebenbestimmung, codes from nebenbestimmungart 3.0", () => {
    const xml = buildStellungnahme0303Xml(base);
    expect(validateXml(xml, "xbau-nachrichten-beteiligung.xsd").errors).toEqual([]);
    const codes = [...xml.matchAll(/<xbau:art [^>]*>\s*<code>(\d)<\/code>/g)].map((m) => m[1]);
    expect(codes).toEqual(["1", "2", "3", "4"]);
    expect(xml).toContain("<code>DENKMALSCHUTZ</code>");
    expect(xml).toContain("<nachrichtentyp");
    // HTML body content, escaped, one paragraph per block; the legal basis travels with the text.
    expect(texts(xml)).toContain(
      "<p>Fenster in Holz, Teilung wie Bestand.</p><p>Rechtsgrundlage: § 7 DSchG M-V</p>",
    );
    expect(texts(xml)).toContain(
      "<p>Das Vorhaben berührt ein Baudenkmal.</p><p>Mit den Nebenbestimmungen bestehen keine Bedenken.</p>",
    );
    // Deterministic: the same input gives the same message.
    expect(buildStellungnahme0303Xml(base)).toBe(xml);
  });

  it("escapes markup in texts and stays valid without conditions and reasons", () => {
    const xml = buildStellungnahme0303Xml({
      ...base,
      consent: false,
      conditions: [],
      reasons: "Abstand < 3 m & <b>nicht</b> zulässig",
    });
    expect(validateXml(xml, "xbau-nachrichten-beteiligung.xsd").errors).toEqual([]);
    expect(xml).toContain("<xbau:istZustimmung>false</xbau:istZustimmung>");
    expect(texts(xml)).toEqual(["<p>Abstand &lt; 3 m &amp; &lt;b&gt;nicht&lt;/b&gt; zulässig</p>"]);
    const bare = buildStellungnahme0303Xml({ ...base, conditions: [], reasons: " " });
    expect(validateXml(bare, "xbau-nachrichten-beteiligung.xsd").errors).toEqual([]);
    expect(bare).not.toContain("begruendung");
  });

  it("refuses inputs it cannot express", () => {
    const bad = () =>
      buildStellungnahme0303Xml({
        ...base,
        messageId: "nope",
        requestId: "x",
        agency: { name: " ", id: "kein-dvdv" },
        conditions: [{ kind: "AUFLAGE", text: " " }],
      });
    expect(bad).toThrow(XbauInputError);
    try {
      bad();
    } catch (err) {
      expect((err as XbauInputError).problems).toEqual([
        "Nachrichten-ID ist keine UUID",
        "Kennung der Aufforderung ist keine UUID",
        "Beteiligte Stelle: Name fehlt",
        'Beteiligte Stelle: DVDV-Kennung muss die Form "abc:123" haben',
        "Nebenbestimmung 1: Text fehlt",
      ]);
    }
  });

  it("maps the answering authority to its Rechtsbereich", () => {
    expect(rechtsbereichOf({ kind: "GEMEINDE", agencyType: null })).toBe("BAUPLANUNGSRECHT");
    expect(rechtsbereichOf({ kind: "FACHSTELLE", agencyType: "STRASSENBAU" })).toBe("STRASSENBAU");
    expect(rechtsbereichOf({ kind: "FACHSTELLE", agencyType: null })).toBe("SONSTIGE");
  });
});
