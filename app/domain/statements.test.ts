import { describe, expect, it } from "vitest";
import { conditionsAllowed, outcomeLabel, outcomesFor } from "./statements";

describe("answers per kind of participation", () => {
  it("the Gemeinde's Einvernehmen is given or refused, nothing else (§ 36 BauGB)", () => {
    expect(outcomesFor("MUNICIPAL_CONSENT")).toEqual(["CONSENT", "REJECTION"]);
    expect(outcomeLabel("MUNICIPAL_CONSENT", "CONSENT")).toBe("Einvernehmen erteilt");
    expect(outcomeLabel("MUNICIPAL_CONSENT", "REJECTION")).toBe("Einvernehmen versagt");
    expect(conditionsAllowed("MUNICIPAL_CONSENT")).toBe(false);
  });

  it("a Zustimmung required by law has no 'nicht betroffen' but may carry Nebenbestimmungen", () => {
    expect(outcomesFor("AGENCY_CONSENT")).toEqual(["CONSENT", "CONSENT_WITH_CONDITIONS", "REJECTION"]);
    expect(outcomeLabel("AGENCY_CONSENT", "REJECTION")).toBe("Zustimmung versagt");
    expect(conditionsAllowed("AGENCY_CONSENT")).toBe(true);
  });

  it("a Stellungnahme allows every outcome with its plain label", () => {
    expect(outcomesFor("AGENCY_STATEMENT")).toContain("NOT_AFFECTED");
    expect(outcomeLabel("AGENCY_STATEMENT", "NOT_AFFECTED")).toBe("Nicht betroffen");
    expect(outcomeLabel("AGENCY_STATEMENT", "REJECTION")).toBe("Ablehnung");
  });
});
