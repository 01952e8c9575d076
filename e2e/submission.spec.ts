import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { fixturePathFor } from "./support/fixture-files";

/**
 * The main journey against the real stack (web + worker + embedded S3 + PostgreSQL +
 * Redis): an architect creates a draft, fills the steps while the live completeness list shrinks,
 * uploads real fixture PDFs, invites the Bauherr, submits with one document "wird nachgereicht",
 * downloads the receipt PDF (its text contains the Aktenzeichen), and the clerk sees the new case.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const ARCHITECT = "architektin@demo.bauantrag.de";
const BAUHERR = "bauherr@demo.bauantrag.de";
const CLERK = "sachbearbeiter@demo.bauantrag.de";

async function openCount(page: Page): Promise<number> {
  const el = page.getByTestId("completeness-count").first();
  await expect(el).toBeVisible();
  return Number(await el.getAttribute("data-count"));
}

async function createDraft(page: Page, title: string): Promise<string> {
  await page.goto("/antraege");
  await expect(page.getByRole("link", { name: "Neuer Antrag" })).toHaveAttribute("href", "/antraege/neu");
  await page.goto("/antraege/neu");
  await expect(page.getByRole("heading", { level: 1, name: "Neuer Bauantrag" })).toBeVisible();
  const select = page.getByLabel("Gemeinde des Baugrundstücks");
  const value = await select.locator("option", { hasText: "Stadt Grevesmühlen" }).getAttribute("value");
  await select.selectOption(value!);
  await page.getByLabel(/^Vereinfachtes Baugenehmigungsverfahren \(§ 63 /).check();
  await page.getByLabel("Kurze Bezeichnung des Vorhabens").fill(title);
  await page.getByRole("button", { name: "Antrag anlegen" }).click();
  await expect(page).toHaveURL(/\/antraege\/[0-9a-f-]{36}\/bearbeiten\/bauherr$/);
  return page.url().match(/antraege\/([0-9a-f-]{36})/)![1]!;
}

async function phoneShots(browser: Browser, applicationId: string, pages: { url: string; name: string }[]) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await loginAs(page, ARCHITECT);
  for (const p of pages) {
    await page.goto(p.url.replace(":id", applicationId));
    await expect(page.locator("h1")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${p.name}: nothing sticks out sideways on a phone`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, `${p.name}-phone.png`), fullPage: true });
  }
  await context.close();
}

test.describe("Bauantrag einreichen", () => {
  test.describe.configure({ timeout: 180_000 });

  test("Architektin legt an, füllt aus, lädt hoch, lädt ein, reicht ein; Sachbearbeitung sieht den Fall", async ({
    page,
    browser,
  }) => {
    const title = `Neubau Einfamilienhaus E2E ${Date.now()}`;
    await loginAs(page, ARCHITECT);
    const id = await createDraft(page, title);

    // --- Step 1: Bauherr. The live list shrinks while typing (no request in between).
    await expect(page.getByRole("heading", { level: 1, name: "Bauherr:in" })).toBeVisible();
    const start = await openCount(page);
    expect(start).toBeGreaterThan(5);
    await page.getByLabel("eine Privatperson").check();
    await page.getByLabel("Vorname").fill("Bernd");
    await page.getByLabel("Nachname").fill("Bauherr");
    await expect.poll(() => openCount(page)).toBeLessThan(start);
    await page.getByLabel("E-Mail-Adresse").fill(BAUHERR);
    await page.getByLabel("Straße").fill("Dorfstraße");
    await page.getByLabel("Hausnummer").fill("5");
    await page.getByLabel("Postleitzahl").fill("23936");
    await page.getByLabel("Ort").fill("Grevesmühlen");
    await page
      .getByRole("group", { name: /bevollmächtigte Person/ })
      .getByLabel("Nein")
      .check();
    const afterBauherr = await openCount(page);
    expect(afterBauherr).toBeLessThan(start);
    await expect(page.getByLabel("Vorname")).toHaveAttribute("autocomplete", "given-name");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "step-bauherr.png"), fullPage: true });
    await page.getByRole("button", { name: /Speichern und weiter/ }).click();

    // --- Step 2: Entwurfsverfasser
    await expect(page.getByRole("heading", { level: 1, name: "Entwurfsverfasser:in" })).toBeVisible();
    expect(await openCount(page)).toBe(afterBauherr);
    await page.getByLabel("Name bzw. Büro").fill("Architekturbüro Anna Architektin");
    await page.getByLabel("Kammer-Mitgliedsnummer").fill("MV-12345");
    await page.getByLabel("Kammer des Landes").selectOption("MV");
    await page.getByRole("button", { name: /Speichern und weiter/ }).click();

    // --- Step 3: Grundstück with two Flurstücke
    await expect(page.getByRole("heading", { level: 1, name: "Baugrundstück" })).toBeVisible();
    await page.getByLabel("Straße").fill("Am Mühlenteich");
    await page.getByLabel("Hausnummer").fill("12");
    await page.getByLabel("Postleitzahl").fill("23936");
    await page.getByLabel("Ort").fill("Grevesmühlen");
    const rows = page.getByTestId("parcel-row");
    await rows.nth(0).getByLabel("Gemarkung").fill("1234");
    await rows.nth(0).getByLabel("Flur").fill("3");
    await rows.nth(0).getByLabel("Zähler").fill("45");
    await page.getByRole("button", { name: "Weiteres Flurstück hinzufügen" }).click();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0).getByLabel("Gemarkung")).toHaveValue("1234");
    await rows.nth(1).getByLabel("Gemarkung").fill("1234");
    await rows.nth(1).getByLabel("Flur").fill("3");
    await rows.nth(1).getByLabel("Zähler").fill("46");
    await rows.nth(1).getByLabel("Nenner").fill("2");
    await page.getByLabel("Innenbereich (§ 34 BauGB)").check();
    await page
      .getByRole("group", { name: /Bundes- oder Landesstraße/ })
      .getByLabel("Nein")
      .check();
    await page
      .getByRole("group", { name: /Eigentümerin/ })
      .getByLabel("Ja")
      .check();
    await page.screenshot({ path: path.join(ARTIFACTS, "step-grundstueck.png"), fullPage: true });
    await page.getByRole("button", { name: /Speichern und weiter/ }).click();

    // --- Step 4: Vorhaben
    await expect(page.getByRole("heading", { level: 1, name: "Vorhaben" })).toBeVisible();
    await page.getByLabel("Errichtung").check();
    await page.getByLabel("Beschreibung des Vorhabens").fill("Neubau eines Einfamilienhauses mit Carport.");
    await page.getByLabel("GK 1").check();
    await page.getByLabel("Nutzung", { exact: true }).selectOption("WOHNEN");
    await page.getByLabel("Geschätzte Baukosten in Euro").fill("350.000");
    for (const group of await page.locator("fieldset.kern-fieldset:has(input[value=false])").all()) {
      await group.getByLabel("Nein").check();
    }
    await page
      .getByRole("group", { name: /beheizte Räume/ })
      .getByLabel("Ja")
      .check();
    const beforeDocuments = await openCount(page);
    await page.screenshot({ path: path.join(ARTIFACTS, "step-vorhaben.png"), fullPage: true });
    await page.getByRole("button", { name: /Speichern und weiter/ }).click();

    // --- Unterlagen: upload real PDFs; the missing list shrinks with every file. Keep one missing.
    await expect(page).toHaveURL(new RegExp(`/antraege/${id}/unterlagen`));
    const missing = page.locator('[data-testid^="dokument-"][data-status="fehlt"]');
    const codes = await missing.evaluateAll((els) =>
      els.map((e) => (e.getAttribute("data-testid") ?? "").replace("dokument-", "")),
    );
    expect(codes.length).toBeGreaterThanOrEqual(3);
    const later = codes[codes.length - 1]!;
    let remaining = codes.length;
    for (const code of codes.slice(0, -1)) {
      const card = page.getByTestId(`dokument-${code}`);
      await card.locator('input[type="file"]').setInputFiles(fixturePathFor(code));
      await card.getByRole("button", { name: "Hochladen", exact: true }).click();
      await expect(page.getByTestId(`dokument-${code}`)).toHaveAttribute("data-status", "vorhanden", {
        timeout: 20_000,
      });
      remaining -= 1;
      await expect(missing).toHaveCount(remaining);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "step-unterlagen.png"), fullPage: true });

    // Back on a step page the live panel counts the uploads too.
    await page.goto(`/antraege/${id}/bearbeiten/vorhaben`);
    expect(await openCount(page)).toBe(beforeDocuments - (codes.length - 1));

    // --- Invite the Bauherr
    await page.goto(`/antraege/${id}`);
    await page.getByLabel("E-Mail-Adresse").fill(BAUHERR);
    await page.getByLabel("Rolle").selectOption("BAUHERR");
    await page.getByRole("button", { name: "Einladen" }).click();
    await expect(page.getByTestId("invite-success")).toContainText(BAUHERR);
    await expect(page.getByTestId("members")).toContainText(`Einladung an ${BAUHERR} offen`);
    await page.screenshot({ path: path.join(ARTIFACTS, "draft-overview.png"), fullPage: true });

    // --- The Bauherr accepts in the app and confirms the application; only then may the architect
    // submit (issue 14, e2e/parties.spec.ts covers the refusal).
    const bauherrContext = await browser.newContext();
    const bauherr = await bauherrContext.newPage();
    await loginAs(bauherr, BAUHERR);
    await bauherr.goto("/antraege");
    await bauherr
      .getByTestId("pending-invitation")
      .filter({ hasText: title })
      .getByRole("button", { name: "Einladung annehmen" })
      .click();
    await expect(bauherr).toHaveURL(new RegExp(`/antraege/${id}$`));
    await bauherr.getByLabel(/Ich bin Bauherr:in dieses Vorhabens/).check();
    await bauherr.getByRole("button", { name: "Antrag zur Einreichung bestätigen" }).click();
    await expect(bauherr.getByTestId("parties-message")).toContainText("bestätigt");
    await bauherrContext.close();

    // --- Phone screenshots of the steps before submitting
    await phoneShots(browser, id, [
      { url: "/antraege/:id/bearbeiten/bauherr", name: "step-bauherr" },
      { url: "/antraege/:id/bearbeiten/grundstueck", name: "step-grundstueck" },
      { url: "/antraege/:id/pruefen", name: "pruefen" },
    ]);

    // --- Review and submit with one document "wird nachgereicht"
    await page.goto(`/antraege/${id}/pruefen`);
    await expect(page.getByRole("heading", { level: 1, name: "Prüfen und einreichen" })).toBeVisible();
    await expect(page.getByTestId("missing-fields")).toHaveCount(0);
    await expect(page.getByTestId(`missing-document-${later}`)).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "pruefen.png"), fullPage: true });
    // Without the mark the server refuses.
    await page.getByRole("button", { name: "Antrag verbindlich einreichen" }).click();
    await expect(page.getByTestId("submit-error")).toContainText("nicht vollständig");
    await page
      .getByTestId(`missing-document-${later}`)
      .getByLabel(/wird nachgereicht/)
      .check();
    await page.getByRole("button", { name: "Antrag verbindlich einreichen" }).click();
    // Confirmation page naming the consequences (issue 14 item 6).
    await expect(page.getByTestId("confirm-consequences")).toContainText("nachgereicht");
    await page.getByRole("button", { name: "Ja, Antrag jetzt verbindlich einreichen" }).click();
    await expect(page).toHaveURL(new RegExp(`/antraege/${id}\\?eingereicht=1`));
    const fileNumber = (await page.getByTestId("file-number").textContent())!.trim();
    expect(fileNumber).toMatch(/^63-\d{4}-\d{5}$/);
    await expect(page.getByTestId("open-items")).toBeVisible();
    await expect(page.getByTestId("timeline")).toContainText("Antrag eingereicht");

    // --- The worker renders the receipt; the page picks it up by revalidation.
    const link = page.getByTestId("download-RECEIPT");
    await expect(link).toBeVisible({ timeout: 60_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, "case-submitted.png"), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const pdfPath = path.join(ARTIFACTS, "eingangsbestaetigung.pdf");
    await download.saveAs(pdfPath);
    const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
    expect(text).toContain(fileNumber);
    await expect(page.getByTestId("download-XBAU_0200")).toBeVisible({ timeout: 60_000 });

    // --- Meine Anträge shows status, Aktenzeichen and the open item
    await page.goto("/antraege");
    const row = page.getByRole("row", { name: new RegExp(title) });
    await expect(row).toContainText(fileNumber);
    await expect(row).toContainText("Eingereicht");

    // --- The clerk sees the new case in the inbox
    const clerkContext = await browser.newContext();
    const clerk = await clerkContext.newPage();
    await loginAs(clerk, CLERK);
    await clerk.goto("/behoerde/posteingang");
    await expect(clerk.getByText(title)).toBeVisible();
    // The row links the case by its Aktenzeichen (the row's assign control names it too).
    await expect(clerk.getByRole("link", { name: new RegExp(fileNumber) })).toBeVisible();
    await clerkContext.close();
  });

  test("Flurstücke hinzufügen und entfernen ohne JavaScript; gespeicherte Werte bleiben", async ({
    browser,
  }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await loginAs(page, ARCHITECT);
    const id = await createDraft(page, `Ohne JS ${Date.now()}`);
    await page.goto(`/antraege/${id}/bearbeiten/grundstueck`);
    const rows = page.getByTestId("parcel-row");
    await rows.nth(0).getByLabel("Gemarkung").fill("1111");
    await rows.nth(0).getByLabel("Flur").fill("1");
    await rows.nth(0).getByLabel("Zähler").fill("10");
    await page.getByRole("button", { name: "Weiteres Flurstück hinzufügen" }).click();
    await expect(rows).toHaveCount(2);
    await rows.nth(1).getByLabel("Gemarkung").fill("2222");
    await rows.nth(1).getByLabel("Flur").fill("2");
    await rows.nth(1).getByLabel("Zähler").fill("20");
    await page.getByRole("button", { name: "Flurstück 1 entfernen" }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.nth(0).getByLabel("Gemarkung")).toHaveValue("2222");
    // Server-rendered completeness panel without JavaScript
    await expect(page.getByTestId("completeness-count")).toContainText(/Noch \d+ Punkte offen/);
    await page.getByRole("button", { name: "Speichern", exact: true }).click();
    await expect(page.getByText("Ihre Angaben sind gespeichert")).toBeVisible();
    await expect(rows).toHaveCount(1);
    await expect(rows.nth(0).getByLabel("Zähler")).toHaveValue("20");
    // Bad postal code: German message at the field, input kept
    await page.getByLabel("Postleitzahl").fill("2393");
    await page.getByRole("button", { name: "Speichern", exact: true }).click();
    await expect(page.getByText("Die Postleitzahl hat fünf Ziffern.")).toBeVisible();
    await expect(page.getByLabel("Postleitzahl")).toHaveValue("2393");
    await context.close();
  });

  test("Gleichzeitiges Speichern: zweite Person bekommt eine Konfliktmeldung und verliert nichts", async ({
    browser,
  }) => {
    const a = await browser.newContext();
    const b = await browser.newContext();
    const pageA = await a.newPage();
    const pageB = await b.newPage();
    await loginAs(pageA, ARCHITECT);
    await loginAs(pageB, ARCHITECT);
    const id = await createDraft(pageA, `Konflikt ${Date.now()}`);
    await pageB.goto(`/antraege/${id}/bearbeiten/bauherr`);
    await pageA.getByLabel("Vorname").fill("Erste");
    await pageA.getByRole("button", { name: "Speichern", exact: true }).click();
    await expect(pageA.getByText("Ihre Angaben sind gespeichert")).toBeVisible();
    await pageB.getByLabel("Vorname").fill("Zweite");
    await pageB.getByRole("button", { name: "Speichern", exact: true }).click();
    await expect(pageB.getByTestId("conflict-message")).toContainText(
      /Dieser Abschnitt wurde zwischenzeitlich von .+ um \d\d:\d\d Uhr gespeichert\. Ihre Eingaben sind unten erhalten/,
    );
    await expect(pageB.getByLabel("Vorname")).toHaveValue("Zweite");
    await pageB.screenshot({ path: path.join(ARTIFACTS, "conflict.png"), fullPage: true });
    await pageB.getByRole("button", { name: "Speichern", exact: true }).click();
    await expect(pageB.getByText("Ihre Angaben sind gespeichert")).toBeVisible();
    await expect(pageB.getByLabel("Vorname")).toHaveValue("Zweite");
    await a.close();
    await b.close();
  });
});
