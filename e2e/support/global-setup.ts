import { existsSync } from "node:fs";
import path from "node:path";

/** The e2e tests run the built app; fail early with a clear hint when there is no build. */
export default function globalSetup() {
  const build = path.resolve(import.meta.dirname, "../../build/index.js");
  if (!existsSync(build)) {
    throw new Error("Kein Build gefunden (build/index.js). Bitte zuerst `npm run build` ausführen.");
  }
}
