import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * The decision editor (issue 6) on its own: a complete case, the clerk prepares the Bescheid from
 * the file (kind, decisive versions, fee from the Baukosten), edits it (Baukosten -> fee line by
 * line, an own Nebenbestimmung added and one removed without JavaScript round trips), saves,
 * decides after a confirmation step; the case is decided and the applicant side shows the
 * decision, ready for retrieval (the validity runs from the Bekanntgabe, e2e/parties.spec.ts).
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const ARCHITECT = "architektin@demo.bauantrag.de";
const CLERK = "sachbearbeiter@demo.bauantrag.de";
const OWN_CONDITION = "Die Zufahrt ist während der Bauzeit für Rettungsfahrzeuge freizuhalten.";

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

test.describe("Bauamt: Bescheid vorbereiten und erlassen", () => {
  test.describe.configure({ timeout: 180_000 });

  test("Entwurf aus der Akte, Gebühr, Nebenbestimmung, Erlass", async ({ browser }) => {
    const title = `Bescheid E2E ${Date.now()}`;
    const { id, fileNumber } = createSubmittedCase(title);

    const clerk = await newPage(browser, CLERK);
    await clerk.goto(`/behoerde/faelle/${id}`);
    await clerk.getByRole("button", { name: "Prüfung beginnen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("begonnen");
    await clerk.getByRole("link", { name: "Vollständigkeit bestätigen" }).click();
    await clerk.getByRole("button", { name: "Ja, Vollständigkeit jetzt bestätigen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("vollständig");

    await clerk.goto(`/behoerde/faelle/${id}/bescheid`);
    await expect(clerk.getByRole("heading", { level: 1, name: "Bescheid vorbereiten" })).toBeVisible();
    await clerk.getByRole("button", { name: "Bescheidentwurf anlegen" }).click();
    await expect(clerk.getByLabel("Art der Entscheidung")).toHaveValue("BAUGENEHMIGUNG");
    // Plans are stamped, descriptions not; every document once at its latest version.
    const docs = clerk.getByTestId("decision-document");
    expect(await docs.count()).toBeGreaterThan(3);
    await expect(
      docs
        .filter({ hasText: "Lageplan" })
        .first()
        .getByLabel(/stempeln/),
    ).toBeChecked();
    await expect(
      docs
        .filter({ hasText: "Baubeschreibung" })
        .first()
        .getByLabel(/stempeln/),
    ).not.toBeChecked();
    await expect(docs.first()).toContainText(/sha256 [0-9a-f]{12}/);
    // Baukosten 350,000 € from the application: 8 ‰ in the simplified procedure.
    await expect(clerk.getByTestId("fee-total")).toHaveText("2.800,00 €");
    await expect(clerk.getByRole("textbox", { name: "Rechtsbehelfsbelehrung" })).toHaveValue(/Widerspruch/);

    // Live fee while typing.
    await clerk.getByLabel("Baukosten in Euro").fill("100.000");
    await expect(clerk.getByTestId("fee-total")).toHaveText("800,00 €");

    // Own Nebenbestimmung: add two rows, remove the second, fill the first (server round trips).
    await clerk.getByRole("button", { name: "Nebenbestimmung hinzufügen" }).click();
    await expect(clerk.getByTestId("decision-condition")).toHaveCount(1);
    await clerk.getByRole("button", { name: "Nebenbestimmung hinzufügen" }).click();
    await expect(clerk.getByTestId("decision-condition")).toHaveCount(2);
    await expect(clerk.getByLabel("Baukosten in Euro")).toHaveValue("100.000");
    await clerk.getByRole("button", { name: "Nebenbestimmung 2 entfernen" }).click();
    await expect(clerk.getByTestId("decision-condition")).toHaveCount(1);
    const cond = clerk.getByTestId("decision-condition").first();
    await expect(cond.getByTestId("condition-source")).toHaveText(
      "Quelle: eigene Nebenbestimmung der Behörde",
    );
    await cond.getByLabel("Art (1.)").selectOption("AUFLAGE");
    await cond.getByLabel("Text der Nebenbestimmung 1").fill(OWN_CONDITION);
    await clerk.getByRole("button", { name: "Entwurf speichern" }).click();
    await expect(clerk.getByTestId("decision-notice")).toHaveText("Der Entwurf wurde gespeichert.");
    await expect(clerk.getByTestId("fee-total")).toHaveText("800,00 €");
    await expect(clerk.getByLabel("Text der Nebenbestimmung 1")).toHaveValue(OWN_CONDITION);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "decision-editor.png"), fullPage: true });
    expect(await seriousViolations(clerk)).toEqual([]);
    // On a phone nothing sticks out sideways.
    await clerk.setViewportSize({ width: 390, height: 844 });
    expect(
      await clerk.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "decision-editor-phone.png"), fullPage: true });
    await clerk.setViewportSize({ width: 1280, height: 720 });

    // Bad input keeps what was typed.
    await clerk.getByLabel("Baukosten in Euro").fill("viel");
    await clerk
      .getByRole("textbox", { name: "Rechtliche Würdigung: Ihre Ergänzung" })
      .fill("Begründung, die nicht verloren gehen darf.");
    await clerk.getByRole("button", { name: "Entwurf speichern" }).click();
    await expect(clerk.getByTestId("decision-message")).toContainText("Baukosten als Betrag in Euro");
    await expect(clerk.getByRole("textbox", { name: "Rechtliche Würdigung: Ihre Ergänzung" })).toHaveValue(
      "Begründung, die nicht verloren gehen darf.",
    );
    await clerk.getByLabel("Baukosten in Euro").fill("100.000,00");

    // Decide after a confirmation step.
    await clerk.getByRole("button", { name: "Bescheid erlassen …" }).click();
    await expect(clerk.getByTestId("decide-confirmation")).toContainText("Nebenbestimmungen1");
    expect(await seriousViolations(clerk)).toEqual([]);
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Bescheid" })).toBeVisible();
    await expect(clerk.getByTestId("decision-notice")).toContainText("Die Entscheidung ist getroffen");
    // The worker renders the files; the page polls until the Bescheid is there.
    await expect(clerk.getByTestId("decision-files").locator('a[data-kind="BESCHEID"]')).toHaveCount(1, {
      timeout: 60_000,
    });
    await expect(clerk.getByTestId("decision-files-pending")).toHaveCount(0);
    await expect(clerk.getByTestId("decided-conditions")).toContainText(OWN_CONDITION);
    await expect(clerk.getByTestId("fee-total")).toHaveText("800,00 €");
    await clerk.screenshot({ path: path.join(ARTIFACTS, "decision-decided.png"), fullPage: true });
    expect(await seriousViolations(clerk)).toEqual([]);

    // The applicant side sees the decision and the validity.
    const architect = await newPage(browser, ARCHITECT);
    await architect.goto(`/antraege/${id}`);
    await expect(architect.getByText(fileNumber).first()).toBeVisible();
    await expect(architect.getByTestId("decision-summary")).toContainText(
      /entschieden am \d{2}\.\d{2}\.\d{4}/,
    );
    await expect(architect.getByTestId("decision-files").locator('a[data-kind="BESCHEID"]')).toHaveCount(1, {
      timeout: 60_000,
    });
    // The validity runs from the Bekanntgabe (issue 14), not from the decision date: until the
    // Bescheid is retrieved the page says it is ready for retrieval instead of a "gültig bis".
    await architect.reload();
    await expect(architect.getByTestId("decision-summary")).not.toContainText("gültig bis");
    await expect(architect.getByTestId("bekanntgabe-pending")).toContainText("zum Abruf bereit");
    expect(await seriousViolations(architect)).toEqual([]);
  });
});
