import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * Issue 4's journey against the real stack: a submitted case (created through the model functions
 * in e2e/support/review-case.ts, real PDFs in the e2e S3 server); the clerk finds it in the inbox,
 * requests a missing Brandschutznachweis with a deadline and an internal note; the architect sees
 * the request without the note, uploads the document and a new plan version, answers and sends;
 * the clerk sees the changes highlighted, views and compares the plan versions (pdf.js), confirms
 * completeness and the decision deadline appears.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/bauvorlagen");
mkdirSync(ARTIFACTS, { recursive: true });

const ARCHITECT = "architektin@demo.bauantrag.de";
const CLERK = "sachbearbeiter@demo.bauantrag.de";
const INTERNAL_NOTE = "Intern: Prüfstatiker vorab informieren";
const ITEM_TEXT = "Bitte reichen Sie den Brandschutznachweis nach.";

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

test.describe("Bauamt: formelle Prüfung mit Nachforderung", () => {
  test.describe.configure({ timeout: 180_000 });

  test("Nachforderung, Nachreichung, Vergleich, Vollständigkeit", async ({ browser }) => {
    const title = `Prüfung E2E ${Date.now()}`;
    const { id, fileNumber } = createSubmittedCase(title);
    expect(fileNumber).toMatch(/\d{4}/);

    // --- Clerk: inbox search, open the case.
    const clerk = await newPage(browser, CLERK);
    await clerk.goto("/behoerde/posteingang");
    await clerk.getByLabel(/^Suche/).fill(fileNumber);
    await clerk.getByRole("button", { name: "Filtern" }).click();
    await expect(clerk).toHaveURL(/q=/);
    await expect(clerk.getByTestId("inbox-row")).toHaveCount(1);
    await expect(clerk.getByTestId("inbox-row")).toContainText(title);
    await clerk.getByLabel("Status").selectOption("SUBMITTED");
    await clerk.getByRole("button", { name: "Filtern" }).click();
    await expect(clerk.getByTestId("inbox-row")).toHaveCount(1);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "review-inbox.png"), fullPage: true });
    await clerk.getByRole("link", { name: fileNumber }).click();
    await expect(clerk).toHaveURL(new RegExp(`/behoerde/faelle/${id}$`));
    await expect(clerk.getByRole("heading", { level: 1, name: title })).toBeVisible();

    await clerk.getByRole("button", { name: "Prüfung beginnen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("begonnen");

    // --- Formal review: add the missing Brandschutznachweis, internal note, send.
    await clerk.getByRole("link", { name: /Formelle Prüfung/ }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: "Formelle Prüfung" })).toBeVisible();
    const items = clerk.getByTestId("review-item");
    const last = items.last();
    await last.getByLabel("Befundart").selectOption("05");
    await last.getByLabel("Betroffene Unterlage").selectOption("2701");
    await last.getByLabel("Was fehlt oder ist mangelhaft?").fill(ITEM_TEXT);
    // Proposed findings (if any) are not requested here: only the Brandschutznachweis.
    const count = await items.count();
    for (let i = 0; i < count - 1; i++) await items.nth(i).getByRole("checkbox").uncheck();
    await clerk.getByLabel(/Interner Vermerk/).fill(INTERNAL_NOTE);
    await clerk.getByRole("button", { name: "Nachforderung senden" }).click();
    // Confirmation page (issue 14 item 6).
    await clerk.getByRole("button", { name: "Ja, Nachforderung jetzt senden" }).click();
    await expect(clerk).toHaveURL(new RegExp(`/behoerde/faelle/${id}\\?nachforderung=gesendet`));
    await expect(clerk.getByTestId("deadline-request")).toContainText(/noch \d+ Tage/);
    await expect(clerk.getByTestId("internal-note")).toHaveText(INTERNAL_NOTE);
    await expect(clerk.getByTestId("clerk-request-item")).toHaveCount(1);

    // --- Architect: sees the request, not the internal note; uploads; answers; sends.
    const architect = await newPage(browser, ARCHITECT);
    await architect.goto(`/antraege/${id}`);
    await expect(architect.getByTestId("open-request")).toBeVisible();
    await architect.getByRole("link", { name: /Nachforderung ansehen/ }).click();
    await expect(
      architect.getByRole("heading", { level: 1, name: "Nachforderung der Bauaufsicht" }),
    ).toBeVisible();
    const item = architect.getByTestId("member-request-item");
    await expect(item).toHaveCount(1);
    await expect(item).toContainText(ITEM_TEXT);
    await expect(architect.getByText(INTERNAL_NOTE)).toHaveCount(0);
    expect(await architect.content()).not.toContain("Prüfstatiker");
    await item.locator('input[type="file"]').setInputFiles(path.join(FIXTURES, "brandschutznachweis.pdf"));
    await item.getByRole("button", { name: "Datei hochladen" }).click();
    await expect(architect).toHaveURL(/hochgeladen=2701/);
    await expect(architect.getByTestId("member-request-item")).toContainText("neu hochgeladen: Version 1");
    // A revised floor plan as well (new version of an already submitted plan).
    const form = architect.getByTestId("new-version-form");
    await form.getByLabel("Unterlage").selectOption("2001");
    await form.getByLabel("Datei").setInputFiles(path.join(FIXTURES, "schnitt.pdf"));
    await form.getByRole("button", { name: "Neue Fassung hochladen" }).click();
    await expect(architect).toHaveURL(/hochgeladen=2001/);
    await architect.goto(`/antraege/${id}/nachforderung`);
    await architect.getByLabel("Antwort zu Punkt 1").fill("Der Brandschutznachweis liegt jetzt bei.");
    await architect.getByRole("button", { name: "Antwort speichern" }).click();
    await expect(architect.getByTestId("answer-status")).toHaveText("Antwort gespeichert.");
    await architect.getByRole("button", { name: "Nachreichung absenden" }).click();
    await architect.getByRole("button", { name: "Ja, Nachreichung jetzt absenden" }).click();
    await expect(architect.getByTestId("answer-sent")).toBeVisible();
    await expect(architect.getByTestId("open-request")).toHaveCount(0);

    // --- Clerk: changes highlighted, viewer, comparison, complete.
    await clerk.goto(`/behoerde/faelle/${id}`);
    const changes = clerk.getByTestId("changes-documents");
    await expect(changes).toContainText("Brandschutznachweis");
    await expect(changes).toContainText("Grundriss");
    await expect(clerk.locator('[data-testid="case-document-version"][data-new="true"]')).toHaveCount(2);
    await expect(clerk.getByTestId("clerk-request-item")).toContainText("liegt jetzt bei");

    const planDoc = clerk.getByTestId("case-document-2001");
    await planDoc.getByRole("button", { name: /Version 1 anzeigen/ }).click();
    const viewer = clerk.getByTestId("pdf-viewer");
    await expect(viewer).toHaveAttribute("data-rendered", /#1@/, { timeout: 20_000 });
    await clerk.getByRole("button", { name: "Vergrößern" }).click();
    await expect(clerk.getByTestId("pdf-zoom")).toHaveText("125 %");
    await expect(viewer).toHaveAttribute("data-rendered", /@3$/);

    await planDoc.getByRole("button", { name: "Fassungen vergleichen" }).click();
    const compare = clerk.getByTestId("version-compare");
    await expect(compare).toHaveAttribute("data-rendered", /#1$/, { timeout: 20_000 });
    const sizes = await compare
      .locator("canvas")
      .evaluateAll((cs) => (cs as HTMLCanvasElement[]).map((c) => c.width * c.height));
    expect(sizes.every((n) => n > 0)).toBe(true);
    await compare.getByLabel("Überlagert").check();
    await compare.getByLabel(/Unterschiede hervorheben/).check();
    await expect(compare).toHaveAttribute("data-mode", "overlay");
    await clerk.screenshot({ path: path.join(ARTIFACTS, "review-case.png"), fullPage: true });

    await clerk.getByRole("link", { name: "Vollständigkeit bestätigen" }).click();
    await clerk.getByRole("button", { name: "Ja, Vollständigkeit jetzt bestätigen" }).click();
    await expect(clerk.getByTestId("case-action-message")).toContainText("vollständig");
    await expect(clerk.getByTestId("deadline-decision")).toBeVisible();
    await expect(clerk.getByTestId("deadline-decision")).toContainText(/noch \d+ Tage/);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "review-case-complete.png"), fullPage: true });

    // --- XBau: the worker exported 0201 (request, complete) and 0202 (Nachreichung); both sides list them.
    await expect
      .poll(
        async () => {
          await clerk.reload();
          return clerk
            .locator('[data-testid="generated-XBAU_0201"], [data-testid="generated-XBAU_0202"]')
            .count();
        },
        { timeout: 30_000 },
      )
      .toBe(3);
    await architect.goto(`/antraege/${id}`);
    await expect(architect.getByTestId("generated-XBAU_0202")).toContainText("antragGeaendert.0202");
    const download = architect.waitForEvent("download");
    await architect.getByTestId("generated-XBAU_0202").getByRole("link").click();
    const xml = await (await download)
      .path()
      .then((p) => import("node:fs").then((fs) => fs.readFileSync(p, "utf8")));
    expect(xml).toContain("baugenehmigung.antragGeaendert.0202");
  });
});
