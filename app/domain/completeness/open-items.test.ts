import { describe, expect, it } from "vitest";
import type { EvaluateInput } from "./evaluate";
import { einfamilienhaus } from "./fixtures";
import { evaluateCompleteness } from "./index";
import { openItemsOf } from "./open-items";

// The Wärmeschutznachweis of issue 14: marked "wird nachgereicht" at submission.
const base = (): EvaluateInput => ({
  profile: "MV",
  procedureType: "VEREINFACHT",
  data: einfamilienhaus(),
  documents: [],
});
const required = evaluateCompleteness(base()).missingDocuments.map((f) => f.documentTypeCodes?.[0] as string);
const WAERME = "2805";

function withDocs(later: string[], withFile: string[]): EvaluateInput {
  return {
    ...base(),
    documents: required.map((code) => ({
      typeCode: code,
      hasFile: withFile.includes(code) || !later.includes(code),
      toBeSubmittedLater: later.includes(code),
    })),
  };
}

describe("openItemsOf", () => {
  it("lists a document marked 'wird nachgereicht' until a file is there, then never again", () => {
    expect(required).toContain(WAERME);
    const open = openItemsOf("SUBMITTED", withDocs([WAERME], []));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ source: "completeness", documentTypeCodes: [WAERME] });
    expect(open[0]?.message).toMatch(/Wärmeschutz/);
    expect(openItemsOf("IN_REVIEW", withDocs([WAERME], [WAERME]))).toEqual([]);
  });

  it("shows nothing after the decision, a withdrawal or in a draft", () => {
    for (const status of ["DECIDED", "WITHDRAWN", "DEEMED_WITHDRAWN", "DRAFT"]) {
      expect(openItemsOf(status, withDocs([WAERME], []))).toEqual([]);
    }
  });

  it("adds what the authority requested until it is answered; a requested document is listed once", () => {
    const request = {
      sentLabel: "01.12.2026",
      items: [
        {
          id: "a",
          position: 1,
          message: "Stellplatznachweis",
          categoryLabel: "Fehlende Angabe",
          documentTypeCode: null,
          fulfilled: false,
        },
        {
          id: "b",
          position: 2,
          message: "Wärmeschutz",
          categoryLabel: "Fehlende Unterlage",
          documentTypeCode: WAERME,
          fulfilled: false,
        },
        {
          id: "c",
          position: 3,
          message: "Schnitt",
          categoryLabel: "Mangel",
          documentTypeCode: "2002",
          fulfilled: true,
        },
      ],
    };
    const open = openItemsOf("INCOMPLETE", withDocs([WAERME], []), request);
    expect(open.map((o) => o.key)).toEqual([expect.stringMatching(/^rule-/), "request-a"]);
    expect(open[1]).toMatchObject({
      message: "Fehlende Angabe: Stellplatznachweis",
      basis: "Nachforderung vom 01.12.2026, Punkt 1",
    });
    // After the upload the Wärmeschutz request item is the only trace, and it is fulfilled too.
    const after = openItemsOf("INCOMPLETE", withDocs([WAERME], [WAERME]), {
      ...request,
      items: request.items.map((i) => ({ ...i, fulfilled: i.id !== "a" })),
    });
    expect(after.map((o) => o.key)).toEqual(["request-a"]);
  });
});
