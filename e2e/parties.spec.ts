import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { addDays, deadlinesFromBekanntgabe } from "../app/domain/bekanntgabe.ts";
import { berlinDate } from "../app/domain/deadlines.ts";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { runSupportScript } from "./support/script.ts";

/**
 * Issue 14 items 1 and 4 against the real stack: the architect invites the Bauherr (an existing
 * account; the app shows the invitation without e-mail) and another person whose invitation is
 * withdrawn (its link no longer opens); the architect cannot submit until the Bauherr has accepted
 * and confirmed the application in the portal; the clerk sees what the submission rests on. After
 * the decision the Bauherr downloads the Bescheid: the case shows the Bekanntgabe (day after the
 * retrieval) and the Widerspruch and validity deadlines computed from it, on both sides.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const ARCHITECT = "architektin@demo.bauantrag.de";
const BAUHERR = "bauherr@demo.bauantrag.de";
const CLERK = "sachbearbeiter@demo.bauantrag.de";

function support(...args: string[]): Record<string, string> {
  return runSupportScript("parties-case.ts", args);
}

async function newPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

/** "Antrag verbindlich einreichen", and the confirmation step where the page asks for one. */
async function submitOnReviewPage(page: Page) {
  await page.getByRole("button", { name: "Antrag verbindlich einreichen" }).click();
  const confirm = page.getByRole("button", { name: /Ja, Antrag jetzt verbindlich einreichen/ });
  if (
    await confirm.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    )
  ) {
    await confirm.click();
  }
}

