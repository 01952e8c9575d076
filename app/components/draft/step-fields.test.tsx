import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { GREIFSWALD } from "~/domain/districts";
import { PlotFields } from "./step-fields";

/** The plot step as the server renders it (the form works without JavaScript). */
function plotStep(authorityAgs?: string | null, values: Record<string, unknown> = {}): string {
  return renderToStaticMarkup(<PlotFields ctx={{ section: "plot", values, errors: {}, authorityAgs }} />);
}

const options = (html: string) =>
  [...html.matchAll(/<option value="(\d{8})" label="([^"]*)">/g)].map((m) => [m[1], m[2]]);

describe("Gemeinde picker of the plot step", () => {
  it("suggests the 83 Gemeinden of the authority's Landkreis, sorted, with name and postcodes", () => {
    const html = plotStep("13074000");
    expect(html).toContain('list="f-plot-municipalityAgs-gemeinden"');
    expect(html).toContain('<datalist id="f-plot-municipalityAgs-gemeinden">');
    const list = options(html);
    expect(list).toHaveLength(83);
    expect(list[0]).toEqual(["13074001", "Alt Meteln – 19069"]);
    expect(list).toContainEqual(["13074026", "Grevesmühlen, Stadt – 23936"]);
    expect(list.at(-1)).toEqual(["13074091", "Züsow – 23992"]);
    // The hint names a real key (the old one, 13074029, is no Gemeinde).
    expect(html).toContain("z. B. 13074026 für Grevesmühlen, Stadt");
    expect(html).not.toContain("13074029");
  });

  it("a city authority is offered only itself; an authority elsewhere gets a plain key field", () => {
    expect(options(plotStep("13074087"))).toEqual([
      ["13074087", "Wismar, Hansestadt – 23966, 23952, 23968, 23970"],
    ]);
    const elsewhere = plotStep(GREIFSWALD.ags);
    expect(elsewhere).not.toContain("<datalist");
    expect(elsewhere).not.toContain(" list=");
    expect(elsewhere).toContain("Amtlicher Gemeindeschlüssel (optional)");
  });

  it("without the authority's key every Gemeinde we carry is suggested; the saved key stays filled in", () => {
    const html = plotStep(undefined, { municipalityAgs: "13074065" });
    expect(options(html)).toHaveLength(83);
    expect(html).toMatch(
      /name="municipalityAgs"[^>]*value="13074065"|value="13074065"[^>]*name="municipalityAgs"/,
    );
  });
});
