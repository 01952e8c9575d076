import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { AUTHORITIES } from "../prisma/seed-data.ts";
import { loginAs } from "./support/auth.ts";

/**
 * Issue 16 "Done when": a Bauantrag that arrived as XBau message baugenehmigung.antrag.0200 (the
 * hand-written EfA portal message in fixtures/xbau/intake, not produced by our own builder) is read
 * in by the clerk in the browser and worked to a decision: the case gets an Aktenzeichen, the
 * delivered files are its documents, the sender's answer 1120 (Eingangsbestätigung) is generated,
 * then review → completeness → Bescheid draft → Erlass with confirmation → the worker renders the
 * Bescheid. Steps and waits follow e2e/review.spec.ts and e2e/decision.spec.ts.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
mkdirSync(ARTIFACTS, { recursive: true });

const CLERK = "sachbearbeiter@demo.bauantrag.de";
const REASON = "Das Vorhaben fügt sich nach Art und Maß der baulichen Nutzung in die Umgebung ein.";

// The demo authority's registered XBau Kennung (seeded): the message must be addressed to it.
const DEMO_KENNUNG = AUTHORITIES.find((a) => a.slug === "lk-nordwestmecklenburg")?.xbauKennung ?? "";

/**
 * The portal message, addressed to the demo authority (the fixture names the intake test's
 * tenant). Fresh message and portal ids so a repeated run is a new application, not a duplicate.
 */
function portalMessage() {
  const messageId = randomUUID();
  const portalReference = randomUUID();
  const xml = readFileSync(path.join(FIXTURES, "xbau/intake/antrag-0200-efa-portal.xml"), "utf8");
  const addressed = xml
    .replace("<kennung>psw:13074099</kennung>", `<kennung>${DEMO_KENNUNG}</kennung>`)
    .replace("3f2d7c1e-8a4b-4c5d-9e6f-0a1b2c3d4e5f", messageId)
    .replace("e7a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b", portalReference);
  return { messageId, portalReference, bytes: Buffer.from(addressed, "utf8") };
}

