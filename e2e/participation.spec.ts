import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { createParticipationCase, runParticipationDeadlines } from "./support/participation.ts";

/**
 * Issue 5's journey against the real stack (web server, worker, PostgreSQL, Redis, s3rver): a
 * complete case whose data calls for three agencies (Außenbereich → Gemeinde and Naturschutz,
 * Gebäudeklasse 4 → Brandschutz). The clerk starts the participation with the three suggestions;
 * the worker routes the packages; each agency user sees the request, opens the package PDF
 * (Aktenzeichen and deadline in its text) and cannot open another agency's request. The Gemeinde
 * gives its Einvernehmen (§ 36 BauGB: erteilt, no Nebenbestimmungen), Brandschutz asks for more
 * time (granted by the clerk), Naturschutz stays silent; after its deadline (deadline check run for
 * this case with a later `now`) the silent Stellungnahme is "nicht fristgerecht" — no fiction for a
 * plain Stellungnahme (issue 14) — and the clerk's board shows all three outcomes.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const CLERK = "sachbearbeiter@demo.bauantrag.de";
const GEMEINDE = "gemeinde-grevesmuehlen@demo.bauantrag.de";
const BRANDSCHUTZ = "brandschutz@demo.bauantrag.de";
const NATURSCHUTZ = "naturschutz@demo.bauantrag.de";

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

/** "12.12.2026" → "2026-12-12". */
function isoOf(germanDate: string): string {
  const [d, m, y] = germanDate.split(".");
  return `${y}-${m}-${d}`;
}

/** Opens the agency's request for the case from its list; returns the request's URL. */
async function openRequest(page: Page, fileNumber: string): Promise<string> {
  await page.goto("/beteiligung");
  const rows = page.getByTestId("participation-row").filter({ hasText: fileNumber });
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link", { name: fileNumber }).click();
  await expect(page).toHaveURL(/\/beteiligung\/[0-9a-f-]{36}$/);
  await expect(page.getByText(fileNumber).first()).toBeVisible();
  return page.url();
}

/** Downloads the package through the page's link and returns its text (pdftotext). */
async function packageText(page: Page): Promise<string> {
  const link = page.getByRole("list", { name: "Beteiligungspaket" }).getByRole("link").first();
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/erzeugt\//);
  const response = await page.request.get(href as string);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/pdf");
  const bytes = await response.body();
  return execFileSync("pdftotext", ["-layout", "-", "-"], { input: bytes, encoding: "utf8" });
}

