import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freeWorkerSlot, startWorkerSlot, type WorkerSlot } from "~/utils/worker-slot.server";
import type { SchematronResult } from "./schematron.server";
import type { XbauEntrySchema, XmlValidationResult } from "./validate.server";
import type { ValidationReply, ValidationRequest } from "./validation-worker";

/**
 * XSD + Schematron validation of received XBau messages off the web thread (issue 16). SaxonJS
 * runs the Schematron synchronously for ~0.5 s per 0200; on the request thread that stalls every
 * other request of the process. A small pool of worker threads (app/xbau/validation-worker.ts)
 * does it instead, with a bounded queue: when it is full the caller gets ValidationBusyError
 * (answer 503, try again) rather than an ever-growing backlog. A task that takes too long or a
 * worker that dies fails that task only; the worker is replaced.
 */

export interface MessageValidation {
  xsd: XmlValidationResult;
  /** null when the XSD already failed (the Schematron presumes a schema-valid document). */
  schematron: SchematronResult | null;
}

export class ValidationBusyError extends Error {
  constructor() {
    super("XBau validation queue is full");
  }
}

export class ValidationFailedError extends Error {}

/** Workers: one per spare core, at most 2 (each holds the compiled schemas, ~100 MB). */
const POOL_SIZE = Math.max(1, Math.min(2, os.availableParallelism() - 1));
/** Waiting validations beyond the running ones. */
const MAX_QUEUE = 16;
/** A validation taking longer than this is abandoned and its worker replaced. */
const TASK_TIMEOUT_MS = 60_000;

interface Task {
  id: number;
  xml: string;
  entry: XbauEntrySchema;
  resolve: (v: MessageValidation) => void;
  reject: (e: Error) => void;
}

type Slot = WorkerSlot<Task>;

function bootFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, "validation-worker.boot.mjs"),
    // The bundled server (build/) runs from the repository root.
    path.resolve(here, "../app/xbau/validation-worker.boot.mjs"),
    path.resolve(process.cwd(), "app/xbau/validation-worker.boot.mjs"),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`XBau validation worker not found (looked in: ${candidates.join(", ")})`);
  return found;
}

export class ValidationPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;

  constructor(
    private readonly size: number = POOL_SIZE,
    private readonly maxQueue: number = MAX_QUEUE,
    private readonly timeoutMs: number = TASK_TIMEOUT_MS,
  ) {}

  validate(xml: string, entry: XbauEntrySchema): Promise<MessageValidation> {
    if (this.slots.length === 0) for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    const running = this.slots.filter((s) => s.task).length;
    if (running >= this.slots.length && this.queue.length >= this.maxQueue) {
      return Promise.reject(new ValidationBusyError());
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, xml, entry, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Slot {
    const slot: Slot = startWorkerSlot<Task, ValidationReply>(bootFile(), (m) => {
      const task = slot.task;
      if (!task || task.id !== m.id) return;
      freeWorkerSlot(slot);
      if (m.ok) task.resolve({ xsd: m.xsd, schematron: m.schematron });
      else task.reject(new ValidationFailedError(m.error));
      this.pump();
    });
    const replace = (reason: string) => {
      const task = slot.task;
      freeWorkerSlot(slot);
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1, this.spawn());
      task?.reject(new ValidationFailedError(reason));
      this.pump();
    };
    slot.worker.on("error", (err) => replace(`validation worker failed: ${err.message}`));
    slot.worker.on("exit", (code) => {
      if (this.slots.includes(slot)) replace(`validation worker exited (${code})`);
    });
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1, this.spawn());
        freeWorkerSlot(slot);
        void slot.worker.terminate();
        task.reject(new ValidationFailedError(`validation took longer than ${this.timeoutMs} ms`));
        this.pump();
      }, this.timeoutMs);
      const request: ValidationRequest = { id: task.id, xml: task.xml, entry: task.entry };
      void slot.ready.then(() => {
        if (slot.task === task) slot.worker.postMessage(request);
      });
    }
  }
}

let pool: ValidationPool | undefined;

/** XSD, then (if valid) Schematron, in a worker thread. Rejects with ValidationBusyError when full. */
export function validateMessageOffThread(xml: string, entry: XbauEntrySchema): Promise<MessageValidation> {
  pool ??= new ValidationPool();
  return pool.validate(xml, entry);
}
