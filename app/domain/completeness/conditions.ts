import type { Condition, Scalar } from "./types";

/** A compiled condition: `root` is the evaluation context, `item` the current `forEach` element. */
export type CompiledCondition = (root: unknown, item: unknown) => boolean;
export type Getter = (root: unknown, item: unknown) => unknown;

const ALWAYS: CompiledCondition = () => true;

const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Compile a dotted path; a leading `item` segment reads from the current element. Numeric
 * segments index arrays. Segments naming Object.prototype members are rejected here, so reads
 * can be plain property accesses (this is the evaluator's hot path).
 */
export function compilePath(path: string): Getter {
  if (!/^[A-Za-z_$][\w$]*(\.[\w$]+)*$/.test(path)) throw new Error(`Invalid condition path: "${path}"`);
  const segments = path.split(".");
  for (const s of segments) {
    if (FORBIDDEN_SEGMENTS.has(s)) throw new Error(`Invalid condition path segment "${s}" in "${path}"`);
  }
  const fromItem = segments[0] === "item";
  const rest = fromItem ? segments.slice(1) : segments;
  const n = rest.length;
  if (n === 0) return (_r, item) => item;
  if (n === 1) {
    const k = rest[0] as string;
    return fromItem ? (_r, item) => read(item, k) : (root) => read(root, k);
  }
  if (n === 2) {
    const [a, b] = rest as [string, string];
    return fromItem ? (_r, item) => read(read(item, a), b) : (root) => read(read(root, a), b);
  }
  if (n === 3) {
    const [a, b, c] = rest as [string, string, string];
    return fromItem
      ? (_r, item) => read(read(read(item, a), b), c)
      : (root) => read(read(read(root, a), b), c);
  }
  return (root, item) => {
    let v: unknown = fromItem ? item : root;
    for (let i = 0; i < n; i++) v = read(v, rest[i] as string);
    return v;
  };
}

function read(obj: unknown, key: string): unknown {
  // Arrays are indexed by numeric segments; any other key on an array reads undefined.
  return obj !== null && typeof obj === "object" ? (obj as Record<string, unknown>)[key] : undefined;
}

const NON_BLANK = /\S/;

/** A value counts as present when set and not blank (strings are trimmed, arrays non-empty). */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "string") return NON_BLANK.test(v);
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "number") return Number.isFinite(v);
  return true;
}

function normalize(v: unknown): Scalar | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return undefined; // objects and arrays never equal a scalar
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function compileCondition(c: Condition | undefined): CompiledCondition {
  if (c === undefined) return ALWAYS;
  if (typeof c !== "object" || c === null) throw new Error("Condition must be an object");
  if ("all" in c) {
    const parts = c.all.map(compileCondition);
    if (parts.length === 0) return ALWAYS;
    if (parts.length === 1) return parts[0] as CompiledCondition;
    return (r, i) => {
      for (const p of parts) if (!p(r, i)) return false;
      return true;
    };
  }
  if ("any" in c) {
    const parts = c.any.map(compileCondition);
    return (r, i) => {
      for (const p of parts) if (p(r, i)) return true;
      return false;
    };
  }
  if ("not" in c) {
    const inner = compileCondition(c.not);
    return (r, i) => !inner(r, i);
  }
  if (!("path" in c)) throw new Error(`Unknown condition: ${JSON.stringify(c)}`);
  const get = compilePath(c.path);
  if ("present" in c) {
    const want = c.present;
    return (r, i) => isPresent(get(r, i)) === want;
  }
  if ("equals" in c) {
    const want = c.equals;
    return (r, i) => normalize(get(r, i)) === want;
  }
  if ("in" in c) {
    const set = new Set<Scalar>(c.in);
    return (r, i) => {
      const v = normalize(get(r, i));
      return v !== undefined && set.has(v);
    };
  }
  if ("matches" in c) {
    const re = new RegExp(c.matches, "u");
    return (r, i) => {
      const v = get(r, i);
      if (typeof v === "string") return re.test(v);
      if (typeof v === "number" && Number.isFinite(v)) return re.test(String(v));
      return false;
    };
  }
  if ("gt" in c) {
    const x = c.gt;
    return (r, i) => {
      const v = num(get(r, i));
      return v !== undefined && v > x;
    };
  }
  if ("gte" in c) {
    const x = c.gte;
    return (r, i) => {
      const v = num(get(r, i));
      return v !== undefined && v >= x;
    };
  }
  if ("lt" in c) {
    const x = c.lt;
    return (r, i) => {
      const v = num(get(r, i));
      return v !== undefined && v < x;
    };
  }
  if ("lte" in c) {
    const x = c.lte;
    return (r, i) => {
      const v = num(get(r, i));
      return v !== undefined && v <= x;
    };
  }
  throw new Error(`Unknown condition operator: ${JSON.stringify(c)}`);
}

