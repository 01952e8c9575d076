import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { createParticipationCase, runParticipationDeadlines } from "./support/participation.ts";

/**
 * Issue 14 items 2 and 3 against the real stack: the Gemeinde's Einvernehmen (§ 36 BauGB) is its
 * own act and the decision waits for it; silence works per kind of participation.
 *
 * 1. Time-controlled (the deadline check runs for this case with a later `now`): while the
 *    Einvernehmen is outstanding the Bescheid is refused, without a "decide without" offer for it;
 *    the two plain Stellungnahmen past their month are "nicht fristgerecht", with no fiction; after
 *    two months the Einvernehmen is deemed given and the permit can be issued.
 * 2. The Gemeinde answers in the portal: only "Einvernehmen erteilt/versagt" (no Nebenbestimmungen,
 *    no "Nicht betroffen"), reasons required for a refusal; once given, the permit can be issued.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const CLERK = "sachbearbeiter@demo.bauantrag.de";
const GEMEINDE = "gemeinde-grevesmuehlen@demo.bauantrag.de";

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

/**
 * Need-to-know in the editor (issue 14 item 7): a row starts with the documents its kind needs;
 * "Keine" and "Alle auswählen" (with JavaScript) tick none / all of that row only.
 */
async function checkDocumentChoice(clerk: Page) {
  const rows = clerk.getByTestId("participation-row");
  const natur = rows.filter({ hasText: "Naturschutz" }).getByTestId("row-documents");
  const brand = rows.filter({ hasText: "Brandschutz" }).getByTestId("row-documents");
  const total = await natur.getByRole("checkbox").count();
  expect(total).toBeGreaterThan(3);
  await expect(natur.getByRole("checkbox", { name: /Erhebungsbogen/ })).toHaveCount(0);
  await natur.getByRole("button", { name: /^Keine/ }).click();
  await expect(natur.getByRole("checkbox", { checked: true })).toHaveCount(0);
  const brandChecked = await brand.getByRole("checkbox", { checked: true }).count();
  expect(brandChecked).toBeGreaterThan(0);
  await natur.getByRole("button", { name: /^Alle auswählen/ }).click();
  await expect(natur.getByRole("checkbox", { checked: true })).toHaveCount(total);
  await expect(brand.getByRole("checkbox", { checked: true })).toHaveCount(brandChecked);
}

/** Starts the suggested participation (Gemeinde, Brandschutz, Naturschutz) and waits for the packages. */
async function startParticipation(clerk: Page, id: string, { checkDocuments = false } = {}) {
  await clerk.goto(`/behoerde/faelle/${id}/beteiligung`);
  const rows = clerk.getByTestId("participation-row");
  await expect(rows).toHaveCount(3);
  const gemeindeRow = rows.filter({ hasText: "Stadt Grevesmühlen" });
  await expect(gemeindeRow.getByTestId("row-kind")).toHaveText("Einvernehmen der Gemeinde (§ 36 BauGB)");
  await expect(gemeindeRow.getByTestId("row-consequence")).toContainText("Einvernehmen gilt als erteilt");
  const natur = rows.filter({ hasText: "Naturschutz" });
  await expect(natur.getByLabel("Art der Beteiligung")).toHaveValue("AGENCY_STATEMENT");
  await expect(natur.getByTestId("row-consequence")).toContainText("nicht fristgerecht");
  if (checkDocuments) await checkDocumentChoice(clerk);
  await clerk.getByRole("button", { name: "Beteiligung starten" }).click();
  await clerk.getByRole("button", { name: "Ja, Beteiligung jetzt starten" }).click();
  await expect(clerk.getByTestId("participation-notice")).toContainText("gestartet");
  await expect(async () => {
    await clerk.reload();
    await expect(clerk.getByTestId("board-files").getByText("Beteiligungspaket")).toHaveCount(3, {
      timeout: 1_000,
    });
  }).toPass({ timeout: 90_000, intervals: [1_000, 2_000] });
}

