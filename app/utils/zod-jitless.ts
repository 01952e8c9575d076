import { z } from "zod";

/**
 * Zod 4 probes `new Function("")` when it builds an object schema, to compile fast parsers. Under
 * the app's Content-Security-Policy (no 'unsafe-eval') that probe is a reported CSP violation in
 * the browser. Jitless parsing there avoids it; the server keeps the fast path (no CSP applies).
 * Imported first by root.tsx, so it runs before any route module builds a schema.
 */
if (typeof document !== "undefined") z.config({ jitless: true });
