import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { resourceRoute } from "~/utils/resource-route.server";

/**
 * pdf.js for the in-browser PDF viewer, served prebuilt from node_modules (library and worker of
 * the same installed version). The browser imports them at run time: the prebuilt ES module is
 * used as shipped instead of being re-bundled. Public library code; no session needed.
 */
const require = createRequire(import.meta.url);
const FILES: Record<string, string> = {
  "pdf.min.mjs": "pdfjs-dist/build/pdf.min.mjs",
  "pdf.worker.min.mjs": "pdfjs-dist/build/pdf.worker.min.mjs",
};
const cache = new Map<string, Promise<Buffer>>();

async function handleLoader({ params }: LoaderFunctionArgs) {
  const target = FILES[params.file ?? ""];
  if (!target) return new Response("Nicht gefunden", { status: 404 });
  let body = cache.get(target);
  if (!body) {
    body = readFile(require.resolve(target));
    body.catch(() => cache.delete(target));
    cache.set(target, body);
  }
  return new Response(new Uint8Array(await body), {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** German JSON for 403/404/500 instead of Remix's "Unexpected Server Error". */
export const loader = resourceRoute(handleLoader);
