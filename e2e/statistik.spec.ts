import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { runSupportScript } from "./support/script.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * The authority's statistics page (issue 6): reached from the navigation by clerks and admins,
 * tables with captions that stay readable on a phone, a freshly submitted case counted in the
 * current month; applicants do not get the page.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");

/** A sent participation of the case, three days past its deadline (support script, e2e database). */
function overdueParticipation(applicationId: string): { agencyName: string } {
  return runSupportScript("overdue-participation.ts", [applicationId]);
}
mkdirSync(ARTIFACTS, { recursive: true });

test.describe("Bauamt: Statistik", () => {
  test("Sachbearbeitung sieht Eingänge je Monat, Kennzahlen und überfällige Beteiligungen", async ({
    page,
  }) => {
    await loginAs(page, "sachbearbeiter@demo.bauantrag.de");
    await page.goto("/behoerde/statistik");
    const before = Number(
      (await page
        .getByTestId("stat-months")
        .locator("tbody tr")
        .first()
        .locator("td")
        .first()
        .textContent()) ?? 0,
    );
    const { id, fileNumber } = createSubmittedCase(`Statistik E2E ${Date.now()}`);
    const { agencyName } = overdueParticipation(id);

    await page.goto("/behoerde/posteingang");
    await page.getByRole("navigation").getByRole("link", { name: "Statistik" }).click();
    await expect(page).toHaveURL(/\/behoerde\/statistik$/);
    await expect(page.getByRole("heading", { level: 1, name: "Statistik" })).toBeVisible();
    const months = page.getByRole("table", { name: /je Monat/ });
    await expect(months).toBeVisible();
    await expect(months.locator("tbody tr")).toHaveCount(12);
    // The current month comes first and counts the case just submitted.
    const current = months.locator("tbody tr").first();
    await expect(current.locator("td").first()).toHaveText(String(before + 1));
    await expect(page.getByText("Median Eingang bis Vollständigkeit")).toBeVisible();
    await expect(page.getByText("Fälle mit mindestens einer Nachforderung")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Überfällige Beteiligungen" })).toBeVisible();
    const overdue = page.getByRole("table", { name: /ohne Antwort nach Fristablauf/ });
    const row = overdue.getByRole("row").filter({ hasText: fileNumber });
    await expect(row).toContainText(agencyName);
    await expect(row).toContainText("seit 3 Tagen überfällig");
    await expect(row.getByRole("link", { name: fileNumber })).toHaveAttribute(
      "href",
      `/behoerde/faelle/${id}`,
    );

    // Another period without JavaScript: a plain GET form.
    await page.getByLabel("Zeitraum", { exact: true }).selectOption("6");
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await expect(page).toHaveURL(/zeitraum=6/);
    await expect(months.locator("tbody tr")).toHaveCount(6);
    await page.screenshot({ path: path.join(ARTIFACTS, "statistik-desktop.png"), fullPage: true });

    // Phone: the table fits the width (no horizontal scrolling of the page).
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await expect(months).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "statistik-phone.png"), fullPage: true });
  });

  test("Administration sieht die Statistik, Antragsteller nicht", async ({ browser }) => {
    const admin = await (await browser.newContext()).newPage();
    await loginAs(admin, "admin@demo.bauantrag.de");
    await admin.getByRole("navigation").getByRole("link", { name: "Statistik" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "Statistik" })).toBeVisible();

    const applicant = await (await browser.newContext()).newPage();
    await loginAs(applicant, "bauherr@demo.bauantrag.de");
    await expect(applicant.getByRole("navigation").getByRole("link", { name: "Statistik" })).toHaveCount(0);
    const response = await applicant.goto("/behoerde/statistik");
    expect(response?.status()).toBe(403);
  });
});
