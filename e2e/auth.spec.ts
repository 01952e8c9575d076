import { expect, test } from "@playwright/test";
import { DEMO_LOGINS } from "../prisma/seed-data.ts";
import { expectLoggedInAs, loginAs } from "./support/auth.ts";

const HOME_BY_ROLE = {
  APPLICANT: { path: "/antraege", heading: "Meine Anträge", role: "Bauherr:in/Antragsteller:in" },
  ARCHITECT: { path: "/antraege", heading: "Meine Anträge", role: "Entwurfsverfasser:in" },
  CLERK: { path: "/behoerde/posteingang", heading: "Posteingang", role: "Sachbearbeiter:in" },
  AGENCY: { path: "/beteiligung", heading: "Beteiligungen", role: "Fachstelle" },
  ADMIN: { path: "/verwaltung", heading: "Verwaltung", role: "Administration" },
} as const;

test.describe("Anmeldung je Rolle", () => {
  for (const login of DEMO_LOGINS) {
    test(`${login.email} sieht die eigene Startseite`, async ({ page }) => {
      const home = HOME_BY_ROLE[login.role];
      await loginAs(page, login.email);
      await expect(page).toHaveURL(home.path);
      await expect(page.getByRole("heading", { level: 1, name: home.heading })).toBeVisible();
      await expectLoggedInAs(page, home.role);
      await expect(page.getByRole("button", { name: "Abmelden" })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toContainText(home.heading);
    });
  }

  test("Sachbearbeiter:in sieht Behörde im Kopf und den eingereichten Demo-Antrag", async ({ page }) => {
    await loginAs(page, "sachbearbeiter@demo.bauantrag.de");
    await expect(page.getByTestId("user-role")).toContainText("Landkreis Nordwestmecklenburg");
    await expect(page.getByRole("link", { name: /Neubau Einfamilienhaus/ })).toBeVisible();
    // The other tenant's case is not in this inbox.
    await expect(page.getByText("Umbau Scheune zu Ferienwohnungen")).toHaveCount(0);
  });

  test("Bauherr:in sieht eigene Anträge, aber nicht den Posteingang", async ({ page }) => {
    await loginAs(page, "bauherr@demo.bauantrag.de");
    await expect(page.getByRole("link", { name: /Anbau Wintergarten/ })).toBeVisible();
    const response = await page.goto("/behoerde/posteingang");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "Keine Berechtigung" })).toBeVisible();
  });
});

test.describe("Fehlerhafte Anmeldung", () => {
  test("falsches Passwort und unbekannte E-Mail ergeben dieselbe Meldung", async ({ page }) => {
    await loginAs(page, "bauherr@demo.bauantrag.de", "falschesPasswort1");
    const error = page.getByTestId("login-error");
    await expect(error).toHaveText("E-Mail-Adresse oder Passwort ist falsch.");
    await expect(page).toHaveURL(/\/anmelden/);
    const wrongPasswordHtml = await page.locator("main").innerHTML();

    await loginAs(page, "niemand@demo.bauantrag.de", "falschesPasswort1");
    await expect(error).toHaveText("E-Mail-Adresse oder Passwort ist falsch.");
    // Apart from the typed address, the page is the same: nothing tells whether the account exists.
    const unknownHtml = await page.locator("main").innerHTML();
    expect(unknownHtml.replaceAll("niemand@", "bauherr@")).toBe(wrongPasswordHtml);
    // The password is never sent back into the form.
    await expect(page.getByLabel("Passwort")).toHaveValue("");
  });

  test("Pflichtfelder werden am Feld auf Deutsch gemeldet, auch ohne JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/anmelden");
    await page.getByLabel("E-Mail-Adresse").fill("keine-adresse");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(
      page.getByText("Bitte geben Sie eine gültige E-Mail-Adresse ein", { exact: false }),
    ).toBeVisible();
    await expect(page.getByText("Bitte geben Sie Ihr Passwort ein.")).toBeVisible();
    await expect(page.getByLabel("E-Mail-Adresse")).toHaveAttribute("aria-invalid", "true");
    await context.close();
  });

  test("Anmeldung funktioniert ohne JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await loginAs(page, "architektin@demo.bauantrag.de");
    await expect(page.getByRole("heading", { level: 1, name: "Meine Anträge" })).toBeVisible();
    await context.close();
  });
});

test.describe("Geschützte Seiten und Abmeldung", () => {
  test("ohne Anmeldung geht es zur Anmeldung und danach zurück zur gewünschten Seite", async ({ page }) => {
    await page.goto("/verwaltung");
    await expect(page).toHaveURL("/anmelden?redirectTo=%2Fverwaltung");
    await page.getByLabel("E-Mail-Adresse").fill("admin@demo.bauantrag.de");
    await page.getByLabel("Passwort").fill("Bauantrag2026!");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page).toHaveURL("/verwaltung");
    await expect(page.getByRole("heading", { level: 1, name: "Verwaltung" })).toBeVisible();
    await expect(page.getByText("63-{YYYY}-{NNNNN}")).toBeVisible();
  });

  test("eine fremde Weiterleitungsadresse wird ignoriert", async ({ page }) => {
    await page.goto("/anmelden?redirectTo=https%3A%2F%2Fexample.org%2F");
    await page.getByLabel("E-Mail-Adresse").fill("bauherr@demo.bauantrag.de");
    await page.getByLabel("Passwort").fill("Bauantrag2026!");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page).toHaveURL("/antraege");
  });

  test("Abmelden beendet die Sitzung", async ({ page, context }) => {
    await loginAs(page, "denkmalschutz@demo.bauantrag.de");
    await expect(page).toHaveURL("/beteiligung");
    const cookie = (await context.cookies()).find((c) => c.name === "__bauantrag_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");

    await page.getByRole("button", { name: "Abmelden" }).click();
    await expect(page).toHaveURL("/anmelden?abgemeldet=1");
    await expect(page.getByText("Sie haben sich abgemeldet.")).toBeVisible();
    await page.goto("/beteiligung");
    await expect(page).toHaveURL(/\/anmelden\?redirectTo=/);

    // The old cookie is useless even if someone kept a copy: the row is gone.
    if (cookie) {
      await context.addCookies([cookie]);
      await page.goto("/beteiligung");
      await expect(page).toHaveURL(/\/anmelden\?redirectTo=/);
    }
  });

  test("unbekannte Seiten zeigen „Seite nicht gefunden“", async ({ page }) => {
    const response = await page.goto("/gibt-es-nicht");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Seite nicht gefunden" })).toBeVisible();
  });
});

test.describe("Registrierung mit JavaScript", () => {
  test("prüft im Browser, meldet fehlende Angaben am Feld und bestätigt den Versand", async ({ page }) => {
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto("/registrieren");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Vor- und Nachname").fill("Małgorzata Čech");
    const email = `registrierung-${Date.now()}@example.org`;
    await page.getByLabel("E-Mail-Adresse").fill(email);
    await page.getByLabel("Passwort").fill("Ziegel-Dachrinne-2026!");
    await page.getByRole("button", { name: "Konto anlegen" }).click();
    // The browser validates with the same schema as the server: the missing role is named at the field.
    await expect(page.getByText("Bitte wählen Sie, ob Sie als Bauherr:in")).toBeVisible();
    await page.getByLabel("Bauherr:in / Antragsteller:in").check();
    await page.getByRole("button", { name: "Konto anlegen" }).click();
    await expect(page.getByText(email).first()).toBeVisible();
    await expect(page.getByText(/verschickt/i).first()).toBeVisible();
    expect(pageErrors).toEqual([]);
  });
});
