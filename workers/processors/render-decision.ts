import { createHash } from "node:crypto";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { type DecisionKind, decisionKindLabel, legalRemedyFor } from "~/domain/decision";
import { decisionLaw } from "~/domain/decision-law";
import { decisionTenor } from "~/domain/decision-tenor";
import { documentTypeLabel } from "~/domain/document-types";
import { resolveProfile } from "~/domain/land-profiles";
import { fileNamePart, TERMS } from "~/domain/wording";
import type { PrismaClient } from "~/generated/prisma/client";
import { appendEvent, notifyInTx } from "~/models/case-event.server";
import { assertDecodable, FileRefused } from "~/utils/file-checks.server";
import type { Storage } from "../../storage/index";
import { BESCHEID_RENDERER_VERSION, type BescheidData, renderBescheid } from "../pdf/bescheid";
import { formatDate } from "../pdf/receipt";
import { STAMP_RENDERER_VERSION, stampHeadline, stampPdf } from "../pdf/stamp";
import type { Processor, ProcessorContext } from "../types";
import { exportXbau0205 } from "./export-xbau-0205";
import {
  findGenerated,
  type GeneratedDeps,
  loadSubmittedApplication,
  type SubmittedApplication,
  storageOf,
  storeGenerated,
} from "./generated";
import { receiptDataFromApplication } from "./render-receipt";
import { VERSION_FILE_SELECT } from "./version-file-select";

/**
 * `documents.render-decision`: everything a decided Bescheid consists of, in this order:
 *
 * 1. the approved plan set: every decisive PDF marked "stamp" (not for an Ablehnung), streamed from
 *    storage one at a time, checked against its sha256, stamped and stored as APPROVED_PLAN;
 * 2. the Bescheid PDF (BESCHEID);
 * 3. the XBau baugenehmigung.bescheid.0205 (XBAU_0205), XSD-validated, listing the stored files;
 * 4. delivery: notifications to the applicant side and the clerks, and to every Gemeinde/agency
 *    that took part, plus the case event "decision.delivered" — all in one transaction.
 *
 * Every file is stored through storeGenerated with a deterministic sourceKey and records its sha256
 * in the case history. A retried, duplicated or half-finished run skips what is stored and writes
 * the rest; the outbox job ids make each notification happen once.
 */

export const decisionSourceKeys = {
  bescheid: (decisionId: string) => `decision__${decisionId}__bescheid`,
  plan: (decisionId: string, versionId: string) => `decision__${decisionId}__plan__${versionId}`,
  xbau: (decisionId: string) => `decision__${decisionId}__xbau-0205`,
};

const feeLinesSchema = z.array(
  z.object({
    label: z.string(),
    basis: z.string(),
    tariff: z.string().optional(),
    amountCents: z.number().int(),
  }),
);
const deviationsSchema = z.array(z.object({ text: z.string(), legalBasis: z.string().nullish() }));

/** The decision with everything the Bescheid, the stamped plans and the XBau message need. */
export async function loadDecidedDecision(db: PrismaClient, decisionId: string) {
  const decision = await db.decision.findUnique({
    where: { id: decisionId },
    include: {
      decidedBy: { select: { displayName: true } },
      // Letterhead and payment settings of the authority (issue 15 items 2, 3).
      application: {
        select: {
          authority: {
            select: {
              orgUnit: true,
              phone: true,
              officeHours: true,
              paymentPayee: true,
              paymentIban: true,
              paymentBic: true,
            },
          },
        },
      },
      conditions: {
        orderBy: { position: "asc" },
        include: {
          sourceStatementCondition: {
            select: {
              statement: {
                select: {
                  participation: { select: { agency: { select: { kind: true, agencyType: true } } } },
                },
              },
            },
          },
        },
      },
      documents: {
        orderBy: { position: "asc" },
        include: {
          documentVersion: {
            select: {
              ...VERSION_FILE_SELECT,
              document: { select: { id: true, typeCode: true, title: true, applicationId: true } },
            },
          },
        },
      },
    },
  });
  if (!decision) throw new UnrecoverableError(`Entscheidung ${decisionId} gibt es nicht`);
  if (decision.status !== "DECIDED" || !decision.decidedAt) {
    throw new UnrecoverableError(`Entscheidung ${decisionId} ist noch nicht getroffen (${decision.status})`);
  }
  for (const d of decision.documents) {
    if (d.documentVersion.document.applicationId !== decision.applicationId) {
      throw new UnrecoverableError(`Bauvorlage ${d.documentVersionId} gehört nicht zu diesem Antrag`);
    }
  }
  const feeLines = feeLinesSchema.safeParse(decision.feeLines);
  const deviations = deviationsSchema.safeParse(decision.deviations);
  if (!feeLines.success || !deviations.success) {
    throw new UnrecoverableError(`Entscheidung ${decisionId}: Gebühren oder Abweichungen nicht lesbar`);
  }
  return {
    ...decision,
    decidedAt: decision.decidedAt,
    feeLines: feeLines.data,
    deviations: deviations.data,
  };
}
type DecidedDecision = Awaited<ReturnType<typeof loadDecidedDecision>>;
type DecisionVersion = DecidedDecision["documents"][number]["documentVersion"];

