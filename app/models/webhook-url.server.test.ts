import { describe, expect, it } from "vitest";
import { checkWebhookUrlSyntax, isNonPublicAddress } from "~/domain/webhook-url";
import { BLOCKED_ADDRESS_CODE, checkWebhookUrl, guardedLookup } from "./webhook-url.server";

const production = { allowPrivate: false };
const development = { allowPrivate: true };

describe("receiver URL check (SSRF)", () => {
  it("in production refuses http, loopback, private, link-local/metadata and internal names, with a German reason", async () => {
    const refused = [
      "http://fachverfahren.example.de/hook",
      "https://127.0.0.1/hook",
      "https://2130706433/hook", // 127.0.0.1 written as one number
      "https://0x7f000001/hook",
      "https://10.1.2.3/hook",
      "https://172.20.0.5/hook",
      "https://192.168.1.10/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/hook",
      "https://0.0.0.0/hook",
      "https://[::1]/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://[::ffff:a9fe:a9fe]/hook",
      "https://localhost/hook",
      "https://localhost./hook",
      "https://api.localhost/hook",
      "https://intranet/hook",
      "https://dms.behoerde.internal/hook",
    ];
    for (const url of refused) {
      const r = await checkWebhookUrl(url, production);
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/https|intern|privat/);
    }
  });

  it("in production refuses a host name that resolves to a non-public address (checked by DNS)", async () => {
    const answers: Record<string, string[]> = {
      "rebind.example.de": ["93.184.215.14", "10.0.0.7"],
      "metadata.example.de": ["169.254.169.254"],
      "fachverfahren.example.de": ["93.184.215.14", "2a00:1450:4001:82a::200e"],
    };
    const resolver = async (host: string) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    for (const host of ["rebind.example.de", "metadata.example.de"]) {
      const r = await checkWebhookUrl(`https://${host}/hook`, production, resolver);
      expect(r).toEqual({
        ok: false,
        message: `Der Hostname „${host}“ zeigt auf eine interne oder private Adresse; erlaubt sind nur öffentlich erreichbare Empfänger.`,
      });
    }
    expect((await checkWebhookUrl("https://fachverfahren.example.de/hook", production, resolver)).ok).toBe(
      true,
    );
    // A name that does not resolve at all is refused with its own message.
    const unknown = await checkWebhookUrl("https://gibt-es-nicht.invalid/hook", production);
    expect(unknown).toMatchObject({ ok: false, message: expect.stringMatching(/nicht auflösbar/) });
  });

  it("refuses credentials in the URL, other schemes, fragments and overlong URLs, in every mode", async () => {
    for (const [url, message] of [
      ["https://user:pass@fachverfahren.example.de/hook", /Zugangsdaten/],
      ["ftp://fachverfahren.example.de/hook", /https/],
      ["javascript:alert(1)", /https/],
      ["https://fachverfahren.example.de/hook#x", /Anker/],
      [`https://fachverfahren.example.de/${"a".repeat(2100)}`, /zu lang/],
      ["kein url", /keine gültige URL/],
      ["   ", /Bitte geben Sie/],
    ] as const) {
      const r = checkWebhookUrlSyntax(url, development);
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
  });

  it("accepts https to a public address in production and local http outside production", async () => {
    expect(checkWebhookUrlSyntax("https://93.184.215.14/hooks/bauantrag", production).ok).toBe(true);
    expect((await checkWebhookUrl("http://127.0.0.1:4000/hook", development)).ok).toBe(true);
  });

  it("classifies addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "10.0.0.1",
      "192.168.0.1",
      "169.254.169.254",
      "::1",
      "fc00::1",
      "::ffff:10.0.0.1",
      "224.0.0.1",
    ]) {
      expect(isNonPublicAddress(ip), ip).toBe(true);
    }
    for (const ip of ["93.184.215.14", "2a00:1450:4001:82a::200e", "8.8.8.8"]) {
      expect(isNonPublicAddress(ip), ip).toBe(false);
    }
  });

  it("the connection-time lookup refuses a name resolving to loopback in production and allows it outside", async () => {
    const lookup = (policy: { allowPrivate: boolean }) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) => {
        guardedLookup(policy)("localhost", {}, (err, address) => resolve({ err, address }));
      });
    const refused = await lookup(production);
    expect(refused.err?.code).toBe(BLOCKED_ADDRESS_CODE);
    const allowed = await lookup(development);
    expect(allowed.err).toBeNull();
    expect(String(allowed.address)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
