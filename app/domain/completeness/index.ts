export { MBO_RULES } from "./catalog-mbo";
export { MV_CATALOG } from "./catalog-mv";
export { compileCondition, describeCondition, isPresent } from "./conditions";
export { type Catalog, type EvaluateInput, evaluateCompleteness, getCatalog, hasRule } from "./evaluate";
export type {
  CatalogOverlay,
  CompletenessCounts,
  CompletenessResult,
  Condition,
  DocumentInput,
  DocumentRule,
  DocumentStatus,
  FieldRule,
  Finding,
  FindingSection,
  NoticeRule,
  PlausibilityRule,
  Rule,
  RuleKind,
  Scalar,
  Severity,
} from "./types";
