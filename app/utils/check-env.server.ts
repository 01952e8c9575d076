import { EnvError, env } from "./env.server";

// Imported first by the entry points (server.ts, workers/index.ts): a bad configuration stops the
// process with one clear German message naming the variable, instead of a stack trace from
// whichever module happened to read the configuration first.
try {
  env();
} catch (err) {
  if (err instanceof EnvError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
