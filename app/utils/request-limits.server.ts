import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import busboy from "busboy";
import { env } from "~/utils/env.server";
import { logger } from "~/utils/logger.server";

/**
 * Bounded request parsing in ONE place, in front of every Remix action (issue 11).
 *
 * Why an Express middleware and not a wrapper each action calls: 40-odd actions read their body
 * with `request.formData()` and Conform's `parseWithZod`, and the dangerous part happens inside
 * those libraries (Conform builds an array up to any index named in a field, `z[100000000]`; the
 * fetch `formData()` buffers a body of any size). A wrapper would have to be remembered in every
 * new route; the middleware cannot be forgotten. It
 *
 *   1. refuses a cross-site `Origin` (403) for every state-changing method,
 *   2. lets multipart bodies of the streaming upload routes through untouched — their busboy
 *      parser (app/utils/multipart.server.ts) applies the same field checks and its own file
 *      limits while the file streams to storage,
 *   3. reads every other body into memory up to MAX_BODY_BYTES (413 above, checked on the
 *      declared length before a byte is read), within a read timeout (408),
 *   4. checks the field count and every field name (list indices, nesting, prototype keys) with
 *      checkFieldNames before any parsing library sees them (400),
 *   5. hands Remix the same bytes (replayBody), so the routes stay unchanged.
 *
 * Rejections answer with a short German message and never echo anything from the request.
 */

export const REQUEST_LIMITS = {
  /** Largest non-file form body. The longest text a person types here (a Begründung) is far below. */
  maxBodyBytes: 1024 * 1024,
  /** Most fields in one form (the Bescheid editor with fees and Nebenbestimmungen sends a few hundred). */
  maxFields: 2000,
  /** Highest list index in a field name (`parcels[999].flur`). */
  maxListIndex: 999,
  /** A list index may exceed the number of fields sent by at most this much. */
  indexSlack: 100,
  /** Longest field name. */
  maxNameLength: 200,
  /** Most path segments in a field name (`a.b[0].c` = 4). */
  maxNameDepth: 8,
  /** Time a non-file body may take to arrive. */
  readTimeoutMs: 30_000,
  /** After a 413, at most this much of the rest of the body is read and thrown away (so the client sees the answer); then the connection is closed. */
  maxDrainBytes: 128 * 1024 * 1024,
} as const;

export const LIMIT_MESSAGES = {
  tooLarge: `Die Anfrage ist zu groß. Ein Formular darf höchstens ${REQUEST_LIMITS.maxBodyBytes / (1024 * 1024)} MB Text enthalten; Dateien laden Sie bitte bei den Unterlagen hoch.`,
  tooManyFields: "Die Anfrage enthält zu viele Formularfelder und wurde nicht verarbeitet.",
  badFieldName:
    "Die Anfrage enthält ungültige Formularfelder und wurde nicht verarbeitet. Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
  unreadable:
    "Die Anfrage konnte nicht gelesen werden. Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
  unsupportedType: "Dieses Format wird nicht angenommen. Bitte senden Sie das Formular über die Seite ab.",
  timeout: "Die Anfrage kam zu langsam an und wurde abgebrochen. Bitte versuchen Sie es erneut.",
  crossSite: "Keine Berechtigung: Die Anfrage kam nicht von dieser Website.",
} as const;

export type LimitViolation = { status: 400 | 403 | 408 | 413 | 415; message: string };

const UNSAFE_KEYS = new Set(["__proto__", "prototype", "constructor"]);
// Segments as Conform and the routes read them: `a`, `[0]`, `.b`; anything between dots/brackets.
const SEGMENT = /\[([^\]]*)\]|([^.[\]]+)/g;

/**
 * Checks field names before any form library sees them. A purely numeric segment is a list index
 * (`a[5]`, `a.5`: Conform and the condition rows read both) and must be at most maxListIndex and
 * at most fieldCount + indexSlack — a form that sends 3 fields has no business naming row 400.
 * Returns the violation or null.
 */
export function checkFieldNames(names: Iterable<string>, fieldCount: number): LimitViolation | null {
  if (fieldCount > REQUEST_LIMITS.maxFields) return { status: 400, message: LIMIT_MESSAGES.tooManyFields };
  const indexBound = Math.min(REQUEST_LIMITS.maxListIndex, fieldCount + REQUEST_LIMITS.indexSlack);
  for (const name of names) {
    if (name.length > REQUEST_LIMITS.maxNameLength)
      return { status: 400, message: LIMIT_MESSAGES.badFieldName };
    let depth = 0;
    for (const m of name.matchAll(SEGMENT)) {
      depth += 1;
      const segment = (m[1] ?? m[2] ?? "").trim();
      if (UNSAFE_KEYS.has(segment)) return { status: 400, message: LIMIT_MESSAGES.badFieldName };
      if (/^\d+$/.test(segment) && (segment.length > 6 || Number(segment) > indexBound)) {
        return { status: 400, message: LIMIT_MESSAGES.badFieldName };
      }
    }
    if (depth > REQUEST_LIMITS.maxNameDepth) return { status: 400, message: LIMIT_MESSAGES.badFieldName };
  }
  return null;
}

