import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { runSupportScript } from "./support/script.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * The agency side of a participation (issue 5), with participations seeded as routed (status
 * SENT) by e2e/support/agency-participation.ts for an agency of its own: the agency sees only its
 * own requests, answers one with an Auflage and an attachment (its statement PDF is rendered by the
 * worker), and asks for more time on the other.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/bauvorlagen");
mkdirSync(ARTIFACTS, { recursive: true });

const AUFLAGE = "Rauchwarnmelder sind in allen Aufenthaltsräumen einzubauen.";

interface Seeded {
  agencyEmail: string;
  agencyName: string;
  participations: { id: string; deadline: string }[];
  pendingId: string;
  foreignId: string;
}

function seedParticipations(applicationIds: string[]): Seeded {
  return runSupportScript("agency-participation.ts", applicationIds);
}

test.describe("Fachstelle: Beteiligung beantworten", () => {
  test.describe.configure({ timeout: 180_000 });

  test("sieht nur eigene Anfragen, gibt eine Stellungnahme mit Auflage ab und beantragt Fristverlängerung", async ({
    page,
    browser,
  }) => {
    const stamp = Date.now();
    const first = createSubmittedCase(`Fachstelle E2E A ${stamp}`);
    const second = createSubmittedCase(`Fachstelle E2E B ${stamp}`);
    const seeded = seedParticipations([first.id, second.id]);
    const [answerP, extendP] = seeded.participations as [
      Seeded["participations"][0],
      Seeded["participations"][0],
    ];

    await loginAs(page, seeded.agencyEmail);
    await page.goto("/beteiligung");
    await expect(page.getByRole("heading", { level: 1, name: "Beteiligungen" })).toBeVisible();
    await expect(page.getByText(`Bauanträge, zu denen ${seeded.agencyName}`)).toBeVisible();
    // Only the two routed requests of this agency: not the PENDING round, not the other agency's.
    const rows = page.getByTestId("participation-row");
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText(first.fileNumber);
    await expect(rows.first()).toContainText(/noch \d+ Tage/);
    await expect(rows.nth(1)).toContainText(second.fileNumber);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "agency-list.png"), fullPage: true });

    // Foreign and not-yet-routed participations are not found.
    for (const id of [seeded.foreignId, seeded.pendingId]) {
      const res = await page.goto(`/beteiligung/${id}`);
      expect(res?.status()).toBe(404);
    }

    // --- Answer the first request: Zustimmung mit Nebenbestimmungen, one Auflage, an attachment.
    await page.goto("/beteiligung");
    await page.getByRole("link", { name: first.fileNumber }).click();
    await expect(page).toHaveURL(new RegExp(`/beteiligung/${answerP.id}$`));
    await expect(
      page.getByRole("heading", { level: 1, name: `Beteiligung zum Bauantrag ${first.fileNumber}` }),
    ).toBeVisible();
    await expect(page.getByRole("heading", { name: "Angaben zum Vorhaben" })).toBeVisible();
    const shared = page.getByRole("list", { name: "Freigegebene Unterlagen" }).getByRole("link");
    await expect(shared).toHaveCount(2);
    const download = await page.request.get((await shared.first().getAttribute("href")) as string);
    expect(download.status()).toBe(200);

    const form = page.getByRole("form", { name: "Stellungnahme abgeben" });
    await form.getByLabel("Zustimmung mit Nebenbestimmungen").check();
    // A second row via the add button (a plain submit: no save), then fill both.
    await form.getByRole("button", { name: "Weitere Nebenbestimmung hinzufügen" }).click();
    await expect(page.getByTestId("condition-row")).toHaveCount(2);
    const formAfter = page.getByRole("form", { name: "Stellungnahme abgeben" });
    await expect(formAfter.getByLabel("Zustimmung mit Nebenbestimmungen")).toBeChecked();
    const row1 = page.getByTestId("condition-row").nth(0);
    await row1.getByLabel("Art").selectOption("AUFLAGE");
    await row1.getByLabel("Text").fill(AUFLAGE);
    await row1.getByLabel("Rechtsgrundlage (optional)").fill("§ 47 Abs. 4 LBauO M-V");
    const row2 = page.getByTestId("condition-row").nth(1);
    await row2.getByLabel("Art").selectOption("HINWEIS");
    await row2.getByLabel("Text").fill("Die Feuerwehrzufahrt ist freizuhalten.");
    await formAfter.getByLabel("Begründung").fill("Keine Bedenken bei Einhaltung der Auflage.");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "agency-statement-form.png"), fullPage: true });
    await formAfter.getByRole("button", { name: "Stellungnahme abgeben" }).click();
    // Irreversible: the confirmation page shows what goes out; the attachments are chosen there.
    await expect(page.getByTestId("confirm-conditions")).toContainText(AUFLAGE);
    await page.getByLabel("Anlagen (optional)").setInputFiles(path.join(FIXTURES, "brandschutznachweis.pdf"));
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Ja, Stellungnahme verbindlich abgeben" }).click();

    await expect(page.getByText("Stellungnahme abgegeben", { exact: true })).toBeVisible();
    const statement = page.getByRole("region", { name: "Ihre Stellungnahme" });
    await expect(statement).toContainText("Zustimmung mit Nebenbestimmungen");
    await expect(statement).toContainText(`Auflage: ${AUFLAGE}`);
    await expect(statement.getByRole("link", { name: "brandschutznachweis.pdf" })).toBeVisible();
    await expect(page.getByRole("form", { name: "Stellungnahme abgeben" })).toHaveCount(0);

    // The worker renders the statement PDF; it appears after a reload.
    await expect(async () => {
      await page.reload();
      await expect(
        page
          .getByRole("list", { name: "Stellungnahme als Datei" })
          .getByRole("link", { name: "Stellungnahme", exact: true }),
      ).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    const pdfHref = (await page
      .getByRole("list", { name: "Stellungnahme als Datei" })
      .getByRole("link", { name: "Stellungnahme", exact: true })
      .getAttribute("href")) as string;
    const pdf = await page.request.get(pdfHref);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const pdfFile = path.join(ARTIFACTS, "agency-statement.pdf");
    writeFileSync(pdfFile, await pdf.body());
    const text = execFileSync("pdftotext", [pdfFile, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    expect(text).toContain(first.fileNumber);
    expect(text).toContain(AUFLAGE);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "agency-statement-done.png"), fullPage: true });

    // --- Second request, without JavaScript: rows, a refused statement, then more time.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await loginAs(plain, seeded.agencyEmail);
    await plain.goto(`/beteiligung/${extendP.id}`);
    const plainForm = () => plain.getByRole("form", { name: "Stellungnahme abgeben" });
    await plainForm().getByLabel("Ablehnung").check();
    await plainForm().getByRole("button", { name: "Weitere Nebenbestimmung hinzufügen" }).click();
    await expect(plain.getByTestId("condition-row")).toHaveCount(2);
    await expect(plainForm().getByLabel("Ablehnung")).toBeChecked();
    await plainForm().getByRole("button", { name: "Nebenbestimmung 2 entfernen" }).click();
    await expect(plain.getByTestId("condition-row")).toHaveCount(1);
    await plainForm().getByRole("button", { name: "Stellungnahme abgeben" }).click();
    await expect(plain.getByText("Bitte begründen Sie die Ablehnung.")).toBeVisible();

    const ext = () => plain.getByRole("form", { name: "Fristverlängerung beantragen" });
    // A date before the deadline is refused with a message; the reason stays.
    await ext().getByLabel("Gewünschtes Fristende").fill(new Date().toISOString().slice(0, 10));
    await ext()
      .getByLabel("Begründung der Fristverlängerung")
      .fill("Ortstermin erst nächsten Monat möglich.");
    await ext().getByRole("button", { name: "Fristverlängerung beantragen" }).click();
    await expect(plain.getByText(/muss nach der aktuellen Frist/)).toBeVisible();
    await expect(ext().getByLabel("Begründung der Fristverlängerung")).toHaveValue(
      "Ortstermin erst nächsten Monat möglich.",
    );
    const later = new Date(new Date(extendP.deadline).getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
    await ext().getByLabel("Gewünschtes Fristende").fill(later);
    await ext().getByRole("button", { name: "Fristverlängerung beantragen" }).click();
    await expect(plain.getByText("Fristverlängerung beantragt", { exact: true })).toBeVisible();
    await expect(plain.getByRole("region", { name: "Fristverlängerung beantragen" })).toContainText(
      "noch nicht entschieden",
    );
    await plain.screenshot({ path: path.join(ARTIFACTS, "agency-extension.png"), fullPage: true });
    await noJs.close();

    // The list now shows the answered request after the open one.
    await page.goto("/beteiligung");
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText(second.fileNumber);
    await expect(rows.nth(1)).toContainText("Beantwortet");
    await page.screenshot({ path: path.join(ARTIFACTS, "agency-list-after.png"), fullPage: true });
  });
});