function pdfText(file: string): string {
  return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

test.describe("Bauamt: XBau-Antrag einlesen und bis zum Bescheid bearbeiten", () => {
  test.describe.configure({ timeout: 240_000 });

  test("0200 aus dem Portal → Aktenzeichen, Unterlagen, 1120 → Prüfung → Bescheid", async ({
    page: clerk,
  }) => {
    expect(DEMO_KENNUNG).not.toBe("");
    await loginAs(clerk, CLERK);
    const message = portalMessage();

    // --- Inbox → "XBau-Nachricht einlesen" → upload message and the files it names.
    await clerk.goto("/behoerde/posteingang");
    await clerk.getByRole("link", { name: "XBau-Nachricht einlesen" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "XBau-Nachricht einlesen" })).toBeVisible();
    await clerk.getByLabel(/^XBau-Nachricht \(XML/).setInputFiles({
      name: "antrag-0200.xml",
      mimeType: "application/xml",
      buffer: message.bytes,
    });
    await clerk
      .getByLabel(/^Anlagen \(die in der Nachricht/)
      .setInputFiles([
        path.join(FIXTURES, "bauvorlagen/lageplan.pdf"),
        path.join(FIXTURES, "bauvorlagen/grundriss-eg.pdf"),
      ]);
    await clerk.getByRole("button", { name: "Nachricht prüfen und einlesen" }).click();

    // --- Lands on the imported case: title from the message, Aktenzeichen, documents.
    await expect(clerk).toHaveURL(/\/behoerde\/faelle\/[0-9a-f-]{36}\?xbau=eingelesen$/, { timeout: 60_000 });
    const id = /\/behoerde\/faelle\/([0-9a-f-]{36})/.exec(clerk.url())?.[1] ?? "";
    await expect(
      clerk.getByRole("heading", { level: 1, name: "Neubau Doppelhaus mit Carport" }),
    ).toBeVisible();
    // The demo authority's format 63-{YYYY}-{NNNNN} (prisma/seed-data.ts).
    const lead = clerk.getByRole("paragraph").filter({ hasText: /^Aktenzeichen 63-\d{4}-\d{5}$/ });
    await expect(lead).toHaveCount(1);
    const fileNumber = ((await lead.textContent()) ?? "").replace("Aktenzeichen ", "").trim();
    const lageplan = clerk.getByTestId("case-document-1803");
    await expect(lageplan).toContainText("Lageplan");
    await expect(lageplan.getByTestId("case-document-version")).toHaveCount(1);
    const grundriss = clerk.getByTestId("case-document-2001");
    await expect(grundriss.getByTestId("case-document-version")).toHaveCount(1);
    // The Standsicherheitsnachweis is announced for later, without a file.
    await expect(clerk.getByTestId("case-document-2801")).toContainText("wird nachgereicht");
    await expect(clerk.getByTestId("case-document-2801").getByTestId("case-document-version")).toHaveCount(0);

    // The worker answers the portal with 1120; the page picks it up without a reload.
    await expect(clerk.getByTestId("generated-XBAU_1120")).toHaveCount(1, { timeout: 60_000 });
    await clerk.screenshot({ path: path.join(ARTIFACTS, "xbau-intake-case.png"), fullPage: true });
    const download = clerk.waitForEvent("download");
    await clerk.getByTestId("generated-XBAU_1120").getByRole("link").click();
    const answer = readFileSync(await (await download).path(), "utf8");
    // Kernmodul Eingangsbestätigung referring to the received message and the portal's case.
    expect(answer).toContain("prozessnachrichten.eingangsbestaetigung.1120");
    expect(answer).toContain(message.messageId);
    expect(answer).toContain(message.portalReference);

    // The case is in the inbox under its Aktenzeichen.
    await clerk.goto("/behoerde/posteingang");
    await clerk.getByLabel(/^Suche/).fill(fileNumber);
    await clerk.getByRole("button", { name: "Filtern" }).click();
    await expect(clerk.getByTestId("inbox-row")).toHaveCount(1);
    await clerk.getByRole("link", { name: fileNumber }).click();
    await expect(clerk).toHaveURL(new RegExp(`/behoerde/faelle/${id}$`));

    // --- Review and completeness (the open Standsicherheitsnachweis is named, not blocking).
    await clerk.getByRole("button", { name: "Prüfung beginnen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("begonnen");
    await clerk.getByRole("link", { name: "Vollständigkeit bestätigen" }).click();
    await clerk.getByRole("button", { name: "Ja, Vollständigkeit jetzt bestätigen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("vollständig");
    await expect(clerk.getByTestId("deadline-decision")).toBeVisible();

    // --- Decision draft from the file.
    await clerk.getByRole("link", { name: "Bescheid vorbereiten" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Bescheid vorbereiten" })).toBeVisible();
    await clerk.getByRole("button", { name: "Bescheidentwurf anlegen" }).click();
    await expect(clerk.getByLabel("Art der Entscheidung")).toHaveValue("BAUGENEHMIGUNG");
    const docs = clerk.getByTestId("decision-document");
    await expect(docs.filter({ hasText: "Lageplan" })).toHaveCount(1);
    await expect(docs.filter({ hasText: "Grundriss" })).toHaveCount(1);
    await clerk.getByLabel("Baukosten in Euro").fill("420.000");
    await clerk.getByRole("textbox", { name: "Rechtliche Würdigung: Ihre Ergänzung" }).fill(REASON);
    await clerk.getByRole("button", { name: "Entwurf speichern" }).click();
    await expect(clerk.getByTestId("decision-notice")).toHaveText("Der Entwurf wurde gespeichert.");

    // --- Erlass after the confirmation step; the worker renders the Bescheid.
    await clerk.getByRole("button", { name: "Bescheid erlassen …" }).click();
    await expect(clerk.getByTestId("decide-confirmation")).toBeVisible();
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Bescheid" })).toBeVisible();
    await expect(clerk.getByTestId("decision-notice")).toContainText("Die Entscheidung ist getroffen");
    const bescheid = clerk.getByTestId("decision-files").locator('a[data-kind="BESCHEID"]');
    await expect(bescheid).toHaveCount(1, { timeout: 120_000 });
    await expect(clerk.getByTestId("decision-files-pending")).toHaveCount(0, { timeout: 60_000 });
    const pdfDownload = clerk.waitForEvent("download");
    await bescheid.click();
    const pdfFile = path.join(ARTIFACTS, "xbau-intake-bescheid.pdf");
    await (await pdfDownload).saveAs(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // The Bescheid is about the imported application: its Aktenzeichen, project and the reasons.
    const text = pdfText(pdfFile);
    expect(text).toContain(fileNumber);
    expect(text).toContain("Neubau Doppelhaus mit Carport");
    expect(text).toContain(REASON);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "xbau-intake-decided.png"), fullPage: true });
  });
});
