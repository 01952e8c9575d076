import { expect, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * The Conform list buttons of the Prüfung and Bescheid editors in a browser without JavaScript:
 * each button is a real submit, the server applies the intent and answers with the typed values.
 */

const CLERK = "sachbearbeiter@demo.bauantrag.de";

test("Listen ohne JavaScript: Befunde und Nebenbestimmungen hinzufügen und entfernen", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { id } = createSubmittedCase(`Ohne JS ${Date.now()}`);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const clerk = await context.newPage();
  await loginAs(clerk, CLERK);
  await clerk.goto(`/behoerde/faelle/${id}`);
  await clerk.getByRole("button", { name: "Prüfung beginnen" }).click();

  // Formelle Prüfung: add a finding, keep what was typed, remove one.
  await clerk.goto(`/behoerde/faelle/${id}/pruefung`);
  const items = clerk.getByTestId("review-item");
  const before = await items.count();
  await items.last().getByLabel("Was fehlt oder ist mangelhaft?").fill("Getippt ohne JavaScript");
  await clerk.getByRole("button", { name: "Weiteren Punkt hinzufügen" }).click();
  await expect(items).toHaveCount(before + 1);
  await expect(items.nth(before - 1).getByLabel("Was fehlt oder ist mangelhaft?")).toHaveValue(
    "Getippt ohne JavaScript",
  );
  await clerk.getByRole("button", { name: `Punkt ${before + 1} entfernen` }).click();
  await expect(items).toHaveCount(before);

  // Bescheid: the same with Nebenbestimmungen and Abweichungen.
  await clerk.goto(`/behoerde/faelle/${id}`);
  await clerk.getByRole("link", { name: "Vollständigkeit bestätigen" }).click();
  await clerk.getByRole("button", { name: "Ja, Vollständigkeit jetzt bestätigen" }).click();
  await clerk.goto(`/behoerde/faelle/${id}/bescheid`);
  await clerk.getByRole("button", { name: "Bescheidentwurf anlegen" }).click();
  const conditions = clerk.getByTestId("decision-condition");
  const n = await conditions.count();
  await clerk.getByRole("button", { name: "Nebenbestimmung hinzufügen" }).click();
  await expect(conditions).toHaveCount(n + 1);
  await clerk.getByLabel(`Text der Nebenbestimmung ${n + 1}`).fill("Bleibt erhalten.");
  await clerk.getByRole("button", { name: "Nebenbestimmung hinzufügen" }).click();
  await expect(conditions).toHaveCount(n + 2);
  await expect(clerk.getByLabel(`Text der Nebenbestimmung ${n + 1}`)).toHaveValue("Bleibt erhalten.");
  await expect(clerk.getByTestId("decision-message")).toHaveText(
    "Neue Nebenbestimmung eingefügt (noch nicht gespeichert).",
  );
  await clerk.getByRole("button", { name: `Nebenbestimmung ${n + 2} entfernen` }).click();
  await expect(conditions).toHaveCount(n + 1);
  await clerk.getByRole("button", { name: "Abweichung hinzufügen" }).click();
  await expect(clerk.getByTestId("decision-deviation")).toHaveCount(1);
  await clerk.getByRole("button", { name: "Entwurf speichern" }).click();
  await expect(clerk.getByTestId("decision-notice")).toHaveText("Der Entwurf wurde gespeichert.");
  await expect(clerk.getByLabel(`Text der Nebenbestimmung ${n + 1}`)).toHaveValue("Bleibt erhalten.");
});
