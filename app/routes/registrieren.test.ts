import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EMAIL_NOT_AVAILABLE_MESSAGE, registerUser } from "~/models/registration.server";
import { verifyPassword } from "~/utils/auth.server";
import { db } from "~/utils/db.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";
import { getSession } from "~/utils/session.server";
import { action, loader } from "./registrieren";

const rnd = () => Math.floor(Math.random() * 256);

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
        { displayName: "Viele Konten", email: newEmail(), password: "sehr-geheim-123", role: "APPLICANT" },
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
          { displayName: "Andere", email: newEmail(), password: "sehr-geheim-123", role: "APPLICANT" },
          { ip: "192.0.2.8", userAgent: null },
          limiter,
        )
      ).ok,
    ).toBe(true);
  });

  it("creates a Bauherr account with an argon2id hash, logs in and goes back to redirectTo", async () => {
    const email = newEmail();
    const { response } = await post({
      displayName: "Berta Bauherrin",
      email,
      password: "sehr-geheim-123",
      role: "APPLICANT",
      redirectTo: "/einladung/abc",
    });
    expect(response?.status).toBe(302);
    expect(response?.headers.get("Location")).toBe("/einladung/abc");
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
    expect(await verifyPassword(user.passwordHash as string, "sehr-geheim-123")).toBe(true);

    const cookie = response?.headers.get("Set-Cookie")?.split(";")[0] ?? "";
    const session = await getSession(new Request("http://localhost/", { headers: { Cookie: cookie } }));
    expect(session?.user.id).toBe(user.id);
  });

  it("requires Kammer number and Land from Entwurfsverfasser:innen and stores them", async () => {
    const email = newEmail();
    const { reply } = await post({
      displayName: "Anton Architekt",
      email,
      password: "sehr-geheim-123",
      role: "ARCHITECT",
    });
    expect(reply?.error).toMatchObject({
      chamberNumber: ["Bitte geben Sie Ihre Mitgliedsnummer der Architekten- oder Ingenieurkammer ein."],
      chamberLand: ["Bitte wählen Sie das Land Ihrer Kammer."],
    });
    expect(await db().user.count({ where: { email: email.toLowerCase() } })).toBe(0);

    const ok = await post({
      displayName: "Anton Architekt",
      email,
      password: "sehr-geheim-123",
      role: "ARCHITECT",
      chamberNumber: "AK-MV 4711",
      chamberLand: "MV",
    });
    expect(ok.response?.status).toBe(302);
    expect(ok.response?.headers.get("Location")).toBe("/");
    const user = await db().user.findUniqueOrThrow({
      where: { email: email.toLowerCase() },
      select: { roles: true, chamberNumber: true, chamberLand: true },
    });
    expect(user).toEqual({ roles: ["ARCHITECT"], chamberNumber: "AK-MV 4711", chamberLand: "MV" });
  });

  it("answers German field errors and never echoes the password", async () => {
    const { reply } = await post({ displayName: "", email: "kaputt", password: "kurz", role: "CLERK" });
    expect(reply?.error).toMatchObject({
      displayName: ["Bitte geben Sie Ihren Namen ein."],
      email: ["Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."],
      password: ["Das Passwort muss mindestens 10 Zeichen lang sein."],
      role: ["Bitte wählen Sie, ob Sie als Bauherr:in oder als Entwurfsverfasser:in mitwirken."],
    });
    expect(JSON.stringify(reply)).not.toContain("kurz");
  });

  it("says only neutrally that an address cannot be used when it already has an account", async () => {
    const email = newEmail();
    const first = await post({
      displayName: "Erste Person",
      email,
      password: "sehr-geheim-123",
      role: "APPLICANT",
    });
    expect(first.response?.status).toBe(302);
    const second = await post({
      displayName: "Zweite Person",
      email: email.toUpperCase(),
      password: "anderes-passwort-1",
      role: "APPLICANT",
    });
    expect(second.response).toBeUndefined();
    expect(second.reply?.error).toEqual({ "": [EMAIL_NOT_AVAILABLE_MESSAGE] });
    expect(JSON.stringify(second.reply)).not.toContain("anderes-passwort-1");
    const user = await db().user.findUniqueOrThrow({
      where: { email: email.toLowerCase() },
      select: { displayName: true },
    });
    expect(user.displayName).toBe("Erste Person");
  });

  it("ignores foreign redirect targets and sends signed-in users on", async () => {
    const { response } = await post({
      displayName: "Dora Direkt",
      email: newEmail(),
      password: "sehr-geheim-123",
      role: "APPLICANT",
      redirectTo: "https://evil.example/",
    });
    expect(response?.headers.get("Location")).toBe("/");
    const cookie = response?.headers.get("Set-Cookie")?.split(";")[0] ?? "";
    const request = new Request("http://localhost/registrieren?redirectTo=/antraege", {
      headers: { Cookie: cookie },
    });
    await expect(loader({ request, params: {}, context: {} })).rejects.toMatchObject({ status: 302 });
    const anonymous = await loader({
      request: new Request("http://localhost/registrieren?redirectTo=/einladung/x&email=a@b.de"),
      params: {},
      context: {},
    });
    expect(anonymous).toEqual({ redirectTo: "/einladung/x", email: "a@b.de" });
  });
});
