import { PDFDocument } from "pdf-lib";
import { type Seal, sealPdf } from "./seal";
import { drawVerificationMark, type MarkPlacement, type MarkResult } from "./verification";

/**
 * The last step before an issued PDF is stored: the verification mark (QR code, code, who sealed
 * it when) goes onto the page(s), then the authority's seal over the whole file. Nothing may
 * change the bytes afterwards.
 */
export interface IssueOptions {
  seal: Seal;
  placement: MarkPlacement;
  code: string;
  /** The public check address printed in the QR code. */
  url: string;
  /** /Reason of the signature, e.g. "Bescheid, Az. 63-2026-00042". */
  reason: string;
  location: string;
  contactInfo: string;
  sealedAt?: Date;
}

export interface Issued {
  bytes: Uint8Array;
  sealedAt: Date;
  mark: MarkResult;
}

export async function issuePdf(bytes: Uint8Array, o: IssueOptions): Promise<Issued> {
  const sealedAt = o.sealedAt ?? new Date();
  // PDF dates carry whole seconds: the printed time and /M must agree.
  sealedAt.setMilliseconds(0);
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const mark = await drawVerificationMark(doc, bytes, o.placement, {
    code: o.code,
    url: o.url,
    sealedBy: o.seal.signerName,
    sealedAt,
  });
  const sealed = await sealPdf(doc, o.seal, {
    reason: o.reason,
    location: o.location,
    contactInfo: o.contactInfo,
    signingTime: sealedAt,
  });
  return { bytes: sealed, sealedAt, mark };
}
