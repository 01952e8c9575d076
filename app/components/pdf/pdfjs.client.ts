/**
 * Browser-only access to pdfjs-dist. The prebuilt library and its worker are served by the route
 * /behoerde/pdfjs/:file straight from node_modules and imported at run time (re-bundling pdf.js
 * with the app's compiler breaks its class static initialisers), so the server never evaluates it.
 */
import type { PDFDocumentProxy, RenderTask } from "pdfjs-dist";

export const PDF_LIB_URL = "/behoerde/pdfjs/pdf.min.mjs";
export const PDF_WORKER_URL = "/behoerde/pdfjs/pdf.worker.min.mjs";

type PdfJs = typeof import("pdfjs-dist");
let lib: Promise<PdfJs> | null = null;

function pdfjs(): Promise<PdfJs> {
  if (!lib) {
    const url: string = PDF_LIB_URL;
    lib = (import(/* webpackIgnore: true */ url) as Promise<PdfJs>).then((m) => {
      m.GlobalWorkerOptions.workerSrc = PDF_WORKER_URL;
      return m;
    });
  }
  return lib;
}

const cache = new Map<string, Promise<PDFDocumentProxy>>();

/** Fetches a stored version (same-origin download route, session cookie) and opens it. */
export function loadPdf(url: string): Promise<PDFDocumentProxy> {
  let p = cache.get(url);
  if (!p) {
    p = (async () => {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok) throw new Error(`Download fehlgeschlagen (${res.status})`);
      const data = new Uint8Array(await res.arrayBuffer());
      const m = await pdfjs();
      return m.getDocument({ data, isEvalSupported: false }).promise;
    })();
    p.catch(() => cache.delete(url));
    cache.set(url, p);
  }
  return p;
}

/**
 * Renders one page into a canvas at a CSS scale (1 = 100 %), sharp on high-DPI screens.
 * Returns the task so a newer render can cancel an older one.
 */
export async function renderPage(
  doc: PDFDocumentProxy,
  pageNumber: number,
  scale: number,
  canvas: HTMLCanvasElement,
): Promise<{ task: RenderTask; width: number; height: number }> {
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale });
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${Math.floor(viewport.width)}px`;
  canvas.style.height = `${Math.floor(viewport.height)}px`;
  const task = page.render({
    canvas,
    viewport,
    transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
  });
  return { task, width: viewport.width, height: viewport.height };
}
