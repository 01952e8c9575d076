import { expect, test } from "@playwright/test";
import { DEMO_APPLICATION_IDS } from "../prisma/seed-data.ts";
import { loginAs } from "./support/auth.ts";

test.describe("Mandantentrennung", () => {
  const nwmCase = `/behoerde/faelle/${DEMO_APPLICATION_IDS.nwmSubmitted}`;

  test("Sachbearbeiter:in des Landkreises öffnet den eigenen Fall mit Verlauf", async ({ page }) => {
    await loginAs(page, "sachbearbeiter@demo.bauantrag.de");
    await page.goto(nwmCase);
    await expect(page.getByRole("heading", { level: 1, name: /Neubau Einfamilienhaus/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Verlauf" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "Antrag eingereicht" })).toBeVisible();
    await expect(page.getByText(/63-\d{4}-00001/).first()).toBeVisible();
  });

  test("Sachbearbeiter:in eines anderen Landkreises bekommt 404", async ({ page }) => {
    await loginAs(page, "sachbearbeiter-lup@demo.bauantrag.de");
    await expect(page).toHaveURL("/behoerde/posteingang");
    await expect(page.getByText("Umbau Scheune zu Ferienwohnungen")).toBeVisible();
    const response = await page.goto(nwmCase);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Seite nicht gefunden" })).toBeVisible();
    await expect(page.getByText("Neubau Einfamilienhaus")).toHaveCount(0);
  });

  test("Antragsseite: nur Beteiligte sehen den Antrag", async ({ page }) => {
    await loginAs(page, "architektin@demo.bauantrag.de");
    await page.goto(`/antraege/${DEMO_APPLICATION_IDS.nwmSubmitted}`);
    await expect(page.getByRole("heading", { level: 1, name: /Neubau Einfamilienhaus/ })).toBeVisible();
    // The draft belongs to the Bauherr alone.
    const response = await page.goto(`/antraege/${DEMO_APPLICATION_IDS.nwmDraft}`);
    expect(response?.status()).toBe(404);
  });
});
