import type { ApplicationData } from "../application-data";
import { isKnownDocumentType } from "../document-types";
import { type LandProfile, localizeLegalBasis, type ProfileId, resolveProfile } from "../land-profiles";
import { MBO_RULES } from "./catalog-mbo";
import { MV_CATALOG } from "./catalog-mv";
import { type CompiledCondition, compileCondition, compilePath, type Getter } from "./conditions";
import type {
  CatalogOverlay,
  CompletenessResult,
  DocumentInput,
  DocumentStatus,
  Finding,
  FindingSection,
  Rule,
  RuleKind,
  Severity,
} from "./types";

const MBO_CATALOG: CatalogOverlay = { id: "MBO", name: "Musterbauordnung (MBO/MBauVorlV)", base: MBO_RULES };
const CATALOGS: Readonly<Record<LandProfile["catalog"], CatalogOverlay>> = {
  MBO: MBO_CATALOG,
  MV: MV_CATALOG,
};

export interface Catalog {
  readonly id: string;
  readonly name: string;
  readonly profileId: ProfileId;
  /** Rules in evaluation order, legal bases localised for the profile. */
  readonly rules: readonly Rule[];
}

interface CompiledRule {
  readonly rule: Rule;
  readonly when: CompiledCondition;
  /** Field/plausibility: must hold, else a finding. */
  readonly require: CompiledCondition | null;
  readonly forEach: Getter | null;
  /** Path split at the `[]` placeholder ([whole] when there is none). */
  readonly pathParts: readonly string[] | null;
  /** Message split at the `{n}` placeholder. */
  readonly messageParts: readonly string[];
  readonly section: FindingSection;
  readonly codes: readonly string[];
  /** Finding template for rules whose findings never vary. */
  readonly fixed: Finding | null;
}

interface CompiledCatalog {
  readonly catalog: Catalog;
  readonly rules: readonly CompiledRule[];
  readonly ruleIds: ReadonlySet<string>;
}

const KINDS: ReadonlySet<RuleKind> = new Set(["field", "document", "plausibility", "notice"]);
const SEVERITIES_BY_KIND: Readonly<Record<RuleKind, readonly Severity[]>> = {
  field: ["error", "warning"],
  plausibility: ["error", "warning"],
  document: ["missing-document", "warning"],
  notice: ["info", "warning"],
};

/** Resolve an overlay into a flat, localised rule list. */
function buildRules(profile: LandProfile, overlay: CatalogOverlay): Rule[] {
  const removals = new Set(overlay.removals ?? []);
  const overrides = overlay.overrides ?? {};
  const rules: Rule[] = [];
  for (const base of overlay.base) {
    if (removals.has(base.id)) continue;
    const patch = overrides[base.id];
    const localized = { ...base, legalBasis: localizeLegalBasis(profile, base.legalBasis) } as Rule;
    rules.push(patch ? ({ ...localized, ...patch, id: base.id, kind: base.kind } as Rule) : localized);
  }
  for (const id of Object.keys(overrides)) {
    if (!overlay.base.some((r) => r.id === id))
      throw new Error(`Catalog ${overlay.id}: override of unknown rule ${id}`);
  }
  for (const id of removals) {
    if (!overlay.base.some((r) => r.id === id))
      throw new Error(`Catalog ${overlay.id}: removal of unknown rule ${id}`);
  }
  rules.push(...(overlay.additions ?? []));
  return rules;
}

function sectionOf(path: string | undefined, kind: RuleKind): FindingSection {
  if (kind === "document") return "documents";
  const head = path?.split(/[.[]/, 1)[0];
  switch (head) {
    case "bauherr":
    case "entwurfsverfasser":
    case "plot":
    case "project":
      return head;
    default:
      return "procedure";
  }
}

function compileRule(rule: Rule, catalogId: string): CompiledRule {
  const fail = (msg: string): never => {
    throw new Error(`Catalog ${catalogId}, rule ${rule.id}: ${msg}`);
  };
  if (!/^[a-z][a-z0-9-]*(\.[a-zA-Z0-9-]+)+$/.test(rule.id)) fail("invalid id");
  if (!KINDS.has(rule.kind)) fail(`unknown kind ${rule.kind}`);
  if (!SEVERITIES_BY_KIND[rule.kind].includes(rule.severity)) fail(`severity ${rule.severity} not allowed`);
  if (!rule.message.trim()) fail("empty message");
  if (!rule.legalBasis.trim()) fail("empty legal basis");

  let require: CompiledCondition | null = null;
  let forEach: Getter | null = null;
  let pathParts: string[] | null = null;
  let codes: readonly string[] = [];
  const path = "path" in rule ? rule.path : undefined;

  if (rule.kind === "field" || rule.kind === "plausibility") {
    if (!rule.path) fail("missing path");
    if (rule.forEach) {
      forEach = compilePath(rule.forEach);
      const placeholder = `${rule.forEach}[]`;
      if (!rule.path.startsWith(placeholder)) fail(`path must start with ${placeholder}`);
      pathParts = rule.path.split("[]");
      if (pathParts.length !== 2) fail("path must contain exactly one []");
      const defaultRequire = { path: `item${rule.path.slice(placeholder.length)}`, present: true };
      require = compileCondition(rule.require ?? defaultRequire);
    } else {
      if (rule.path.includes("[]")) fail("[] in path without forEach");
      pathParts = [rule.path];
      require = compileCondition(rule.require ?? { path: rule.path, present: true });
    }
  } else if (rule.kind === "document") {
    codes = rule.documentTypeCodes;
    if (codes.length === 0) fail("no document type codes");
    for (const c of codes) if (!isKnownDocumentType(c)) fail(`unknown document type ${c}`);
  } else if (rule.path) {
    pathParts = [rule.path];
  }

  const messageParts = rule.message.split("{n}");
  const section = sectionOf(path, rule.kind);
  const fixed: Finding | null =
    rule.kind === "notice" || (rule.kind !== "document" && !forEach)
      ? {
          ruleId: rule.id,
          kind: rule.kind,
          severity: rule.severity,
          message: rule.message,
          legalBasis: rule.legalBasis,
          ...(path ? { path } : {}),
          section,
          blocking: rule.severity === "error",
        }
      : null;

  return {
    rule,
    when: compileCondition(rule.when),
    require,
    forEach,
    pathParts,
    messageParts,
    section,
    codes,
    fixed,
  };
}

const compiledByProfile = new Map<ProfileId, CompiledCatalog>();

function compiledCatalog(profile: LandProfile): CompiledCatalog {
  const cached = compiledByProfile.get(profile.id);
  if (cached) return cached;
  const overlay = CATALOGS[profile.catalog];
  const rules = buildRules(profile, overlay);
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`Catalog ${overlay.id}: duplicate rule id ${r.id}`);
    ids.add(r.id);
  }
  const compiled: CompiledCatalog = {
    catalog: Object.freeze({
      id: overlay.id,
      name: overlay.name,
      profileId: profile.id,
      rules: Object.freeze(rules),
    }),
    rules: rules.map((r) => compileRule(r, overlay.id)),
    ruleIds: ids,
  };
  compiledByProfile.set(profile.id, compiled);
  return compiled;
}

