import { expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * The Content-Security-Policy (nonces, no inline script without one) must not break the app:
 * pages hydrate, the pdf.js viewer (module import, worker, canvas) renders, and the browser
 * reports no violation on the way.
 */

async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await page.exposeFunction("__reportCsp", (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(
        `${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return violations;
}

const hydrated = (page: Page) =>
  page.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter));

test("CSP: login, inbox, case page with pdf viewer and registration run without a violation", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const { id } = createSubmittedCase("CSP-Prüfung Carport");
  const violations = await watchCsp(page);

  const login = await page.goto("/anmelden");
  const csp = login?.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  await hydrated(page);
  // Every inline script carries this response's nonce.
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  const inline = await page
    .locator("script:not([src])")
    .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(inline.length).toBeGreaterThan(0);
  expect(inline.every((n) => n === nonce)).toBe(true);

  await loginAs(page, "sachbearbeiter@demo.bauantrag.de");
  await expect(page).toHaveURL("/behoerde/posteingang");
  await hydrated(page);

  await page.goto(`/behoerde/faelle/${id}`);
  await hydrated(page);
  await page
    .getByRole("button", { name: /Version 1 anzeigen/ })
    .first()
    .click();
  await expect(page.getByTestId("pdf-viewer")).toHaveAttribute("data-rendered", /#1@/, { timeout: 20_000 });

  await page.getByRole("button", { name: "Abmelden" }).click();
  await page.goto("/registrieren");
  await hydrated(page);
  // The confirmation link's page is its own page (not the form), and says when a link is invalid.
  await page.goto(`/registrieren/bestaetigen/${"A".repeat(43)}`);
  await expect(page.getByRole("heading", { level: 1, name: "Konto bestätigen" })).toBeVisible();
  await expect(page.getByTestId("confirm-error")).toContainText("ungültig");

  expect(violations).toEqual([]);
});
