import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * The whole journey of a Bauantrag in one test (issue 6, "Done when"), against the real stack
 * (web, worker, PostgreSQL, Redis, S3): the architect's submitted case (created through the model
 * functions by e2e/support/review-case.ts, real PDFs); the clerk requests the missing
 * Brandschutznachweis; the architect uploads it and a revised three-page Grundrisse set and
 * answers; the clerk confirms completeness and starts the participation of the Denkmalschutz; the
 * agency answers with an Auflage; the clerk opens the decision draft (the Auflage is prefilled with
 * its source) and decides; the architect downloads the Bescheid and the stamped Grundrisse. The
 * PDFs are checked: the Bescheid's text contains the Aktenzeichen and the Auflage, the stamped
 * plan has as many pages as the version it stamps.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/bauvorlagen");
mkdirSync(ARTIFACTS, { recursive: true });

const ARCHITECT = "architektin@demo.bauantrag.de";
const CLERK = "sachbearbeiter@demo.bauantrag.de";
const AGENCY = "denkmalschutz@demo.bauantrag.de";
const AGENCY_NAME = "Untere Denkmalschutzbehörde Nordwestmecklenburg";
const REQUEST_TEXT = "Bitte reichen Sie den Brandschutznachweis nach.";
const REASON = "Das Vorhaben fügt sich nach Art und Maß der baulichen Nutzung in die Umgebung ein.";
const AUFLAGE = "Die straßenseitigen Fenster sind als Holzfenster mit stehendem Format auszuführen.";

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

