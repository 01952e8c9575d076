import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { DEMO_PASSWORD } from "../prisma/seed-data.ts";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { readMailTo } from "./support/mail-server.ts";
import { runSupportScript } from "./support/script.ts";

/**
 * Issue 17 end to end: sign-in through the identity provider's own login page, password reset
 * from the mail the product sent to the stack's SMTP server, and a clerk who sets up TOTP and
 * signs in with a code. Users of their own (e2e/support/accounts-users.ts).
 */

const root = path.resolve(import.meta.dirname, "..");
const S3_PORT = Number(process.env.E2E_S3_PORT ?? 9110);
const MAIL_DIR = path.join(root, `.data/e2e-mail-${Number(process.env.E2E_SMTP_PORT ?? S3_PORT + 2000)}`);

function createUsers(): { applicant: string; clerk: string } {
  return runSupportScript("accounts-users.ts");
}

let users: { applicant: string; clerk: string };
test.beforeAll(() => {
  users = createUsers();
});

async function logout(page: Page) {
  await page.getByRole("button", { name: "Abmelden" }).click();
}

test("Anmeldung über den Anmeldedienst: Anmeldeseite des Anbieters, neues Konto, Abmeldung auch dort", async ({
  page,
}) => {
  const email = `buerger-${Date.now()}@e2e.bauantrag.invalid`;
  await page.goto("/anmelden");
  await page.getByRole("link", { name: "Anmelden mit Test-Anmeldedienst" }).click();
  // The provider's own login page (oidc-provider's development login).
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/interaction\//);
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("beliebig");
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/antraege$/);
  await expect(page.getByTestId("user-name")).toHaveText(`Test ${email.split("@")[0]}`);
  await expect(page.getByTestId("user-role")).toContainText("Bauherr:in/Antragsteller:in");

  await page.goto("/konto/sicherheit");
  await expect(page.getByTestId("identities")).toContainText("test-idp");
  await expect(page.getByTestId("security-history")).toContainText("Anmeldedienst test-idp");

  // Logout ends our session and sends the browser to the provider's end-session page.
  await logout(page);
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/session\/end/);
  await page.locator('button[autofocus], button[type="submit"]').first().click();
  await expect(page).toHaveURL(/\/anmelden\?abgemeldet=1/);
  await page.goto("/konto/sicherheit");
  await expect(page).toHaveURL(/\/anmelden/);
});

test("Passwort zurücksetzen: Link aus der E-Mail, neues Passwort, altes gilt nicht mehr", async ({
  page,
}) => {
  const newPassword = "Moewe Duene Leuchtturm 2026";
  await page.goto("/anmelden");
  await page.getByRole("link", { name: "Passwort vergessen?" }).click();
  // Same field label as on /anmelden: wait until the new page is there before filling.
  await expect(page.getByRole("heading", { level: 1, name: "Passwort vergessen" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel("E-Mail-Adresse").fill(users.applicant);
  await page.getByRole("button", { name: "Link anfordern" }).click();
  await expect(page.getByTestId("reset-sent")).toContainText("Wenn es zu dieser Adresse ein Konto gibt");

  const mail = await readMailTo(MAIL_DIR, users.applicant, "/passwort-neu/");
  const link = /(http:\/\/\S+\/passwort-neu\/[A-Za-z0-9_-]{43})/.exec(mail)?.[1];
  expect(link).toBeTruthy();
  await page.goto(link!);
  await page.getByLabel("Neues Passwort", { exact: true }).fill(newPassword);
  await page.getByLabel("Neues Passwort wiederholen").fill(newPassword);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Passwort speichern" }).click();
  await expect(page).toHaveURL(/\/anmelden\?passwort=neu/);
  await expect(page.getByTestId("password-changed")).toBeVisible();

  // The link is used up.
  await page.goto(link!);
  await expect(page.getByTestId("reset-error")).toContainText("ungültig, schon benutzt oder abgelaufen");

  // The old password no longer works (loginAs would expect success with it).
  await page.goto("/anmelden");
  await page.getByLabel("E-Mail-Adresse").fill(users.applicant);
  await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("E-Mail-Adresse oder Passwort ist falsch.");
  await loginAs(page, users.applicant, newPassword);
  await expect(page).toHaveURL(/\/antraege$/);
});

test("Sachbearbeiter:in richtet TOTP ein und meldet sich mit Code an", async ({ page }) => {
  await loginAs(page, users.clerk);
  await page.goto("/konto/sicherheit");
  await expect(page.getByRole("img", { name: "QR-Code zum Einrichten der Authenticator-App" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
  const totp = new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  await page.getByLabel("Code aus der App").fill(totp.generate());
  await page.getByRole("button", { name: "Einrichten" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);

  await logout(page);
  await page.getByLabel("E-Mail-Adresse").fill(users.clerk);
  await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page).toHaveURL(/\/anmelden\/zweiter-faktor/);
  // The code of the set-up is used; the next time step's code is within the accepted window.
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page.getByText("Der Code ist falsch oder abgelaufen.")).toBeVisible();
  await page.getByLabel("Code").fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole("button", { name: "Anmelden" }).click();
  await expect(page).toHaveURL(/\/behoerde\/posteingang/);
  await page.goto("/konto/sicherheit");
  await expect(page.getByTestId("security-history")).toContainText("Passwort und Authenticator-App");
});

test("Administration legt ein Konto an; die Einladung kommt per E-Mail, das Passwort wird über den Link gesetzt", async ({
  page,
}) => {
  const email = `eingeladen-${Date.now()}@e2e.bauantrag.invalid`;
  const password = "Kranich Boddenblick 2026";
  await loginAs(page, "admin@demo.bauantrag.de");
  await page.goto("/verwaltung/konten");
  await expect(page.getByRole("heading", { level: 1, name: "Konten und Anmeldung" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel("Name").fill("Eingeladene Kollegin");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Rolle").selectOption("CLERK");
  await page.getByRole("button", { name: "Konto anlegen und einladen" }).click();
  await expect(page.getByTestId("accounts-result")).toContainText(`Das Konto für ${email} ist angelegt.`);
  await expect(page.getByTestId(`account-${email}`)).toContainText("Sachbearbeiter:in");
  await logout(page);

  const mail = await readMailTo(MAIL_DIR, email, "/passwort-neu/");
  const link = /(http:\/\/\S+\/passwort-neu\/[A-Za-z0-9_-]{43})/.exec(mail)?.[1];
  await page.goto(link!);
  await page.getByLabel("Neues Passwort", { exact: true }).fill(password);
  await page.getByLabel("Neues Passwort wiederholen").fill(password);
  await page.getByRole("button", { name: "Passwort speichern" }).click();
  await expect(page).toHaveURL(/\/anmelden\?passwort=neu/);
  await loginAs(page, email, password);
  await expect(page).toHaveURL(/\/behoerde\/posteingang/);
});
