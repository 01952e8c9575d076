import { logger } from "./logger.server";

/**
 * Error answers of resource routes (downloads, the upload endpoint, pdf.js files). Remix answers a
 * non-Response error from a resource route with "Unexpected Server Error" (plus the error text
 * and stack outside production) — English, and a leak of server paths. Wrapped handlers let
 * thrown Responses (the redirect to /anmelden) pass unchanged, answer forbidden()/notFound() as
 * JSON `{message}` with their status (403 "Keine Berechtigung"), and turn anything else into a
 * logged, German 500 JSON.
 */

export const SERVER_ERROR_MESSAGE =
  "Es ist ein Fehler aufgetreten. Ihre Anfrage konnte nicht bearbeitet werden. Bitte versuchen Sie es in einigen Minuten erneut.";

const FORBIDDEN_TEXT = "Keine Berechtigung";
const NOT_FOUND_TEXT = "Nicht gefunden";

function isDataWithStatus(
  value: unknown,
): value is { type: "DataWithResponseInit"; data: { message?: unknown } | null; init: { status: number } } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { type?: unknown; init?: { status?: unknown } | null };
  return (
    v.type === "DataWithResponseInit" &&
    typeof v.init?.status === "number" &&
    v.init.status >= 400 &&
    v.init.status < 600
  );
}

export function resourceRoute<A extends { request: Request }>(
  handler: (args: A) => Promise<Response> | Response,
): (args: A) => Promise<Response> {
  return async (args) => {
    try {
      return await handler(args);
    } catch (error) {
      if (error instanceof Response) throw error;
      // forbidden()/notFound() throw Remix `data({message}, {status})` (pages show it in their
      // error boundary); a resource route must answer it as a Response itself.
      if (isDataWithStatus(error)) {
        const message = typeof error.data?.message === "string" ? error.data.message : undefined;
        const title =
          error.init.status === 403 ? FORBIDDEN_TEXT : error.init.status === 404 ? NOT_FOUND_TEXT : "Fehler";
        return Response.json(
          { error: title, message: message ?? title },
          { status: error.init.status, headers: { "Cache-Control": "no-store" } },
        );
      }
      logger.error({ err: error, url: new URL(args.request.url).pathname }, "resource route failed");
      return Response.json(
        { error: "Fehler", message: SERVER_ERROR_MESSAGE },
        { status: 500, headers: { "Cache-Control": "no-store" } },
      );
    }
  };
}