type ProfileRef = LandProfile | ProfileId | string | null | undefined;

function toProfile(p: ProfileRef): LandProfile {
  return typeof p === "object" && p !== null ? resolveProfile(p.id) : resolveProfile(p);
}

/** The active rule catalog of a profile (unknown profiles resolve to the MBO model). */
export function getCatalog(profile: ProfileRef): Catalog {
  return compiledCatalog(toProfile(profile)).catalog;
}

export interface EvaluateInput {
  readonly profile?: ProfileRef;
  readonly procedureType?: string | null;
  /** Form data; may be an incomplete or not yet validated draft. */
  readonly data: ApplicationData | null | undefined;
  readonly documents?: readonly DocumentInput[];
}

const HAS_FILE = 2;
const LATER = 1;

/**
 * Evaluate the completeness rules of the profile's catalog. Pure and deterministic; cheap enough
 * to run on every keystroke (the catalog is compiled once per profile).
 */
export function evaluateCompleteness(input: EvaluateInput): CompletenessResult {
  const { rules } = compiledCatalog(toProfile(input.profile));
  const data = input.data && typeof input.data === "object" ? input.data : {};
  const root = { ...data, procedureType: input.procedureType ?? undefined };

  const docState = new Map<string, number>();
  for (const d of input.documents ?? []) {
    const s = d.hasFile ? HAS_FILE : d.toBeSubmittedLater ? LATER : 0;
    if (s > (docState.get(d.typeCode) ?? 0)) docState.set(d.typeCode, s);
  }

  const findings: Finding[] = [];
  for (const cr of rules) {
    const rule = cr.rule;
    if (cr.forEach) {
      const arr = cr.forEach(root, undefined);
      if (!Array.isArray(arr)) continue;
      const require = cr.require as CompiledCondition;
      const parts = cr.pathParts as readonly string[];
      for (let i = 0; i < arr.length; i++) {
        const item = arr[i];
        if (!cr.when(root, item) || require(root, item)) continue;
        findings.push({
          ruleId: rule.id,
          kind: rule.kind,
          severity: rule.severity,
          message: cr.messageParts.join(String(i + 1)),
          legalBasis: rule.legalBasis,
          path: `${parts[0]}.${i}${parts[1]}`,
          section: cr.section,
          blocking: rule.severity === "error",
        });
      }
      continue;
    }
    if (!cr.when(root, undefined)) continue;
    if (rule.kind === "document") {
      let best = 0;
      for (const c of cr.codes) {
        const s = docState.get(c) ?? 0;
        if (s > best) best = s;
      }
      if (best === HAS_FILE) continue;
      const status: DocumentStatus = best === LATER ? "to-be-submitted-later" : "missing";
      findings.push({
        ruleId: rule.id,
        kind: "document",
        severity: rule.severity,
        message: rule.message,
        legalBasis: rule.legalBasis,
        section: "documents",
        documentTypeCodes: cr.codes,
        status,
        blocking: status === "missing" && rule.severity === "missing-document",
      });
      continue;
    }
    if (cr.require?.(root, undefined)) continue;
    findings.push(cr.fixed as Finding);
  }

  let blocking = 0;
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  const missingDocuments: Finding[] = [];
  const openItems: Finding[] = [];
  for (const f of findings) {
    if (f.blocking) blocking++;
    if (f.severity === "error") errors++;
    else if (f.severity === "warning") warnings++;
    else if (f.severity === "info") infos++;
    if (f.kind === "document" && f.severity === "missing-document") {
      if (f.status === "missing") missingDocuments.push(f);
      else openItems.push(f);
    } else if (f.status === "to-be-submitted-later") openItems.push(f);
  }

  return {
    findings,
    canSubmit: blocking === 0,
    missingDocuments,
    openItems,
    counts: {
      total: findings.length,
      blocking,
      errors,
      missingDocuments: missingDocuments.length,
      toBeSubmittedLater: openItems.length,
      warnings,
      infos,
    },
  };
}

/** Whether a rule id exists in the profile's catalog. */
export function hasRule(profile: ProfileRef, ruleId: string): boolean {
  return compiledCatalog(toProfile(profile)).ruleIds.has(ruleId);
}
