import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PDFDocument, PDFName } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { RasterPool } from "./raster";

/**
 * The rasteriser with hostile input: a page that takes too long is stopped and its thread
 * replaced, a damaged file fails its request with a message, an absurd page size is refused
 * before anything is allocated — and the same pool renders the next file normally each time.
 */

/** A limit the slow sheet exceeds many times over and an ordinary sheet stays far below. */
const LIMIT_MS = 300;
// Five times what took ~1 s on a loaded 2-core machine: far over the limit on an idle fast one too.
const SLOW_SEGMENTS = 150_000;
const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/bauvorlagen");
const pools: RasterPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function pool(pageTimeoutMs: number, requestTimeoutMs: number): RasterPool {
  const p = new RasterPool(1, pageTimeoutMs, requestTimeoutMs);
  pools.push(p);
  return p;
}

async function normalSheet(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]).drawText("Grundriss", { x: 50, y: 50 });
  return doc.save();
}

/** One A4 page drawing `segments` line segments: slow for any renderer. */
async function slowSheet(segments: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  const ops: string[] = ["0.1 w"];
  for (let i = 0; i < segments; i++)
    ops.push(`${i % 590} ${(i * 7) % 840} m ${(i * 13) % 590} ${(i * 3) % 840} l S`);
  const stream = doc.context.stream(ops.join("\n"));
  page.node.set(PDFName.of("Contents"), doc.context.register(stream));
  return doc.save();
}

describe("page rasteriser limits", () => {
  it("stops a page over its time limit, says so, and renders the next file with a new thread", async () => {
    const slow = await slowSheet(SLOW_SEGMENTS);
    // The premise: without a limit this page takes far longer than the limit below.
    const t = performance.now();
    await pool(60_000, 60_000).render(slow, [1], 18);
    expect(performance.now() - t).toBeGreaterThan(4 * LIMIT_MS);
    const p = pool(LIMIT_MS, 0);
    await expect(p.render(slow, [1], 18)).rejects.toThrow(
      new RegExp(`Seiten 1 nicht in ${LIMIT_MS} ms gerendert \\(abgebrochen\\)`),
    );
    const [page] = await p.render(await normalSheet(), [1], 18);
    expect([page?.width, page?.height]).toEqual([149, 211]);
  });

  it("fails a damaged file with a message and keeps serving", async () => {
    const p = pool(20_000, 20_000);
    const broken = new Uint8Array(readFileSync(path.join(FIXTURES, "broken.pdf")));
    await expect(p.render(broken, [1], 18)).rejects.toThrow(/PDFium kann die Datei nicht öffnen|Seite 1/);
    await expect(p.render(new Uint8Array([1, 2, 3]), [1], 18)).rejects.toThrow(/nicht öffnen/);
    const [page] = await p.render(await normalSheet(), [1], 18);
    expect(page?.data.some((v) => v < 128)).toBe(true);
  });

  it("refuses a page whose bitmap would be too large, before rendering it", async () => {
    const p = pool(20_000, 20_000);
    const doc = await PDFDocument.create();
    doc.addPage([14_400, 14_400]);
    const huge = await doc.save();
    // 14 400 pt (the largest page PDF allows without UserUnit) at 200 dpi: 40 000² pixels.
    await expect(p.render(huge, [1], 200)).rejects.toThrow(/Seite 1 ist zu groß .*40000×40000 Pixel/);
    const [page] = await p.render(huge, [1], 18);
    expect([page?.width, page?.height]).toEqual([3600, 3600]);
  });

  it("warms up every thread on a blank sheet and then renders as usual", async () => {
    const p = new RasterPool(2, 20_000, 20_000);
    pools.push(p);
    await p.warmUp(2);
    const [page] = await p.render(await normalSheet(), [1], 18);
    expect([page?.width, page?.height]).toEqual([149, 211]);
    expect(page?.data.some((v) => v < 128)).toBe(true);
  });
});
