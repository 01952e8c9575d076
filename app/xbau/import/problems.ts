/**
 * A refusal of an incoming XBau message: every problem names the element (or part of the
 * delivery) it is about and the reason, in German, so the clerk or the sending system can act.
 */
export interface IntakeProblem {
  /** Element name or path, e.g. "nachrichtenkopf.g2g/leser/kennung", or "Nachricht" for the whole. */
  element: string;
  message: string;
}

export class IntakeRefused extends Error {
  constructor(
    /** Stable code for machines: which gate refused. */
    readonly code:
      | "too-large"
      | "encoding"
      | "dtd"
      | "not-well-formed"
      | "limits"
      | "wrong-message"
      | "xsd"
      | "schematron"
      | "content"
      | "authority"
      | "attachments"
      /** The delivery container (ZIP) broke a limit or a rule. */
      | "delivery"
      /** 0202: no case of this authority matches the bezug. */
      | "case"
      /** 0202: the case is in a state that accepts no changes (decided, withdrawn). */
      | "state",
    readonly problems: IntakeProblem[],
  ) {
    super(`XBau intake refused (${code}): ${problems.map((p) => `${p.element}: ${p.message}`).join("; ")}`);
  }
}

/** One line per problem: "<element>: <reason>". */
export function describeProblems(problems: readonly IntakeProblem[]): string[] {
  return problems.map((p) => `${p.element}: ${p.message}`);
}
