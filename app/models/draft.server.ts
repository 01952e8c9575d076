import { z } from "zod";
import {
  type ApplicationData,
  applicationDataSchema,
  bauherrSchema,
  entwurfsverfasserSchema,
  PROCEDURE_TYPES,
  type ProcedureType,
  plotSchema,
  projectSchema,
} from "~/domain/application-data";
import type { EvaluateInput } from "~/domain/completeness";
import { type MemberRole, Prisma } from "~/generated/prisma/client";
import { applicantScope, isUuid } from "~/models/application.server";
import { appendEvent } from "~/models/case-event.server";
import { buildSearchText } from "~/models/inbox.server";
import type { SessionUser } from "~/models/user.server";
import { db, type Tx } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { forbidden, notFound } from "~/utils/permissions.server";

/**
 * Drafts of a Bauantrag on the applicant side: create, read and save section by section with
 * optimistic concurrency (Application.version). Access is by membership: only the creator and
 * accepted members (applicantScope) ever load or change a draft.
 */

export const DRAFT_SECTIONS = ["bauherr", "entwurfsverfasser", "plot", "project"] as const;
export type DraftSection = (typeof DRAFT_SECTIONS)[number];

export const DRAFT_SECTION_LABELS: Record<DraftSection | "general", string> = {
  general: "Allgemeines",
  bauherr: "Bauherr:in",
  entwurfsverfasser: "Entwurfsverfasser:in",
  plot: "Baugrundstück",
  project: "Vorhaben",
};

/** Member roles that may submit an application. */
export const SUBMITTING_ROLES: readonly MemberRole[] = ["BAUHERR", "ENTWURFSVERFASSER", "BEVOLLMAECHTIGTER"];

export const generalSchema = z.object({
  title: z
    .string({ error: "Bitte geben Sie eine Bezeichnung des Vorhabens ein." })
    .trim()
    .min(1, "Bitte geben Sie eine Bezeichnung des Vorhabens ein.")
    .max(200, "Die Bezeichnung darf höchstens 200 Zeichen lang sein."),
  procedureType: z.enum(PROCEDURE_TYPES, { error: "Bitte wählen Sie eine Verfahrensart." }),
});
export type GeneralSection = z.infer<typeof generalSchema>;

const SECTION_SCHEMAS = {
  general: generalSchema,
  bauherr: bauherrSchema,
  entwurfsverfasser: entwurfsverfasserSchema,
  plot: plotSchema,
  project: projectSchema,
} as const;

// ---- German validation messages -------------------------------------------------------------------

type Issue = z.core.$ZodRawIssue;

function germanMessage(issue: Issue): string | undefined {
  const i = issue as Issue & {
    expected?: string;
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    inclusive?: boolean;
    format?: string;
    values?: unknown[];
  };
  switch (i.code) {
    case "invalid_type":
      if (i.input === undefined || i.input === null) return "Bitte füllen Sie dieses Feld aus.";
      if (i.expected === "number" || i.expected === "int") return "Bitte geben Sie eine ganze Zahl ein.";
      if (i.expected === "boolean") return "Bitte wählen Sie Ja oder Nein.";
      if (i.expected === "array") return "Ungültige Liste.";
      if (i.expected === "object") return "Ungültige Angaben.";
      return "Ungültige Eingabe.";
    case "too_small":
      if (i.origin === "string") {
        return Number(i.minimum) <= 1
          ? "Bitte füllen Sie dieses Feld aus."
          : `Bitte geben Sie mindestens ${i.minimum} Zeichen ein.`;
      }
      if (i.origin === "array") return `Bitte geben Sie mindestens ${i.minimum} Einträge an.`;
      return `Der Wert muss mindestens ${i.minimum} sein.`;
    case "too_big":
      if (i.origin === "string") return `Bitte geben Sie höchstens ${i.maximum} Zeichen ein.`;
      if (i.origin === "array") return `Es sind höchstens ${i.maximum} Einträge möglich.`;
      return `Der Wert darf höchstens ${i.maximum} sein.`;
    case "invalid_format":
      if (i.format === "email")
        return "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.";
      return "Die Eingabe hat nicht das erwartete Format.";
    case "invalid_value":
      return "Bitte wählen Sie einen der angebotenen Werte.";
    case "not_multiple_of":
      return "Bitte geben Sie eine ganze Zahl ein.";
    case "unrecognized_keys":
      return "Unbekannte Angaben.";
    default:
      return "Ungültige Eingabe.";
  }
}

