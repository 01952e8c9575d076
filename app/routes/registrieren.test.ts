import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONFIRMATION_INVALID_MESSAGE, registerUser } from "~/models/registration.server";
import { verifyPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";
import { getSession } from "~/utils/session.server";
import { createTestUser } from "~/utils/test-tenant.server";
import { action, loader } from "./registrieren";
import { action as confirmAction, loader as confirmLoader } from "./registrieren_.bestaetigen.$token";

const rnd = () => Math.floor(Math.random() * 256);

const PASSWORD = "Ziegelhof-Wanderdüne-7";

/** Posts the registration form as a browser without JavaScript would. */
async function post(fields: Record<string, string>) {
  const request = new Request("http://localhost/registrieren", {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "vitest" },
  });
  try {
    return {
      reply: await action({ request, params: {}, context: { clientIp: `10.${rnd()}.${rnd()}.${rnd()}` } }),
    };
  } catch (thrown) {
    if (thrown instanceof Response) return { response: thrown };
    throw thrown;
  }
}

const newEmail = () => `Neu-${randomUUID().slice(0, 12)}@Test.Bauantrag.invalid`;

describe("/registrieren", () => {
  it("throttles registrations per client address", async () => {
    const limiter = new FixedWindowLimiter(redis(), {
      prefix: `test:register:${randomUUID()}`,
      max: 3,
      windowSeconds: 60,
    });
    const meta = { ip: "192.0.2.7", userAgent: null };
    const attempt = () =>
      registerUser(
        {
          displayName: "Viele Konten",
          email: newEmail(),
          password: "Ziegelhof-Wanderdüne-7",
          role: "APPLICANT",
        },
        meta,
        limiter,
      );
    expect((await attempt()).ok).toBe(true);
    expect((await attempt()).ok).toBe(true);
    const third = await attempt();
    expect(third.ok).toBe(false);
    expect(third.ok ? "" : third.message).toMatch(/^Von Ihrem Anschluss wurden zu viele Konten angelegt/);
    // Another address is not affected.
    expect(
      (
        await registerUser(
          { displayName: "Andere", email: newEmail(), password: "Ziegelhof-Wanderdüne-7", role: "APPLICANT" },
          { ip: "192.0.2.8", userAgent: null },
          limiter,
        )
      ).ok,
    ).toBe(true);
  });

  it("a new address gets a confirmation mail; the link creates the account once and signs in", async () => {
    const email = newEmail();
    const { reply } = await post({
      displayName: "Berta Bauherrin",
      email,
      password: PASSWORD,
      role: "APPLICANT",
      redirectTo: "/einladung/abc",
    });
    expect(reply).toEqual({ sent: email.toLowerCase(), validHours: 24 });
    // Nothing is created before the address is confirmed.
    expect(await db().user.count({ where: { email: email.toLowerCase() } })).toBe(0);
    const mail = await lastMailTo(email.toLowerCase());
    expect(mail?.subject).toBe("Bitte bestätigen Sie Ihr Konto im Bauantrag-Portal");
    expect(mail?.text).not.toContain(PASSWORD);
    const token = tokenFrom(mail?.text ?? "");

    // Opening the link (mail scanners do) shows the button but creates nothing.
    const shown = await confirmLoader({
      request: new Request(`http://localhost/registrieren/bestaetigen/${token}`),
      params: { token },
      context: {},
    });
    expect(shown.pending).toEqual({ email: email.toLowerCase(), displayName: "Berta Bauherrin" });
    expect(await db().user.count({ where: { email: email.toLowerCase() } })).toBe(0);

    const response = await confirm(token);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/einladung/abc");
    const user = await db().user.findUniqueOrThrow({
      where: { email: email.toLowerCase() },
      select: {
        id: true,
        passwordHash: true,
        roles: true,
        displayName: true,
        authorityId: true,
        chamberNumber: true,
      },
    });
    expect(user).toMatchObject({
      roles: ["APPLICANT"],
      displayName: "Berta Bauherrin",
      authorityId: null,
      chamberNumber: null,
    });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash as string, PASSWORD)).toBe(true);
    const cookie = response.headers.get("Set-Cookie")?.split(";")[0] ?? "";
    const session = await getSession(new Request("http://localhost/", { headers: { Cookie: cookie } }));
    expect(session?.user.id).toBe(user.id);

    // The link works once.
    expect(await click(token)).toEqual({ message: CONFIRMATION_INVALID_MESSAGE });
  });

  it("requires Kammer number and Land from Entwurfsverfasser:innen and stores them", async () => {
    const email = newEmail();
    const { reply } = await post({
      displayName: "Anton Architekt",
      email,
      password: PASSWORD,
      role: "ARCHITECT",
    });
    expect(reply && "error" in reply ? reply.error : null).toMatchObject({
      chamberNumber: ["Bitte geben Sie Ihre Mitgliedsnummer der Architekten- oder Ingenieurkammer ein."],
      chamberLand: ["Bitte wählen Sie das Land Ihrer Kammer."],
    });
    expect(await lastMailTo(email.toLowerCase())).toBeUndefined();

    const ok = await post({
      displayName: "Anton Architekt",
      email,
      password: PASSWORD,
      role: "ARCHITECT",
      chamberNumber: "AK-MV 4711",
      chamberLand: "MV",
    });
    expect(ok.reply).toEqual({ sent: email.toLowerCase(), validHours: 24 });
    const response = await confirm(tokenFrom((await lastMailTo(email.toLowerCase()))?.text ?? ""));
    expect(response.headers.get("Location")).toBe("/");
    const user = await db().user.findUniqueOrThrow({
      where: { email: email.toLowerCase() },
      select: { roles: true, chamberNumber: true, chamberLand: true },
    });
    expect(user).toEqual({ roles: ["ARCHITECT"], chamberNumber: "AK-MV 4711", chamberLand: "MV" });
  });

  it("answers German field errors and never echoes the password", async () => {
    const { reply } = await post({ displayName: "", email: "kaputt", password: "kurz", role: "CLERK" });
    expect(reply && "error" in reply ? reply.error : null).toMatchObject({
      displayName: ["Bitte geben Sie Ihren Namen ein."],
      email: ["Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."],
      password: ["Das Passwort muss mindestens 10 Zeichen lang sein."],
      role: ["Bitte wählen Sie, ob Sie als Bauherr:in oder als Entwurfsverfasser:in mitwirken."],
    });
    expect(JSON.stringify(reply)).not.toContain("kurz");
  });

  it.each(["1234567890", "Passwort123", "qwertzuiop12"])(
    "refuses the guessable password %s with the estimator's German feedback",
    async (password) => {
      const email = newEmail();
      const { reply } = await post({ displayName: "Berta Bauherrin", email, password, role: "APPLICANT" });
      const errors = reply && "error" in reply ? reply.error : null;
      expect(errors?.password?.[0]).toMatch(/^Dieses Passwort ist zu leicht zu erraten\./);
      expect(JSON.stringify(reply)).not.toContain(password);
      expect(await lastMailTo(email.toLowerCase())).toBeUndefined();
    },
  );

  it("an address that has an account gets the same answer; its owner gets a mail, nothing changes", async () => {
    const owner = await createTestUser({ roles: ["CLERK"], displayName: "Clara Clerk" });
    const fresh = newEmail();
    const forExisting = await post({
      displayName: "Mallory",
      email: owner.email.toUpperCase(),
      password: PASSWORD,
      role: "APPLICANT",
    });
    const forNew = await post({
      displayName: "Mallory",
      email: fresh,
      password: PASSWORD,
      role: "APPLICANT",
    });
    // Same shape, same wording: only the address the person typed differs.
    expect(forExisting.reply).toEqual({ sent: owner.email, validHours: 24 });
    expect(forNew.reply).toEqual({ sent: fresh.toLowerCase(), validHours: 24 });
    const mail = await lastMailTo(owner.email);
    expect(mail?.subject).toBe("Versuch, ein Konto mit Ihrer E-Mail-Adresse anzulegen");
    expect(mail?.text).toContain("Guten Tag Clara Clerk");
    expect(mail?.text).not.toContain("/registrieren/bestaetigen/");
    const user = await db().user.findUniqueOrThrow({
      where: { id: owner.id },
      select: { displayName: true, roles: true, passwordHash: true },
    });
    expect(user).toEqual({ displayName: "Clara Clerk", roles: ["CLERK"], passwordHash: null });
  });

  it("ignores foreign redirect targets and sends signed-in users on", async () => {
    const email = newEmail();
    await post({
      displayName: "Dora Direkt",
      email,
      password: PASSWORD,
      role: "APPLICANT",
      redirectTo: "https://evil.example/",
    });
    const response = await confirm(tokenFrom((await lastMailTo(email.toLowerCase()))?.text ?? ""));
    expect(response.headers.get("Location")).toBe("/");
    const cookie = response.headers.get("Set-Cookie")?.split(";")[0] ?? "";
    const request = new Request("http://localhost/registrieren?redirectTo=/antraege", {
      headers: { Cookie: cookie },
    });
    await expect(loader({ request, params: {}, context: {} })).rejects.toMatchObject({ status: 302 });
    const anonymous = await loader({
      request: new Request("http://localhost/registrieren?redirectTo=/einladung/x&email=a@b.de"),
      params: {},
      context: {},
    });
    expect(anonymous).toEqual({ redirectTo: "/einladung/x", email: "a@b.de", passwordMinLength: 10 });
  });

  it("a made-up or malformed token creates nothing", async () => {
    expect(await click("A".repeat(43))).toEqual({ message: CONFIRMATION_INVALID_MESSAGE });
    expect(await click("../../etc")).toEqual({ message: CONFIRMATION_INVALID_MESSAGE });
  });
});

async function lastMailTo(to: string) {
  const rows = await db().outboxMessage.findMany({
    where: { jobName: "system.send-email", jobId: { contains: "registration" } },
    select: { payload: true },
    orderBy: { id: "desc" },
    take: 200,
  });
  return rows.map((r) => r.payload as { to: string; subject: string; text: string }).find((p) => p.to === to);
}

function tokenFrom(text: string): string {
  const m = /\/registrieren\/bestaetigen\/([A-Za-z0-9_-]{43})/.exec(text);
  if (!m) throw new Error(`no confirmation link in: ${text}`);
  return m[1]!;
}

/** Clicks "Konto anlegen" on the confirmation page: the redirect, or the refusal. */
async function click(token: string): Promise<Response | { message: string }> {
  const request = new Request(`http://localhost/registrieren/bestaetigen/${token}`, { method: "POST" });
  try {
    return (await confirmAction({ request, params: { token }, context: { clientIp: "192.0.2.1" } })) as {
      message: string;
    };
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function confirm(token: string): Promise<Response> {
  const r = await click(token);
  if (!(r instanceof Response)) throw new Error(`confirmation refused: ${r.message}`);
  return r;
}
