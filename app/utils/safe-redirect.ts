/**
 * The one check for redirect targets that come from input (`redirectTo`, `open`, …). Only
 * same-site relative paths ("/antraege?x=1") pass; absolute URLs, protocol-relative "//evil",
 * backslash tricks ("/\evil", browsers treat "\" like "/"), their percent-encoded forms
 * ("/%5Cevil", "/%2F%2Fevil") and control characters fall back to `fallback`.
 * Not a server module: pure string handling, usable in the browser too.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//")) return fallback;
  let decoded = to;
  // Decode repeatedly (bounded) so "/%255Cevil" cannot smuggle a backslash through one decode.
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      return fallback;
    }
  }
  for (const candidate of [to, decoded]) {
    if (candidate.startsWith("//") || candidate.startsWith("/\\")) return fallback;
    for (const ch of candidate) {
      const code = ch.charCodeAt(0);
      if (ch === "\\" || code < 0x20 || code === 0x7f) return fallback;
    }
  }
  try {
    const url = new URL(to, "http://same.invalid");
    if (url.origin !== "http://same.invalid" || url.pathname.startsWith("//")) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