test.describe("Beteiligung (Sternverfahren)", () => {
  test.describe.configure({ timeout: 240_000 });

  test("drei Stellen: Einvernehmen erteilt, Fristverlängerung, Schweigen ohne Fiktion", async ({
    browser,
  }) => {
    const title = `Beteiligung E2E ${Date.now()}`;
    const { id, fileNumber } = createParticipationCase(title);

    // --- Clerk: from the case page to the participation form with the three suggestions.
    const clerk = await newPage(browser, CLERK);
    await clerk.goto(`/behoerde/faelle/${id}`);
    await clerk.getByRole("link", { name: "Beteiligung vorbereiten" }).click();
    await expect(clerk).toHaveURL(new RegExp(`/behoerde/faelle/${id}/beteiligung$`));
    const rows = clerk.getByTestId("participation-row");
    await expect(rows).toHaveCount(3);
    await expect(rows.filter({ hasText: "Stadt Grevesmühlen" })).toContainText("Außenbereich");
    await expect(rows.filter({ hasText: "Brandschutzdienststelle" })).toContainText("Gebäudeklasse 4");
    await expect(rows.filter({ hasText: "Naturschutzbehörde" })).toContainText("Außenbereich");
    for (const name of ["Stadt Grevesmühlen", "Brandschutzdienststelle", "Naturschutzbehörde"]) {
      await expect(
        rows.filter({ hasText: name }).getByRole("checkbox", { name: /beteiligen$/ }),
      ).toBeChecked();
    }
    expect(await seriousViolations(clerk)).toEqual([]);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "participation-form.png"), fullPage: true });
    await clerk.getByRole("button", { name: "Beteiligung starten" }).click();
    // Irreversible: the confirmation page names the agencies and deadlines first (issue 14 item 6).
    await expect(clerk.getByTestId("confirm-agencies")).toBeVisible();
    await clerk.getByRole("button", { name: "Ja, Beteiligung jetzt starten" }).click();
    await expect(clerk.getByTestId("participation-notice")).toContainText("gestartet");

    // The worker renders and routes the packages: every row ends up with its package.
    const board = clerk.getByTestId("participation-board");
    await expect(board.getByTestId("board-row")).toHaveCount(3);
    await expect(async () => {
      await clerk.reload();
      await expect(clerk.getByTestId("board-files").getByText("Beteiligungspaket")).toHaveCount(3, {
        timeout: 1_000,
      });
    }).toPass({ timeout: 90_000, intervals: [1_000, 2_000] });
    await expect(board.getByTestId("board-state").filter({ hasText: "Versandt" })).toHaveCount(3);
    const deadlineGemeinde =
      (
        await board
          .getByTestId("board-row")
          .filter({ hasText: "Grevesmühlen" })
          .locator("td")
          .nth(1)
          .textContent()
      )?.trim() ?? "";
    const deadlineNatur =
      (
        await board
          .getByTestId("board-row")
          .filter({ hasText: "Naturschutz" })
          .locator("td")
          .nth(1)
          .textContent()
      )?.trim() ?? "";
    expect(deadlineNatur).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);

    // --- Each agency: only its request; the package names the Aktenzeichen and the deadline.
    const gemeinde = await newPage(browser, GEMEINDE);
    const gemeindeUrl = await openRequest(gemeinde, fileNumber);
    const gemeindeText = await packageText(gemeinde);
    expect(gemeindeText).toContain(fileNumber);
    expect(gemeindeText).toContain(deadlineGemeinde);
    expect(gemeindeText).toMatch(/Beteiligung · Az\. .+ · Seite 1\/\d+/);

    const brand = await newPage(browser, BRANDSCHUTZ);
    const brandUrl = await openRequest(brand, fileNumber);
    const brandText = await packageText(brand);
    expect(brandText).toContain(fileNumber);

    const natur = await newPage(browser, NATURSCHUTZ);
    await openRequest(natur, fileNumber);
    const naturText = await packageText(natur);
    expect(naturText).toContain(fileNumber);
    expect(naturText).toContain(deadlineNatur);
    expect(naturText).toContain("Keine Fiktion");
    expect(naturText).not.toContain("gilt als erteilt");
    expect(gemeindeText).toContain("Einvernehmen gilt als erteilt");

    // Another agency's request (and the clerk's pages) stay closed.
    for (const url of [gemeindeUrl, brandUrl]) {
      const r = await natur.goto(url);
      expect(r?.status()).toBe(404);
    }
    const r = await natur.goto(`/behoerde/faelle/${id}/beteiligung`);
    expect([403, 404]).toContain(r?.status());

    // --- Gemeinde decides on its Einvernehmen: erteilt (no Nebenbestimmungen for an Einvernehmen).
    await gemeinde.goto(gemeindeUrl);
    await expect(gemeinde.getByTestId("condition-row")).toHaveCount(0);
    await gemeinde.getByLabel("Einvernehmen erteilt", { exact: true }).check();
    await gemeinde
      .getByLabel("Begründung", { exact: true })
      .fill("Das Vorhaben ist nach § 35 Abs. 2 BauGB zulässig.");
    await gemeinde.getByRole("button", { name: "Entscheidung über das Einvernehmen abgeben" }).last().click();
    await gemeinde.getByRole("button", { name: "Ja, Entscheidung verbindlich abgeben" }).click();
    // Recorded once the page says so ("Ergebnis: Einvernehmen erteilt" is on the confirmation page too).
    await expect(gemeinde).toHaveURL(/stellungnahme=abgegeben/);
    await expect(gemeinde.getByText("Einvernehmen erteilt").first()).toBeVisible();
    await gemeinde.screenshot({
      path: path.join(ARTIFACTS, "participation-gemeinde-answered.png"),
      fullPage: true,
    });

    // --- Brandschutz asks for 30 more days.
    await brand.goto(brandUrl);
    const brandDeadline = isoOf(
      (
        await board
          .getByTestId("board-row")
          .filter({ hasText: "Brandschutz" })
          .locator("td")
          .nth(1)
          .textContent()
      )?.trim() ?? "",
    );
    const until = new Date(`${brandDeadline}T12:00:00Z`);
    until.setUTCDate(until.getUTCDate() + 30);
    await brand.getByLabel("Gewünschtes Fristende").fill(until.toISOString().slice(0, 10));
    await brand
      .getByLabel("Begründung der Fristverlängerung")
      .fill("Ortstermin mit der Feuerwehr erst im nächsten Monat.");
    await brand.getByRole("button", { name: "Fristverlängerung beantragen" }).click();
    await expect(brand.getByText(/Verlängerung bis zum .* beantragt/)).toBeVisible();

    // --- Clerk: the answer with its Auflage, the extension request; grants it.
    await clerk.reload();
    const gemeindeRow = board.getByTestId("board-row").filter({ hasText: "Grevesmühlen" });
    await expect(gemeindeRow.getByTestId("board-state")).toHaveText("Beantwortet");
    await expect(gemeindeRow.getByTestId("board-statement")).toContainText("Einvernehmen erteilt");
    const brandRow = board.getByTestId("board-row").filter({ hasText: "Brandschutz" });
    await expect(brandRow.getByTestId("board-state")).toHaveText("Fristverlängerung beantragt");
    await brandRow.getByRole("button", { name: "Fristverlängerung gewähren" }).click();
    // Irreversible: the confirmation page names the agency and the new deadline first.
    await expect(clerk.getByTestId("confirm-consequences")).toContainText("endet dann am");
    await clerk.getByRole("button", { name: "Ja, Frist verlängern" }).click();
    await expect(clerk.getByTestId("participation-notice")).toContainText("verlängert");

    // --- Time passes: 40 days later Naturschutz's month is over, Brandschutz's new deadline is not.
    const result = runParticipationDeadlines(id, 40);
    expect(result.deemedConsent).toHaveLength(0);
    expect(result.overdue).toHaveLength(1);

    await natur.goto("/beteiligung");
    await expect(natur.getByTestId("participation-row").filter({ hasText: fileNumber })).not.toContainText(
      "gilt als erteilt",
    );

    await clerk.reload();
    await expect(
      board.getByTestId("board-row").filter({ hasText: "Naturschutz" }).getByTestId("board-state"),
    ).toHaveText("Nicht fristgerecht");
    await expect(gemeindeRow.getByTestId("board-state")).toHaveText("Beantwortet");
    await expect(brandRow.getByTestId("board-state")).not.toHaveText("Fristverlängerung beantragt");
    await expect(brandRow.locator("td").nth(1)).toHaveText(
      `${String(until.getUTCDate()).padStart(2, "0")}.${String(until.getUTCMonth() + 1).padStart(2, "0")}.${until.getUTCFullYear()}`,
    );
    expect(await seriousViolations(clerk)).toEqual([]);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "participation-board.png"), fullPage: true });
  });
});
