import { apiError } from "./problem.server";

/**
 * Small JSON command bodies of /api/v1 (status commands). Read as a stream up to `maxBytes` and
 * refused above it, so a hostile client cannot make the route buffer an unbounded body (the
 * server's request limits cap it at 1 MB before; route tests call the module directly).
 */
export async function readJsonBody(request: Request, maxBytes = 4096): Promise<unknown> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw apiError(415, "Bitte senden Sie den Inhalt als JSON (Content-Type: application/json).");
  }
  const declared = Number(request.headers.get("Content-Length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw apiError(413, `Der Inhalt ist zu groß (höchstens ${maxBytes} Bytes).`);
  }
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw apiError(413, `Der Inhalt ist zu groß (höchstens ${maxBytes} Bytes).`);
      }
      chunks.push(value);
    }
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text);
  } catch {
    throw apiError(400, "Der Inhalt ist kein gültiges JSON.");
  }
}
