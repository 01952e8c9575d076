import { UnrecoverableError } from "bullmq";
import type { Prisma, PrismaClient } from "~/generated/prisma/client";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { XbauIdentityMissing, xbauIdentityOf } from "~/xbau/identity.server";
import { XbauInputError } from "~/xbau/input-error";
import type { XbauAuthority } from "~/xbau/message.server";
import { validateXml, type XbauEntrySchema } from "~/xbau/validate.server";
import { type StoredGenerated, type StoreGeneratedInput, storeGenerated } from "./generated";

/**
 * The last step of every job that exports an XBau message: build → validate → store → record.
 * The builder's input errors and a message that does not validate against the shipped XSDs are
 * permanent failures (retrying cannot fix them; the log carries every reason). The stored file is a
 * GeneratedDocument of kind `XBAU_<code>` with the case event "xbau.exported" naming the message.
 */

/**
 * An authority's XBau identity as its admin configured it (throws XbauIdentityMissing when none is:
 * inside `build`, that skips the message instead of inventing an addressee).
 */
export async function xbauIdentityById(
  db: Pick<PrismaClient, "authority">,
  authorityId: string,
): Promise<XbauAuthority> {
  const a = await db.authority.findUniqueOrThrow({
    where: { id: authorityId },
    select: { name: true, xbauKennung: true, xbauName: true },
  });
  return xbauIdentityOf(a);
}

/** The schema entry point of a message follows from its element's family. */
function entrySchemaOf(element: string): XbauEntrySchema {
  return element.startsWith("beteiligung.")
    ? "xbau-nachrichten-beteiligung.xsd"
    : "xbau-nachrichten-baugenehmigung.xsd";
}

/** "baugenehmigung.bescheid.0205" -> "0205". */
function typeCodeOf(element: string): string {
  return element.slice(element.lastIndexOf(".") + 1);
}

export interface XbauExportInput
  extends Pick<
    StoreGeneratedInput,
    | "db"
    | "storage"
    | "log"
    | "app"
    | "sourceKey"
    | "title"
    | "filename"
    | "audience"
    | "participationId"
    | "decisionId"
  > {
  /** The message's element, e.g. "baugenehmigung.bescheid.0205". */
  element: string;
  /** Deterministic storage id of the file, e.g. `baugenehmigung-bescheid-0205-<decisionId>`. */
  keyId: string;
  /** Builds the XML; may throw XbauInputError. Deferred so its input errors are handled here. */
  build: () => string | Promise<string>;
  /** Further fields of the "xbau.exported" event (which participation, request, decision). */
  eventPayload?: Record<string, Prisma.InputJsonValue>;
}

/** Not built: a party of the message has no XBau identity configured (nobody could route it). */
export interface SkippedXbau {
  created: false;
  skipped: string;
  generatedDocumentId: null;
  sha256: null;
}

/**
 * A skipped message must not vanish into the log: the clerks see it in the case history and get a
 * notification naming the missing identity. Once per message (sourceKey), however often the job
 * runs: the transaction takes the case lock's advisory key for the sourceKey first.
 */
async function recordSkipped(input: XbauExportInput, reason: string): Promise<void> {
  const { db, app, sourceKey, element } = input;
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`xbau.skipped:${sourceKey}`}, 0))`;
    const already = await tx.caseEvent.findFirst({
      where: {
        applicationId: app.id,
        type: "xbau.skipped",
        payload: { path: ["sourceKey"], equals: sourceKey },
      },
      select: { id: true },
    });
    if (already) return;
    await appendEvent(tx, {
      applicationId: app.id,
      actorId: null,
      type: "xbau.skipped",
      payload: { message: element, reason, sourceKey },
    });
    await notifyInTx(tx, "xbau.skipped", {
      applicationId: app.id,
      scope: sourceKey.replace(/[^A-Za-z0-9-]/g, "-"),
      details: { message: element, reason },
    });
  });
}

export async function exportXbauMessage(input: XbauExportInput): Promise<StoredGenerated | SkippedXbau> {
  const { element, log } = input;
  const code = typeCodeOf(element);
  let xml: string;
  try {
    xml = await input.build();
  } catch (err) {
    if (err instanceof XbauIdentityMissing) {
      // Identities are configuration (DVDV registration), never derived: without one the message
      // has no addressee a receiving system could route. The case goes on without it.
      log.warn({ reason: err.message }, `XBau ${code} not built: identity not configured`);
      await recordSkipped(input, err.message);
      return { created: false, skipped: err.message, generatedDocumentId: null, sha256: null };
    }
    if (err instanceof XbauInputError) {
      log.error({ problems: err.problems }, `XBau ${code} input incomplete`);
      throw new UnrecoverableError(err.message);
    }
    throw err;
  }
  const result = validateXml(xml, entrySchemaOf(element));
  if (!result.valid) {
    log.error({ errors: result.errors.slice(0, 50) }, `XBau ${code} message does not validate`);
    throw new UnrecoverableError(
      `XBau ${code} ungültig: ${result.errors
        .slice(0, 5)
        .map((e) => `Zeile ${e.line}: ${e.message}`)
        .join("; ")}`,
    );
  }
  return storeGenerated({
    db: input.db,
    storage: input.storage,
    log,
    app: input.app,
    kind: `XBAU_${code}`,
    keyKind: "xbau",
    keyId: input.keyId,
    ext: "xml",
    sourceKey: input.sourceKey,
    title: input.title,
    filename: input.filename,
    mimeType: "application/xml",
    bytes: new TextEncoder().encode(xml),
    audience: input.audience,
    participationId: input.participationId,
    decisionId: input.decisionId,
    eventType: "xbau.exported",
    eventPayload: { message: element, xbauVersion: "2.6", ...input.eventPayload },
  });
}
