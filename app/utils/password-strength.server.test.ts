import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed-data";
import { passwordWeakness } from "./password-strength.server";

describe("password strength (zxcvbn-ts, German word lists)", () => {
  it.each([
    "1234567890",
    "Passwort123",
    "passwort1234",
    "Sommer2024!",
    "qwertzuiop",
    "Hallo12345",
    "aaaaaaaaaaaa",
  ])("refuses %s with a German reason", (password) => {
    const message = passwordWeakness(password);
    expect(message).toMatch(/^Dieses Passwort ist zu leicht zu erraten\./);
  });

  it("passes on the library's German feedback", () => {
    expect(passwordWeakness("1234567890")).toContain("häufig verwendetes Passwort");
  });

  it("counts the user's own name and address as known words", () => {
    expect(passwordWeakness("Wendelinus1987")).toBeNull();
    expect(passwordWeakness("Wendelinus1987", ["Wendelinus Weber", "w.weber@example.de"])).not.toBeNull();
  });

  it("accepts strong passwords, the demo password included", () => {
    expect(passwordWeakness(DEMO_PASSWORD)).toBeNull();
    expect(passwordWeakness("korrekt-pferd-batterie-heftklammer")).toBeNull();
    expect(passwordWeakness("Richtig-Geheim-2026")).toBeNull();
  });
});
