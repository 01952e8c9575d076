import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/**
 * Keeps one child process running (issue 11): when it exits without being asked to, it is started
 * again after a delay that doubles with each quick crash (1 s, 2 s, 4 s … capped), and the reason
 * (exit code or signal, how long it ran, when it comes back) is logged. A child that ran for
 * `stableAfterMs` before it died counts as healthy again, so one crash a day restarts after the
 * short delay. One supervisor per process: the web process crashing never stops the worker.
 */

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run at least this long resets the backoff. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

/**
 * Delay before the next start. `failures` counts the crashes in a row (1 = first crash), `ranMs`
 * how long the crashed run lasted. Returns the delay and the new failure count.
 */
export function nextRestart(
  failures: number,
  ranMs: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): { delayMs: number; failures: number } {
  const inARow = ranMs >= policy.stableAfterMs ? 1 : failures + 1;
  const delayMs = Math.min(policy.initialDelayMs * 2 ** (inARow - 1), policy.maxDelayMs);
  return { delayMs, failures: inARow };
}

export interface SupervisorOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  policy?: RestartPolicy;
  log?: (message: string) => void;
  /** Grace period after SIGTERM before SIGKILL on stop(). */
  killAfterMs?: number;
  stdio?: "inherit" | "ignore" | "pipe";
}

export class Supervisor {
  private child: ChildProcess | undefined;
  private failures = 0;
  private startedAt = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  /** How many times the child was started (1 = first start). */
  starts = 0;

  constructor(private readonly options: SupervisorOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    this.spawnChild();
  }

  private log(message: string) {
    (this.options.log ?? ((m: string) => console.error(m)))(message);
  }

  private spawnChild() {
    const { name, command, args, cwd, env } = this.options;
    this.startedAt = Date.now();
    this.starts += 1;
    const spawnOptions: SpawnOptions = {
      cwd,
      env: { ...(env ?? process.env), BAUANTRAG_PROCESS: name },
      stdio: this.options.stdio ?? "inherit",
    };
    const child = spawn(command, args, spawnOptions);
    this.child = child;
    child.on("error", (err) => {
      // spawn itself failed (e.g. binary missing); "exit" may not follow, so schedule here too.
      this.log(`[bauantrag] Prozess "${name}" konnte nicht gestartet werden: ${err.message}`);
      if (child.exitCode === null && child.signalCode === null && !child.pid) this.onExit(child, null, null);
    });
    child.on("exit", (code, signal) => this.onExit(child, code, signal));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.stopping) return;
    const ranMs = Date.now() - this.startedAt;
    const next = nextRestart(this.failures, ranMs, this.options.policy ?? DEFAULT_RESTART_POLICY);
    this.failures = next.failures;
    const why = signal ? `Signal ${signal}` : `Exit-Code ${code}`;
    this.log(
      `[bauantrag] Prozess "${this.options.name}" ist abgestürzt (${why}, lief ${(ranMs / 1000).toFixed(1)} s); ` +
        `Neustart in ${(next.delayMs / 1000).toFixed(1)} s (${next.failures}. Absturz in Folge).`,
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopping) this.spawnChild();
    }, next.delayMs);
  }

  /** Stops the child (SIGTERM, then SIGKILL after killAfterMs) and does not restart it. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), this.options.killAfterMs ?? 15_000).unref();
    });
  }
}
