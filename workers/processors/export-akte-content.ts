import { UnrecoverableError } from "bullmq";
import { APPLICATION_STATUS_LABELS } from "~/components/status";
import { bauherrDisplayName, PROCEDURE_TYPES, type ProcedureType } from "~/domain/application-data";
import { caseEventLabel } from "~/domain/case-events";
import { documentTypeLabel } from "~/domain/document-types";
import { procedureTypeLabel, resolveProfile } from "~/domain/land-profiles";
import type { ApplicationStatus, Prisma, PrismaClient } from "~/generated/prisma/client";
import { readApplicationData } from "~/models/draft.server";
import { GENERATED_KIND_LABELS } from "~/models/generated-document.server";
import { safeSegment, UniquePaths } from "./export-akte-names";
import { VERSION_FILE_SELECT } from "./version-file-select";

/**
 * What goes into an Akte export, read from the database in one pass: the case with its parties,
 * plot, deadlines, requests, participations and history, and the plan of every file (where in the
 * ZIP, from which storage key, which hash the database recorded). The files themselves are read
 * later, one at a time, by the ZIP writer.
 *
 * Document versions the deep check refused (or has not finished) are listed with the reason but
 * not packed: a refused upload is hostile or broken by definition and must not travel on into a
 * DMS; the index still shows that it was handed in and why it was refused.
 */

export const AKTE_KIND = "AKTE_EXPORT";
export const AKTE_FORMAT = "bauantrag-akte";
export const AKTE_FORMAT_VERSION = 1;

/** Names the ZIP reserves for itself; no packed file may take them. */
export const AKTE_JSON = "akte.json";
export const AKTE_INDEX_PDF = "Aktenverzeichnis.pdf";
export const AKTE_SUMS = "SHA256SUMS";

export type FileCategory =
  | "unterlage"
  | "erzeugt"
  | "xbau-gesendet"
  | "xbau-empfangen"
  | "stellungnahme-anlage";

export const CATEGORY_LABELS: Record<FileCategory, string> = {
  unterlage: "Unterlagen (Bauvorlagen)",
  erzeugt: "Erzeugte Dokumente",
  "xbau-gesendet": "XBau-Nachrichten (erstellt und gesendet)",
  "xbau-empfangen": "XBau-Nachrichten (empfangen)",
  "stellungnahme-anlage": "Anlagen zu Stellungnahmen",
};

export interface PlannedFile {
  /** Path inside the ZIP; null when the file is listed but not packed. */
  path: string | null;
  category: FileCategory;
  title: string;
  /** Document type label, generated kind or XBau message type. */
  type: string;
  filename: string;
  mimeType: string;
  created: Date;
  storageKey: string;
  recordedSizeBytes: number;
  recordedSha256: string;
  /** Set for document versions: "v2". */
  version?: number;
  /** Why a listed file is not in the ZIP (German), e.g. the check's refusal. */
  notExportedReason?: string;
  /** Source row, for akte.json readers that reconcile with our API. */
  sourceId: string;
}

/** Every document with all its versions (the Akte keeps superseded and refused ones too). */
const AKTE_DOCUMENTS = {
  orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  select: {
    id: true,
    typeCode: true,
    title: true,
    toBeSubmittedLater: true,
    versions: {
      orderBy: { versionNumber: "asc" },
      select: {
        ...VERSION_FILE_SELECT,
        pageCount: true,
        uploadedBy: { select: { displayName: true } },
      },
    },
  },
} satisfies Prisma.DocumentFindManyArgs;

/** Each participation with its agency and statement (attachments included). */
const AKTE_PARTICIPATIONS = {
  orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  select: {
    id: true,
    round: true,
    kind: true,
    status: true,
    legalBasis: true,
    deadline: true,
    silenceIsConsent: true,
    sentAt: true,
    answeredAt: true,
    agency: { select: { name: true } },
    statement: {
      select: {
        outcome: true,
        reasons: true,
        attachments: {
          orderBy: { createdAt: "asc" },
          select: {
            id: true,
            filename: true,
            mimeType: true,
            sizeBytes: true,
            sha256: true,
            storageKey: true,
            createdAt: true,
          },
        },
      },
    },
  },
} satisfies Prisma.ParticipationFindManyArgs;

