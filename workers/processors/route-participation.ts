import { UnrecoverableError } from "bullmq";
import {
  type ApplicationData,
  bauherrDisplayName,
  LAND_NAMES,
  MEASURE_TYPE_LABELS,
  PLANNING_AREA_LABELS,
  PROCEDURE_TYPES,
  type ProcedureType,
  USE_TYPE_LABELS,
} from "~/domain/application-data";
import { documentTypeLabel } from "~/domain/document-types";
import { procedureTypeLabel, resolveProfile } from "~/domain/land-profiles";
import { suggestParticipations } from "~/domain/participation";
import { fileNamePart } from "~/domain/wording";
import type { PrismaClient } from "~/generated/prisma/client";
import { appendEvent } from "~/models/case-event.server";
import { readApplicationData } from "~/models/draft.server";
import { transitionParticipation } from "~/models/lifecycle.server";
import { env } from "~/utils/env.server";
import { assertDecodable, FileRefused } from "~/utils/file-checks.server";
import { buildAufforderung0300Xml } from "~/xbau/beteiligung-aufforderung-0300.server";
import { landFromAgs } from "~/xbau/codes";
import { derivedUuid, type XbauAuthority } from "~/xbau/message.server";
import type { Storage } from "../../storage/index";
import { isMergeable, type PackageData, renderParticipationPackage } from "../pdf/participation-package";
import type { Processor, ProcessorContext } from "../types";
import { findGenerated, type GeneratedDeps, storageOf, storeGenerated } from "./generated";
import { formatAddress } from "./render-receipt";
import { VERSION_FILE_SELECT } from "./version-file-select";
import { exportXbauMessage, xbauIdentityById } from "./xbau-export";

/**
 * `participation.route-package`: delivers one participation to its agency.
 *
 *   1. render the package PDF (cover letter, case summary, the shared versions merged and
 *      stamped) and store it (GeneratedDocument PARTICIPATION_PACKAGE, audience AUTHORITY, linked
 *      to the participation, so the agency can read it);
 *   2. build, validate and store the XBau beteiligung.aufforderung.0300 (XBAU_0300);
 *   3. mark the participation SENT (from then on the agency's portal shows it with exactly the
 *      ParticipationDocument versions) and, in the same transaction, enqueue the notification.
 *
 * Every step looks first at what is already done: the files by their unique sourceKey, the send
 * by `status = PENDING` in the UPDATE's WHERE; the notification's job id and dedupe scope are the
 * participation id. A crash or retry at any point repeats only the missing steps: one package,
 * one message, one notification per participation.
 */

export function packageSourceKey(participationId: string): string {
  return `participation-package__${participationId}`;
}
export function xbau0300SourceKey(participationId: string): string {
  return `xbau-0300__${participationId}`;
}

/**
 * Test hook: with NODE_ENV=test, PARTICIPATION_ROUTE_DELAY_MS makes the processor wait that long
 * before rendering a package, so a reliability test can kill the worker process mid-routing.
 * Ignored in any other environment.
 */
function testDelayMs(): number {
  if (process.env.NODE_ENV !== "test") return 0;
  const ms = Number(process.env.PARTICIPATION_ROUTE_DELAY_MS ?? 0);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 120_000) : 0;
}

async function loadParticipation(db: PrismaClient, participationId: string) {
  return db.participation.findUnique({
    where: { id: participationId },
    select: {
      id: true,
      status: true,
      kind: true,
      question: true,
      reason: true,
      legalBasis: true,
      deadline: true,
      silenceIsConsent: true,
      silenceConsequence: true,
      createdAt: true,
      agency: {
        select: {
          id: true,
          name: true,
          addressLine: true,
          email: true,
          ags: true,
          agencyType: true,
          slug: true,
        },
      },
      startedBy: { select: { displayName: true } },
      application: {
        select: {
          id: true,
          status: true,
          authorityId: true,
          municipalityId: true,
          fileNumber: true,
          title: true,
          procedureType: true,
          data: true,
          submittedAt: true,
          authority: {
            select: { id: true, name: true, addressLine: true, email: true, ags: true, landProfile: true },
          },
          municipality: { select: { name: true } },
        },
      },
      documents: {
        orderBy: { position: "asc" },
        select: {
          documentVersion: {
            select: {
              ...VERSION_FILE_SELECT,
              document: { select: { id: true, typeCode: true, title: true } },
            },
          },
        },
      },
    },
  });
}

type LoadedParticipation = NonNullable<Awaited<ReturnType<typeof loadParticipation>>>;

