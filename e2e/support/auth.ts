import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "../../prisma/seed-data.ts";

/** Logs in through the form. With the demo password it waits until the app has left /anmelden. */
export async function loginAs(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/anmelden");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden" }).click();
  if (password === DEMO_PASSWORD) {
    await expect(page).not.toHaveURL(/\/anmelden/);
  }
}

export async function expectLoggedInAs(page: Page, roleLabel: string) {
  await expect(page.getByTestId("user-role")).toContainText(roleLabel);
}
