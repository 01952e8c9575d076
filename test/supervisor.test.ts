import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateSessionSecret } from "../scripts/session-secret";
import { nextRestart, type RestartPolicy, Supervisor } from "../scripts/supervisor";

const policy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 };

describe("restart policy", () => {
  it("doubles the delay with every quick crash in a row, capped", () => {
    let failures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const next = nextRestart(failures, 500, policy);
      failures = next.failures;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("a run that lasted past stableAfterMs starts the backoff over", () => {
    expect(nextRestart(6, 59_000, policy)).toEqual({ delayMs: 30_000, failures: 7 });
    expect(nextRestart(6, 60_000, policy)).toEqual({ delayMs: 1_000, failures: 1 });
  });
});

const waitFor = async (check: () => boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("Supervisor (real child processes)", () => {
  it("restarts a killed child with a new pid and logs why; stop() ends it for good", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "supervisor-"));
    const pidFile = path.join(dir, "pid");
    const logs: string[] = [];
    const supervisor = new Supervisor({
      name: "web",
      command: process.execPath,
      // Writes its pid, then stays alive like a server would.
      args: [
        "-e",
        `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`,
      ],
      policy: { initialDelayMs: 100, maxDelayMs: 400, stableAfterMs: 60_000 },
      log: (m) => logs.push(m),
      stdio: "ignore",
    });
    supervisor.start();
    const readPid = () => {
      try {
        return Number(readFileSync(pidFile, "utf8"));
      } catch {
        return 0;
      }
    };
    await waitFor(() => readPid() > 0 && readPid() === supervisor.pid);
    const first = readPid();

    process.kill(first, "SIGKILL");
    await waitFor(() => readPid() !== first && readPid() === supervisor.pid);
    const second = readPid();
    expect(second).not.toBe(first);
    expect(() => process.kill(second, 0)).not.toThrow();
    expect(logs[0]).toMatch(
      /Prozess "web" ist abgestürzt \(Signal SIGKILL, lief [\d.]+ s\); Neustart in 0\.1 s \(1\. Absturz in Folge\)/,
    );

    // A second quick crash waits twice as long.
    process.kill(second, "SIGKILL");
    await waitFor(() => readPid() !== second && readPid() === supervisor.pid);
    expect(logs[1]).toContain("Neustart in 0.2 s (2. Absturz in Folge)");
    expect(supervisor.starts).toBe(3);

    const third = readPid();
    await supervisor.stop();
    expect(() => process.kill(third, 0)).toThrow();
    await new Promise((r) => setTimeout(r, 500));
    expect(supervisor.starts).toBe(3);
    expect(supervisor.pid).toBeUndefined();
  });

  it("a child that exits with an error code is restarted too", async () => {
    const logs: string[] = [];
    const supervisor = new Supervisor({
      name: "worker",
      command: process.execPath,
      args: ["-e", "process.exit(3)"],
      policy: { initialDelayMs: 50, maxDelayMs: 100, stableAfterMs: 60_000 },
      log: (m) => logs.push(m),
      stdio: "ignore",
    });
    supervisor.start();
    await waitFor(() => supervisor.starts >= 3);
    await supervisor.stop();
    expect(logs[0]).toContain('Prozess "worker" ist abgestürzt (Exit-Code 3');
  });
});

describe("session secret of npm start", () => {
  it("is generated once with mode 0600 and reused", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "secret-")), ".data");
    const first = loadOrCreateSessionSecret(dir);
    expect(first.created).toBe(true);
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSessionSecret(dir);
    expect(again).toEqual({ ...first, created: false });
  });

  it("tightens a readable file and refuses a too short one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "secret-"));
    const file = path.join(dir, "session-secret");
    writeFileSync(file, "x".repeat(40), { mode: 0o644 });
    expect(loadOrCreateSessionSecret(dir).secret).toBe("x".repeat(40));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "short");
    expect(() => loadOrCreateSessionSecret(dir)).toThrow(/mindestens 32 Zeichen/);
  });
});
