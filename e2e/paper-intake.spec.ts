import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { BAUVORLAGEN_DIR } from "./support/fixture-files.ts";
import { readMailTo } from "./support/mail-server.ts";

/**
 * Issue 16 item 2 end to end: a clerk registers an application received on paper in the browser —
 * a hostile scan is refused naming the file and nothing is stored; with good scans the case gets
 * its Aktenzeichen, appears in the inbox and on the case page with the Eingangsdatum (not today),
 * and the Bauherr:in is invited; the invitation mail arrives, the Bauherr:in accepts and sees the
 * case among "Meine Anträge".
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });
const root = path.resolve(import.meta.dirname, "..");
const S3_PORT = Number(process.env.E2E_S3_PORT ?? 9110);
const MAIL_DIR = path.join(root, `.data/e2e-mail-${Number(process.env.E2E_SMTP_PORT ?? S3_PORT + 2000)}`);

const CLERK = "sachbearbeiter@demo.bauantrag.de";
const BAUHERR = "bauherr@demo.bauantrag.de";

/** A Berlin calendar date `days` before today, as the date input takes it and as the UI shows it. */
function daysAgo(days: number): { iso: string; german: string } {
  const at = new Date(Date.now() - days * 86_400_000);
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Berlin",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return {
    iso: `${get("year")}-${get("month")}-${get("day")}`,
    german: `${get("day")}.${get("month")}.${get("year")}`,
  };
}

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

async function fillKeyData(page: Page, title: string, receivedOn: string) {
  await page.getByLabel("Papier (per Post oder persönlich abgegeben)").check();
  await page.locator("#f-receivedOn").fill(receivedOn);
  await page.locator("#f-title").fill(title);
  await page.locator("#f-procedureType").selectOption("VEREINFACHT");
  await page.locator("#f-municipalityId").selectOption({ label: "Stadt Grevesmühlen" });
  await page.getByLabel("eine Privatperson").check();
  await page.locator("#f-bauherr-firstName").fill("Bernd");
  await page.locator("#f-bauherr-lastName").fill("Bauherr");
  await page.locator("#f-bauherr-email").fill(BAUHERR);
  await page.locator("#f-bauherr-address-street").fill("Klützer Straße");
  await page.locator("#f-bauherr-address-houseNumber").fill("5");
  await page.locator("#f-bauherr-address-postalCode").fill("23936");
  await page.locator("#f-bauherr-address-city").fill("Grevesmühlen");
  await page.locator("#f-plot-address-street").fill("Lindenweg");
  await page.locator("#f-plot-address-houseNumber").fill("7");
  await page.locator("#f-plot-address-postalCode").fill("23936");
  await page.locator("#f-plot-address-city").fill("Grevesmühlen");
  await page.locator("#f-plot-parcels-0-gemarkung").fill("1234");
  await page.locator("#f-plot-parcels-0-flur").fill("5");
  await page.locator("#f-plot-parcels-0-zaehler").fill(String(1000 + (Date.now() % 8000)));
  await page.getByLabel("Errichtung").check();
  await page.locator("#f-project-description").fill("Neubau eines Einfamilienhauses mit Carport");
}

