import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";

/**
 * Issue 16 item 3 in the browser (production mode, as the stack runs): the authority's admin
 * registers a webhook receiver, sees the signing secret once, and an internal address is refused
 * with a German reason (SSRF guard).
 */

test("Webhooks: Empfänger anlegen, Schlüssel nur einmal sichtbar, interne Adresse abgelehnt", async ({
  page,
}) => {
  await loginAs(page, "admin@demo.bauantrag.de");
  await page.goto("/verwaltung");
  await page.getByRole("link", { name: "Webhooks für Fachverfahren" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

  // SSRF guard in production: http and a loopback address are refused, the input is kept.
  await page.getByLabel("Empfänger-URL").fill("http://127.0.0.1:8080/hook");
  await page.getByLabel("Antrag eingereicht").check();
  await page.getByRole("button", { name: "Empfänger anlegen" }).click();
  await expect(page.getByText("Die URL muss mit https:// beginnen")).toBeVisible();
  await expect(page.getByLabel("Empfänger-URL")).toHaveValue("http://127.0.0.1:8080/hook");
  await page.getByLabel("Empfänger-URL").fill("https://169.254.169.254/latest/meta-data");
  await page.getByRole("button", { name: "Empfänger anlegen" }).click();
  await expect(page.getByText("interne oder private Adresse").first()).toBeVisible();

  // A public https address (literal, so no DNS is needed offline) is accepted.
  const label = `ProBau ${Date.now()}`;
  await page.getByLabel("Empfänger-URL").fill("https://93.184.215.14/hooks/bauantrag");
  await page.getByLabel("Bezeichnung (optional)").fill(label);
  await page.getByLabel("Bescheid erlassen").check();
  await page.getByRole("button", { name: "Empfänger anlegen" }).click();
  const secret = page.getByTestId("webhook-secret");
  await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const shown = (await secret.textContent()) ?? "";

  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(
    axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
  ).toEqual([]);

  // Once: after a reload the secret is gone; the receiver is listed with its label.
  await page.reload();
  await expect(page.getByTestId("webhook-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(shown.slice(6));
  await page.getByRole("link", { name: label }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
  // The delivery log is there; other specs may submit or decide cases of the demo authority
  // meanwhile, so it need not be empty.
  await expect(page.getByRole("heading", { level: 2, name: /^Zustellprotokoll \(\d+\)$/ })).toBeVisible();

  // Renewing shows a new secret, once.
  await page.getByRole("button", { name: "Signaturschlüssel erneuern" }).click();
  await expect(page.getByTestId("webhook-secret")).toHaveText(/^whsec_/);
  expect(await page.getByTestId("webhook-secret").textContent()).not.toBe(shown);

  // Delete after confirmation.
  await page.getByRole("button", { name: "Löschen" }).click();
  await page.getByRole("button", { name: "Endgültig löschen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await expect(page.getByRole("link", { name: label })).toHaveCount(0);
});
