import { describe, expect, it } from "vitest";
import {
  checkKennung,
  DEVELOPMENT_PORTAL_IDENTITY,
  portalIdentity,
  splitKennung,
  XbauIdentityMissing,
  xbauIdentityOf,
} from "./identity.server";

describe("XBau identities (configuration, never derived)", () => {
  it("accepts a DVDV prefix of three lower-case letters and a Kennung of digits, and joins them", () => {
    expect(checkKennung(" psw ", "1307 4000")).toEqual({ ok: true, kennung: "psw:13074000" });
    expect(splitKennung("psw:13074000")).toEqual({ prefix: "psw", code: "13074000" });
  });

  it("refuses what the XBau Schematron (sch-xbau-001/002) would refuse, with a German message", () => {
    expect(checkKennung("PSW", "13074000")).toMatchObject({ ok: false, field: "prefix" });
    expect(checkKennung("ps", "13074000")).toMatchObject({ ok: false, field: "prefix" });
    expect(checkKennung("psw", "13074-000")).toMatchObject({ ok: false, field: "code" });
    expect(checkKennung("psw", "")).toMatchObject({
      ok: false,
      message: expect.stringContaining("nur aus Ziffern"),
    });
  });

  it("uses the configured Kennung and registered name; an authority without one has no identity", () => {
    expect(
      xbauIdentityOf({ name: "Landkreis NWM", xbauKennung: "psw:13074000", xbauName: "LK NWM Bauaufsicht" }),
    ).toEqual({ name: "LK NWM Bauaufsicht", id: "psw:13074000", directory: "DVDV" });
    expect(() => xbauIdentityOf({ name: "Landkreis NWM", xbauKennung: null })).toThrow(XbauIdentityMissing);
    expect(() => xbauIdentityOf({ name: "Landkreis NWM", xbauKennung: null })).toThrow(/Verwaltung → XBau/);
  });

  it("takes the portal's identity from XBAU_PORTAL_KENNUNG; production without it is refused", () => {
    expect(
      portalIdentity({ XBAU_PORTAL_KENNUNG: "bap:4711", XBAU_PORTAL_NAME: "Portal M-V" } as never),
    ).toEqual({
      name: "Portal M-V",
      id: "bap:4711",
      directory: "DVDV",
    });
    expect(() => portalIdentity({ XBAU_PORTAL_KENNUNG: "BAP-4711" } as never)).toThrow(XbauIdentityMissing);
    expect(() => portalIdentity({ NODE_ENV: "production" } as never)).toThrow(/XBAU_PORTAL_KENNUNG/);
    expect(portalIdentity({ NODE_ENV: "test" } as never)).toEqual(DEVELOPMENT_PORTAL_IDENTITY);
  });
});