/**
 * Routes whose multipart bodies carry Bauvorlagen or statement attachments and are parsed as a
 * stream by app/utils/multipart.server.ts (with its own size limits and the same field checks).
 * `.data` is Remix's single-fetch form of the same URL.
 */
const STREAMING_UPLOAD_PATHS = [
  /^\/antraege\/[^/]+\/unterlagen(?:\/hochladen)?(?:\.data)?\/?$/,
  /^\/antraege\/[^/]+\/nachforderung(?:\.data)?\/?$/,
  /^\/beteiligung\/[^/]+(?:\.data)?\/?$/,
  /^\/behoerde\/posteingang\/xbau(?:\.data)?\/?$/, // XBau intake: message + attachments
];

export function isStreamingUploadPath(pathname: string): boolean {
  return STREAMING_UPLOAD_PATHS.some((re) => re.test(pathname));
}

/** Origins this app answers for: its own APP_URL and the origin the request was addressed to. */
export function isSameOrigin(
  origin: string | null,
  selfOrigin: string,
  secFetchSite?: string | null,
): boolean {
  if (origin === null || origin === "") {
    // Browsers send Origin on every cross-site POST; without it only Fetch Metadata can tell.
    return secFetchSite !== "cross-site";
  }
  if (origin === "null") return false; // sandboxed frames, data: URLs, cross-origin redirects
  let appOrigin: string | undefined;
  try {
    appOrigin = new URL(env().APP_URL).origin;
  } catch {}
  return origin === selfOrigin || origin === appOrigin;
}

/** For routes that check again themselves (the upload endpoint): a Fetch Request's Origin. */
export function crossSiteViolation(request: Request): LimitViolation | null {
  if (request.method === "GET" || request.method === "HEAD") return null;
  const ok = isSameOrigin(
    request.headers.get("origin"),
    new URL(request.url).origin,
    request.headers.get("sec-fetch-site"),
  );
  return ok ? null : { status: 403, message: LIMIT_MESSAGES.crossSite };
}

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Field names of a buffered multipart body (busboy, limits applied); a violation if unreadable. */
function multipartNames(
  headers: IncomingMessage["headers"],
  body: Buffer,
): Promise<string[] | LimitViolation> {
  return new Promise((resolve) => {
    const names: string[] = [];
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers,
        defParamCharset: "utf8",
        limits: {
          fields: REQUEST_LIMITS.maxFields + 1,
          files: REQUEST_LIMITS.maxFields + 1,
          parts: REQUEST_LIMITS.maxFields + 1,
        },
      });
    } catch {
      resolve({ status: 400, message: LIMIT_MESSAGES.unreadable });
      return;
    }
    let tooMany = false;
    bb.on("field", (name) => names.push(name));
    bb.on("file", (name, stream) => {
      names.push(name);
      stream.resume();
    });
    bb.on("partsLimit", () => (tooMany = true));
    bb.on("fieldsLimit", () => (tooMany = true));
    bb.on("filesLimit", () => (tooMany = true));
    bb.on("error", () => resolve({ status: 400, message: LIMIT_MESSAGES.unreadable }));
    bb.on("close", () => resolve(tooMany ? { status: 400, message: LIMIT_MESSAGES.tooManyFields } : names));
    bb.end(body);
  });
}

/** Field names of an urlencoded body, or a violation when there are too many. */
function urlencodedNames(body: Buffer): string[] | LimitViolation {
  // Count separators first: URLSearchParams would otherwise build a million entries.
  let count = body.length > 0 ? 1 : 0;
  for (const byte of body) if (byte === 0x26 /* & */) count += 1;
  if (count > REQUEST_LIMITS.maxFields) return { status: 400, message: LIMIT_MESSAGES.tooManyFields };
  return [...new URLSearchParams(body.toString("utf8")).keys()];
}

/** Checks a complete non-file body; null when Remix may parse it. */
export async function checkBody(
  headers: IncomingMessage["headers"],
  body: Buffer,
): Promise<LimitViolation | null> {
  const type = mediaType(headers["content-type"]);
  if (type === "application/x-www-form-urlencoded") {
    const names = urlencodedNames(body);
    return Array.isArray(names) ? checkFieldNames(names, names.length) : names;
  }
  if (type === "multipart/form-data") {
    const names = await multipartNames(headers, body);
    return Array.isArray(names) ? checkFieldNames(names, names.length) : names;
  }
  // No route reads JSON or text; an empty body (a button-only form, a logout) is fine.
  if (body.length === 0) return null;
  return { status: 415, message: LIMIT_MESSAGES.unsupportedType };
}

/**
 * Makes `req` deliver `body` again to whoever reads it next (Remix's Express adapter listens for
 * data/end and calls pause/resume/destroy). Only the stream-reading methods are redirected, on
 * this one request object; headers, URL and socket stay the original's.
 */