export async function loadAkteContent(db: PrismaClient, applicationId: string, upToEventId: bigint) {
  const app = await db.application.findUnique({
    where: { id: applicationId },
    select: {
      id: true,
      authorityId: true,
      status: true,
      procedureType: true,
      fileNumber: true,
      title: true,
      data: true,
      createdAt: true,
      submittedAt: true,
      completeAt: true,
      decisionDueAt: true,
      nextDeadlineAt: true,
      withdrawnAt: true,
      authority: { select: { id: true, name: true, addressLine: true, email: true, landProfile: true } },
      municipality: { select: { name: true } },
      assignedClerk: { select: { displayName: true } },
      members: {
        select: {
          role: true,
          email: true,
          invitationState: true,
          user: { select: { displayName: true } },
        },
        orderBy: { createdAt: "asc" },
      },
      documents: AKTE_DOCUMENTS,
      generatedDocuments: {
        // Earlier exports are not part of the file they export.
        where: { kind: { not: AKTE_KIND } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          kind: true,
          title: true,
          filename: true,
          mimeType: true,
          sizeBytes: true,
          sha256: true,
          storageKey: true,
          createdAt: true,
          sealedBy: true,
          verificationCode: true,
        },
      },
      inboundMessages: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          messageId: true,
          messageType: true,
          senderId: true,
          senderName: true,
          sha256: true,
          sizeBytes: true,
          storageKey: true,
          createdAt: true,
        },
      },
      requests: {
        orderBy: { sentAt: "asc" },
        select: {
          id: true,
          status: true,
          message: true,
          internalNote: true,
          bylawReference: true,
          deadline: true,
          sentAt: true,
          answeredAt: true,
          closedAt: true,
          expiredAt: true,
          items: { select: { category: true, message: true, documentTypeCode: true } },
        },
      },
      participations: AKTE_PARTICIPATIONS,
      decision: { select: { id: true, kind: true, status: true, decidedAt: true } },
      events: {
        where: { id: { lte: upToEventId } },
        orderBy: { id: "asc" },
        select: {
          id: true,
          type: true,
          payload: true,
          createdAt: true,
          actor: { select: { displayName: true } },
        },
      },
    },
  });
  if (!app) throw new UnrecoverableError(`Antrag ${applicationId} gibt es nicht`);
  if (app.status === "DRAFT") throw new UnrecoverableError(`Antrag ${applicationId} ist noch ein Entwurf`);
  return app;
}

export type AkteContent = Awaited<ReturnType<typeof loadAkteContent>>;

const isXbauKind = (kind: string) => kind.startsWith("XBAU_");

