import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiRoute } from "~/api/auth.server";
import { apiError, apiJson, problemResponse } from "~/api/problem.server";
import { receiveXbauMessage } from "~/models/xbau-intake.server";
import { readDelivery } from "~/xbau/import/delivery.server";
import { describeProblems } from "~/xbau/import/problems";

/**
 * POST /api/v1/intake (scope messages:write): another system delivers an XBau message to the
 * client's authority — multipart (part "nachricht" + parts "anlagen"), one application/zip, or a
 * bare application/xml message without attachments. 201 with case id, Aktenzeichen and the id of
 * our answer (1120) for a new message; 200 with the same for a repeat of a message id; a refusal
 * is problem+json whose detail names each element and reason in German (also as `problems`).
 * The authority comes from the client, never from the message: a client of B cannot deliver into A.
 */

/** problem+json with the German detail plus the problems one by one (element, message). */
async function refused(status: number, problems: { element: string; message: string }[]): Promise<Response> {
  const base = problemResponse(status, describeProblems(problems).join(" • "));
  const body = { ...((await base.json()) as Record<string, unknown>), problems };
  return new Response(JSON.stringify(body), { status, headers: base.headers });
}

export const action = apiRoute("messages:write", async ({ request }: ActionFunctionArgs, caller) => {
  if (request.method !== "POST")
    throw apiError(405, "Nur POST ist hier erlaubt.", { headers: { Allow: "POST" } });
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-api-intake-"));
  try {
    const delivery = await readDelivery(request, dir);
    if (!delivery.ok) return await refused(delivery.status, delivery.problems);
    const result = await receiveXbauMessage(
      { kind: "api", clientId: caller.clientId, authorityId: caller.authorityId },
      { message: delivery.message, attachments: delivery.attachments },
    );
    if (!result.ok) {
      const status =
        result.code === "not-allowed"
          ? 403
          : result.code === "busy"
            ? 503
            : result.code === "failed"
              ? 500
              : 422;
      return await refused(status, result.problems);
    }
    return apiJson(
      {
        messageType: result.messageType,
        caseId: result.applicationId,
        fileNumber: result.fileNumber,
        answerMessageId: result.answerMessageId,
        duplicate: result.duplicate,
      },
      result.duplicate ? 200 : 201,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

export const loader = apiRoute("messages:write", async () => {
  throw apiError(405, "Nur POST ist hier erlaubt.", { headers: { Allow: "POST" } });
});
