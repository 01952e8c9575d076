import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { openApiDocument } from "~/api/openapi";

/**
 * Checks API answers against the served OpenAPI 3.1 document (app/api/openapi.ts): the operation
 * is found by method and path, the response by status (or `default`), and a JSON body must
 * validate against that response's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). An
 * answer with a status the document does not list, or a content type it does not declare, fails
 * too — so the document cannot drift from what the handlers do. Shared by every API test.
 */

type Json = Record<string, unknown>;

let documentPromise: Promise<Json> | null = null;

/** The served document, validated by swagger-parser and with every $ref resolved (once per process). */
export function apiDocument(): Promise<Json> {
  documentPromise ??= (async () => {
    await SwaggerParser.validate(openApiDocument() as never);
    return (await SwaggerParser.dereference(openApiDocument() as never)) as unknown as Json;
  })();
  return documentPromise;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`);
}

export interface ApiAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * Validates `response` to `method path` (the path as called, e.g. /api/v1/cases/…?limit=2).
 * Returns the parsed JSON body (or null for a file) for further assertions; throws with the
 * schema errors otherwise. Reads a clone, so the caller may still read the body itself.
 */
export async function expectValidApiResponse(
  method: string,
  path: string,
  response: Response,
): Promise<unknown> {
  const doc = await apiDocument();
  const pathname = new URL(path, "http://localhost").pathname;
  const paths = doc.paths as Record<string, Json>;
  const template = Object.keys(paths)
    .filter((t) => templateRegex(t).test(pathname))
    // A literal segment beats a parameter (/messages/{id}/ack vs. a hypothetical /messages/{id}/{x}).
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
  if (!template) throw new Error(`OpenAPI: no path matches ${pathname}`);
  const operation = paths[template]![method.toLowerCase()] as Json | undefined;
  if (!operation) throw new Error(`OpenAPI: ${method} ${template} is not documented`);
  const responses = operation.responses as Record<string, Json>;
  const spec = responses[String(response.status)] ?? responses.default;
  if (!spec) {
    throw new Error(`OpenAPI: ${method} ${template} does not document status ${response.status}`);
  }
  const contentType = (response.headers.get("Content-Type") ?? "").split(";")[0]!.trim();
  const content = (spec.content ?? {}) as Record<string, { schema?: object }>;
  if (Object.keys(content).length === 0) return null;
  const media = content[contentType];
  const isJson = contentType === "application/json" || contentType.endsWith("+json");
  if (!media && isJson) {
    throw new Error(
      `OpenAPI: ${method} ${template} ${response.status} declares ${Object.keys(content).join(", ")}, got ${contentType}`,
    );
  }
  if (!isJson) {
    // A file: the document declares a binary answer for this status (any stored media type).
    const declaresBinary = Object.values(content).some(
      (m) => (m.schema as Json | undefined)?.type === "string",
    );
    if (!declaresBinary)
      throw new Error(`OpenAPI: ${method} ${template} ${response.status} is not a file answer`);
    return null;
  }
  const body = JSON.parse(await response.clone().text());
  const schema = media!.schema!;
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `OpenAPI: ${method} ${template} ${response.status} body does not match its schema:\n${ajv.errorsText(validate.errors, { separator: "\n" })}\nbody: ${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
  return body;
}