/** File-name part that keeps umlauts (app/domain/wording.ts). */
const safeName = fileNamePart;

function isPdf(v: DecisionVersion): boolean {
  return v.mimeType === "application/pdf" || v.filename.toLowerCase().endsWith(".pdf");
}

/** Which decisive versions go into the approved plan set. */
export function versionsToStamp(decision: DecidedDecision): DecisionVersion[] {
  if (decision.kind === "ABLEHNUNG") return [];
  return decision.documents.filter((d) => d.stamp && isPdf(d.documentVersion)).map((d) => d.documentVersion);
}

/**
 * Reads a stored Bauvorlage (one at a time; pdf-lib needs the whole file) and checks it is
 * byte for byte the version the decision names: a changed object in storage is refused.
 */
async function readVerified(storage: Storage, v: DecisionVersion): Promise<Uint8Array> {
  const stream = await storage.getStream(v.storageKey);
  const hash = createHash("sha256");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    hash.update(buf);
    chunks.push(buf);
    size += buf.length;
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== v.sha256) {
    throw new UnrecoverableError(
      `Bauvorlage ${v.filename} (Version ${v.versionNumber}) weicht von ihrer Prüfsumme ab (${sha256} statt ${v.sha256})`,
    );
  }
  return Buffer.concat(chunks, size);
}

export interface DecisionContext {
  app: SubmittedApplication;
  decision: DecidedDecision;
  fileNumber: string;
  decidedOn: string;
  kindTitle: string;
}

/**
 * The upload checks again before pdf-lib loads the plan (a file stored before a check existed):
 * a refused file fails the job for good and the Akte says which file and why.
 */
async function refuseUndecodable(
  pc: ProcessorContext,
  applicationId: string,
  v: DecisionVersion,
  bytes: Uint8Array,
): Promise<void> {
  try {
    // Never stamped unless the deep check accepted it (PENDING retries, REFUSED fails for good).
    await assertDecodable({
      filename: v.filename,
      mimeType: v.mimeType,
      bytes,
      checkStatus: v.checkStatus,
      checkMessage: v.checkMessage,
    });
  } catch (err) {
    if (!(err instanceof FileRefused)) throw err;
    await pc.db.$transaction((tx) =>
      appendEvent(tx, {
        applicationId,
        actorId: null,
        type: "document.processing-refused",
        payload: { filename: v.filename, versionId: v.id, reason: err.message },
      }),
    );
    throw new UnrecoverableError(
      `Bauvorlage ${v.filename} (Version ${v.versionNumber}) lässt sich nicht stempeln: ${err.message}`,
    );
  }
}

function planTitle(v: DecisionVersion): string {
  return `Genehmigte Bauvorlage: ${v.document.title} (Version ${v.versionNumber})`;
}

