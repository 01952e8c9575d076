import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { pdfWithCorruptContent } from "../app/utils/hostile-files.test-support.ts";
import { loginAs } from "./support/auth.ts";

/**
 * Issue 11 (deep check in the worker) and issue 13 (archivability warning) in the browser, against
 * the real stack (web + worker + embedded S3): a PDF shows "wird geprüft" until the worker's
 * check accepts it, then "vorhanden" with a warning about its fonts; a damaged PDF that passes the
 * cheap checks becomes "abgelehnt" with the German reason beside its version.
 */

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/bauvorlagen");
const ARCHITECT = "architektin@demo.bauantrag.de";

async function createDraft(page: Page, title: string): Promise<string> {
  await page.goto("/antraege/neu");
  const select = page.getByLabel("Gemeinde des Baugrundstücks");
  const value = await select.locator("option", { hasText: "Stadt Grevesmühlen" }).getAttribute("value");
  await select.selectOption(value!);
  await page.getByLabel(/^Vereinfachtes Baugenehmigungsverfahren/).check();
  await page.getByLabel("Kurze Bezeichnung des Vorhabens").fill(title);
  await page.getByRole("button", { name: "Antrag anlegen" }).click();
  await expect(page).toHaveURL(/\/antraege\/[0-9a-f-]{36}\/bearbeiten\/bauherr$/);
  return page.url().match(/antraege\/([0-9a-f-]{36})/)![1]!;
}

test("Unterlagen: 'wird geprüft', dann angenommen mit Archivierungshinweis oder abgelehnt mit Grund", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await loginAs(page, ARCHITECT);
  const id = await createDraft(page, `Prüfung im Hintergrund ${Date.now()}`);
  await page.goto(`/antraege/${id}/unterlagen`);
  const missing = page.locator('[data-testid^="dokument-"][data-status="fehlt"]');
  const codes = await missing.evaluateAll((els) =>
    els.map((e) => (e.getAttribute("data-testid") ?? "").replace("dokument-", "")),
  );
  expect(codes.length).toBeGreaterThanOrEqual(2);
  const [first, second] = codes as [string, string];

  // A sound plan whose fonts are not embedded: accepted after the check, with the warning.
  const card = page.getByTestId(`dokument-${first}`);
  await card.locator('input[type="file"]').setInputFiles(path.join(FIXTURES, "lageplan.pdf"));
  await card.getByRole("button", { name: "Hochladen", exact: true }).click();
  await expect(card).toHaveAttribute("data-status", /wird geprüft|vorhanden/, { timeout: 20_000 });
  await expect(card).toHaveAttribute("data-status", "vorhanden", { timeout: 30_000 });
  const warning = card.getByTestId("archive-warnings");
  await expect(warning).toContainText("Hinweis zur Archivierung");
  await expect(warning).toContainText("Nicht eingebettete Schriften: Helvetica, Helvetica-Bold.");
  await expect(warning).toContainText("kein PDF/A");

  // A damaged PDF (a content stream that is no deflate data): stored, then refused by the worker.
  const bad = page.getByTestId(`dokument-${second}`);
  await bad.locator('input[type="file"]').setInputFiles({
    name: "Schnitt kaputt.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from(await pdfWithCorruptContent()),
  });
  await bad.getByRole("button", { name: "Hochladen", exact: true }).click();
  await expect(bad).toHaveAttribute("data-status", "abgelehnt", { timeout: 30_000 });
  await expect(bad.getByTestId("version-check-reason")).toContainText(
    "„Schnitt kaputt.pdf“ ist beschädigt und kann nicht gelesen werden.",
  );
  await expect(bad.getByTestId("version-check")).toHaveAttribute("data-check-status", "REFUSED");

  await page.screenshot({ path: test.info().outputPath("unterlagen-pruefung.png"), fullPage: true });

  // The uploader is told in the app as well.
  await page.goto("/benachrichtigungen");
  await expect(page.getByText("Unterlage abgelehnt: „Schnitt kaputt.pdf“")).toBeVisible();
});