function replayBody(req: IncomingMessage, body: Buffer) {
  const source = Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  const methods = [
    "on",
    "once",
    "off",
    "addListener",
    "removeListener",
    "prependListener",
    "prependOnceListener",
    "removeAllListeners",
    "pause",
    "resume",
    "isPaused",
    "read",
    "pipe",
    "unpipe",
    "destroy",
    Symbol.asyncIterator,
  ] as const;
  for (const key of methods) {
    const fn = (source as unknown as Record<PropertyKey, (...args: unknown[]) => unknown>)[key]!;
    Object.defineProperty(req, key, { value: fn.bind(source), configurable: true, writable: true });
  }
  // Remix's stream pump sizes its queue from this.
  Object.defineProperty(req, "readableHighWaterMark", {
    value: source.readableHighWaterMark,
    configurable: true,
  });
}

function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The refusal: only our own fixed German text, nothing from the request. */
export function sendViolation(req: IncomingMessage, res: ServerResponse, violation: LimitViolation) {
  if (res.headersSent) return;
  res.statusCode = violation.status;
  res.setHeader("Cache-Control", "no-store");
  if (wantsJson(req)) {
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify({ ok: false, message: violation.message }));
    return;
  }
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.end(
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Anfrage abgelehnt – Bauantrag</title></head>` +
      `<body><main><h1>Anfrage abgelehnt</h1><p>${escapeHtml(violation.message)}</p><p><a href="/">Zur Startseite</a></p></main></body></html>`,
  );
}

/** Throws the rest of a refused body away (bounded), then closes the connection if it goes on. */
function drain(req: IncomingMessage) {
  let n = 0;
  req.on("data", (chunk: Buffer) => {
    n += chunk.length;
    if (n > REQUEST_LIMITS.maxDrainBytes) req.socket.destroy();
  });
  req.on("error", () => {});
  req.resume();
}

type Body = { ok: true; body: Buffer } | { ok: false; violation: LimitViolation };

function readBounded(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: Body) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ ok: false, violation: { status: 413, message: LIMIT_MESSAGES.tooLarge } });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = () =>
      finish({ ok: false, violation: { status: 400, message: LIMIT_MESSAGES.unreadable } });
    const timer = setTimeout(
      () => finish({ ok: false, violation: { status: 408, message: LIMIT_MESSAGES.timeout } }),
      timeoutMs,
    );
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

type Next = (error?: unknown) => void;
type ExpressLikeRequest = IncomingMessage & { protocol?: string; originalUrl?: string; path?: string };

/** The Express middleware; mount it before the Remix request handler. */
export function requestLimits() {
  return (req: ExpressLikeRequest, res: ServerResponse, next: Next) => {
    const method = req.method ?? "GET";
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") {
      next();
      return;
    }
    const host = req.headers.host ?? "";
    const selfOrigin = `${req.protocol ?? "http"}://${host}`;
    const secFetchSite = req.headers["sec-fetch-site"];
    if (
      !isSameOrigin(
        req.headers.origin ?? null,
        selfOrigin,
        typeof secFetchSite === "string" ? secFetchSite : null,
      )
    ) {
      drain(req);
      sendViolation(req, res, { status: 403, message: LIMIT_MESSAGES.crossSite });
      return;
    }
    const pathname = (req.originalUrl ?? req.url ?? "/").split("?")[0]!;
    const type = mediaType(req.headers["content-type"]);
    if (type === "multipart/form-data" && isStreamingUploadPath(pathname)) {
      next();
      return;
    }
    const declared = Number(req.headers["content-length"] ?? "NaN");
    if (Number.isFinite(declared) && declared > REQUEST_LIMITS.maxBodyBytes) {
      drain(req);
      sendViolation(req, res, { status: 413, message: LIMIT_MESSAGES.tooLarge });
      return;
    }
    readBounded(req, REQUEST_LIMITS.maxBodyBytes, REQUEST_LIMITS.readTimeoutMs)
      .then(async (read) => {
        if (!read.ok) {
          if (read.violation.status === 408) req.socket.destroy();
          else drain(req);
          sendViolation(req, res, read.violation);
          return;
        }
        // The API (/api/v1, issue 16) takes small JSON commands: bounded like every body, then
        // parsed and checked by the API route itself (app/api/body.server.ts).
        if (type === "application/json" && pathname.startsWith("/api/v1/")) {
          replayBody(req, read.body);
          next();
          return;
        }
        const violation = await checkBody(req.headers, read.body);
        if (violation) {
          logger.info({ path: pathname, status: violation.status }, "request refused by request limits");
          sendViolation(req, res, violation);
          return;
        }
        if (read.body.length === 0 && !FORM_TYPES.has(mediaType(req.headers["content-type"]))) {
          // An empty POST without a form type (a bare button, a script): the routes read it as
          // an empty form instead of failing in formData() with a 500.
          req.headers["content-type"] = "application/x-www-form-urlencoded";
        }
        replayBody(req, read.body);
        next();
      })
      .catch((error: unknown) => {
        logger.warn({ err: error, path: pathname }, "request limits: reading the body failed");
        sendViolation(req, res, { status: 400, message: LIMIT_MESSAGES.unreadable });
      });
  };
}
