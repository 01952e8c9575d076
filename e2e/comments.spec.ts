import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { loginAs } from "./support/auth.ts";
import { seriousViolations } from "./support/axe.ts";
import { createSubmittedCase } from "./support/submitted-case.ts";

/**
 * Comments on a case (issue 4, item 5): the clerk writes an internal comment and a shared one
 * pinned on a page of the Lageplan; the architect sees only the shared one (with its pin), replies;
 * the clerk sees the reply and resolves the thread. A case-level comment also works without
 * JavaScript (plain form post).
 */

const ARTIFACTS = path.resolve(import.meta.dirname, ".artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

const ARCHITECT = "architektin@demo.bauantrag.de";
const CLERK = "sachbearbeiter@demo.bauantrag.de";
const INTERNAL = "Intern: Abstandsfläche mit dem Prüfingenieur klären";
const SHARED = "Bitte die Maßkette zur Grundstücksgrenze ergänzen.";
const REPLY = "Wird im nächsten Planstand ergänzt.";
const NO_JS = "Frage ohne JavaScript: Reicht eine Kopie des Lageplans?";

async function newPage(browser: Browser, email: string, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await loginAs(page, email);
  return page;
}

test.describe("Kommentare zum Fall", () => {
  test.describe.configure({ timeout: 180_000 });

  test("intern und geteilt, Markierung im Plan, Antwort, erledigt", async ({ browser }) => {
    const { id, fileNumber } = createSubmittedCase(`Kommentare E2E ${Date.now()}`);

    // Clerk: takes the case from the inbox (newest first) ...
    const clerk = await newPage(browser, CLERK);
    await clerk.goto(`/behoerde/posteingang?q=${encodeURIComponent(fileNumber)}&sortierung=newest`);
    const row = clerk.getByTestId("inbox-row").filter({ hasText: fileNumber });
    await row.getByRole("button", { name: `Fall ${fileNumber} mir zuweisen` }).click();
    await expect(clerk.getByTestId("inbox-assign-message")).toContainText(
      `${fileNumber} ist Ihnen zugewiesen`,
    );
    await expect(row.getByTestId("inbox-assignee")).toHaveText("ich");
    expect(await seriousViolations(clerk, "main")).toEqual([]);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "comments-inbox.png"), fullPage: true });

    // ... and writes a shared comment pinned on page 1 of the Lageplan.
    await clerk.goto(`/behoerde/faelle/${id}`);
    const comments = clerk.getByTestId("comments");
    await comments.getByLabel("Plan ansehen und kommentieren").selectOption({ label: "Lageplan, Version 1" });
    const viewer = comments.getByTestId("pdf-viewer");
    await expect(viewer).toHaveAttribute("data-rendered", /#1@/, { timeout: 20_000 });
    await viewer.getByRole("img").click({ position: { x: 200, y: 150 } });
    await expect(comments.getByTestId("pdf-pin-new")).toBeVisible();
    await expect(comments.getByTestId("comment-pin-picked")).toContainText("Lageplan, Version 1, Seite 1");
    await comments.getByLabel("Kommentar", { exact: true }).fill(SHARED);
    await comments.getByTestId("comment-new").getByLabel("Für alle Beteiligten sichtbar").check();
    await comments.getByRole("button", { name: "Kommentar speichern" }).click();
    await expect(comments.getByTestId("comment-message")).toHaveText("Ihr Kommentar ist gespeichert.");
    const sharedThread = comments.getByTestId("comment-thread").filter({ hasText: SHARED });
    await expect(sharedThread).toHaveAttribute("data-visibility", "SHARED");
    await expect(sharedThread.getByTestId("comment-pin")).toContainText("Zu: Lageplan, Version 1, Seite 1");
    await expect(comments.getByTestId("comment-pin-picked")).toHaveCount(0);
    // The pin in the plan carries the thread's number; the case's document viewer shows it too.
    await expect(viewer.getByTestId("pdf-pin")).toHaveText("1");
    const lageplan = clerk.getByTestId("case-document-1803");
    await lageplan.getByRole("button", { name: /Version 1 anzeigen/ }).click();
    await expect(clerk.getByTestId("document-view").getByTestId("pdf-pin")).toHaveText("1");

    // ...and an internal case-level comment.
    await comments.getByLabel("Kommentar", { exact: true }).fill(INTERNAL);
    await comments.getByTestId("comment-new").getByLabel("Nur intern (Behörde)").check();
    await comments.getByRole("button", { name: "Kommentar speichern" }).click();
    const internalThread = comments.getByTestId("comment-thread").filter({ hasText: INTERNAL });
    await expect(internalThread).toHaveAttribute("data-visibility", "INTERNAL");
    await expect(internalThread.getByTestId("comment-internal")).toBeVisible();
    expect(await seriousViolations(clerk, '[data-testid="comments"]')).toEqual([]);
    await clerk.screenshot({ path: path.join(ARTIFACTS, "comments-clerk.png"), fullPage: true });

    // Architect: only the shared comment; the pin shows in the plan; a reply.
    const architect = await newPage(browser, ARCHITECT);
    await architect.goto(`/antraege/${id}`);
    const mine = architect.getByTestId("comments");
    await expect(mine.getByTestId("comment-thread")).toHaveCount(1);
    await expect(mine).toContainText(SHARED);
    await expect(architect.locator("body")).not.toContainText(INTERNAL);
    await expect(mine.getByLabel("Nur intern (Behörde)")).toHaveCount(0);
    const thread = mine.getByTestId("comment-thread").first();
    await thread.getByRole("button", { name: "Im Plan zeigen" }).click();
    const plan = mine.getByTestId("pdf-viewer");
    await expect(plan).toHaveAttribute("data-rendered", /#1@/, { timeout: 20_000 });
    await expect(plan.getByTestId("pdf-pin")).toHaveAttribute("data-active", "true");
    await thread.getByText("Antworten", { exact: true }).click();
    await thread.getByLabel("Antwort auf Kommentar 1").fill(REPLY);
    await thread.getByRole("button", { name: "Antwort senden" }).click();
    await expect(mine.getByTestId("comment-message")).toHaveText("Ihre Antwort ist gespeichert.");
    await expect(thread.getByTestId("comment-reply")).toContainText(REPLY);
    expect(await seriousViolations(architect, '[data-testid="comments"]')).toEqual([]);
    await architect.screenshot({ path: path.join(ARTIFACTS, "comments-architect.png"), fullPage: true });

    // Without JavaScript a case-level comment is a plain form post.
    const noJs = await newPage(browser, ARCHITECT, false);
    await noJs.goto(`/antraege/${id}`);
    await noJs.getByTestId("comments").getByLabel("Kommentar", { exact: true }).fill(NO_JS);
    await noJs.getByRole("button", { name: "Kommentar speichern" }).click();
    await expect(noJs.getByTestId("comment-message")).toHaveText("Ihr Kommentar ist gespeichert.");
    await expect(noJs.getByTestId("comment-thread").filter({ hasText: NO_JS })).toHaveCount(1);

    // Clerk: sees the reply and resolves the thread.
    await clerk.reload();
    const resolved = clerk.getByTestId("comment-thread").filter({ hasText: SHARED });
    await expect(resolved.getByTestId("comment-reply")).toContainText(REPLY);
    await resolved.getByRole("button", { name: "Als erledigt markieren" }).click();
    await expect(resolved).toHaveAttribute("data-resolved", "true");
    await expect(resolved.getByTestId("comment-resolved")).toContainText("Erledigt von");
    await expect(clerk.getByTestId("comment-thread").filter({ hasText: NO_JS })).toHaveCount(1);

    // The architect sees it resolved as well.
    await architect.reload();
    await expect(architect.getByTestId("comment-thread").filter({ hasText: SHARED })).toHaveAttribute(
      "data-resolved",
      "true",
    );
  });
});
