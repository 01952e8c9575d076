import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

test.describe("Barrierefreiheit und Bildschirmfotos", () => {
  test("Anmeldeseite", async ({ page }) => {
    await page.goto("/anmelden");
    await expect(page.getByRole("heading", { level: 1, name: "Anmelden" })).toBeVisible();
    await expect(page.getByLabel("E-Mail-Adresse")).toHaveAttribute("autocomplete", "username");
    await expect(page.getByLabel("Passwort")).toHaveAttribute("autocomplete", "current-password");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "login.png"), fullPage: true });
  });

  test("Anmeldeseite mit Fehlermeldung", async ({ page }) => {
    await loginAs(page, "bauherr@demo.bauantrag.de", "falsch");
    await expect(page.getByTestId("login-error")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "login-error.png"), fullPage: true });
  });

  test("Posteingang der Sachbearbeitung", async ({ page }) => {
    await loginAs(page, "sachbearbeiter@demo.bauantrag.de");
    await expect(page.getByRole("heading", { level: 1, name: "Posteingang" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "clerk-home.png"), fullPage: true });
  });

  test("Meine Anträge auf dem Telefon", async ({ browser }) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await loginAs(page, "bauherr@demo.bauantrag.de");
    await expect(page.getByRole("heading", { level: 1, name: "Meine Anträge" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing may stick out sideways on a phone (the table scrolls inside its own wrapper).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "applicant-home-phone.png"), fullPage: true });
    await context.close();
  });

  test("Sprunglink führt zum Inhalt", async ({ page }) => {
    await page.goto("/anmelden");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Zum Inhalt springen" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.locator("main#inhalt")).toBeFocused();
  });
});