/** Opens the Bescheid draft (created once) and goes to the confirmation step. */
async function toConfirmation(clerk: Page, id: string) {
  await clerk.goto(`/behoerde/faelle/${id}/bescheid`);
  const create = clerk.getByRole("button", { name: "Bescheidentwurf anlegen" });
  if (await create.isVisible()) await create.click();
  await expect(clerk.getByLabel("Art der Entscheidung")).toHaveValue("BAUGENEHMIGUNG");
  await clerk.getByRole("button", { name: "Bescheid erlassen …" }).click();
  await expect(clerk.getByTestId("decide-confirmation")).toBeVisible();
}

test.describe("Einvernehmen der Gemeinde und Schweigen je Art der Beteiligung", () => {
  test.describe.configure({ timeout: 240_000 });

  test("ohne Einvernehmen kein Bescheid; Stellungnahme nicht fristgerecht ohne Fiktion; nach zwei Monaten gilt das Einvernehmen als erteilt", async ({
    browser,
  }) => {
    const { id } = createParticipationCase(`Einvernehmen E2E ${Date.now()}`);
    const clerk = await newPage(browser, CLERK);
    await startParticipation(clerk, id, { checkDocuments: true });

    // --- Outstanding Einvernehmen: the permit is refused; the "decide without" offer names only
    // the Fachstellen, ticking it does not help.
    await toConfirmation(clerk, id);
    await expect(clerk.getByTestId("consent-block")).toContainText("Einvernehmen (Stadt Grevesmühlen");
    const without = clerk.getByLabel(/Ohne die ausstehenden Stellungnahmen entscheiden/);
    await expect(without).toBeVisible();
    await expect(clerk.getByText(/Ohne die ausstehenden Stellungnahmen entscheiden/)).not.toContainText(
      "Grevesmühlen",
    );
    await without.check();
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByTestId("decision-message")).toContainText("Es fehlt noch: Einvernehmen");
    await clerk.screenshot({ path: path.join(ARTIFACTS, "einvernehmen-refused.png"), fullPage: true });

    // --- 40 days later: both Stellungnahmen are past their month — "nicht fristgerecht", no
    // fiction; the Einvernehmen's two months are still running.
    const after40 = runParticipationDeadlines(id, 40);
    expect(after40.deemedConsent).toHaveLength(0);
    expect(after40.overdue).toHaveLength(2);
    await clerk.goto(`/behoerde/faelle/${id}/beteiligung`);
    const board = clerk.getByTestId("participation-board");
    for (const name of ["Naturschutz", "Brandschutz"]) {
      const row = board.getByTestId("board-row").filter({ hasText: name });
      await expect(row.getByTestId("board-state")).toHaveText("Nicht fristgerecht");
      await expect(row.getByTestId("statement-missing")).toContainText("keine Fiktion");
    }
    await expect(board).not.toContainText("gilt als erteilt");
    const gemeindeRow = board.getByTestId("board-row").filter({ hasText: "Grevesmühlen" });
    await expect(gemeindeRow.getByTestId("board-state")).toHaveText("Versandt");
    expect(await seriousViolations(clerk)).toEqual([]);
    await clerk.screenshot({
      path: path.join(ARTIFACTS, "einvernehmen-nicht-fristgerecht.png"),
      fullPage: true,
    });

    await toConfirmation(clerk, id);
    await clerk.getByLabel(/Ohne die ausstehenden Stellungnahmen entscheiden/).check();
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByTestId("decision-message")).toContainText("Es fehlt noch: Einvernehmen");

    // --- 70 days later: the Einvernehmen is deemed given (§ 36 Abs. 2 Satz 2 BauGB).
    const after70 = runParticipationDeadlines(id, 70);
    expect(after70.deemedConsent).toHaveLength(1);
    await clerk.goto(`/behoerde/faelle/${id}/beteiligung`);
    await expect(gemeindeRow.getByTestId("board-state")).toHaveText("Einvernehmen gilt als erteilt");
    await expect(
      board.getByTestId("board-row").filter({ hasText: "Naturschutz" }).getByTestId("board-state"),
    ).toHaveText("Nicht fristgerecht");

    await toConfirmation(clerk, id);
    await expect(clerk.getByTestId("consent-block")).toHaveCount(0);
    await clerk.getByLabel(/Ohne die ausstehenden Stellungnahmen entscheiden/).check();
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Bescheid" })).toBeVisible();
    await expect(clerk.getByTestId("decision-notice")).toContainText("Die Entscheidung ist getroffen");
  });

  test("die Gemeinde erteilt oder versagt das Einvernehmen im Portal; erteilt, ist der Bescheid möglich", async ({
    browser,
  }) => {
    const { id, fileNumber } = createParticipationCase(`Einvernehmen Portal E2E ${Date.now()}`);
    const clerk = await newPage(browser, CLERK);
    await startParticipation(clerk, id);

    const gemeinde = await newPage(browser, GEMEINDE);
    await gemeinde.goto("/beteiligung");
    const listed = gemeinde.getByTestId("participation-row").filter({ hasText: fileNumber });
    await listed.getByRole("link", { name: fileNumber }).click();
    await expect(gemeinde.getByRole("heading", { name: "Über das Einvernehmen entscheiden" })).toBeVisible();
    const decision = gemeinde.getByRole("group", { name: "Gemeindliches Einvernehmen (§ 36 BauGB)" });
    await expect(decision.getByRole("radio")).toHaveCount(2);
    await expect(decision.getByLabel("Einvernehmen erteilt")).toBeVisible();
    await expect(decision.getByLabel("Einvernehmen versagt")).toBeVisible();
    await expect(gemeinde.getByText("Nicht betroffen")).toHaveCount(0);
    await expect(gemeinde.getByText("Zustimmung mit Nebenbestimmungen")).toHaveCount(0);
    await expect(gemeinde.getByTestId("condition-row")).toHaveCount(0);
    expect(await seriousViolations(gemeinde)).toEqual([]);

    // A refusal needs reasons (§ 36 Abs. 2 Satz 1 BauGB); nothing is recorded without them.
    await decision.getByLabel("Einvernehmen versagt").check();
    await gemeinde.getByRole("button", { name: "Entscheidung über das Einvernehmen abgeben" }).last().click();
    await expect(gemeinde.getByText(/Bitte begründen Sie die Versagung/).first()).toBeVisible();

    await gemeinde
      .getByRole("group", { name: "Gemeindliches Einvernehmen (§ 36 BauGB)" })
      .getByLabel("Einvernehmen erteilt")
      .check();
    await gemeinde.getByLabel("Begründung", { exact: true }).fill("Das Vorhaben fügt sich ein.");
    await gemeinde.getByRole("button", { name: "Entscheidung über das Einvernehmen abgeben" }).last().click();
    // Irreversible: the confirmation page names the consequence; only its button records.
    await expect(gemeinde.getByTestId("confirm-consequences")).toContainText("nicht mehr geändert");
    await gemeinde.getByRole("button", { name: "Ja, Entscheidung verbindlich abgeben" }).click();
    // Recorded once the page says so ("Ergebnis: Einvernehmen erteilt" is on the confirmation page too).
    await expect(gemeinde).toHaveURL(/stellungnahme=abgegeben/);
    await expect(gemeinde.getByText("Einvernehmen erteilt").first()).toBeVisible();
    await gemeinde.screenshot({ path: path.join(ARTIFACTS, "einvernehmen-erteilt.png"), fullPage: true });

    await clerk.goto(`/behoerde/faelle/${id}/beteiligung`);
    const gemeindeRow = clerk
      .getByTestId("participation-board")
      .getByTestId("board-row")
      .filter({ hasText: "Grevesmühlen" });
    await expect(gemeindeRow.getByTestId("board-statement")).toContainText("Einvernehmen erteilt");

    await toConfirmation(clerk, id);
    await expect(clerk.getByTestId("consent-block")).toHaveCount(0);
    // The Fachstellen's Stellungnahmen are still open: deciding without them is said explicitly.
    await clerk.getByLabel(/Ohne die ausstehenden Stellungnahmen entscheiden/).check();
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByTestId("decision-notice")).toContainText("Die Entscheidung ist getroffen");
  });

  test("versagtes Einvernehmen: 'Ablehnung vorschlagen' und 'Einvernehmen ersetzen' erst nach der Bestätigungsseite", async ({
    browser,
  }) => {
    const { id, fileNumber } = createParticipationCase(`Einvernehmen versagt E2E ${Date.now()}`);
    const clerk = await newPage(browser, CLERK);
    await startParticipation(clerk, id);

    const gemeinde = await newPage(browser, GEMEINDE);
    await gemeinde.goto("/beteiligung");
    await gemeinde
      .getByTestId("participation-row")
      .filter({ hasText: fileNumber })
      .getByRole("link", { name: fileNumber })
      .click();
    await gemeinde
      .getByRole("group", { name: "Gemeindliches Einvernehmen (§ 36 BauGB)" })
      .getByLabel("Einvernehmen versagt")
      .check();
    await gemeinde
      .getByLabel("Begründung", { exact: true })
      .fill("Das Vorhaben fügt sich nicht ein (§ 34 BauGB).");
    await gemeinde.getByRole("button", { name: "Entscheidung über das Einvernehmen abgeben" }).last().click();
    await gemeinde.getByRole("button", { name: "Ja, Entscheidung verbindlich abgeben" }).click();
    await expect(gemeinde).toHaveURL(/stellungnahme=abgegeben/);

    await clerk.goto(`/behoerde/faelle/${id}/beteiligung`);
    const refusal = clerk.getByTestId("consent-refusal");
    await expect(refusal).toContainText("Einvernehmen versagt.");

    // "Ablehnung vorschlagen …": the confirmation page names the consequence; "Zurück" records nothing.
    await refusal.getByRole("button", { name: "Ablehnung vorschlagen" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Ablehnung vorschlagen?" })).toBeVisible();
    await expect(clerk.getByTestId("confirm-consequences")).toContainText(
      "Eine Genehmigung ist so nicht möglich",
    );
    await clerk.getByRole("button", { name: "Zurück zur Beteiligung" }).click();
    await expect(clerk.getByTestId("consent-refusal")).toBeVisible();

    // "Einvernehmen ersetzen …": the reasons survive "Zurück"; only the confirmation records it.
    const reasons = "Das Vorhaben fügt sich nach § 34 Abs. 1 BauGB ein; die Versagung ist rechtswidrig.";
    await clerk
      .getByTestId("consent-refusal")
      .getByLabel(/Begründung der Ersetzung/)
      .fill(reasons);
    await clerk
      .getByTestId("consent-refusal")
      .getByLabel(/wurde angehört/)
      .check();
    await clerk.getByTestId("consent-refusal").getByRole("button", { name: "Einvernehmen ersetzen" }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Einvernehmen ersetzen?" })).toBeVisible();
    await expect(clerk.getByTestId("confirm-details")).toContainText(reasons);
    expect(await seriousViolations(clerk)).toEqual([]);
    await clerk.getByRole("button", { name: "Zurück zur Beteiligung" }).click();
    await expect(clerk.getByTestId("consent-refusal").getByLabel(/Begründung der Ersetzung/)).toHaveValue(
      reasons,
    );
    await expect(clerk.getByTestId("consent-refusal").getByLabel(/wurde angehört/)).toBeChecked();
    await clerk.getByTestId("consent-refusal").getByRole("button", { name: "Einvernehmen ersetzen" }).click();
    await clerk.getByRole("button", { name: "Ja, Einvernehmen ersetzen" }).click();
    await expect(clerk.getByTestId("participation-notice")).toContainText("Einvernehmen ist ersetzt");
    await expect(clerk.getByTestId("consent-replaced")).toContainText(reasons);
    await expect(clerk.getByTestId("consent-refusal")).toHaveCount(0);
  });
});