/** Path in the form-field notation of Conform (`address.postalCode`, `parcels[0].flur`). */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Validates a value with a zod schema and German messages; errors keyed by field path ("" = whole form). */
export function validateGerman<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { success: true; data: z.infer<S> } | { success: false; fieldErrors: Record<string, string[]> } {
  const result = schema.safeParse(value, { error: germanMessage });
  if (result.success) return { success: true, data: result.data };
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = fieldPath(issue.path);
    const list = fieldErrors[key] ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    fieldErrors[key] = list;
  }
  return { success: false, fieldErrors };
}

/**
 * Blank means "not filled in": empty or whitespace-only strings are dropped, and objects that end
 * up empty too (a form posts every field, filled or not). Empty entries in lists are dropped.
 */
export function dropBlanks(value: unknown): unknown {
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (Array.isArray(value)) {
    return value.map(dropBlanks).filter((v) => v !== undefined);
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = dropBlanks(v);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** Leaf paths (dotted, `plot.parcels.0.flur`) whose value differs between two JSON values. */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...changedPaths(before[i], after[i], prefix ? `${prefix}.${i}` : String(i)));
    }
    return out;
  }
  if (isObj(before) || isObj(after)) {
    const b = isObj(before) ? before : {};
    const a = isObj(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    const out: string[] = [];
    for (const k of keys) out.push(...changedPaths(b[k], a[k], prefix ? `${prefix}.${k}` : k));
    if (
      out.length === 0 &&
      !isObj(before) !== !isObj(after) &&
      (before !== undefined || after !== undefined)
    ) {
      out.push(prefix);
    }
    return out;
  }
  if (Array.isArray(before) || Array.isArray(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
  }
  return before === after ? [] : [prefix];
}

// ---- municipalities and creating a draft -----------------------------------------------------------

export interface MunicipalityOption {
  id: string;
  name: string;
  authorityName: string;
  landProfile: string;
}

/** Gemeinden an applicant can choose, with the Bauaufsichtsbehörde responsible for each. */
export async function listMunicipalities(client: Tx = db()): Promise<MunicipalityOption[]> {
  const rows = await client.authority.findMany({
    where: { kind: "GEMEINDE", parent: { kind: "BAUAUFSICHT" } },
    select: { id: true, name: true, parent: { select: { name: true, landProfile: true } } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    authorityName: r.parent?.name ?? "",
    landProfile: r.parent?.landProfile ?? "MBO",
  }));
}

/**
 * The Bauaufsichtsbehörde responsible for a Gemeinde: its parent, or the authority itself when it
 * is a Bauaufsicht (e.g. a kreisfreie Stadt). Null for unknown ids and for Fachstellen.
 */
export async function resolveResponsibleAuthority(municipalityId: string, client: Tx = db()) {
  if (!isUuid(municipalityId)) return null;
  const row = await client.authority.findUnique({
    where: { id: municipalityId },
    select: {
      id: true,
      name: true,
      kind: true,
      landProfile: true,
      parent: { select: { id: true, name: true, kind: true, landProfile: true } },
    },
  });
  if (!row) return null;
  if (row.kind === "BAUAUFSICHT") {
    return {
      municipality: { id: row.id, name: row.name },
      authority: { id: row.id, landProfile: row.landProfile },
    };
  }
  if (row.kind === "GEMEINDE" && row.parent?.kind === "BAUAUFSICHT") {
    return {
      municipality: { id: row.id, name: row.name },
      authority: { id: row.parent.id, landProfile: row.parent.landProfile },
    };
  }
  return null;
}

/** Thrown by createDraft for input a form should have caught; `field` names the form field. */
export class DraftInputError extends Error {
  override name = "DraftInputError";
  constructor(
    readonly field: "municipalityId" | "procedureType" | "title" | "memberRole",
    message: string,
  ) {
    super(message);
  }
}

export interface CreateDraftInput {
  municipalityId: string;
  procedureType: ProcedureType;
  title: string;
  memberRole: "BAUHERR" | "ENTWURFSVERFASSER";
}

/**
 * Creates a draft at the Bauaufsicht responsible for the chosen Gemeinde; the creator becomes an
 * accepted member with `memberRole`. Throws DraftInputError (German message) for bad input and a
 * 403 for users who may not create applications.
 */
export async function createDraft(user: SessionUser, input: CreateDraftInput): Promise<{ id: string }> {
  if (!can(user, "create:application:own")) forbidden();
  const title = typeof input.title === "string" ? input.title.trim() : "";
  if (title === "") throw new DraftInputError("title", "Bitte geben Sie eine Bezeichnung des Vorhabens ein.");
  if (title.length > 200)
    throw new DraftInputError("title", "Die Bezeichnung darf höchstens 200 Zeichen lang sein.");
  if (!(PROCEDURE_TYPES as readonly string[]).includes(input.procedureType)) {
    throw new DraftInputError("procedureType", "Bitte wählen Sie eine Verfahrensart.");
  }
  if (input.memberRole !== "BAUHERR" && input.memberRole !== "ENTWURFSVERFASSER") {
    throw new DraftInputError("memberRole", "Bitte wählen Sie, in welcher Rolle Sie den Antrag stellen.");
  }
  return db().$transaction(async (tx) => {
    const resolved = await resolveResponsibleAuthority(input.municipalityId, tx);
    if (!resolved) {
      throw new DraftInputError(
        "municipalityId",
        "Bitte wählen Sie die Gemeinde, in der das Grundstück liegt.",
      );
    }
    const application = await tx.application.create({
      data: {
        authorityId: resolved.authority.id,
        municipalityId: resolved.municipality.id,
        createdById: user.id,
        procedureType: input.procedureType,
        title,
        data: {},
        members: {
          create: {
            userId: user.id,
            email: user.email,
            role: input.memberRole,
            invitationState: "ACCEPTED",
            acceptedAt: new Date(),
          },
        },
      },
      select: { id: true, version: true },
    });
    await appendEvent(tx, {
      applicationId: application.id,
      actorId: user.id,
      type: "application.created",
      payload: {
        title,
        procedureType: input.procedureType,
        municipality: resolved.municipality.name,
        role: input.memberRole,
        version: application.version,
      },
    });
    return { id: application.id };
  });
}

// ---- reading a draft -------------------------------------------------------------------------------

const draftSelect = {
  id: true,
  title: true,
  status: true,
  procedureType: true,
  fileNumber: true,
  data: true,
  version: true,
  submittedAt: true,
  createdAt: true,
  updatedAt: true,
  createdById: true,
  authority: { select: { id: true, name: true, landProfile: true, ags: true } },
  municipality: { select: { id: true, name: true } },
  requests: { where: { status: "OPEN" }, select: { id: true }, take: 1 },
  members: {
    where: { invitationState: { in: ["PENDING", "ACCEPTED"] } },
    select: {
      id: true,
      userId: true,
      email: true,
      role: true,
      invitationState: true,
      invitationExpiresAt: true,
      acceptedAt: true,
      createdAt: true,
      user: { select: { displayName: true } },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  },
  documents: {
    select: {
      id: true,
      typeCode: true,
      title: true,
      toBeSubmittedLater: true,
      createdAt: true,
      versions: {
        select: {
          id: true,
          versionNumber: true,
          filename: true,
          mimeType: true,
          sizeBytes: true,
          sha256: true,
          pageCount: true,
          createdAt: true,
          uploadedBy: { select: { displayName: true } },
          checkStatus: true,
          checkMessage: true,
          archiveWarnings: true,
        },
        orderBy: { versionNumber: "desc" },
      },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  },
} satisfies Prisma.ApplicationSelect;

export interface DraftMember {
  id: string;
  userId: string | null;
  email: string;
  role: MemberRole;
  invitationState: "PENDING" | "ACCEPTED" | "DECLINED" | "REVOKED";
  /** The user's name once accepted, else null. */
  displayName: string | null;
  invitationExpiresAt: Date | null;
  acceptedAt: Date | null;
}

export interface DraftDocumentVersion {
  id: string;
  versionNumber: number;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  pageCount: number | null;
  createdAt: Date;
  uploadedBy: string;
  /** PENDING = "wird geprüft", REFUSED = "abgelehnt" (checkMessage says why); see document.server. */
  checkStatus: "PENDING" | "ACCEPTED" | "REFUSED";
  checkMessage: string | null;
  /** Upload-time archivability warnings (German), not a refusal. */
  archiveWarnings: string[];
}

export interface DraftDocument {
  id: string;
  typeCode: string;
  title: string;
  toBeSubmittedLater: boolean;
  /** Newest first. */
  versions: DraftDocumentVersion[];
}

export interface DraftView {
  id: string;
  title: string;
  status: string;
  procedureType: string;
  fileNumber: string | null;
  data: ApplicationData;
  version: number;
  submittedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  authority: { id: string; name: string; landProfile: string; ags: string | null };
  municipality: { id: string; name: string } | null;
  members: DraftMember[];
  documents: DraftDocument[];
  /** Document type codes marked "wird nachgereicht" that have no file yet. */
  toBeSubmittedLater: string[];
  /** The caller's role on this application (null: creator without a member row). */
  myRole: MemberRole | null;
  /** Sections can still be changed (status DRAFT). */
  editable: boolean;
  /**
   * A request (Nachforderung) is open: the applicant side may change the form sections (not the
   * procedure) and upload new document versions until the answer is sent.
   */
  requestOpen: boolean;
  /** The caller's role allows submitting (the completeness check decides the rest). */
  maySubmit: boolean;
}

/** Stored data as the form schema sees it; a value that no longer fits is kept as it is. */
export function readApplicationData(raw: unknown): ApplicationData {
  const parsed = applicationDataSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  return (raw && typeof raw === "object" ? raw : {}) as ApplicationData;
}

/** The draft (or submitted application) if the user created it or is an accepted member; else null. */
export async function getDraftForMember(
  user: SessionUser,
  applicationId: string,
  client: Tx = db(),
): Promise<DraftView | null> {
  if (!isUuid(applicationId) || !can(user, "read:application:own")) return null;
  const row = await client.application.findFirst({
    where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
    select: draftSelect,
  });
  if (!row) return null;
  const members: DraftMember[] = row.members.map((m) => ({
    id: m.id,
    userId: m.userId,
    email: m.email,
    role: m.role,
    invitationState: m.invitationState,
    displayName: m.invitationState === "ACCEPTED" ? (m.user?.displayName ?? null) : null,
    invitationExpiresAt: m.invitationExpiresAt,
    acceptedAt: m.acceptedAt,
  }));
  const documents: DraftDocument[] = row.documents.map((d) => ({
    id: d.id,
    typeCode: d.typeCode,
    title: d.title,
    toBeSubmittedLater: d.toBeSubmittedLater,
    versions: d.versions.map((v) => ({
      id: v.id,
      versionNumber: v.versionNumber,
      filename: v.filename,
      mimeType: v.mimeType,
      sizeBytes: Number(v.sizeBytes),
      sha256: v.sha256,
      pageCount: v.pageCount,
      createdAt: v.createdAt,
      uploadedBy: v.uploadedBy.displayName,
      checkStatus: v.checkStatus,
      checkMessage: v.checkMessage,
      archiveWarnings: v.archiveWarnings,
    })),
  }));
  const mine = members.find((m) => m.userId === user.id && m.invitationState === "ACCEPTED");
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    procedureType: row.procedureType,
    fileNumber: row.fileNumber,
    data: readApplicationData(row.data),
    version: row.version,
    submittedAt: row.submittedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    authority: row.authority,
    municipality: row.municipality,
    members,
    documents,
    toBeSubmittedLater: [
      ...new Set(
        documents
          .filter((d) => d.toBeSubmittedLater && d.versions.every((v) => v.checkStatus === "REFUSED"))
          .map((d) => d.typeCode),
      ),
    ],
    myRole: mine?.role ?? null,
    editable: row.status === "DRAFT",
    requestOpen: row.status === "INCOMPLETE" && row.requests.length > 0,
    maySubmit:
      row.status === "DRAFT" &&
      !!mine &&
      SUBMITTING_ROLES.includes(mine.role) &&
      can(user, "submit:application:own"),
  };
}

/** The input of evaluateCompleteness for a draft: its data, procedure, Land profile and documents. */
export function completenessInputFor(
  view: Pick<DraftView, "authority" | "procedureType" | "data" | "documents">,
): EvaluateInput {
  return {
    profile: view.authority.landProfile,
    procedureType: view.procedureType,
    data: view.data,
    documents: view.documents.map((d) => ({
      typeCode: d.typeCode,
      // A version "wird geprüft" does not count (yet), an "abgelehnt" one never: the newest version
      // that was not refused must be accepted.
      hasFile: d.versions.find((v) => v.checkStatus !== "REFUSED")?.checkStatus === "ACCEPTED",
      toBeSubmittedLater: d.toBeSubmittedLater,
    })),
  };
}

// ---- who may change a submitted case ----------------------------------------------------------------

/**
 * Whether the applicant side may change the application now: a draft, or a submitted case while a
 * request (Nachforderung) is open — never otherwise. With `lock` (default) the application row is
 * locked FOR SHARE for the rest of the transaction, so sending the answer (which locks it FOR
 * UPDATE) waits for the change; callers that update the row themselves pass `lock: false` and keep
 * the status in their UPDATE's WHERE instead (two FOR SHARE holders upgrading would deadlock).
 */
export async function lockApplicantEditable(
  tx: Tx,
  applicationId: string,
  { lock = true }: { lock?: boolean } = {},
): Promise<{ status: string | null; draft: boolean; requestOpen: boolean; editable: boolean }> {
  const forShare = lock ? Prisma.sql`FOR SHARE OF a` : Prisma.empty;
  const rows = await tx.$queryRaw<{ status: string; openRequest: boolean }[]>`
    SELECT a."status"::text AS "status",
      EXISTS (SELECT 1 FROM "Request" r WHERE r."applicationId" = a."id" AND r."status" = 'OPEN') AS "openRequest"
    FROM "Application" a WHERE a."id" = ${applicationId}::uuid
    ${forShare}`;
  const row = rows[0];
  const draft = row?.status === "DRAFT";
  const requestOpen = row?.status === "INCOMPLETE" && row.openRequest === true;
  return { status: row?.status ?? null, draft, requestOpen, editable: draft || requestOpen };
}

// ---- saving a section --------------------------------------------------------------------------------

export type SaveDraftResult =
  | { ok: true; version: number }
  | { ok: false; reason: "conflict"; currentVersion: number; changedBy: string | null; changedAt: Date }
  | { ok: false; reason: "invalid"; fieldErrors: Record<string, string[]> }
  | { ok: false; reason: "not-editable" };

export interface SaveDraftInput {
  section: DraftSection | "general";
  value: unknown;
  expectedVersion: number;
}

function isSection(s: unknown): s is DraftSection | "general" {
  return s === "general" || (DRAFT_SECTIONS as readonly unknown[]).includes(s);
}

/**
 * Saves one step of the form. The value is validated with the section's schema (blank fields are
 * "not filled in"; errors in German, keyed by field path). The write only happens when the draft is
 * still at `expectedVersion`; otherwise the caller learns who changed it when, and nothing is
 * overwritten (the caller keeps the user's input and shows both). Throws a 404 for applications
 * the user cannot see.
 */
export async function saveDraftSection(
  user: SessionUser,
  applicationId: string,
  input: SaveDraftInput,
): Promise<SaveDraftResult> {
  if (!isUuid(applicationId) || !can(user, "update:application:own")) notFound();
  if (!isSection(input.section)) {
    return { ok: false, reason: "invalid", fieldErrors: { "": ["Unbekannter Abschnitt des Antrags."] } };
  }
  const section = input.section;
  const validated = validateGerman(SECTION_SCHEMAS[section], dropBlanks(input.value) ?? {});

  return db().$transaction(async (tx) => {
    const current = await tx.application.findFirst({
      where: { AND: [{ id: applicationId }, applicantScope(user.id)] },
      select: {
        id: true,
        status: true,
        version: true,
        data: true,
        title: true,
        procedureType: true,
        fileNumber: true,
        updatedAt: true,
      },
    });
    if (!current) notFound();
    // Outside a draft only while a request is open, and never the procedure ("general").
    const access = await lockApplicantEditable(tx, current.id, { lock: false });
    if (!access.draft && !(access.requestOpen && section !== "general")) {
      return { ok: false, reason: "not-editable" } as const;
    }
    const status = access.draft ? ("DRAFT" as const) : ("INCOMPLETE" as const);
    if (!validated.success)
      return { ok: false, reason: "invalid", fieldErrors: validated.fieldErrors } as const;
    if (current.version !== input.expectedVersion) return conflict(tx, current);

    const data = (current.data && typeof current.data === "object" ? current.data : {}) as Record<
      string,
      unknown
    >;
    let changed: string[];
    let update: Prisma.ApplicationUpdateManyMutationInput;
    if (section === "general") {
      const value = validated.data as GeneralSection;
      changed = changedPaths(
        { title: current.title, procedureType: current.procedureType },
        { title: value.title, procedureType: value.procedureType },
      );
      update = { title: value.title, procedureType: value.procedureType };
    } else {
      const value = validated.data as Record<string, unknown>;
      changed = changedPaths(data[section], value, section);
      update = { data: { ...data, [section]: value } as Prisma.InputJsonValue };
    }

    // A submitted case stays findable in the clerk's inbox under its current names and address.
    if (!access.draft) {
      update.searchText = buildSearchText({
        fileNumber: current.fileNumber,
        title: typeof update.title === "string" ? update.title : current.title,
        data: update.data ?? data,
      });
    }

    // The version guard in the WHERE makes a concurrent save that got here first win: this update
    // then matches no row (PostgreSQL re-checks the condition after waiting for the row lock).
    const { count } = await tx.application.updateMany({
      where: { id: current.id, version: input.expectedVersion, status },
      data: { ...update, version: { increment: 1 } },
    });
    if (count === 0) {
      const now = await tx.application.findUniqueOrThrow({
        where: { id: current.id },
        select: { id: true, status: true, version: true, updatedAt: true },
      });
      if (now.status !== status) return { ok: false, reason: "not-editable" } as const;
      return conflict(tx, now);
    }
    const version = input.expectedVersion + 1;
    await appendEvent(tx, {
      applicationId: current.id,
      actorId: user.id,
      type: "application.section-saved",
      payload: {
        section,
        fields: changed.slice(0, 200),
        version,
        ...(access.requestOpen ? { duringRequest: true } : {}),
      },
    });
    return { ok: true, version } as const;
  });
}

async function conflict(
  tx: Tx,
  current: { id: string; version: number; updatedAt: Date },
): Promise<Extract<SaveDraftResult, { reason: "conflict" }>> {
  const last = await tx.caseEvent.findFirst({
    where: {
      applicationId: current.id,
      type: { in: ["application.section-saved", "application.created"] },
    },
    select: { createdAt: true, actor: { select: { displayName: true } } },
    orderBy: { id: "desc" },
  });
  return {
    ok: false,
    reason: "conflict",
    currentVersion: current.version,
    changedBy: last?.actor?.displayName ?? null,
    changedAt: last?.createdAt ?? current.updatedAt,
  };
}
