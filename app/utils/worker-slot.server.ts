import { Worker } from "node:worker_threads";

/**
 * One thread of a worker-thread pool and the task it runs (workers/pdf/raster.ts,
 * app/xbau/validation-pool.server.ts). The pools keep their own policies (time limits, queue
 * bounds, when a thread is replaced); what they share is the thread's life: started idle, ready
 * once it has loaded, referenced only while it works for someone.
 */
export interface WorkerSlot<Task> {
  worker: Worker;
  /** Resolves with the thread's first message, `{ ready: true }` (its code and data are loaded). */
  ready: Promise<void>;
  task: Task | null;
  /** The running task's time limit. */
  timer: NodeJS.Timeout | null;
}

/** Starts a thread from `bootFile`; every message after the ready signal goes to `onReply`. */
export function startWorkerSlot<Task, Reply>(
  bootFile: string,
  onReply: (reply: Reply) => void,
): WorkerSlot<Task> {
  const worker = new Worker(bootFile);
  // An idle thread must not keep a test run, a bench or a stopping process alive.
  worker.unref();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    markReady = r;
  });
  worker.on("message", (m: Reply | { ready: true }) => {
    if (typeof m === "object" && m !== null && "ready" in m) {
      markReady();
      return;
    }
    onReply(m as Reply);
  });
  return { worker, ready, task: null, timer: null };
}

/** The slot's task is over (answered, failed or abandoned): no timer, no task, and the thread idles unreferenced. */
export function freeWorkerSlot<Task>(slot: WorkerSlot<Task>): void {
  if (slot.timer) clearTimeout(slot.timer);
  slot.timer = null;
  slot.task = null;
  slot.worker.unref();
}
