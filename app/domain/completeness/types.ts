/**
 * Types of the completeness rule catalog. Rules are data: conditions are expressed in a small
 * condition language (see conditions.ts), never as code branches, so a catalog can be shown to
 * an admin, stored, overridden per Land and compiled once.
 */

export type Scalar = string | number | boolean | null;

/**
 * Condition language. A path is dotted (`project.buildingClass`, `procedureType`); inside a rule
 * with `forEach`, paths starting with `item.` address the current element (`item.flur`).
 *
 * - `present`: the value is set (non-empty string after trim, non-empty array, any other non-null).
 * - `equals` / `in`: strict equality with a scalar / one of the scalars (unset values are `null`).
 * - `matches`: the value is a string (or number) matching the regular expression source.
 * - `gt`/`gte`/`lt`/`lte`: the value is a finite number and compares as stated.
 */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly path: string; readonly present: boolean }
  | { readonly path: string; readonly equals: Scalar }
  | { readonly path: string; readonly in: readonly Scalar[] }
  | { readonly path: string; readonly matches: string }
  | { readonly path: string; readonly gt: number }
  | { readonly path: string; readonly gte: number }
  | { readonly path: string; readonly lt: number }
  | { readonly path: string; readonly lte: number };

export type RuleKind = "field" | "document" | "plausibility" | "notice";

/**
 * - `error`: blocks submission (missing mandatory field, failed plausibility check).
 * - `missing-document`: the document must be uploaded or marked "wird nachgereicht"; only an
 *   unmarked missing document blocks.
 * - `warning`, `info`: never block.
 */
export type Severity = "error" | "missing-document" | "warning" | "info";

interface RuleBase {
  /** Stable id, e.g. `doc.lageplan`, `field.bauherr.name`, `plaus.flurstueck.flur`. */
  readonly id: string;
  readonly kind: RuleKind;
  readonly severity: Severity;
  /** The rule applies only when this holds (always when absent). */
  readonly when?: Condition;
  /** German message for the applicant. In `forEach` rules, `{n}` is the 1-based element number. */
  readonly message: string;
  /** Legal basis as cited in the MBO model; Land profiles localise it. */
  readonly legalBasis: string;
}

export interface FieldRule extends RuleBase {
  readonly kind: "field";
  readonly severity: "error" | "warning";
  /** Field path for the UI; in `forEach` rules `[]` stands for the element index. */
  readonly path: string;
  /** Evaluate once per element of the array at this path. */
  readonly forEach?: string;
  /** Must hold, else a finding. Defaults to "the field at `path` is present". */
  readonly require?: Condition;
}

export interface PlausibilityRule extends RuleBase {
  readonly kind: "plausibility";
  readonly severity: "error" | "warning";
  readonly path: string;
  readonly forEach?: string;
  readonly require: Condition;
}

export interface DocumentRule extends RuleBase {
  readonly kind: "document";
  readonly severity: "missing-document" | "warning";
  /** Satisfied by a document of any of these XBau anlagen codes. */
  readonly documentTypeCodes: readonly string[];
}

export interface NoticeRule extends RuleBase {
  readonly kind: "notice";
  readonly severity: "info" | "warning";
  readonly path?: string;
}

export type Rule = FieldRule | PlausibilityRule | DocumentRule | NoticeRule;

/** A catalog derived from another: substitutions of the profile apply to inherited rules. */
export interface CatalogOverlay {
  readonly id: string;
  readonly name: string;
  readonly base: readonly Rule[];
  /** Partial replacements by rule id (kind and id cannot change). */
  readonly overrides?: Readonly<Record<string, Partial<Omit<Rule, "id" | "kind">>>>;
  readonly removals?: readonly string[];
  readonly additions?: readonly Rule[];
}

export type FindingSection = "procedure" | "bauherr" | "entwurfsverfasser" | "plot" | "project" | "documents";

export type DocumentStatus = "missing" | "to-be-submitted-later";

export interface Finding {
  readonly ruleId: string;
  readonly kind: RuleKind;
  readonly severity: Severity;
  readonly message: string;
  readonly legalBasis: string;
  /** Field path (`plot.parcels.2.flur`) for field and plausibility findings. */
  readonly path?: string;
  /** The form step the finding belongs to. */
  readonly section: FindingSection;
  readonly documentTypeCodes?: readonly string[];
  readonly status?: DocumentStatus;
  /** The finding prevents submission. */
  readonly blocking: boolean;
}

export interface DocumentInput {
  readonly typeCode: string;
  readonly hasFile: boolean;
  readonly toBeSubmittedLater?: boolean;
}

export interface CompletenessCounts {
  readonly total: number;
  readonly blocking: number;
  readonly errors: number;
  readonly missingDocuments: number;
  readonly toBeSubmittedLater: number;
  readonly warnings: number;
  readonly infos: number;
}

export interface CompletenessResult {
  readonly findings: readonly Finding[];
  readonly canSubmit: boolean;
  /** Required documents neither uploaded nor marked "wird nachgereicht". */
  readonly missingDocuments: readonly Finding[];
  /** Documents marked "wird nachgereicht": open items that do not block. */
  readonly openItems: readonly Finding[];
  readonly counts: CompletenessCounts;
}
