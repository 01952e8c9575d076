import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { runSupportScript } from "./support/script.ts";

/**
 * Issue 14 items 6 and 8 in the browser: the inbox search forgives (umlauts, "Str.", Aktenzeichen
 * fragments; the seeded case by its Aktenzeichen); a draft step autosaves (a reload keeps the text)
 * and leaving it with unsaved changes asks first (in-app link and closing the tab).
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });
const CLERK = "sachbearbeiter@demo.bauantrag.de";
const BAUHERR = "bauherr@demo.bauantrag.de";

/** A case of the demo Bauherr made through the model functions (e2e/support/search-case.ts). */
function makeCase(args: string[]): { id: string; fileNumber: string | null } {
  return runSupportScript("search-case.ts", args);
}

async function search(page: Page, q: string) {
  await page.goto("/behoerde/posteingang");
  await page.getByLabel(/^Suche/).fill(q);
  await page.getByRole("button", { name: "Filtern" }).click();
  await expect(page).toHaveURL(/q=/);
}

test.describe("Posteingang: Suche, die verzeiht", () => {
  test.describe.configure({ timeout: 180_000 });
  test("koehler, Wismarsche Str. 12, Aktenzeichen-Teile und der Demofall", async ({ page }) => {
    const stamp = Date.now();
    const koehler = makeCase(["submitted", `Suche E2E ${stamp}`, "Köhler", "Wismarsche Straße", "12"]);
    expect(koehler.fileNumber).toMatch(/^63-\d{4}-\d{5}$/);
    await loginAs(page, CLERK);

    await search(page, "koehler");
    await expect(page.getByTestId("inbox-row").filter({ hasText: koehler.fileNumber! })).toHaveCount(1);
    await expect(page.getByTestId("inbox-row").first()).toContainText("Köhler");

    await search(page, "Wismarsche Str. 12");
    await expect(page.getByTestId("inbox-row").filter({ hasText: koehler.fileNumber! })).toHaveCount(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "casetruth-search.png"), fullPage: true });

    // Aktenzeichen fragment without the leading zeros: "63-2026-00042" → "2026-42".
    const [, year, seq] = /^63-(\d{4})-(\d{5})$/.exec(koehler.fileNumber!) ?? [];
    await search(page, `${year}-${Number(seq)} koehler`);
    await expect(page.getByTestId("inbox-row")).toHaveCount(1);

    // The seeded demo case by its Aktenzeichen (and its Bauherr Schröder as "schroeder").
    const demo = `63-${new Date().getFullYear()}-00001`;
    await search(page, demo);
    await expect(page.getByTestId("inbox-row").filter({ hasText: demo })).toHaveCount(1);
    await search(page, "schroeder dünenweg");
    await expect(page.getByTestId("inbox-row").filter({ hasText: demo })).toHaveCount(1);
  });
});

test.describe("Entwurf: nichts geht verloren", () => {
  test.describe.configure({ timeout: 180_000 });
  test("Autosave übersteht ein Neuladen; Verlassen mit Änderungen fragt nach", async ({ page }) => {
    const draft = makeCase(["draft", `Autosave E2E ${Date.now()}`]);
    await loginAs(page, BAUHERR);
    const stepUrl = `/antraege/${draft.id}/bearbeiten/vorhaben`;
    await page.goto(stepUrl);
    const description = page.getByLabel("Beschreibung des Vorhabens");

    // Typed, not saved by hand: autosave, then a reload still shows it.
    await description.fill("Anbau eines Wintergartens, automatisch gespeichert.");
    await expect(page.getByTestId("autosave-status")).toContainText("Automatisch gespeichert");
    await page.reload();
    await expect(description).toHaveValue("Anbau eines Wintergartens, automatisch gespeichert.");

    // Changed and left at once through the step navigation: the dialog asks; "bleiben" stays.
    await description.fill("Noch nicht gespeichert");
    await page
      .getByRole("navigation", { name: "Schritte des Antrags" })
      .getByRole("link", { name: /Baugrundstück/ })
      .click();
    const dialog = page.getByTestId("leave-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("noch nicht gespeichert");
    await page.screenshot({ path: path.join(ARTIFACTS, "casetruth-leave-dialog.png") });
    await dialog.getByRole("button", { name: "Auf der Seite bleiben" }).click();
    await expect(page).toHaveURL(new RegExp(`${stepUrl}$`));
    await expect(description).toHaveValue("Noch nicht gespeichert");

    // "Speichern und verlassen": saved, then on the other step.
    await description.fill("Gespeichert beim Verlassen");
    await page
      .getByRole("navigation", { name: "Schritte des Antrags" })
      .getByRole("link", { name: /Baugrundstück/ })
      .click();
    await dialog.getByRole("button", { name: "Speichern und verlassen" }).click();
    await expect(page).toHaveURL(new RegExp(`/antraege/${draft.id}/bearbeiten/grundstueck$`));
    await page.goto(stepUrl);
    await expect(description).toHaveValue("Gespeichert beim Verlassen");

    // Closing the tab with an unsaved change: the browser's own question (beforeunload).
    await description.fill("Ungespeichert beim Schließen");
    const asked = page.waitForEvent("dialog");
    await page.close({ runBeforeUnload: true });
    const question = await asked;
    expect(question.type()).toBe("beforeunload");
    await question.accept();
  });
});