/** Every file of the case in a fixed order, with its place in the ZIP (or the reason it stays out). */
export function planFiles(app: AkteContent): PlannedFile[] {
  const paths = new UniquePaths([AKTE_JSON, AKTE_INDEX_PDF, AKTE_SUMS]);
  const files: PlannedFile[] = [];

  for (const d of app.documents) {
    const typeLabel = documentTypeLabel(d.typeCode);
    const folder = safeSegment(typeLabel, d.typeCode);
    for (const v of d.versions) {
      const refused = v.checkStatus === "REFUSED";
      const pending = v.checkStatus === "PENDING";
      files.push({
        path:
          refused || pending
            ? null
            : paths.claim(`unterlagen/${folder}/${safeSegment(`v${v.versionNumber}_${v.filename}`)}`),
        category: "unterlage",
        title: d.title || typeLabel,
        type: typeLabel,
        filename: v.filename,
        mimeType: v.mimeType,
        created: v.createdAt,
        storageKey: v.storageKey,
        recordedSizeBytes: Number(v.sizeBytes),
        recordedSha256: v.sha256,
        version: v.versionNumber,
        sourceId: v.id,
        ...(refused
          ? { notExportedReason: `Bei der Prüfung abgelehnt: ${v.checkMessage ?? "ohne Begründung"}` }
          : pending
            ? { notExportedReason: "Prüfung der Datei noch nicht abgeschlossen" }
            : {}),
      });
    }
  }

  for (const g of app.generatedDocuments) {
    const xbau = isXbauKind(g.kind);
    const label = GENERATED_KIND_LABELS[g.kind] ?? g.kind;
    files.push({
      path: paths.claim(`${xbau ? "xbau/gesendet" : "erzeugt"}/${safeSegment(g.filename)}`),
      category: xbau ? "xbau-gesendet" : "erzeugt",
      title: g.title,
      type: label,
      filename: g.filename,
      mimeType: g.mimeType,
      created: g.createdAt,
      storageKey: g.storageKey,
      recordedSizeBytes: Number(g.sizeBytes),
      recordedSha256: g.sha256,
      sourceId: g.id,
    });
  }

  for (const m of app.inboundMessages) {
    const name = `${m.messageType}_${m.messageId}.xml`;
    files.push({
      path: paths.claim(`xbau/empfangen/${safeSegment(name)}`),
      category: "xbau-empfangen",
      title: `${m.messageType} von ${m.senderName || m.senderId}`,
      type: m.messageType,
      filename: name,
      mimeType: "application/xml",
      created: m.createdAt,
      storageKey: m.storageKey,
      recordedSizeBytes: m.sizeBytes,
      recordedSha256: m.sha256,
      sourceId: m.id,
    });
  }

  for (const p of app.participations) {
    for (const a of p.statement?.attachments ?? []) {
      files.push({
        path: paths.claim(`beteiligung/${safeSegment(p.agency.name, "Stelle")}/${safeSegment(a.filename)}`),
        category: "stellungnahme-anlage",
        title: `Anlage zur Stellungnahme: ${p.agency.name}`,
        type: "Anlage zur Stellungnahme",
        filename: a.filename,
        mimeType: a.mimeType,
        created: a.createdAt,
        storageKey: a.storageKey,
        recordedSizeBytes: Number(a.sizeBytes),
        recordedSha256: a.sha256,
        sourceId: a.id,
      });
    }
  }
  return files;
}

/** A packed (or skipped) file as akte.json and the PDF index list it. */
export interface ListedFile extends PlannedFile {
  /** Bytes and hash as packed; null when not packed. */
  sizeBytes: number | null;
  sha256: string | null;
  /** False when the bytes in storage no longer match the hash recorded at upload. */
  matchesRecord: boolean | null;
}

function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

/** "Vereinfachtes Baugenehmigungsverfahren (§ 63 LBauO M-V)" as the authority's Land profile names it. */
export function procedureLabel(app: AkteContent): string {
  if (!(PROCEDURE_TYPES as readonly string[]).includes(app.procedureType)) return app.procedureType;
  return procedureTypeLabel(resolveProfile(app.authority.landProfile), app.procedureType as ProcedureType);
}

export function statusLabel(status: string): string {
  return APPLICATION_STATUS_LABELS[status as ApplicationStatus] ?? status;
}

export interface AkteMeta {
  exportedAt: Date;
  exportedBy: string;
  upToEventId: bigint;
}

/** The case's parties as the form and the members list name them. */
export function partiesOf(app: AkteContent) {
  const data = readApplicationData(app.data);
  return {
    bauherr: data.bauherr ? { name: bauherrDisplayName(data.bauherr), ...data.bauherr } : null,
    entwurfsverfasser: data.entwurfsverfasser ?? null,
    members: app.members.map((m) => ({
      role: m.role,
      name: m.user?.displayName ?? null,
      email: m.email,
      invitationState: m.invitationState,
    })),
  };
}

