import { RECHTSBEREICH_CODELIST, type RechtsbereichCode } from "~/domain/participation";
import type { Antrag0200Document } from "~/xbau/baugenehmigung-antrag-0200.server";
import {
  BESCHEID_ANLAGE,
  type Bescheid0205Fee,
  type Bescheid0205Input,
  buildBescheid0205Xml,
} from "~/xbau/baugenehmigung-bescheid-0205.server";
import { anlagenCodelist } from "~/xbau/codelists.server";
import { portalIdentity, xbauIdentityOf } from "~/xbau/identity.server";
import type { HtmlSection } from "~/xbau/message.server";
import { derivedUuid } from "~/xbau/message.server";
import type { Storage } from "../../storage/index";
import type { ProcessorContext } from "../types";
import { findGenerated } from "./generated";
import { bescheidDataFrom, type DecisionContext, decisionSourceKeys } from "./render-decision";
import { exportXbauMessage } from "./xbau-export";

/**
 * The XBau baugenehmigung.bescheid.0205 of a decided decision (step 3 of documents.render-decision):
 * built from the same data as the Bescheid PDF, listing the files as stored — the Bescheid (5013)
 * and the approved, stamped Bauvorlagen only (originals and unstamped documents are not re-sent).
 * Skipped when the authority has no XBau identity configured.
 */

type DecidedCondition = DecisionContext["decision"]["conditions"][number];

function rechtsbereichOfCondition(c: DecidedCondition): RechtsbereichCode {
  const agency = c.sourceStatementCondition?.statement.participation.agency;
  if (!agency) return "SONSTIGE";
  if (agency.kind === "GEMEINDE") return "BAUPLANUNGSRECHT";
  const type = agency.agencyType ?? "";
  return Object.hasOwn(RECHTSBEREICH_CODELIST.entries, type) ? (type as RechtsbereichCode) : "SONSTIGE";
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "Datei";
}

/** Fee fields the Bescheid data may carry (payment settings, Kassenzeichen, Kostenschuldner). */
interface FeeExtras {
  lines: { label: string; basis: string; tariff?: string | null; amountCents: number }[];
  totalCents: number;
  constructionCostCents?: number | null;
  basisSource?: string | null;
  payment?: {
    payee?: string | null;
    iban?: string | null;
    bic?: string | null;
    reference?: string | null;
    dueAt?: Date | string | null;
  } | null;
  debtor?: string | null;
}

const euro = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });

/** The fee as XBau's Hinweise carry it: each line with its Tarifstelle, and how to pay. */
export function feeOf(fee: FeeExtras): Bescheid0205Fee {
  const basis =
    fee.constructionCostCents != null
      ? `Berechnungsgrundlage: ${euro.format(fee.constructionCostCents / 100)}${fee.basisSource ? ` (${fee.basisSource})` : ""}.`
      : null;
  return {
    lines: fee.lines.map((l) => ({
      label: l.label,
      basis: l.tariff?.trim() ? `${l.tariff.trim()} (${l.basis})` : l.basis,
      amountCents: l.amountCents,
    })),
    totalCents: fee.totalCents,
    basisText: basis,
    kassenzeichen: fee.payment?.reference ?? null,
    payee: fee.payment?.payee ?? null,
    iban: fee.payment?.iban ?? null,
    bic: fee.payment?.bic ?? null,
    dueDate: fee.payment?.dueAt ?? null,
    debtor: fee.debtor ? `Kostenschuldner: ${fee.debtor}` : null,
  };
}

