import { parentPort } from "node:worker_threads";
import { PDFiumLibrary } from "@hyzyla/pdfium";

/**
 * Worker thread of the page rasteriser (workers/pdf/raster.ts): PDFium compiled to WebAssembly,
 * loaded once per thread, renders pages in grey at low resolution for the free-area search. It
 * runs in a thread so that a page that takes too long can be stopped (the pool terminates the
 * thread) and a page that exhausts PDFium's heap fails its task only, not the worker process.
 */

export interface RasterRequest {
  id: number;
  pdf: Uint8Array;
  /** 1-based page numbers. */
  pages: number[];
  dpi: number;
  /** Pages whose bitmap would exceed this many pixels are refused, not rendered. */
  maxPixels: number;
}

export interface RasterPage {
  page: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export type RasterReply =
  | { id: number; ok: true; pages: RasterPage[]; heapBytes: number }
  | { id: number; ok: false; error: string; heapBytes: number };

/** The parts of PDFium's C API used here (the package's typed wrapper renders with fixed flags). */
interface PdfiumModule {
  HEAPU8: Uint8Array;
  wasmExports: { malloc(size: number): number; free(ptr: number): void };
  _FPDF_LoadMemDocument(ptr: number, size: number, password: number): number;
  _FPDF_GetLastError(): number;
  _FPDF_GetPageCount(doc: number): number;
  _FPDF_LoadPage(doc: number, index: number): number;
  _FPDF_GetPageWidthF(page: number): number;
  _FPDF_GetPageHeightF(page: number): number;
  _FPDFBitmap_CreateEx(width: number, height: number, format: number, ptr: number, stride: number): number;
  _FPDFBitmap_FillRect(
    bitmap: number,
    left: number,
    top: number,
    width: number,
    height: number,
    color: number,
  ): void;
  _FPDF_RenderPageBitmap(
    bitmap: number,
    page: number,
    x: number,
    y: number,
    width: number,
    height: number,
    rotate: number,
    flags: number,
  ): void;
  _FPDFBitmap_Destroy(bitmap: number): void;
  _FPDF_ClosePage(page: number): void;
  _FPDF_CloseDocument(doc: number): void;
}

/** FPDFBitmap_Gray: one byte per pixel. */
const BITMAP_GRAY = 1;
/**
 * FPDF_ANNOT | FPDF_GRAYSCALE: annotations drawn as a viewer shows them (pdftoppm did too);
 * anti-aliased, so a hairline thinner than a pixel still darkens the pixels it crosses.
 */
const RENDER_FLAGS = 0x01 | 0x08;

const port = parentPort;
if (!port) throw new Error("raster-worker must run as a worker thread");

// In Node the package loads its pdfium.wasm from node_modules.
const library = await PDFiumLibrary.init();
// The wrapper keeps the Emscripten module in a field it declares private.
const pdfium = (library as unknown as { module: PdfiumModule }).module;

function renderPages(req: RasterRequest): RasterPage[] {
  const filePtr = pdfium.wasmExports.malloc(req.pdf.length);
  if (filePtr === 0) throw new Error("Kein Speicher für die Datei");
  pdfium.HEAPU8.set(req.pdf, filePtr);
  const doc = pdfium._FPDF_LoadMemDocument(filePtr, req.pdf.length, 0);
  try {
    if (!doc) throw new Error(`PDFium kann die Datei nicht öffnen (Fehler ${pdfium._FPDF_GetLastError()})`);
    const count = pdfium._FPDF_GetPageCount(doc);
    return req.pages.map((n) => {
      if (!Number.isInteger(n) || n < 1 || n > count) throw new Error(`Seite ${n} fehlt in der Datei`);
      const page = pdfium._FPDF_LoadPage(doc, n - 1);
      if (!page) throw new Error(`Seite ${n} lässt sich nicht laden`);
      try {
        return renderPage(page, n, req);
      } finally {
        pdfium._FPDF_ClosePage(page);
      }
    });
  } finally {
    if (doc) pdfium._FPDF_CloseDocument(doc);
    pdfium.wasmExports.free(filePtr);
  }
}

function renderPage(page: number, n: number, req: RasterRequest): RasterPage {
  // Width and height as the reader sees the page (CropBox, /Rotate applied), rounded up as
  // pdftoppm does: the last column and row may be partly outside the page (left white).
  const width = Math.ceil((pdfium._FPDF_GetPageWidthF(page) * req.dpi) / 72);
  const height = Math.ceil((pdfium._FPDF_GetPageHeightF(page) * req.dpi) / 72);
  if (!(width > 0 && height > 0)) throw new Error(`Seite ${n} hat keine Fläche`);
  if (width * height > req.maxPixels) {
    throw new Error(`Seite ${n} ist zu groß für die Suche nach freier Fläche (${width}×${height} Pixel)`);
  }
  const pixels = pdfium.wasmExports.malloc(width * height);
  if (pixels === 0) throw new Error(`Kein Speicher für Seite ${n}`);
  const bitmap = pdfium._FPDFBitmap_CreateEx(width, height, BITMAP_GRAY, pixels, width);
  try {
    pdfium._FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xffffffff);
    pdfium._FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, RENDER_FLAGS);
    // A copy: the heap may move when PDFium grows it, and the pixels go to the other thread.
    return { page: n, width, height, data: pdfium.HEAPU8.slice(pixels, pixels + width * height) };
  } finally {
    pdfium._FPDFBitmap_Destroy(bitmap);
    pdfium.wasmExports.free(pixels);
  }
}

port.on("message", (req: RasterRequest) => {
  let reply: RasterReply;
  try {
    const pages = renderPages(req);
    reply = { id: req.id, ok: true, pages, heapBytes: pdfium.HEAPU8.byteLength };
    port.postMessage(
      reply,
      pages.map((p) => p.data.buffer as ArrayBuffer),
    );
    return;
  } catch (error) {
    // After an abort (heap exhausted) the module is unusable: the pool replaces this thread when
    // the reply says the heap is large, and on any RuntimeError.
    reply = {
      id: req.id,
      ok: false,
      error:
        error instanceof Error
          ? `${error.name === "RuntimeError" ? "PDFium: " : ""}${error.message}`
          : String(error),
      heapBytes:
        error instanceof WebAssembly.RuntimeError ? Number.POSITIVE_INFINITY : pdfium.HEAPU8.byteLength,
    };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
