import { UnrecoverableError } from "bullmq";
import { UUID_RE } from "~/xbau/message.server";
import {
  buildEingangsbestaetigung1120Xml,
  EINGANGSBESTAETIGUNG_ELEMENT,
} from "~/xbau/prozessnachrichten-eingangsbestaetigung-1120.server";
import { validateSchematron } from "~/xbau/schematron.server";
import { validateXml } from "~/xbau/validate.server";
import type { Processor } from "../types";
import { findGenerated, type GeneratedDeps, storageOf, storeGenerated } from "./generated";
import { xbauIdentityById } from "./xbau-export";

/**
 * `xbau.answer-intake`: the answer to a received `baugenehmigung.antrag.0200` or
 * `antragGeaendert.0202` — the Kernmodul message `prozessnachrichten.eingangsbestaetigung.1120`
 * addressed to the sender (autor of the received message), referring to its
 * referenzAntragsservice, our Aktenzeichen and the received message. Its id was fixed at intake
 * (InboundMessage.answerMessageId, given to the sender in the API answer), so a retry builds the
 * same message. Validated against the official Kernmodul XSD and the XBau Schematron; stored as
 * GeneratedDocument XBAU_1120 like the other exports.
 */

const ENTRY = "xbau-kernmodul-prozessnachrichten.xsd" as const;

export function answerSourceKey(inboundMessageId: string): string {
  return `xbau-1120__${inboundMessageId}`;
}

/** Received message type code: "baugenehmigung.antrag.0200" → "0200". */
const typeCodeOf = (element: string) => element.slice(element.lastIndexOf(".") + 1);

export function createAnswerXbauIntake(deps: GeneratedDeps = {}): Processor<"xbau.answer-intake"> {
  return async ({ inboundMessageId }, _job, { db, log }) => {
    const sourceKey = answerSourceKey(inboundMessageId);
    const existing = await findGenerated(db, sourceKey);
    if (existing) return { created: false, generatedDocumentId: existing.id };
    const inbound = await db.inboundMessage.findUnique({
      where: { id: inboundMessageId },
      select: {
        id: true,
        authorityId: true,
        messageId: true,
        messageType: true,
        senderId: true,
        senderName: true,
        senderReference: true,
        answerMessageId: true,
        createdAt: true,
        application: { select: { id: true, authorityId: true, fileNumber: true } },
      },
    });
    if (!inbound?.application?.fileNumber || !inbound.answerMessageId) {
      throw new UnrecoverableError(`Eingangsnachricht ${inboundMessageId} ohne Vorgang oder Antwort-ID`);
    }
    if (!inbound.senderReference || !UUID_RE.test(inbound.senderReference)) {
      // Without the sender's reference the answer could not be assigned on its side (XSD documentation of bezug).
      log.warn(
        { inboundMessageId },
        "XBau 1120 not built: the received message names no referenzAntragsservice",
      );
      return { created: false, skipped: "no sender reference" };
    }
    const app = inbound.application;
    const xml = buildEingangsbestaetigung1120Xml({
      messageId: inbound.answerMessageId,
      createdAt: inbound.createdAt,
      authority: await xbauIdentityById(db, inbound.authorityId),
      recipient: { id: inbound.senderId, name: inbound.senderName },
      senderReference: inbound.senderReference,
      fileNumber: app.fileNumber ?? "",
      received: {
        messageId: inbound.messageId,
        typeCode: typeCodeOf(inbound.messageType),
        createdAt: inbound.createdAt,
      },
      information:
        inbound.messageType === "baugenehmigung.antragGeaendert.0202"
          ? "Die Änderung bzw. Ergänzung des Antrags ist eingegangen und wird bearbeitet."
          : "Der Antrag ist eingegangen und wird bearbeitet.",
    });
    const xsd = validateXml(xml, ENTRY);
    const sch = xsd.valid ? validateSchematron(xml) : null;
    if (!xsd.valid || !sch?.valid) {
      log.error(
        { xsd: xsd.errors.slice(0, 20), schematron: sch?.violations.slice(0, 20) },
        "XBau 1120 invalid",
      );
      throw new UnrecoverableError("XBau 1120 ungültig (XSD oder Schematron)");
    }
    const stored = await storeGenerated({
      db,
      storage: storageOf(deps),
      log,
      app: { id: app.id, authorityId: app.authorityId },
      kind: "XBAU_1120",
      keyKind: "xbau",
      keyId: `prozessnachrichten-eingangsbestaetigung-1120-${inbound.id}`,
      ext: "xml",
      sourceKey,
      title: `XBau-Nachricht ${EINGANGSBESTAETIGUNG_ELEMENT} (${app.fileNumber})`,
      filename: `XBau_1120_${(app.fileNumber ?? "").replace(/[^A-Za-z0-9._-]+/g, "-")}_${inbound.answerMessageId.slice(0, 8)}.xml`,
      mimeType: "application/xml",
      bytes: new TextEncoder().encode(xml),
      eventType: "xbau.exported",
      eventPayload: {
        message: EINGANGSBESTAETIGUNG_ELEMENT,
        xbauVersion: "Kernmodul 1.3.0",
        answers: inbound.messageId,
      },
    });
    return {
      created: stored.created,
      generatedDocumentId: stored.generatedDocumentId,
      sha256: stored.sha256,
    };
  };
}

export const answerXbauIntakeProcessor = createAnswerXbauIntake();
