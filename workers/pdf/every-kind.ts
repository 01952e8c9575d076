import { renderBescheid } from "./bescheid";
import { sampleBescheid } from "./bescheid-samples";
import { fixture, samplePackage } from "./package-samples";
import { renderParticipationPackage } from "./participation-package";
import { renderReceipt } from "./receipt";
import { sampleReceipt } from "./receipt-samples";
import { stampHeadline, stampPdf } from "./stamp";
import { renderStatement } from "./statement";
import { sampleStatement } from "./statement-samples";

/**
 * One document of every kind the product writes, with people whose names WinAnsi cannot encode
 * (Polish ł, Czech Č, Hungarian ő, Cyrillic). Shared by the tests that must hold for every
 * generated PDF (embedded fonts, readable names, PDF/A properties).
 */
export const FOREIGN_NAMES = ["Małgorzata Čech", "Ödön Hőgye", "Ирина Петрова"] as const;
const [polish, hungarian, cyrillic] = FOREIGN_NAMES;

export interface RenderedKind {
  kind: "Eingangsbestätigung" | "Stellungnahme" | "Bescheid" | "Beteiligungspaket" | "Gestempelter Plan";
  bytes: Uint8Array;
  /** Applicant files merged or stamped into the document (their own fonts stay as they are). */
  sources: Uint8Array[];
}

export async function renderEveryKind(): Promise<RenderedKind[]> {
  // The stamp first: the renderers share parsed fonts within the process, and a document must
  // not change what the next one gets (a stamp once cost the next Bescheid its full stops).
  const plan = new Uint8Array(fixture("grundriss-eg.pdf"));
  const stamped = await stampPdf(plan, {
    headline: stampHeadline("Baugenehmigung", "63-2026-00042", "18.06.2026"),
    authority: `Untere Bauaufsichtsbehörde, ${cyrillic}`,
    detail: `Grundriss EG von ${polish} und ${hungarian}`,
    fileNumber: "63-2026-00042",
  });
  const receipt = await renderReceipt(
    sampleReceipt({
      bauherr: { name: polish, details: ["Am Ryck 3, 17489 Greifswald"] },
      entwurfsverfasser: { name: hungarian, details: ["Kammer-Nr. AK-MV 2041"] },
      submittedBy: `${cyrillic} (Entwurfsverfasserin)`,
    }),
  );
  const statement = await renderStatement(
    sampleStatement({
      author: cyrillic,
      reasons: `Abgestimmt mit ${polish} und ${hungarian}.`,
    }),
  );
  const bescheid = await renderBescheid(
    sampleBescheid({
      bauherr: { name: polish, details: ["Am Ryck 3, 17489 Greifswald"] },
      entwurfsverfasser: { name: hungarian, details: ["Kammer-Nr. AK-MV 2041"] },
      decidedBy: cyrillic,
    }),
  );
  const base = samplePackage();
  const packageSources = base.documents.flatMap((d) =>
    d.mimeType === "application/pdf" && d.bytes ? [d.bytes] : [],
  );
  const participationPackage = await renderParticipationPackage({
    ...base,
    clerkName: cyrillic,
    summary: {
      ...base.summary,
      bauherr: { name: polish, details: [] },
      entwurfsverfasser: { name: hungarian, details: [] },
    },
  });
  return [
    { kind: "Eingangsbestätigung", bytes: receipt, sources: [] },
    { kind: "Stellungnahme", bytes: statement, sources: [] },
    { kind: "Bescheid", bytes: bescheid, sources: [] },
    { kind: "Beteiligungspaket", bytes: participationPackage, sources: packageSources },
    { kind: "Gestempelter Plan", bytes: stamped.bytes, sources: [plan] },
  ];
}
