import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { PDFDocument } from "pdf-lib";
import { freeWorkerSlot, startWorkerSlot, type WorkerSlot } from "~/utils/worker-slot.server";
import type { RasterPage, RasterReply, RasterRequest } from "./raster-worker";

/**
 * Rasterising PDF pages in grey at low resolution, in-process with PDFium compiled to WebAssembly
 * (@hyzyla/pdfium), for the free-area search (workers/pdf/free-area.ts).
 *
 * Why not pdftoppm any more (issue 13, stamping ≥ 200 pages/s): every pdftoppm run starts a
 * process and loads the file and its fonts again; PDFium stays loaded in a thread and, once its
 * code is optimised, renders a sheet at 18 dpi 2–3× faster (bench/seal.ts, ADR 0010 "Speed").
 *
 * Limits for hostile files: each request runs in a worker thread with a time limit per page; a
 * thread over its limit is terminated and replaced, and the request fails with a German message
 * instead of hanging the job. PDFium's heap is capped at 2 GB by the build (a page that needs more
 * aborts inside the thread and fails its request); a thread whose heap grew beyond
 * RECYCLE_HEAP_BYTES after a request is replaced so one large file does not keep memory for ever.
 * Bitmaps beyond MAX_PIXELS are refused before rendering.
 */

export class RasterError extends Error {}

/** Threads: one per core, at most 2 (each holds PDFium, ~30 MB plus its heap). */
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism()));
/** Time a page may take, and the allowance for a request on top (loading the file). */
const PAGE_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** An A0 sheet at 18 dpi is ~600×850 px; 16 M pixels is a 100 m long sheet. */
const MAX_PIXELS = 16_000_000;
const RECYCLE_HEAP_BYTES = 256 * 1024 * 1024;

interface Task {
  request: Omit<RasterRequest, "id">;
  resolve: (pages: RasterPage[]) => void;
  reject: (e: Error) => void;
}

/** A thread and its task; `id` names the request it was handed last (a late reply to an older one is ignored). */
type Slot = WorkerSlot<Task> & { id: number };

const BOOT_FILE = fileURLToPath(new URL("./raster-worker.boot.mjs", import.meta.url));

export class RasterPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;

  constructor(
    private readonly size: number = POOL_SIZE,
    private readonly pageTimeoutMs: number = PAGE_TIMEOUT_MS,
    private readonly requestTimeoutMs: number = REQUEST_TIMEOUT_MS,
  ) {}

  /** The pages (1-based) rendered in grey at `dpi`, in the order asked. */
  render(pdf: Uint8Array, pages: number[], dpi: number): Promise<RasterPage[]> {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { pdf, pages, dpi, maxPixels: MAX_PIXELS }, resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts every thread and lets each render a blank sheet a few times, so the first Bescheid
   * of a fresh worker process does not pay PDFium's start-up and WebAssembly warm-up (1–5 s).
   */
  async warmUp(rounds = 5): Promise<void> {
    const blank = await blankSheet();
    for (let i = 0; i < rounds; i++)
      await Promise.all(Array.from({ length: this.size }, () => this.render(blank, [1], 18)));
  }

  /** Threads a request can use at once (callers split long page ranges by this). */
  get threads(): number {
    return this.size;
  }

  /** Ends every thread (tests, benchmarks). The next render starts new ones. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const s of slots) {
      if (s.timer) clearTimeout(s.timer);
      s.task?.reject(new RasterError("Seitenrenderer beendet"));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = Object.assign(
      startWorkerSlot<Task, RasterReply>(BOOT_FILE, (m) => {
        const task = slot.task;
        if (!task || slot.id !== m.id) return;
        freeWorkerSlot(slot);
        if (m.heapBytes > RECYCLE_HEAP_BYTES) this.replace(slot);
        if (m.ok) task.resolve(m.pages);
        else task.reject(new RasterError(m.error));
        this.pump();
      }),
      { id: 0 },
    );
    const failed = (reason: string) => {
      if (!this.slots.includes(slot)) return;
      const task = slot.task;
      freeWorkerSlot(slot);
      if (task) {
        this.replace(slot);
        task.reject(new RasterError(reason));
        this.pump();
      } else {
        // An idle thread that died is not restarted here (a thread that cannot start would be
        // restarted for ever); the next request starts a new one.
        this.slots.splice(this.slots.indexOf(slot), 1);
      }
    };
    slot.worker.on("error", (err) => failed(`Seitenrenderer fehlgeschlagen: ${err.message}`));
    slot.worker.on("exit", (code) => failed(`Seitenrenderer beendet (${code})`));
    return slot;
  }

  /** Puts a fresh thread in the slot's place and ends the old one. */
  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1, this.spawn());
    void slot.worker.terminate();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      slot.id = this.nextId++;
      slot.worker.ref();
      const id = slot.id;
      void slot.ready.then(() => {
        if (slot.task !== task) return;
        // The limit counts from the moment the thread gets the pages, not from its start-up.
        const limit = this.requestTimeoutMs + this.pageTimeoutMs * task.request.pages.length;
        slot.timer = setTimeout(() => {
          freeWorkerSlot(slot);
          this.replace(slot);
          task.reject(
            new RasterError(
              `Seiten ${task.request.pages.join(", ")} nicht in ${limit} ms gerendert (abgebrochen)`,
            ),
          );
          this.pump();
        }, limit);
        slot.worker.postMessage({ id, ...task.request } satisfies RasterRequest);
      });
    }
  }
}

let blankBytes: Promise<Uint8Array> | undefined;

/** One blank A4 page (warm-up input). */
function blankSheet(): Promise<Uint8Array> {
  blankBytes ??= (async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    return doc.save();
  })();
  return blankBytes;
}

let pool: RasterPool | undefined;

/** The process's rasteriser (threads started on first use). */
export function rasterPool(): RasterPool {
  pool ??= new RasterPool();
  return pool;
}
