import { text } from "node:stream/consumers";
import { UnrecoverableError } from "bullmq";
import { CONDITION_KIND_LABELS, outcomeLabel } from "~/domain/statements";
import { fileNamePart } from "~/domain/wording";
import type { PrismaClient } from "~/generated/prisma/client";
import {
  buildStellungnahme0303Xml,
  type ConditionKindCode,
  rechtsbereichOf,
} from "~/xbau/beteiligung-stellungnahme-0303.server";
import { derivedUuid, type MessageIdentification } from "~/xbau/message.server";
import type { Storage } from "../../storage/index";
import { renderStatement, STATEMENT_RENDERER_VERSION, type StatementPdfData } from "../pdf/statement";
import type { Processor } from "../types";
import { findGenerated, type GeneratedDeps, storageOf, storeGenerated } from "./generated";
import { exportXbauMessage, xbauIdentityById } from "./xbau-export";

/**
 * `documents.render-statement`: an agency's statement becomes part of the Akte as a PDF
 * (GeneratedDocument kind STATEMENT) and as the XBau message beteiligung.stellungnahme.0303
 * (kind XBAU_0303, XSD-validated), both audience AUTHORITY and linked to the participation, so the
 * agency keeps reading them after the participation is closed. Idempotent per statement through
 * the sourceKeys; the statement itself is immutable, so a re-run renders the same bytes.
 */

export const statementSourceKey = (statementId: string) => `statement__${statementId}`;
export const stellungnahme0303SourceKey = (statementId: string) => `xbau-0303__${statementId}`;

async function loadStatement(db: PrismaClient, statementId: string) {
  const s = await db.statement.findUnique({
    where: { id: statementId },
    select: {
      id: true,
      outcome: true,
      reasons: true,
      submittedAt: true,
      author: { select: { displayName: true } },
      conditions: {
        orderBy: { position: "asc" },
        select: { kind: true, text: true, legalBasis: true },
      },
      attachments: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, filename: true, mimeType: true, sizeBytes: true, sha256: true, createdAt: true },
      },
      participation: {
        select: {
          id: true,
          kind: true,
          createdAt: true,
          question: true,
          legalBasis: true,
          round: true,
          agency: {
            select: {
              id: true,
              name: true,
              addressLine: true,
              email: true,
              ags: true,
              kind: true,
              agencyType: true,
            },
          },
          application: {
            select: {
              id: true,
              authorityId: true,
              fileNumber: true,
              title: true,
              authority: { select: { id: true, name: true, ags: true } },
              municipality: { select: { name: true } },
            },
          },
        },
      },
    },
  });
  if (!s) throw new UnrecoverableError(`Stellungnahme ${statementId} gibt es nicht`);
  return s;
}
type LoadedStatement = Awaited<ReturnType<typeof loadStatement>>;

export function statementPdfData(s: LoadedStatement): StatementPdfData {
  const p = s.participation;
  return {
    agency: { name: p.agency.name, addressLine: p.agency.addressLine, email: p.agency.email },
    authorityName: p.application.authority.name,
    fileNumber: p.application.fileNumber ?? "–",
    projectTitle: p.application.title,
    municipality: p.application.municipality?.name ?? null,
    question: p.question,
    legalBasis: p.legalBasis,
    round: p.round,
    // "Einvernehmen erteilt/versagt" for the Gemeinde, "Zustimmung …" for a Zustimmung (issue 14).
    outcomeLabel: outcomeLabel(p.kind, s.outcome),
    conditions: s.conditions.map((c) => ({
      kindLabel: CONDITION_KIND_LABELS[c.kind],
      text: c.text,
      legalBasis: c.legalBasis,
    })),
    reasons: s.reasons,
    attachments: s.attachments.map((a) => ({
      filename: a.filename,
      sizeBytes: Number(a.sizeBytes),
      sha256: a.sha256,
    })),
    submittedAt: s.submittedAt,
    author: s.author.displayName,
  };
}

const safeName = fileNamePart;

/**
 * The identification of the 0300 this statement answers, read back from the stored message of
 * the participation (written by the routing worker); null when there is none.
 */
