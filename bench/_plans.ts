import { readFileSync } from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";

/**
 * Shared by the benches that build plan sets (decision, participation): the sample Bauvorlagen
 * (fixtures/bauvorlagen) and the median of a run's timings. `_`-prefixed: not a benchmark itself
 * (bench/index.ts lists only the others).
 */
export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/bauvorlagen");

/** The drawings (A3 and A4 sheets). */
export const DRAWINGS = [
  "lageplan.pdf",
  "grundriss-eg.pdf",
  "schnitt.pdf",
  "ansichten.pdf",
  "liegenschaftskarte.pdf",
];

/** The drawings and the written Bauvorlagen. */
export const PLAN_FILES = [
  ...DRAWINGS,
  "baubeschreibung.pdf",
  "brandschutznachweis.pdf",
  "standsicherheit.pdf",
];

export function loadPlans(files: string[]): Promise<PDFDocument[]> {
  return Promise.all(files.map((f) => PDFDocument.load(readFileSync(path.join(FIXTURES, f)))));
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
