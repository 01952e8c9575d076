import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request CSP nonce; every inline <script> Remix renders carries it. Set by server.ts. */
    cspNonce?: string;
  }
}

/**
 * Express `trust proxy` from TRUST_PROXY (ADR 0007). Unset returns undefined and server.ts leaves
 * Express's default (trust nobody): the client address is the TCP peer, so a forged
 * X-Forwarded-For cannot rotate the login limiter's address. A number is a hop count; "true"/"false"
 * as such; anything else (addresses, subnets, "loopback") goes to Express as given.
 */
export function trustProxySetting(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (v === "true") return true;
  if (v === "false") return false;
  return v;
}

/**
 * Content-Security-Policy for the app's pages. Scripts only from our origin or inline with this
 * request's nonce (Remix's hydration data and scroll restoration). Remaining allowances, each
 * because something in the app needs it:
 * - style-src 'unsafe-inline': React `style={…}` attributes (progress bars, pdf canvas sizes) and
 *   pdf.js's text layer set inline styles; styles cannot run code.
 * - img-src data: blob: — KERN's icons are data: SVGs in its CSS; pdf.js renders images via blob:.
 * - worker-src 'self' blob: — the pdf.js worker (/behoerde/pdfjs/…), which pdf.js may wrap in a blob.
 * - 'wasm-unsafe-eval' — pdf.js 5 decodes JPEG 2000 and colour profiles with WebAssembly. It
 *   permits compiling WebAssembly only, not eval() of strings.
 * - font-src data: — fonts pdf.js extracts from PDFs.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join("; ");
}

/**
 * Security headers on every response, and a fresh CSP nonce in `res.locals.cspNonce`.
 * HSTS only when the app is served over TLS (APP_URL https, or the request arrived over TLS as
 * Express sees it): sent over plain http it would be ignored at best and break http://localhost
 * trials at worst.
 */
export function securityHeaders(options: { appUrl: string }) {
  const httpsApp = options.appUrl.startsWith("https:");
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "SAMEORIGIN");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (httpsApp || req.secure) {
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    next();
  };
}