function pdfText(file: string): string {
  return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

function pageCount(file: string): number {
  return Number(execFileSync("qpdf", ["--show-npages", file], { encoding: "utf8" }).trim());
}

test.describe("Der ganze Weg: Antrag, Nachforderung, Beteiligung, Bescheid", () => {
  test.describe.configure({ timeout: 300_000 });

  test("vom eingereichten Antrag bis zum heruntergeladenen Bescheid mit gestempeltem Plan", async ({
    browser,
  }) => {
    const title = `Gesamtweg E2E ${Date.now()}`;
    const { id, fileNumber } = createSubmittedCase(title);
    expect(fileNumber).toMatch(/\d{4}/);

    // A revised Grundrisse set with three pages (EG, OG, DG as separate sheets), built from the fixtures.
    const grundrisse = path.join(ARTIFACTS, "journey-grundrisse-3-blatt.pdf");
    execFileSync("qpdf", [
      "--empty",
      "--pages",
      path.join(FIXTURES, "grundriss-eg.pdf"),
      path.join(FIXTURES, "schnitt.pdf"),
      path.join(FIXTURES, "ansichten.pdf"),
      "--",
      grundrisse,
    ]);
    expect(pageCount(grundrisse)).toBe(3);

    // --- Clerk: start the review, request the Brandschutznachweis.
    const clerk = await newPage(browser, CLERK);
    await clerk.goto(`/behoerde/faelle/${id}`);
    await clerk.getByRole("button", { name: "Prüfung beginnen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("begonnen");
    await clerk.getByRole("link", { name: /Formelle Prüfung/ }).click();
    const items = clerk.getByTestId("review-item");
    const last = items.last();
    await last.getByLabel("Befundart").selectOption("05");
    await last.getByLabel("Betroffene Unterlage").selectOption("2701");
    await last.getByLabel("Was fehlt oder ist mangelhaft?").fill(REQUEST_TEXT);
    const count = await items.count();
    for (let i = 0; i < count - 1; i++) await items.nth(i).getByRole("checkbox").uncheck();
    await clerk.getByRole("button", { name: "Nachforderung senden" }).click();
    // Confirmation page (issue 14 item 6).
    await clerk.getByRole("button", { name: "Ja, Nachforderung jetzt senden" }).click();
    await expect(clerk).toHaveURL(new RegExp(`/behoerde/faelle/${id}\\?nachforderung=gesendet`));

    // --- Architect: uploads the Brandschutznachweis and the revised Grundrisse, answers, sends.
    const architect = await newPage(browser, ARCHITECT);
    await architect.goto(`/antraege/${id}/nachforderung`);
    const item = architect.getByTestId("member-request-item");
    await expect(item).toContainText(REQUEST_TEXT);
    await item.locator('input[type="file"]').setInputFiles(path.join(FIXTURES, "brandschutznachweis.pdf"));
    await item.getByRole("button", { name: "Datei hochladen" }).click();
    await expect(architect).toHaveURL(/hochgeladen=2701/);
    const form = architect.getByTestId("new-version-form");
    await form.getByLabel("Unterlage").selectOption("2001");
    await form.getByLabel("Datei").setInputFiles(grundrisse);
    await form.getByRole("button", { name: "Neue Fassung hochladen" }).click();
    await expect(architect).toHaveURL(/hochgeladen=2001/);
    await architect.goto(`/antraege/${id}/nachforderung`);
    await architect.getByLabel("Antwort zu Punkt 1").fill("Der Brandschutznachweis liegt jetzt bei.");
    await architect.getByRole("button", { name: "Antwort speichern" }).click();
    await expect(architect.getByTestId("answer-status")).toHaveText("Antwort gespeichert.");
    await architect.getByRole("button", { name: "Nachreichung absenden" }).click();
    await architect.getByRole("button", { name: "Ja, Nachreichung jetzt absenden" }).click();
    await expect(architect.getByTestId("answer-sent")).toBeVisible();

    // --- Clerk: complete, participation of the Denkmalschutz only.
    await clerk.goto(`/behoerde/faelle/${id}`);
    await clerk.getByRole("link", { name: "Vollständigkeit bestätigen" }).click();
    await clerk.getByRole("button", { name: "Ja, Vollständigkeit jetzt bestätigen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("vollständig");
    await clerk.getByRole("link", { name: "Beteiligung vorbereiten" }).click();
    const rows = clerk.getByTestId("participation-row");
    const suggested = await rows.count();
    for (let i = 0; i < suggested; i++) {
      await rows
        .nth(i)
        .getByRole("checkbox", { name: /beteiligen$/ })
        .uncheck();
    }
    const denkmalRow = clerk.locator(`[data-testid="participation-row"][data-agency="${AGENCY_NAME}"]`);
    if ((await denkmalRow.count()) === 0) {
      const add = clerk.getByLabel("Weitere Stelle");
      const value = await add.locator("option", { hasText: AGENCY_NAME }).getAttribute("value");
      await add.selectOption(value as string);
      await clerk.getByRole("button", { name: "Stelle hinzufügen" }).click();
    } else {
      await denkmalRow.getByRole("checkbox", { name: `${AGENCY_NAME} beteiligen` }).check();
    }
    await expect(denkmalRow).toHaveCount(1);
    await expect(denkmalRow.getByRole("checkbox", { name: `${AGENCY_NAME} beteiligen` })).toBeChecked();
    await clerk.getByRole("button", { name: "Beteiligung starten" }).click();
    await clerk.getByRole("button", { name: "Ja, Beteiligung jetzt starten" }).click();
    await expect(clerk.getByTestId("participation-board")).toContainText(AGENCY_NAME);

    // --- Agency: the routed request appears once the worker sent the package; answer with an Auflage.
    const agency = await newPage(browser, AGENCY);
    await expect(async () => {
      await agency.goto("/beteiligung");
      await expect(agency.getByRole("link", { name: fileNumber })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await agency.getByRole("link", { name: fileNumber }).click();
    const statementForm = agency.getByRole("form", { name: "Stellungnahme abgeben" });
    await statementForm.getByLabel("Zustimmung mit Nebenbestimmungen").check();
    const conditionRow = agency.getByTestId("condition-row").first();
    await conditionRow.getByLabel("Art").selectOption("AUFLAGE");
    await conditionRow.getByLabel("Text").fill(AUFLAGE);
    await conditionRow.getByLabel("Rechtsgrundlage (optional)").fill("§ 7 DSchG M-V");
    await statementForm
      .getByLabel("Begründung")
      .fill("Das Vorhaben liegt in der Umgebung eines Baudenkmals.");
    await statementForm.getByRole("button", { name: "Stellungnahme abgeben" }).click();
    await agency.getByRole("button", { name: "Ja, Stellungnahme verbindlich abgeben" }).click();
    await expect(agency.getByText("Stellungnahme abgegeben", { exact: true })).toBeVisible();

    // --- Clerk: the draft has the Auflage with its source; decide.
    await clerk.goto(`/behoerde/faelle/${id}`);
    await clerk.getByRole("link", { name: "Bescheid vorbereiten" }).click();
    await clerk.getByRole("button", { name: "Bescheidentwurf anlegen" }).click();
    const conditions = clerk.getByTestId("decision-condition");
    await expect(conditions).toHaveCount(1);
    await expect(conditions.first().getByLabel("Text der Nebenbestimmung 1")).toHaveValue(AUFLAGE);
    await expect(conditions.first().getByLabel("Art (1.)")).toHaveValue("AUFLAGE");
    await expect(conditions.first().getByTestId("condition-source")).toHaveText(
      new RegExp(`^Quelle: ${AGENCY_NAME}, Stellungnahme vom \\d{2}\\.\\d{2}\\.\\d{4}$`),
    );
    // The revised Grundrisse (version 2) is the decisive version and is stamped.
    const grundrissRows = clerk.getByTestId("decision-document").filter({ hasText: "Grundrisse" });
    await expect(grundrissRows).toHaveCount(1);
    await expect(grundrissRows).toContainText("Version 2");
    await expect(grundrissRows.getByLabel(/stempeln/)).toBeChecked();
    // One participation is charged on top of the permit fee.
    await expect(clerk.getByTestId("fee-line")).toHaveCount(2);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "journey-decision-draft.png"), fullPage: true });
    // The Begründung comes from the file in four fixed sections; the clerk adds the Würdigung and
    // the purpose of the Nebenbestimmungen (issue 15 item 1).
    await expect(clerk.getByTestId("reasons-preview")).toContainText("1. Sachverhalt");
    await clerk.getByRole("textbox", { name: "Rechtliche Würdigung: Ihre Ergänzung" }).fill(REASON);
    await clerk.getByRole("textbox", { name: "Nebenbestimmungen: Ihre Ergänzung" }).fill(REASON);
    await clerk.getByRole("button", { name: "Bescheid erlassen …" }).click();
    await expect(clerk.getByTestId("decide-confirmation")).toBeVisible();
    await expect(clerk.getByTestId("placeholder-warning")).toHaveCount(0);
    await clerk.getByRole("button", { name: "Jetzt verbindlich erlassen" }).click();
    await expect(clerk.getByTestId("decision-notice")).toContainText("Die Entscheidung ist getroffen");

    // --- Architect: the decision on the case page; the worker's files appear; download and check.
    await architect.goto(`/antraege/${id}`);
    // The validity runs from the Bekanntgabe (issue 14): shown once the Bescheid is retrieved.
    await expect(architect.getByTestId("decision-summary")).toContainText("Baugenehmigung");
    const files = architect.getByTestId("decision-files");
    await expect(files.locator('a[data-kind="BESCHEID"]')).toHaveCount(1, { timeout: 60_000 });
    await expect(files.locator('a[data-kind="APPROVED_PLAN"]', { hasText: "Grundrisse" })).toHaveCount(1);
    await architect.screenshot({
      path: path.join(ARTIFACTS, "journey-applicant-decided.png"),
      fullPage: true,
    });

    const bescheidDownload = architect.waitForEvent("download");
    await files.locator('a[data-kind="BESCHEID"]').click();
    const bescheidFile = path.join(ARTIFACTS, "journey-bescheid.pdf");
    await (await bescheidDownload).saveAs(bescheidFile);
    // The download is the retrieval: bekannt gegeben the next day, Widerspruch and validity run from it.
    await architect.reload();
    await expect(architect.getByTestId("bekanntgabe-date")).toContainText("Bekannt gegeben am");
    await expect(architect.getByTestId("validity-end")).toContainText("§ 73 LBauO M-V");
    const bescheidText = pdfText(bescheidFile);
    expect(bescheidText).toContain(fileNumber);
    expect(bescheidText).toContain(AUFLAGE);
    expect(bescheidText).toContain(REASON);
    expect(bescheidText).not.toContain("[…]");

    const planHref = (await files
      .locator('a[data-kind="APPROVED_PLAN"]', { hasText: "Grundrisse" })
      .getAttribute("href")) as string;
    const plan = await architect.request.get(planHref);
    expect(plan.status()).toBe(200);
    expect(plan.headers()["content-type"]).toBe("application/pdf");
    const planFile = path.join(ARTIFACTS, "journey-grundrisse-genehmigt.pdf");
    writeFileSync(planFile, await plan.body());
    expect(pageCount(planFile)).toBe(pageCount(grundrisse));
    expect(pdfText(planFile)).toContain(fileNumber);
  });
});