/** akte.json: the machine-readable index (format "bauantrag-akte", version 1). */
export function buildAkteJson(app: AkteContent, listed: ListedFile[], meta: AkteMeta, own: ListedFile[]) {
  const data = readApplicationData(app.data);
  const fileEntry = (f: ListedFile) => ({
    path: f.path,
    title: f.title,
    type: f.type,
    category: f.category,
    filename: f.filename,
    mimeType: f.mimeType,
    created: f.created.toISOString(),
    size: f.sizeBytes,
    sha256: f.sha256,
    ...(f.version === undefined ? {} : { version: f.version }),
    recordedSha256: f.recordedSha256,
    matchesRecord: f.matchesRecord,
    exported: f.path !== null && f.sha256 !== null,
    ...(f.notExportedReason ? { notExportedReason: f.notExportedReason } : {}),
    sourceId: f.sourceId,
  });
  const byVersion = new Map(listed.filter((f) => f.category === "unterlage").map((f) => [f.sourceId, f]));
  return {
    format: AKTE_FORMAT,
    formatVersion: AKTE_FORMAT_VERSION,
    exportedAt: meta.exportedAt.toISOString(),
    exportedBy: meta.exportedBy,
    upToEventId: meta.upToEventId.toString(),
    authority: { id: app.authority.id, name: app.authority.name },
    case: {
      id: app.id,
      fileNumber: app.fileNumber,
      title: app.title,
      status: app.status,
      statusLabel: statusLabel(app.status),
      procedureType: app.procedureType,
      procedureLabel: procedureLabel(app),
      municipality: app.municipality?.name ?? null,
      assignedClerk: app.assignedClerk?.displayName ?? null,
      createdAt: iso(app.createdAt),
      submittedAt: iso(app.submittedAt),
      completeAt: iso(app.completeAt),
      withdrawnAt: iso(app.withdrawnAt),
      decision: app.decision
        ? { kind: app.decision.kind, status: app.decision.status, decidedAt: iso(app.decision.decidedAt) }
        : null,
    },
    parties: partiesOf(app),
    plot: data.plot ?? null,
    project: data.project ?? null,
    deadlines: {
      decisionDueAt: iso(app.decisionDueAt),
      nextDeadlineAt: iso(app.nextDeadlineAt),
      requests: app.requests.map((r) => ({
        id: r.id,
        status: r.status,
        sentAt: iso(r.sentAt),
        deadline: iso(r.deadline),
        answeredAt: iso(r.answeredAt),
        closedAt: iso(r.closedAt),
        expiredAt: iso(r.expiredAt),
        message: r.message,
        internalNote: r.internalNote,
        bylawReference: r.bylawReference,
        items: r.items,
      })),
      participations: app.participations.map((p) => ({
        id: p.id,
        agency: p.agency.name,
        round: p.round,
        kind: p.kind,
        status: p.status,
        legalBasis: p.legalBasis,
        deadline: iso(p.deadline),
        silenceIsConsent: p.silenceIsConsent,
        sentAt: iso(p.sentAt),
        answeredAt: iso(p.answeredAt),
        statement: p.statement ? { outcome: p.statement.outcome, reasons: p.statement.reasons } : null,
      })),
    },
    documents: app.documents.map((d) => ({
      id: d.id,
      typeCode: d.typeCode,
      typeLabel: documentTypeLabel(d.typeCode),
      title: d.title,
      toBeSubmittedLater: d.toBeSubmittedLater,
      versions: d.versions.map((v) => {
        const f = byVersion.get(v.id);
        return {
          id: v.id,
          versionNumber: v.versionNumber,
          filename: v.filename,
          uploadedBy: v.uploadedBy.displayName,
          pageCount: v.pageCount,
          checkStatus: v.checkStatus,
          checkMessage: v.checkMessage,
          file: f ? fileEntry(f) : null,
        };
      }),
    })),
    history: app.events.map((e) => ({
      id: e.id.toString(),
      type: e.type,
      label: caseEventLabel(e.type),
      actor: e.actor?.displayName ?? null,
      createdAt: e.createdAt.toISOString(),
      payload: e.payload,
    })),
    files: [...listed, ...own].map(fileEntry),
  };
}
