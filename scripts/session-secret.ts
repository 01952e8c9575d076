import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The session secret of an `npm start` installation when SESSION_SECRET is not set: generated once
 * (32 random bytes, hex) into `<dataDir>/session-secret` with mode 0600 and reused on every start,
 * so sessions survive restarts and nobody runs on a secret published in the repository.
 */
export function loadOrCreateSessionSecret(dataDir: string): {
  secret: string;
  created: boolean;
  file: string;
} {
  const file = path.join(dataDir, "session-secret");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // "wx": fails if the file exists, so two starts at once never overwrite each other's secret.
    const secret = randomBytes(32).toString("hex");
    writeFileSync(file, `${secret}\n`, { flag: "wx", mode: 0o600 });
    return { secret, created: true, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  // Tighten a copied/restored file that others may read.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) {
    throw new Error(
      `${file} enthält kein gültiges Sitzungsgeheimnis (mindestens 32 Zeichen). Datei löschen oder SESSION_SECRET setzen.`,
    );
  }
  return { secret, created: false, file };
}
