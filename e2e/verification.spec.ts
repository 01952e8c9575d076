import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { pdfSig, readQrCode } from "../workers/pdf/seal-test-support.ts";
import { loginAs } from "./support/auth.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * Issue 13 item 4 in the journey: a case is decided, the worker seals the Bescheid and the stamped
 * plans; the QR code is read from the rendered page image (pdftoppm + jsQR, as a phone would),
 * the public check page opens without login, and the downloaded file dropped there is "gültig";
 * a changed copy is not.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });
const CLERK = "sachbearbeiter@demo.bauantrag.de";

function pageCount(file: string): number {
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
}

/** The first QR code found on the pages, from the last page backwards. */
async function scan(bytes: Buffer, dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  for (let n = pageCount(file); n >= 1; n--) {
    const text = await readQrCode(bytes, n);
    if (text) return text;
  }
  throw new Error(`no QR code in ${name}`);
}

async function checkFile(page: Page, url: string, bytes: Buffer, name: string) {
  await page.goto(url);
  await expect(page.getByRole("heading", { level: 1, name: "Dokument prüfen" })).toBeVisible();
  await page.getByLabel("Datei hierher ziehen oder auswählen").setInputFiles({
    name,
    mimeType: "application/pdf",
    buffer: bytes,
  });
}

test.describe("Öffentliche Prüfung ausgestellter Dokumente", () => {
  test.describe.configure({ timeout: 240_000 });

  test("QR-Code scannen, Prüfseite ohne Anmeldung, Datei vergleichen", async ({ browser }) => {
    const { id, fileNumber } = createSubmittedCase(`Prüfcode E2E ${Date.now()}`);
    const clerkContext = await browser.newContext();
    const clerk = await clerkContext.newPage();
    await loginAs(clerk, CLERK);
    await clerk.goto(`/behoerde/faelle/${id}`);
    await clerk.getByRole("button", { name: "Prüfung beginnen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("begonnen");
    await clerk.getByRole("link", { name: "Vollständigkeit bestätigen" }).click();
    await clerk.getByRole("button", { name: "Ja, Vollständigkeit jetzt bestätigen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("vollständig");
    await clerk.goto(`/behoerde/faelle/${id}/bescheid`);
    await clerk.getByRole("button", { name: "Bescheidentwurf anlegen" }).click();
    await clerk.getByRole("button", { name: "Bescheid erlassen …" }).click();
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    const files = clerk.getByTestId("decision-files");
    await expect(files.locator('a[data-kind="BESCHEID"]')).toHaveCount(1, { timeout: 90_000 });
    await expect(files.locator('a[data-kind="APPROVED_PLAN"]').first()).toBeVisible({ timeout: 90_000 });
    await expect(clerk.getByTestId("decision-files-pending")).toHaveCount(0, { timeout: 90_000 });

    const dir = mkdtempSync(path.join(tmpdir(), "e2e-pruefen-"));
    const download = async (selector: string) => {
      const href = await files.locator(selector).first().getAttribute("href");
      const res = await clerk.request.get(href as string);
      expect(res.status()).toBe(200);
      return Buffer.from(await res.body());
    };
    const documents = [
      { kind: "Bescheid", bytes: await download('a[data-kind="BESCHEID"]') },
      { kind: "Genehmigte Bauvorlage", bytes: await download('a[data-kind="APPROVED_PLAN"]') },
    ];

    const visitor = await (await browser.newContext()).newPage();
    for (const doc of documents) {
      // Sealed by the authority (pdfsig: valid, whole file).
      const sig = await pdfSig(doc.bytes);
      expect(sig.signatures[0]?.validation, doc.kind).toBe("Signature is Valid.");
      expect(sig.signatures[0]?.totalDocumentSigned, doc.kind).toBe(true);

      const url = await scan(doc.bytes, dir, `${doc.kind}.pdf`);
      expect(url, doc.kind).toMatch(/\/pruefen\/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      await checkFile(visitor, url, doc.bytes, `${doc.kind}.pdf`);
      await expect(visitor.getByTestId("pruef-status")).toContainText("gültig");
      await expect(visitor.getByText(fileNumber)).toBeVisible();
      await expect(
        visitor.getByText(doc.kind === "Bescheid" ? "Bescheid" : /Genehmigte Bauvorlage/).first(),
      ).toBeVisible();
      await expect(visitor.getByTestId("pruef-ergebnis")).toContainText("gültig");
      await expect(visitor.getByTestId("pruef-ergebnis")).toContainText(
        "unverändert das ausgestellte Dokument",
      );
      // Only what the document prints anyway: no people, no addresses of the case.
      const labels = await visitor.locator(".kern-description-list-item__key").allTextContents();
      expect(labels.filter((l) => l !== "Genehmigung gültig bis")).toEqual([
        "Dokument",
        "Aktenzeichen",
        "Ausgestellt am",
        "Ausstellende Behörde",
        "Elektronisch gesiegelt",
        "Prüfcode",
        "SHA-256-Prüfsumme der Datei",
        "Dateigröße",
      ]);
      await visitor.screenshot({
        path: path.join(ARTIFACTS, `pruefen-${doc.kind === "Bescheid" ? "bescheid" : "plan"}.png`),
        fullPage: true,
      });

      // One byte changed: the page says so.
      const changed = Buffer.from(doc.bytes);
      changed[20] = (changed[20] as number) ^ 0x01;
      await checkFile(visitor, url, changed, "veraendert.pdf");
      await expect(visitor.getByTestId("pruef-ergebnis")).toContainText("stimmt nicht überein");
    }

    // A typed code works too (lower case, without dashes); an unknown one is a clear 404.
    const code = (await scan(documents[0]?.bytes as Buffer, dir, "b.pdf")).split("/").pop() as string;
    await visitor.goto("/pruefen");
    await visitor.getByLabel("Prüfcode").fill(code.replaceAll("-", "").toLowerCase());
    await visitor.getByRole("button", { name: "Prüfen" }).click();
    await expect(visitor).toHaveURL(new RegExp(`/pruefen/${code}$`));
    await expect(visitor.getByTestId("pruef-status")).toContainText("gültig");
    const missing = await visitor.goto("/pruefen/0000-0000-0000");
    expect(missing?.status()).toBe(404);
    await expect(visitor.getByText("Kein Dokument zu diesem Prüfcode")).toBeVisible();
  });
});