async function stampPlans(ctx: DecisionContext, storage: Storage, pc: ProcessorContext): Promise<number> {
  const { app, decision, fileNumber } = ctx;
  let created = 0;
  for (const v of versionsToStamp(decision)) {
    const sourceKey = decisionSourceKeys.plan(decision.id, v.id);
    if (await findGenerated(pc.db, sourceKey)) continue;
    const source = await readVerified(storage, v);
    await refuseUndecodable(pc, app.id, v, source);
    let stamped: Awaited<ReturnType<typeof stampPdf>>;
    try {
      stamped = await stampPdf(source, {
        headline: stampHeadline(ctx.kindTitle, fileNumber, ctx.decidedOn),
        authority: app.authority.name,
        detail: `${v.document.title}, Version ${v.versionNumber}`,
        fileNumber,
      });
    } catch (err) {
      // The same bytes fail the same way on every retry; an incomplete plan set is never delivered.
      throw new UnrecoverableError(
        `Bauvorlage ${v.filename} (Version ${v.versionNumber}) lässt sich nicht stempeln: ${(err as Error).message}`,
      );
    }
    const { bytes, pageCount, placements } = stamped;
    const stored = await storeGenerated({
      db: pc.db,
      storage,
      log: pc.log,
      app,
      kind: "APPROVED_PLAN",
      keyKind: "approved-plan",
      keyId: v.id,
      ext: "pdf",
      sourceKey,
      title: planTitle(v),
      filename: `${safeName(v.filename.replace(/\.pdf$/i, ""))}_genehmigt_${safeName(fileNumber)}.pdf`,
      mimeType: "application/pdf",
      bytes,
      audience: "CASE",
      decisionId: decision.id,
      // Sheets with a compact stamp or one over the drawing are recorded for the clerk with the row.
      stampPlacements: placements,
      eventType: "decision.plan-stamped",
      eventPayload: {
        decisionId: decision.id,
        documentVersionId: v.id,
        sourceSha256: v.sha256,
        pageCount,
        rendererVersion: STAMP_RENDERER_VERSION,
      },
    });
    if (stored.created) created++;
  }
  return created;
}

/** Maps the decision and its application to the Bescheid renderer's input. Pure. */
export function bescheidDataFrom(ctx: DecisionContext): BescheidData {
  const { app, decision } = ctx;
  const receipt = receiptDataFromApplication(app);
  const profile = resolveProfile(app.authority.landProfile);
  const tenor = decisionTenor(decision.kind as DecisionKind, profile, formatDate(receipt.receivedAt));
  const stamped = new Set(versionsToStamp(decision).map((v) => v.id));
  const letter = decision.application.authority;
  const grants = tenor.grants;
  return {
    authority: {
      ...receipt.authority,
      orgUnit: letter.orgUnit,
      phone: letter.phone,
      officeHours: letter.officeHours,
    },
    fileNumber: ctx.fileNumber,
    applicationId: app.id,
    decidedAt: decision.decidedAt,
    receivedAt: receipt.receivedAt,
    decidedBy: decision.decidedBy?.displayName ?? null,
    tenor,
    procedureLabel: receipt.procedureLabel,
    projectTitle: receipt.projectTitle,
    measure: receipt.measure,
    bauherr: receipt.bauherr,
    entwurfsverfasser: receipt.entwurfsverfasser,
    plot: receipt.plot,
    deviations: decision.deviations,
    conditions: decision.conditions.map((c) => ({
      kind: c.kind,
      text: c.text,
      legalBasis: c.legalBasis,
      sourceLabel: c.sourceLabel,
    })),
    notes: grants ? decisionLaw(profile.id).permitNotes : [],
    fee: {
      lines: decision.feeLines,
      totalCents: decision.feeTotalCents,
      constructionCostCents:
        decision.constructionCostCents === null ? null : Number(decision.constructionCostCents),
      basisSource: decision.feeBasisSource,
      payment: {
        payee: letter.paymentPayee,
        iban: letter.paymentIban,
        bic: letter.paymentBic,
        reference: decision.paymentReference,
        dueAt: decision.paymentDueAt,
      },
      debtor: receipt.bauherr.name ? `${receipt.bauherr.name} (${TERMS.bauherr})` : null,
    },
    validity: grants
      ? {
          years: profile.deadlines.permitValidity.years,
          extensionYears: profile.deadlines.permitValidity.extensionYears,
        }
      : null,
    reasons: decision.reasons,
    legalRemedy:
      decision.legalRemedy.trim() ||
      legalRemedyFor({
        name: app.authority.name,
        addressLine: app.authority.addressLine,
        landProfile: app.authority.landProfile,
      }),
    documents: decision.documents.map(({ documentVersion: v }) => ({
      typeCode: v.document.typeCode,
      typeLabel: documentTypeLabel(v.document.typeCode),
      title: v.document.title,
      filename: v.filename,
      versionNumber: v.versionNumber,
      sha256: v.sha256,
      stamped: stamped.has(v.id),
    })),
    validUntil: decision.validUntil,
    caseUrl: receipt.caseUrl,
  };
}