async function readBytes(storage: Storage, key: string): Promise<Uint8Array> {
  const stream = await storage.getStream(key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function safeName(fileNumber: string): string {
  return fileNamePart(fileNumber);
}

function procedureLabelOf(p: LoadedParticipation): string {
  const profile = resolveProfile(p.application.authority.landProfile);
  return (PROCEDURE_TYPES as readonly string[]).includes(p.application.procedureType)
    ? procedureTypeLabel(profile, p.application.procedureType as ProcedureType)
    : p.application.procedureType;
}

function projectDetails(data: ApplicationData): string[] {
  const pr = data.project ?? {};
  const plot = data.plot ?? {};
  const out: string[] = [];
  if (pr.description) out.push(pr.description);
  if (pr.buildingClass) out.push(`Gebäudeklasse ${pr.buildingClass}`);
  if (pr.specialBuilding) out.push("Sonderbau");
  if (pr.monument) out.push("Baudenkmal betroffen");
  if (pr.use) out.push(`Nutzung: ${USE_TYPE_LABELS[pr.use]}`);
  if (plot.planningArea) out.push(PLANNING_AREA_LABELS[plot.planningArea]);
  if (plot.developmentPlanName) out.push(plot.developmentPlanName);
  if (plot.nextToMajorRoad) out.push("Grundstück an einer Bundes- oder Landesstraße");
  if (pr.deviationsRequested) out.push("Abweichungen/Befreiungen beantragt");
  return out;
}

/** Tags a FileRefused with the version it concerns (for the case event). */
class VersionRefused extends Error {
  constructor(
    readonly version: { id: string; filename: string },
    readonly reason: string,
  ) {
    super(reason);
  }
}
async function guarded(v: { id: string; filename: string }, check: () => Promise<void>) {
  try {
    await check();
  } catch (err) {
    if (err instanceof FileRefused) throw new VersionRefused(v, err.message);
    throw err;
  }
}

export function packageFilename(fileNumber: string, agencyName: string): string {
  return `Beteiligung_${safeName(fileNumber)}_${safeName(agencyName).slice(0, 60)}.pdf`;
}

async function packageData(p: LoadedParticipation, storage: Storage): Promise<PackageData> {
  const app = p.application;
  const data = readApplicationData(app.data);
  const b = data.bauherr;
  const e = data.entwurfsverfasser;
  const fileNumber = app.fileNumber ?? "–";
  const documents = [];
  for (const { documentVersion: v } of p.documents) {
    // PDFs and images become pages; other formats are only listed (the agency opens them in the portal).
    const bytes = isMergeable(v.mimeType) ? await readBytes(storage, v.storageKey) : null;
    // Nothing reaches pdf-lib unchecked: a huge image or a bomb stored before the upload checks
    // existed is refused here by its header/scan instead of being decoded (FileRefused).
    // A version "wird geprüft" waits (the job retries), an "abgelehnt" one is never sent.
    if (bytes || v.checkStatus !== "ACCEPTED") {
      await guarded(v, () =>
        assertDecodable({
          filename: v.filename,
          mimeType: v.mimeType,
          bytes: bytes ?? new Uint8Array(0),
          checkStatus: v.checkStatus,
          checkMessage: v.checkMessage,
        }),
      );
    }
    documents.push({
      typeLabel: documentTypeLabel(v.document.typeCode),
      title: v.document.title,
      filename: v.filename,
      versionNumber: v.versionNumber,
      sha256: v.sha256,
      mimeType: v.mimeType,
      bytes,
    });
  }
  return {
    authority: app.authority,
    agency: { name: p.agency.name, addressLine: p.agency.addressLine },
    fileNumber,
    participationId: p.id,
    date: p.createdAt,
    kindLabel:
      p.kind === "MUNICIPAL_CONSENT"
        ? "Einvernehmen der Gemeinde (§ 36 BauGB)"
        : "Bitte um fachliche Stellungnahme",
    question: p.question,
    reason: p.reason,
    legalBasis: p.legalBasis,
    deadline: p.deadline,
    silenceConsequence: p.silenceConsequence,
    clerkName: p.startedBy.displayName,
    portalUrl: `${env().APP_URL.replace(/\/+$/, "")}/beteiligung/${p.id}`,
    summary: {
      projectTitle: app.title || data.project?.description?.slice(0, 200) || "Bauvorhaben",
      measure: data.project?.measureType ? MEASURE_TYPE_LABELS[data.project.measureType] : null,
      procedureLabel: procedureLabelOf(p),
      details: projectDetails(data),
      bauherr: {
        name: bauherrDisplayName(b) || "nicht angegeben",
        details: [formatAddress(b?.address), b?.email].filter((x): x is string => Boolean(x)),
      },
      entwurfsverfasser:
        e && (e.name || e.chamberNumber)
          ? {
              name: e.name ?? "nicht angegeben",
              details: [
                e.chamberNumber
                  ? `Kammer-Nr. ${e.chamberNumber}${e.chamberLand ? ` (${LAND_NAMES[e.chamberLand]})` : ""}`
                  : null,
                formatAddress(e.address),
              ].filter((x): x is string => Boolean(x)),
            }
          : null,
      plot: {
        address: formatAddress(data.plot?.address),
        municipality: app.municipality?.name ?? null,
        parcels: data.plot?.parcels ?? [],
      },
    },
    documents,
  };
}

/** The 0300 of a participation as XML (validated by the caller). */
export function aufforderung0300Xml(
  p: LoadedParticipation,
  parties: { authority: XbauAuthority; agency: XbauAuthority },
): string {
  const app = p.application;
  const data = readApplicationData(app.data);
  const profile = resolveProfile(app.authority.landProfile);
  const land =
    landFromAgs(data.plot?.municipalityAgs) ?? profile.land ?? landFromAgs(app.authority.ags ?? undefined);
  if (!land) throw new UnrecoverableError("Bundesland des Baugrundstücks unbekannt");
  // Role and Rechtsbereich from the rule that fits this agency; a manual addition is "zuständig".
  const rule = suggestParticipations({
    data,
    procedureType: app.procedureType,
    profile,
    municipalityIsSeparate: true,
  }).find((s) =>
    p.kind === "MUNICIPAL_CONSENT" ? s.key === "GEMEINDE" : s.key === (p.agency.agencyType ?? "SONSTIGE"),
  );
  return buildAufforderung0300Xml({
    messageId: derivedUuid(`xbau-0300:${p.id}`),
    createdAt: p.createdAt,
    authority: parties.authority,
    agency: parties.agency,
    reference: { applicationId: app.id, fileNumber: app.fileNumber },
    requestId: p.id,
    agencyAddress: p.agency.email ?? p.agency.slug,
    anliegen: [
      {
        rolle: p.kind === "MUNICIPAL_CONSENT" ? "3" : (rule?.rolle ?? "1"),
        rechtsbereich:
          p.kind === "MUNICIPAL_CONSENT" ? "BAUPLANUNGSRECHT" : (p.agency.agencyType ?? "SONSTIGE"),
        grund: `${p.reason}\n\n${p.question}\n\nRechtsgrundlage: ${p.legalBasis}`,
      },
    ],
    project: {
      land,
      data,
      title: app.title || null,
      fileNumber: app.fileNumber,
      submittedAt: app.submittedAt,
    },
    documents: p.documents.map(({ documentVersion: v }) => ({
      documentId: v.document.id,
      title: v.document.title,
      typeCode: v.document.typeCode,
      versionNumber: v.versionNumber,
      date: v.createdAt,
      mimeType: v.mimeType,
      toBeSubmittedLater: false,
      file: { versionId: v.id, filename: v.filename, sizeBytes: v.sizeBytes, sha256: v.sha256 },
    })),
    deadline: p.deadline,
    silenceConsequence: p.silenceConsequence,
  });
}

type Routed = NonNullable<Awaited<ReturnType<typeof loadParticipation>>>;
type RouteContext = { db: ProcessorContext["db"]; storage: Storage; log: ProcessorContext["log"] };

/** The participation package (cover, summary, merged Bauvorlagen), rendered once; its id. */
async function ensurePackage({ db, storage, log }: RouteContext, p: Routed): Promise<string> {
  const app = p.application;
  const fileNumber = app.fileNumber ?? "ohne-Az";
  let packageId = (await findGenerated(db, packageSourceKey(p.id)))?.id;
  if (!packageId) {
    const delay = testDelayMs();
    if (delay > 0) {
      log.info({ delay }, "test delay before rendering the package");
      await new Promise((r) => setTimeout(r, delay));
    }
    const started = Date.now();
    let data: PackageData;
    try {
      data = await packageData(p, storage);
    } catch (err) {
      if (!(err instanceof VersionRefused)) throw err;
      // The same bytes are refused on every retry: fail for good, and say why in the Akte.
      await db.$transaction((tx) =>
        appendEvent(tx, {
          applicationId: app.id,
          actorId: null,
          type: "document.processing-refused",
          payload: {
            filename: err.version.filename,
            versionId: err.version.id,
            reason: err.reason,
            participationId: p.id,
            agencyName: p.agency.name,
          },
        }),
      );
      log.warn({ versionId: err.version.id, reason: err.reason }, "participation package: file refused");
      throw new UnrecoverableError(`Beteiligungspaket für ${p.agency.name} nicht erstellt: ${err.reason}`);
    }
    const bytes = await renderParticipationPackage(data);
    const stored = await storeGenerated({
      db,
      storage,
      log,
      app,
      kind: "PARTICIPATION_PACKAGE",
      keyKind: "participation",
      keyId: `paket-${p.id}`,
      ext: "pdf",
      sourceKey: packageSourceKey(p.id),
      title: `Beteiligungspaket ${fileNumber} – ${p.agency.name}`,
      filename: packageFilename(fileNumber, p.agency.name),
      mimeType: "application/pdf",
      bytes,
      audience: "AUTHORITY",
      participationId: p.id,
      eventType: "participation.package-rendered",
      eventPayload: { participationId: p.id, agencyName: p.agency.name, renderMs: Date.now() - started },
    });
    packageId = stored.generatedDocumentId;
  }
  return packageId;
}

/** The XBau beteiligung.aufforderung.0300, built once; undefined when it was skipped. */
async function ensureXbau0300({ db, storage, log }: RouteContext, p: Routed): Promise<string | undefined> {
  const app = p.application;
  const fileNumber = app.fileNumber ?? "ohne-Az";
  let xbauId = (await findGenerated(db, xbau0300SourceKey(p.id)))?.id;
  if (!xbauId) {
    const stored = await exportXbauMessage({
      db,
      storage,
      log,
      app,
      element: "beteiligung.aufforderung.0300",
      build: async () =>
        aufforderung0300Xml(p, {
          authority: await xbauIdentityById(db, app.authority.id),
          agency: await xbauIdentityById(db, p.agency.id),
        }),
      keyId: `beteiligung-aufforderung-0300-${p.id}`,
      sourceKey: xbau0300SourceKey(p.id),
      title: `XBau-Nachricht beteiligung.aufforderung.0300 (${fileNumber}, ${p.agency.name})`,
      filename: `XBau_0300_${safeName(fileNumber)}_${safeName(p.agency.name).slice(0, 60)}.xml`,
      audience: "AUTHORITY",
      participationId: p.id,
      eventPayload: { participationId: p.id },
    });
    // Skipped (an identity not configured): the agency works in the portal, the package goes out.
    xbauId = stored.generatedDocumentId ?? undefined;
  }
  return xbauId;
}

export function createRouteParticipation(deps: GeneratedDeps = {}): Processor<"participation.route-package"> {
  return async ({ participationId }, _job, { db, log }) => {
    const p = await loadParticipation(db, participationId);
    if (!p) throw new UnrecoverableError(`Beteiligung ${participationId} gibt es nicht`);
    if (p.status === "CANCELLED") {
      log.info("participation cancelled, nothing to route");
      return { routed: false, reason: "cancelled" };
    }
    const app = p.application;
    if (app.status === "WITHDRAWN" || app.status === "DEEMED_WITHDRAWN") {
      // The applicant withdrew before the package went out: nothing is sent, the row says so.
      await db.$transaction(async (tx) => {
        await transitionParticipation(tx, {
          participationId: p.id,
          applicationId: app.id,
          command: "cancel",
          actor: { kind: "system", id: null },
          payload: { participationId: p.id, agencyName: p.agency.name, reason: "application-withdrawn" },
        });
      });
      log.info("case withdrawn, participation not routed");
      return { routed: false, reason: "withdrawn" };
    }
    const storage = storageOf(deps);

    // 1. Package.
    const packageId = await ensurePackage({ db, storage, log }, p);

    // 2. XBau 0300.
    const xbauId = await ensureXbau0300({ db, storage, log }, p);

    // 3. Send: access for the agency (status SENT) and its notification, once.
    const sent = await db.$transaction(async (tx) => {
      const now = new Date();
      return transitionParticipation(tx, {
        participationId: p.id,
        applicationId: app.id,
        command: "route",
        actor: { kind: "system", id: null },
        set: { sentAt: now },
        payload: { participationId: p.id, agencyId: p.agency.id, agencyName: p.agency.name },
        notify: {
          scope: p.id,
          details: {
            agencyId: p.agency.id,
            participationId: p.id,
            deadline: p.deadline.toISOString(),
            agencyName: p.agency.name,
          },
        },
      });
    });
    log.info({ participationId: p.id, packageId, xbauId, sent }, "participation routed");
    return { routed: true, sent, packageId, xbauId };
  };
}

export const routeParticipationProcessor = createRouteParticipation();