/** All paths a condition reads (for validating a catalog). */
export function conditionPaths(c: Condition | undefined, out: string[] = []): string[] {
  if (!c) return out;
  if ("all" in c) for (const p of c.all) conditionPaths(p, out);
  else if ("any" in c) for (const p of c.any) conditionPaths(p, out);
  else if ("not" in c) conditionPaths(c.not, out);
  else out.push(c.path);
  return out;
}

const PATH_LABELS: Readonly<Record<string, string>> = {
  procedureType: "Verfahrensart",
  "project.measureType": "Art der Maßnahme",
  "project.buildingClass": "Gebäudeklasse",
  "project.specialBuilding": "Sonderbau",
  "project.monument": "Baudenkmal",
  "project.use": "Nutzung",
  "project.heatedRooms": "beheizte Räume",
  "project.newSewerConnection": "neuer Kanalanschluss",
  "project.largeGarage": "Mittel-/Großgarage",
  "project.minorWork": "geringfügiges Vorhaben",
  "project.attachedBuilding": "nicht freistehendes Gebäude",
  "project.neighbourConsent": "Nachbarzustimmung",
  "project.deviationsRequested": "Abweichungen beantragt",
  "project.estimatedCosts": "Baukosten",
  "plot.planningArea": "planungsrechtliche Lage",
  "plot.applicantIsOwner": "Bauherr ist Eigentümer",
  "bauherr.kind": "Art des Bauherrn",
  "bauherr.hasRepresentative": "Bevollmächtigte Person",
};

function label(path: string): string {
  return PATH_LABELS[path] ?? path;
}

function scalar(v: Scalar): string {
  if (v === true) return "ja";
  if (v === false) return "nein";
  if (v === null) return "leer";
  return String(v);
}

/** A readable (German) rendering of a condition, for the admin page that shows the catalog. */
export function describeCondition(c: Condition | undefined): string {
  if (!c) return "immer";
  if ("all" in c) return c.all.length === 0 ? "immer" : c.all.map((p) => wrap(p)).join(" und ");
  if ("any" in c) return c.any.map((p) => wrap(p)).join(" oder ");
  if ("not" in c) return `nicht ${wrap(c.not)}`;
  const l = label(c.path);
  if ("present" in c) return c.present ? `${l} angegeben` : `${l} nicht angegeben`;
  if ("equals" in c) return `${l} = ${scalar(c.equals)}`;
  if ("in" in c) return `${l} ∈ {${c.in.map(scalar).join(", ")}}`;
  if ("matches" in c) return `${l} entspricht /${c.matches}/`;
  if ("gt" in c) return `${l} > ${c.gt}`;
  if ("gte" in c) return `${l} ≥ ${c.gte}`;
  if ("lt" in c) return `${l} < ${c.lt}`;
  return `${l} ≤ ${c.lte}`;
}

function wrap(c: Condition): string {
  const s = describeCondition(c);
  return "all" in c || "any" in c ? `(${s})` : s;
}