/** The 0205's input from the decision context and the stored files. Pure. */
export function bescheid0205InputFrom(
  ctx: DecisionContext,
  files: {
    bescheid: { id: string; title: string; filename: string; sizeBytes: number | bigint; sha256: string };
    plans: Map<
      string,
      { id: string; title: string; filename: string; sizeBytes: number | bigint; sha256: string }
    >;
  },
  parties: Pick<Bescheid0205Input, "authority" | "recipient">,
): Bescheid0205Input {
  const { app, decision } = ctx;
  const codes = anlagenCodelist();
  const approved = decision.kind !== "ABLEHNUNG";
  // Only the approved plan set: each decisive version that was stamped, as its stamped file.
  const planAttachments: Antrag0200Document[] = approved
    ? decision.documents.flatMap(({ documentVersion: v }) => {
        const plan = files.plans.get(decisionSourceKeys.plan(decision.id, v.id));
        if (!plan) return [];
        return [
          {
            documentId: v.document.id,
            title: plan.title,
            typeCode: codes.entries.has(v.document.typeCode) ? v.document.typeCode : "9999",
            versionNumber: v.versionNumber,
            date: decision.decidedAt,
            mimeType: "application/pdf",
            toBeSubmittedLater: false,
            file: {
              versionId: plan.id,
              filename: plan.filename,
              sizeBytes: plan.sizeBytes,
              sha256: plan.sha256,
            },
          },
        ];
      })
    : [];
  const data = bescheidDataFrom(ctx);
  const reasoning = (data as { reasoning?: { heading: string; text: string }[] }).reasoning;
  const reasons: string | HtmlSection[] =
    Array.isArray(reasoning) && reasoning.length > 0
      ? reasoning.map((r) => ({ heading: r.heading, text: r.text }))
      : decision.reasons;
  return {
    messageId: derivedUuid(`xbau-0205:${decision.id}`),
    createdAt: decision.decidedAt,
    ...parties,
    reference: {
      applicationId: app.id,
      fileNumber: ctx.fileNumber,
      message: {
        messageId: derivedUuid(`xbau-0200:${app.id}`),
        typeCode: "0200",
        createdAt: new Date(app.parsedSnapshot.submittedAt),
      },
    },
    approved,
    tenor: { text: data.tenor.text, legalBasis: data.tenor.legalBasis },
    deviations: decision.deviations.map((d, i) => ({
      id: derivedUuid(`abweichung:${decision.id}:${i}`),
      text: d.text,
      legalBasis: d.legalBasis,
    })),
    conditions: decision.conditions.map((c) => ({
      kind: c.kind,
      rechtsbereich: rechtsbereichOfCondition(c),
      text: c.text,
      legalBasis: c.legalBasis,
      reason: (c as { reason?: string | null }).reason ?? null,
      source: c.sourceLabel,
    })),
    reasons,
    legalRemedy: data.legalRemedy,
    validity:
      data.validUntil && data.tenor.grants && data.tenor.validityLegalBasis
        ? { until: data.validUntil, legalBasis: data.tenor.validityLegalBasis }
        : null,
    fee: feeOf(data.fee as FeeExtras),
    attachments: [
      {
        documentId: files.bescheid.id,
        title: files.bescheid.title,
        typeCode: BESCHEID_ANLAGE,
        versionNumber: 1,
        date: decision.decidedAt,
        mimeType: "application/pdf",
        toBeSubmittedLater: false,
        file: {
          versionId: files.bescheid.id,
          filename: files.bescheid.filename,
          sizeBytes: files.bescheid.sizeBytes,
          sha256: files.bescheid.sha256,
        },
      },
      ...planAttachments,
    ],
  };
}

export async function exportXbau0205(ctx: DecisionContext, storage: Storage, pc: ProcessorContext) {
  const { app, decision } = ctx;
  const sourceKey = decisionSourceKeys.xbau(decision.id);
  if (await findGenerated(pc.db, sourceKey)) return false;
  // The files as stored (also by an earlier, interrupted run): their ids, sizes and hashes.
  const files = await pc.db.generatedDocument.findMany({
    where: { decisionId: decision.id, kind: { in: ["BESCHEID", "APPROVED_PLAN"] } },
    select: {
      id: true,
      kind: true,
      title: true,
      filename: true,
      sizeBytes: true,
      sha256: true,
      sourceKey: true,
    },
  });
  const bescheid = files.find((f) => f.kind === "BESCHEID");
  if (!bescheid) throw new Error("Bescheid ist noch nicht gespeichert");
  const plans = new Map(files.filter((f) => f.kind === "APPROVED_PLAN").map((f) => [f.sourceKey, f]));
  const stored = await exportXbauMessage({
    db: pc.db,
    storage,
    log: pc.log,
    app,
    element: "baugenehmigung.bescheid.0205",
    build: () =>
      buildBescheid0205Xml(
        bescheid0205InputFrom(
          ctx,
          { bescheid, plans },
          { authority: xbauIdentityOf(app.authority), recipient: portalIdentity() },
        ),
      ),
    keyId: `baugenehmigung-bescheid-0205-${decision.id}`,
    sourceKey,
    title: `XBau-Nachricht baugenehmigung.bescheid.0205 (${ctx.fileNumber})`,
    filename: `XBau_0205_${safeName(ctx.fileNumber)}.xml`,
    audience: "CASE",
    decisionId: decision.id,
    eventPayload: { decisionId: decision.id },
  });
  return stored.created;
}