/** "2026-03-11" → "11.03.2026". */
function de(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}.${m}.${y}`;
}

test.describe("Beteiligte und Bekanntgabe", () => {
  test.describe.configure({ timeout: 240_000 });

  test("Bauherrin bestätigt vor der Einreichung; zurückgezogene Einladung; Abruf des Bescheids setzt die Fristen", async ({
    browser,
  }) => {
    const title = `Parteien E2E ${Date.now()}`;
    const id = support("draft", title).id as string;
    const other = `vertretung-${Date.now()}@example.org`;

    // --- The architect invites the Bauherr (existing account) and a second person.
    const architect = await newPage(browser, ARCHITECT);
    await architect.goto(`/antraege/${id}`);
    await expect(architect.getByTestId("consent-status")).toContainText("Bauherr:in");
    for (const [email, role] of [
      [BAUHERR, "BAUHERR"],
      [other, "BEVOLLMAECHTIGTER"],
    ] as const) {
      await architect.getByLabel("E-Mail-Adresse").fill(email);
      await architect.getByLabel("Rolle").selectOption(role);
      await architect.getByRole("button", { name: "Einladen" }).click();
      await expect(architect.getByTestId("invite-success")).toContainText(email);
    }

    // --- The second invitation is withdrawn: its link no longer opens.
    const { link } = support("link", id, other);
    expect(link).toContain("/einladung/");
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(link as string);
    await expect(visitor.getByTestId("invitation-details")).toContainText(title);
    await architect.goto(`/antraege/${id}`);
    await architect
      .getByTestId("member")
      .filter({ hasText: other })
      .getByRole("button", { name: /Einladung zurückziehen/ })
      .click();
    await expect(architect.getByTestId("confirm-page")).toContainText(other);
    await architect.getByRole("button", { name: "Ja, Einladung zurückziehen" }).click();
    await expect(architect.getByTestId("parties-message")).toContainText("zurückgezogen");
    await expect(architect.getByTestId("members")).not.toContainText(other);
    await visitor.goto(link as string);
    await expect(visitor.getByText("Diese Einladung ist nicht mehr gültig")).toBeVisible();
    await expect(visitor.getByTestId("invitation-details")).toHaveCount(0);

    // --- Without the Bauherr's confirmation the architect cannot submit.
    await architect.goto(`/antraege/${id}/pruefen`);
    await submitOnReviewPage(architect);
    await expect(architect.getByText(/Bauherr:in den Antrag im Portal bestätigen/).first()).toBeVisible();
    await expect(architect).not.toHaveURL(/eingereicht=1/);

    // --- The Bauherr sees the invitation in the app (no e-mail needed), accepts and confirms.
    const bauherr = await newPage(browser, BAUHERR);
    await bauherr.goto("/benachrichtigungen");
    await expect(bauherr.getByText(`Einladung zum Bauantrag „${title}“`)).toBeVisible();
    await bauherr.goto("/antraege");
    const invitation = bauherr.getByTestId("pending-invitation").filter({ hasText: title });
    await expect(invitation).toContainText("Miriam Albrecht lädt Sie ein");
    expect(await seriousViolations(bauherr)).toEqual([]);
    await invitation.getByRole("button", { name: "Einladung annehmen" }).click();
    await expect(bauherr).toHaveURL(new RegExp(`/antraege/${id}$`));
    await expect(bauherr.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await bauherr.getByRole("button", { name: "Antrag zur Einreichung bestätigen" }).click();
    // The declaration must be ticked (required in the browser, checked on the server).
    await expect(bauherr).toHaveURL(new RegExp(`/antraege/${id}$`));
    await bauherr.getByLabel(/Ich bin Bauherr:in dieses Vorhabens/).check();
    await bauherr.getByRole("button", { name: "Antrag zur Einreichung bestätigen" }).click();
    await expect(bauherr.getByTestId("parties-message")).toContainText("bestätigt");
    await expect(bauherr.getByTestId("consent-status")).toContainText("Jana Schröder hat den Antrag");
    expect(await seriousViolations(bauherr)).toEqual([]);
    await bauherr.screenshot({ path: path.join(ARTIFACTS, "parties-confirmed.png"), fullPage: true });

    // --- Now the architect submits.
    await architect.goto(`/antraege/${id}/pruefen`);
    await submitOnReviewPage(architect);
    await expect(architect).toHaveURL(new RegExp(`/antraege/${id}\\?eingereicht=1`));

    // --- The clerk sees what the submission rests on.
    const clerk = await newPage(browser, CLERK);
    await clerk.goto(`/behoerde/faelle/${id}`);
    await expect(clerk.getByTestId("submission-basis")).toContainText(
      "Die Bauherrschaft (Jana Schröder) hat den Antrag im Portal",
    );

    // --- Decision; the worker stores the Bescheid and notifies the applicant side.
    support("decide", id);
    await bauherr.goto(`/antraege/${id}`);
    const bescheid = bauherr.getByTestId("decision-files").locator('a[data-kind="BESCHEID"]');
    await expect(bescheid).toHaveCount(1, { timeout: 90_000 });
    await bauherr.reload();
    await expect(bauherr.getByTestId("bekanntgabe-pending")).toContainText("zum Abruf bereit");
    await expect(bauherr.getByTestId("decision-summary")).not.toContainText("gültig bis");

    // --- The Bauherr retrieves the Bescheid: Bekanntgabe the next day, deadlines from it.
    const [download] = await Promise.all([bauherr.waitForEvent("download"), bescheid.click()]);
    await download.saveAs(path.join(ARTIFACTS, "parties-bescheid.pdf"));
    const retrievedOn = berlinDate(new Date());
    const bekanntgabe = addDays(retrievedOn, 1);
    const expected = deadlinesFromBekanntgabe("MV", "BAUGENEHMIGUNG", bekanntgabe);
    await bauherr.reload();
    await expect(bauherr.getByTestId("bekanntgabe-date")).toContainText(
      `Bekannt gegeben am ${de(bekanntgabe)}`,
    );
    await expect(bauherr.getByTestId("legal-remedy-end")).toContainText(de(expected.legalRemedy.date));
    await expect(bauherr.getByTestId("legal-remedy-end")).toContainText("§ 70 Abs. 1 VwGO");
    await expect(bauherr.getByTestId("validity-end")).toContainText(de(expected.validity?.date ?? ""));
    await expect(bauherr.getByTestId("validity-end")).toContainText("§ 73 LBauO M-V");
    await expect(bauherr.getByTestId("bekanntgabe-retrieval")).toContainText("Jana Schröder (Bauherr:in)");
    expect(await seriousViolations(bauherr)).toEqual([]);
    await bauherr.screenshot({ path: path.join(ARTIFACTS, "parties-bekanntgabe.png"), fullPage: true });

    // --- The clerk sees the same: who was notified, who retrieved when, the Bekanntgabe and deadlines.
    await clerk.goto(`/behoerde/faelle/${id}`);
    await expect(clerk.getByTestId("bekanntgabe-date")).toContainText(de(bekanntgabe));
    await expect(clerk.getByTestId("legal-remedy-end")).toContainText(de(expected.legalRemedy.date));
    await expect(clerk.getByTestId("bekanntgabe-receipts")).toContainText("Jana Schröder: benachrichtigt am");
    await expect(clerk.getByTestId("bekanntgabe-retrieval")).toContainText("Bescheid abgerufen am");
    // Made known by retrieval: no Zustellung to record.
    await expect(clerk.getByTestId("post-delivery-form")).toHaveCount(0);
    expect(await seriousViolations(clerk)).toEqual([]);
  });
});