async function renderAndStoreBescheid(ctx: DecisionContext, storage: Storage, pc: ProcessorContext) {
  const sourceKey = decisionSourceKeys.bescheid(ctx.decision.id);
  if (await findGenerated(pc.db, sourceKey)) return false;
  const data = bescheidDataFrom(ctx);
  const bytes = await renderBescheid(data);
  const stored = await storeGenerated({
    db: pc.db,
    storage,
    log: pc.log,
    app: ctx.app,
    kind: "BESCHEID",
    keyKind: "bescheid",
    keyId: ctx.decision.id,
    ext: "pdf",
    sourceKey,
    title: `${data.tenor.title} ${ctx.fileNumber}`,
    filename: `${safeName(data.tenor.title)}_${safeName(ctx.fileNumber)}.pdf`,
    mimeType: "application/pdf",
    bytes,
    audience: "CASE",
    decisionId: ctx.decision.id,
    eventType: "decision.bescheid-rendered",
    eventPayload: {
      decisionId: ctx.decision.id,
      kind: ctx.decision.kind,
      rendererVersion: BESCHEID_RENDERER_VERSION,
    },
  });
  return stored.created;
}

/**
 * Notifies the applicant side and the clerks ("decision.delivered") and every Gemeinde/agency
 * that was asked in this case ("decision.announced", one job per agency), and records the
 * delivery — once: the outbox ignores a job id it already has, and the event is only written by
 * the run that wrote the applicant notification.
 */
async function deliver(
  ctx: DecisionContext,
  pc: ProcessorContext,
): Promise<{ delivered: boolean; agencies: number }> {
  const { app, decision } = ctx;
  const participations = await pc.db.participation.findMany({
    where: { applicationId: app.id, sentAt: { not: null } },
    select: { agencyId: true },
    distinct: ["agencyId"],
    orderBy: { agencyId: "asc" },
  });
  const bescheid = await findGenerated(pc.db, decisionSourceKeys.bescheid(decision.id));
  const details = { decisionId: decision.id, kindLabel: decisionKindLabel(decision.kind) };
  const delivered = await pc.db.$transaction(async (tx) => {
    // The notify row doubles as the once-only guard of the delivery event (its job id is fixed).
    const fresh = await notifyInTx(tx, "decision.delivered", {
      applicationId: app.id,
      jobKey: decision.id,
      details,
    });
    for (const { agencyId } of participations) {
      await notifyInTx(tx, "decision.announced", {
        applicationId: app.id,
        scope: agencyId,
        details: { ...details, agencyId },
      });
    }
    if (fresh) {
      await appendEvent(tx, {
        applicationId: app.id,
        actorId: null,
        type: "decision.delivered",
        payload: {
          decisionId: decision.id,
          kind: decision.kind,
          bescheidSha256: bescheid?.sha256 ?? null,
          informedAgencies: participations.length,
        },
      });
    }
    return fresh;
  });
  return { delivered, agencies: participations.length };
}

export function createRenderDecision(deps: GeneratedDeps = {}): Processor<"documents.render-decision"> {
  return async ({ decisionId }, _job, pc) => {
    const decision = await loadDecidedDecision(pc.db, decisionId);
    const app = await loadSubmittedApplication(pc.db, decision.applicationId);
    const storage = storageOf(deps);
    const ctx: DecisionContext = {
      app,
      decision,
      fileNumber: app.fileNumber ?? app.parsedSnapshot.fileNumber,
      decidedOn: formatDate(decision.decidedAt),
      kindTitle: decisionTenor(decision.kind as DecisionKind, resolveProfile(app.authority.landProfile), "")
        .title,
    };
    const plansCreated = await stampPlans(ctx, storage, pc);
    const bescheidCreated = await renderAndStoreBescheid(ctx, storage, pc);
    const xbauCreated = await exportXbau0205(ctx, storage, pc);
    const delivery = await deliver(ctx, pc);
    pc.log.info({ decisionId, plansCreated, bescheidCreated, xbauCreated, ...delivery }, "decision rendered");
    return { decisionId, plansCreated, bescheidCreated, xbauCreated, ...delivery };
  };
}

export const renderDecisionProcessor = createRenderDecision();