test.describe("Bauamt: Papierantrag erfassen", () => {
  test.describe.configure({ timeout: 180_000 });

  test("erfassen, im Posteingang und im Vorgang mit Eingangsdatum, Bauherr:in einladen", async ({
    browser,
  }) => {
    const title = `Papierantrag E2E ${Date.now()}`;
    const received = daysAgo(3);

    const clerk = await newPage(browser, CLERK);
    await clerk.goto("/behoerde/posteingang");
    await clerk.getByRole("link", { name: "Papierantrag erfassen" }).click();
    await expect(clerk).toHaveURL(/\/behoerde\/posteingang\/papier$/);

    // A hostile scan (encrypted PDF): refused naming the file, nothing registered.
    await fillKeyData(clerk, title, received.iso);
    await clerk.locator("#f-scanType-0").selectOption("1803");
    await clerk.locator("#f-scan-0").setInputFiles(path.join(BAUVORLAGEN_DIR, "encrypted.pdf"));
    await clerk.getByRole("button", { name: "Antrag erfassen" }).click();
    await expect(clerk.getByTestId("scan-0-error")).toContainText("encrypted.pdf");
    await expect(clerk.getByText("Es wurde nichts gespeichert.")).toBeVisible();
    await expect(clerk.getByTestId("paper-intake-files-dropped")).toBeVisible();
    // The typed values are kept; only the files are chosen again.
    await expect(clerk.locator("#f-title")).toHaveValue(title);
    await expect(clerk.locator("#f-bauherr-lastName")).toHaveValue("Bauherr");
    // The form with its errors is accessible (WCAG 2.1 AA, axe-core).
    expect(await seriousViolations(clerk)).toEqual([]);

    await clerk.locator("#f-scanType-0").selectOption("1803");
    await clerk.locator("#f-scan-0").setInputFiles(path.join(BAUVORLAGEN_DIR, "lageplan.pdf"));
    await clerk.locator("#f-scanType-1").selectOption("2001");
    await clerk.locator("#f-scan-1").setInputFiles(path.join(BAUVORLAGEN_DIR, "grundriss-eg.pdf"));
    await clerk.getByRole("button", { name: "Antrag erfassen" }).click();
    await expect(clerk).toHaveURL(/\/behoerde\/posteingang\/papier\/[0-9a-f-]{36}\?erfasst=1$/);
    const heading = await clerk.getByRole("heading", { level: 1 }).textContent();
    const fileNumber = /Az\. (\S+)/.exec(heading ?? "")?.[1] ?? "";
    expect(fileNumber).toMatch(/\d{4}/);
    await expect(clerk.getByTestId("paper-intake-registered")).toContainText(received.german);
    await expect(clerk.getByTestId("paper-intake-open-items")).toContainText("Baubeschreibung");
    await clerk.screenshot({ path: path.join(ARTIFACTS, "paper-intake-registered.png"), fullPage: true });
    expect(await seriousViolations(clerk)).toEqual([]);

    // Zur Online-Bearbeitung einladen.
    await clerk.getByRole("button", { name: "Bauherr:in zur Online-Bearbeitung einladen" }).click();
    await expect(clerk.getByTestId("paper-intake-invite-message")).toContainText(
      `Einladung an ${BAUHERR} versandt.`,
    );
    await expect(clerk.getByTestId("paper-intake-party-BAUHERR")).toContainText("eingeladen");

    // In the inbox, and on the case page with the Eingangsdatum and the Eingangsart.
    await clerk.goto("/behoerde/posteingang");
    await clerk.getByLabel(/^Suche/).fill(fileNumber);
    await clerk.getByRole("button", { name: "Filtern" }).click();
    await expect(clerk.getByTestId("inbox-row")).toHaveCount(1);
    await expect(clerk.getByTestId("inbox-row")).toContainText(title);
    await expect(clerk.getByTestId("inbox-row")).toContainText(`Eingang ${received.german} (auf Papier)`);
    await clerk.getByRole("link", { name: fileNumber }).click();
    await expect(clerk.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(clerk.getByTestId("case-intake")).toHaveText(`${received.german}, auf Papier eingegangen`);
    await expect(clerk.getByText(`auf Papier eingegangen am ${received.german}`)).toBeVisible();
    await clerk.screenshot({ path: path.join(ARTIFACTS, "paper-intake-case.png"), fullPage: true });

    // The Bauherr:in gets the mail (Eingangsdatum, Aktenzeichen, link), accepts and sees the case.
    const mail = await readMailTo(MAIL_DIR, BAUHERR, fileNumber);
    const link = /https?:\/\/\S+\/einladung\/[A-Za-z0-9_-]+/.exec(mail)?.[0];
    expect(link).toBeTruthy();
    const bauherr = await newPage(browser, BAUHERR);
    await bauherr.goto(new URL(link as string).pathname);
    await bauherr.getByRole("button", { name: "Einladung annehmen" }).click();
    await expect(bauherr).toHaveURL(/\/antraege\/[0-9a-f-]{36}$/);
    await expect(bauherr.getByText(fileNumber).first()).toBeVisible();
    await bauherr.goto("/antraege");
    await expect(bauherr.getByText(title)).toBeVisible();
  });
});
