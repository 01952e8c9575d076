import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import SaxonJS from "saxon-js";
import { xbauDir } from "./paths.server";

/**
 * The official XBau 2.6 Schematron rules, executed. The two Schematron files in
 * fixtures/xbau/2.6/schematron were compiled to XSLT 2.0 by the XLeitstelle's SchXslt pipeline
 * (compiled/*.xsl, unchanged copies) and from there once to SaxonJS's SEF format
 * (compiled/*.sef.json.gz, see compiled/README.md for the command). Simpler Schematron engines skip
 * the abstract rules XBau relies on and would pass everything; SaxonJS runs the real XSLT.
 *
 * Every `svrl:failed-assert` (and `svrl:successful-report`) in the SVRL output is a violation.
 * Callers must only pass documents that the hardened parser (import/safe-xml.server.ts) accepted:
 * SaxonJS parses the text again and must never see a DTD.
 */

export interface SchematronViolation {
  /** Rule id, e.g. "sch-xbau-002". */
  id: string;
  /** XPath of the offending node as SVRL reports it. */
  location: string;
  /** The rule's German message. */
  text: string;
}

export interface SchematronResult {
  valid: boolean;
  violations: SchematronViolation[];
}

const STYLESHEETS = ["xbau-schematron.sef.json.gz", "xbau-schematron-leere-elemente.sef.json.gz"] as const;

let compiled: unknown[] | undefined;

function stylesheets(): unknown[] {
  if (!compiled) {
    const dir = path.join(xbauDir(), "2.6", "schematron", "compiled");
    compiled = STYLESHEETS.map((file) =>
      JSON.parse(gunzipSync(fs.readFileSync(path.join(dir, file))).toString("utf8")),
    );
  }
  return compiled;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text
    .replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? "")
    .replace(/&#(x[0-9a-fA-F]+|\d+);/g, (_, n: string) =>
      String.fromCodePoint(n.startsWith("x") ? Number.parseInt(n.slice(1), 16) : Number(n)),
    );
}

/** Reads the violations out of SVRL (the SchXslt output is plain, attribute order as below). */
export function parseSvrl(svrl: string): SchematronViolation[] {
  const out: SchematronViolation[] = [];
  const re = /<svrl:(failed-assert|successful-report)\b([^>]*)>([\s\S]*?)<\/svrl:\1>/g;
  for (const m of svrl.matchAll(re)) {
    const attrs = m[2] ?? "";
    const attr = (name: string) => unescapeXml(new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? "");
    const text = /<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(m[3] ?? "")?.[1] ?? "";
    out.push({
      id: attr("id") || "unbenannt",
      location: attr("location"),
      text: unescapeXml(text).replace(/\s+/g, " ").trim(),
    });
  }
  return out;
}

/** Runs both XBau Schematron files on a message. Synchronous and CPU-bound (~0.5 s per 0200). */
export function validateSchematron(xml: string): SchematronResult {
  const violations: SchematronViolation[] = [];
  for (const sef of stylesheets()) {
    const result = SaxonJS.transform(
      { stylesheetInternal: sef, sourceText: xml, destination: "serialized" },
      "sync",
    );
    violations.push(...parseSvrl(result.principalResult));
  }
  return { valid: violations.length === 0, violations };
}