async function requestMessageOf(
  db: PrismaClient,
  storage: Storage,
  participationId: string,
): Promise<MessageIdentification | null> {
  const row = await db.generatedDocument.findFirst({
    where: { participationId, kind: "XBAU_0300" },
    select: { storageKey: true },
    orderBy: { createdAt: "asc" },
  });
  if (!row) return null;
  const xml = await text(await storage.getStream(row.storageKey));
  const head = /<identifikation\.nachricht>([\s\S]*?)<\/identifikation\.nachricht>/.exec(xml)?.[1] ?? "";
  const id = /<nachrichtenUUID>([^<]+)<\/nachrichtenUUID>/.exec(head)?.[1];
  const at = /<erstellungszeitpunkt>([^<]+)<\/erstellungszeitpunkt>/.exec(head)?.[1];
  if (!id || !at || Number.isNaN(new Date(at).getTime())) return null;
  return { messageId: id, typeCode: "0300", createdAt: new Date(at) };
}

export function createRenderStatement(deps: GeneratedDeps = {}): Processor<"documents.render-statement"> {
  return async ({ statementId }, _job, { db, log }) => {
    const storage = storageOf(deps);
    const s = await loadStatement(db, statementId);
    const p = s.participation;
    const app = { id: p.application.id, authorityId: p.application.authorityId };
    const fileNumber = p.application.fileNumber ?? "ohne-Az";
    const agencySlug = safeName(p.agency.name).slice(0, 60);

    let pdfId = (await findGenerated(db, statementSourceKey(s.id)))?.id;
    if (!pdfId) {
      const bytes = await renderStatement(statementPdfData(s));
      const stored = await storeGenerated({
        db,
        storage,
        log,
        app,
        kind: "STATEMENT",
        keyKind: "statement",
        keyId: s.id,
        ext: "pdf",
        sourceKey: statementSourceKey(s.id),
        title: `Stellungnahme ${p.agency.name} (${fileNumber})`,
        filename: `Stellungnahme_${agencySlug}_${safeName(fileNumber)}.pdf`,
        mimeType: "application/pdf",
        bytes,
        audience: "AUTHORITY",
        participationId: p.id,
        eventType: "statement.rendered",
        eventPayload: {
          statementId: s.id,
          participationId: p.id,
          rendererVersion: STATEMENT_RENDERER_VERSION,
        },
      });
      pdfId = stored.generatedDocumentId;
    }

    let xmlId = (await findGenerated(db, stellungnahme0303SourceKey(s.id)))?.id;
    if (!xmlId) {
      const stored = await exportXbauMessage({
        db,
        storage,
        log,
        app,
        element: "beteiligung.stellungnahme.0303",
        build: async () =>
          buildStellungnahme0303Xml({
            // Same statement, same message id: a re-export is recognisably the same message.
            messageId: derivedUuid(`xbau-0303:${s.id}`),
            createdAt: s.submittedAt,
            agency: await xbauIdentityById(db, p.agency.id),
            authority: await xbauIdentityById(db, p.application.authority.id),
            reference: {
              applicationId: p.application.id,
              fileNumber: p.application.fileNumber,
              // The 0300 this answers; its id is deterministic (route-participation), so the
              // reference stands even when the stored file cannot be read.
              message: (await requestMessageOf(db, storage, p.id)) ?? {
                messageId: derivedUuid(`xbau-0300:${p.id}`),
                typeCode: "0300",
                createdAt: p.createdAt,
              },
            },
            requestId: p.id,
            rechtsbereich: rechtsbereichOf(p.agency),
            consent: s.outcome !== "REJECTION",
            conditions: s.conditions.map((c) => ({
              kind: c.kind as ConditionKindCode,
              text: c.text,
              legalBasis: c.legalBasis,
            })),
            attachments: s.attachments.map((a) => ({
              id: a.id,
              filename: a.filename,
              mimeType: a.mimeType,
              sizeBytes: a.sizeBytes,
              sha256: a.sha256,
              date: a.createdAt,
            })),
            reasons:
              s.outcome === "NOT_AFFECTED"
                ? `Belange der beteiligten Stelle sind nicht berührt.${s.reasons.trim() ? `\n\n${s.reasons}` : ""}`
                : s.reasons,
          }),
        keyId: `beteiligung-stellungnahme-0303-${s.id}`,
        sourceKey: stellungnahme0303SourceKey(s.id),
        title: `XBau-Nachricht beteiligung.stellungnahme.0303 (${p.agency.name}, ${fileNumber})`,
        filename: `XBau_0303_${agencySlug}_${safeName(fileNumber)}.xml`,
        audience: "AUTHORITY",
        participationId: p.id,
        eventPayload: { participationId: p.id },
      });
      // Skipped (an identity not configured): the statement PDF stands alone.
      xmlId = stored.generatedDocumentId ?? undefined;
    }
    return { statementPdfId: pdfId, xbau0303Id: xmlId };
  };
}

export const renderStatementProcessor = createRenderStatement();
