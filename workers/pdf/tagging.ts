import {
  PDFArray,
  PDFDict,
  type PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFOperator,
  PDFOperatorNames,
  type PDFPage,
  PDFRef,
} from "pdf-lib";

/**
 * Tagged PDF (ISO 32000-1 14.7/14.8, PDF/UA-1) for the documents we draw ourselves. pdf-lib has no
 * tagging API, so this builds it from low-level objects (ADR 0011):
 * - every page a tagger knows starts *inside an artifact* (`/Artifact BMC`): whatever is drawn
 *   without a structure element — rules, panels, accent bars, running headers, footers, page
 *   numbers — is an artifact without each renderer having to say so, and nothing is left
 *   unmarked;
 * - text for a structure element leaves the artifact for its own marked-content sequence
 *   (`/P <</MCID n>> BDC … EMC`) and returns to it, so content order = structure order;
 * - `finish` closes the artifacts and writes the structure tree (/StructTreeRoot → /Document →
 *   H1/H2/P/L/LI/Lbl/LBody/Table/TR/TH/TD/Figure/Link), the /ParentTree number tree, page
 *   /StructParents and /Tabs /S, /MarkInfo, and returns the headings for the bookmarks.
 * A disabled tagger (`Tagger.off()`) only runs the drawing, for callers that draw untagged pages.
 */

export type StructRole =
  | "Document"
  | "Sect"
  | "Part"
  | "Div"
  | "H1"
  | "H2"
  | "H3"
  | "P"
  | "Note"
  | "L"
  | "LI"
  | "Lbl"
  | "LBody"
  | "Table"
  | "THead"
  | "TBody"
  | "TR"
  | "TH"
  | "TD"
  | "Figure"
  | "Link"
  | "Caption";

export interface ElementOptions {
  /** Alternative text (/Alt): required for a Figure. */
  alt?: string;
  /** /Scope of a header cell (TH): its column or its row. */
  scope?: "Column" | "Row";
  /** /ColSpan of a table cell that spans columns. */
  colSpan?: number;
  /** Bookmark title for a heading (default: its text). `false` keeps a heading out of the outline. */
  bookmark?: string | false;
}

type Kid =
  | { kind: "element"; element: StructNode }
  | { kind: "content"; page: PDFPage; mcid: number }
  | { kind: "annot"; page: PDFPage; annot: PDFRef };

interface StructNode {
  role: StructRole;
  options: ElementOptions;
  kids: Kid[];
  /** Text drawn for it, for headings (bookmark titles). */
  text: string[];
  /** First page with content (heading bookmarks point here) and the y of its first line. */
  firstPage?: PDFPage;
  firstY?: number;
}

interface PageState {
  page: PDFPage;
  /** Struct element per MCID (index = MCID) for the /ParentTree. */
  owners: StructNode[];
  annots: { ref: PDFRef; owner: StructNode }[];
}

/** A heading with where it starts: one bookmark. */
export interface TaggedHeading {
  level: 1 | 2 | 3;
  title: string;
  pageIndex: number;
  /** User-space y of the heading's first line (the bookmark opens there). */
  top?: number;
}

type OperatorArg = NonNullable<Parameters<typeof PDFOperator.of>[1]>[number];
/** The inline property list of a marked-content sequence (written as is into the content stream). */
const properties = (mcid: number) => `<</MCID ${mcid}>>`;
const op = (name: PDFOperatorNames, ...args: OperatorArg[]) => PDFOperator.of(name, args);

export class Tagger {
  private readonly root: StructNode = { role: "Document", options: {}, kids: [], text: [] };
  private readonly stack: StructNode[] = [this.root];
  private readonly pages = new Map<PDFPage, PageState>();
  /** Depth of `artifact()` calls: inside, text stays in the page's artifact. */
  private artifactDepth = 0;
  private finished = false;

  private constructor(
    private readonly doc: PDFDocument | null,
    readonly enabled: boolean,
  ) {}

  static for(doc: PDFDocument): Tagger {
    return new Tagger(doc, true);
  }

  /** A tagger that tags nothing: the same calls draw an untagged document. */
  static off(): Tagger {
    return new Tagger(null, false);
  }

  /** Registers a page drawn by us: its content starts inside an artifact until `finish`. */
  beginPage(page: PDFPage): void {
    if (!this.enabled || this.pages.has(page)) return;
    this.pages.set(page, { page, owners: [], annots: [] });
    page.pushOperators(op(PDFOperatorNames.BeginMarkedContent, PDFName.of("Artifact")));
  }

  /** Opens a structure element below the current one, runs `draw` with it current, closes it. */
  within<T>(role: StructRole, draw: () => T, options: ElementOptions = {}): T {
    if (!this.enabled) return draw();
    const node: StructNode = { role, options, kids: [], text: [] };
    this.current().kids.push({ kind: "element", element: node });
    this.stack.push(node);
    try {
      return draw();
    } finally {
      this.stack.pop();
    }
  }

  /** Drawing that is no content (a repeated table header, a decoration drawn inside an element). */
  artifact<T>(draw: () => T): T {
    this.artifactDepth++;
    try {
      return draw();
    } finally {
      this.artifactDepth--;
    }
  }

  /**
   * Draws content of the current element (text, a figure's path) as one marked-content sequence.
   * With no element open below /Document, the content becomes a paragraph of its own, so no
   * text can end up hidden from assistive technology.
   */
  content(page: PDFPage, draw: () => void, text?: string, y?: number): void {
    const state = this.pages.get(page);
    if (!this.enabled || !state || this.artifactDepth > 0) {
      draw();
      return;
    }
    if (this.current() === this.root) {
      this.within("P", () => this.content(page, draw, text, y));
      return;
    }
    const node = this.current();
    const mcid = state.owners.length;
    state.owners.push(node);
    node.kids.push({ kind: "content", page, mcid });
    if (text !== undefined) node.text.push(text);
    for (const open of this.stack) {
      if (open.firstPage) continue;
      open.firstPage = page;
      open.firstY = y;
    }
    page.pushOperators(
      op(PDFOperatorNames.EndMarkedContent),
      op(PDFOperatorNames.BeginMarkedContentSequence, PDFName.of(node.role), properties(mcid)),
    );
    draw();
    page.pushOperators(
      op(PDFOperatorNames.EndMarkedContent),
      op(PDFOperatorNames.BeginMarkedContent, PDFName.of("Artifact")),
    );
  }

  /** Ties a link annotation to the current element (a Link): /StructParent and an OBJR kid. */
  annotation(page: PDFPage, annot: PDFRef): void {
    const state = this.pages.get(page);
    if (!this.enabled || !state) return;
    const node = this.current();
    state.annots.push({ ref: annot, owner: node });
    node.kids.push({ kind: "annot", page, annot });
  }

  private current(): StructNode {
    return this.stack[this.stack.length - 1] as StructNode;
  }

  /**
   * Closes the page artifacts and writes the structure tree. Call once, after the last drawing
   * (footers included) and before saving. Returns the headings (H1–H3) for the outline.
   */
  finish(): TaggedHeading[] {
    if (!this.enabled || !this.doc || this.finished) return [];
    this.finished = true;
    const doc = this.doc;
    const { context, catalog } = doc;
    for (const state of this.pages.values()) state.page.pushOperators(op(PDFOperatorNames.EndMarkedContent));

    const refs = new Map<StructNode, PDFRef>();
    const rootRef = context.nextRef();
    const write = (node: StructNode, parent: PDFRef): PDFRef | null => {
      const kids = node.kids.filter((k) => k.kind !== "element" || hasContent(k.element));
      if (kids.length === 0 && node !== this.root) return null;
      const ref = context.nextRef();
      refs.set(node, ref);
      const dict = context.obj({ Type: "StructElem", S: node.role, P: parent });
      const page = node.firstPage ?? firstPageOf(node);
      if (page) dict.set(PDFName.of("Pg"), page.ref);
      if (node.options.alt !== undefined)
        dict.set(PDFName.of("Alt"), PDFHexString.fromText(node.options.alt));
      if (node.options.scope || node.options.colSpan) {
        const attributes = context.obj({ O: "Table" });
        if (node.options.scope) attributes.set(PDFName.of("Scope"), PDFName.of(node.options.scope));
        if (node.options.colSpan) attributes.set(PDFName.of("ColSpan"), PDFNumber.of(node.options.colSpan));
        dict.set(PDFName.of("A"), attributes);
      }
      const k: (PDFRef | PDFNumber | PDFDict)[] = [];
      for (const kid of kids) {
        if (kid.kind === "element") {
          const child = write(kid.element, ref);
          if (child) k.push(child);
        } else if (kid.kind === "content") {
          k.push(
            kid.page === page
              ? PDFNumber.of(kid.mcid)
              : context.obj({ Type: "MCR", Pg: kid.page.ref, MCID: kid.mcid }),
          );
        } else {
          k.push(context.obj({ Type: "OBJR", Pg: kid.page.ref, Obj: kid.annot }));
        }
      }
      dict.set(PDFName.of("K"), context.obj(k));
      context.assign(ref, dict);
      return ref;
    };
    const documentRef = write(this.root, rootRef) as PDFRef;

    // /ParentTree: page i -> its elements by MCID; then one entry per annotation.
    const nums: (PDFNumber | PDFRef | PDFArray)[] = [];
    let key = 0;
    for (const state of this.pages.values()) {
      state.page.node.set(PDFName.of("Tabs"), PDFName.of("S"));
      if (state.owners.length === 0) continue;
      state.page.node.set(PDFName.of("StructParents"), PDFNumber.of(key));
      nums.push(PDFNumber.of(key++), context.obj(state.owners.map((o) => refs.get(o) as PDFRef)));
    }
    for (const state of this.pages.values()) {
      for (const a of state.annots) {
        const annot = context.lookup(a.ref);
        if (annot instanceof PDFDict) annot.set(PDFName.of("StructParent"), PDFNumber.of(key));
        nums.push(PDFNumber.of(key++), refs.get(a.owner) as PDFRef);
      }
    }
    const parentTree = context.register(context.obj({ Nums: nums }));
    context.assign(
      rootRef,
      context.obj({ Type: "StructTreeRoot", K: documentRef, ParentTree: parentTree, ParentTreeNextKey: key }),
    );
    catalog.set(PDFName.of("StructTreeRoot"), rootRef);
    catalog.set(PDFName.of("MarkInfo"), context.obj({ Marked: true }));
    return this.headings();
  }

  private headings(): TaggedHeading[] {
    const pageIndex = new Map((this.doc?.getPages() ?? []).map((p, i) => [p, i]));
    const out: TaggedHeading[] = [];
    const visit = (node: StructNode) => {
      const level = node.role === "H1" ? 1 : node.role === "H2" ? 2 : node.role === "H3" ? 3 : 0;
      if (level > 0 && node.options.bookmark !== false && node.firstPage) {
        const title = node.options.bookmark ?? node.text.join(" ");
        const index = pageIndex.get(node.firstPage);
        if (title && index !== undefined) {
          out.push({ level: level as 1 | 2 | 3, title, pageIndex: index, top: node.firstY });
        }
      }
      for (const kid of node.kids) if (kid.kind === "element") visit(kid.element);
    };
    visit(this.root);
    return out;
  }
}

function hasContent(node: StructNode): boolean {
  return node.kids.some((k) => k.kind !== "element" || hasContent(k.element));
}

function firstPageOf(node: StructNode): PDFPage | undefined {
  for (const kid of node.kids) {
    if (kid.kind !== "element") return kid.page;
    const page = firstPageOf(kid.element);
    if (page) return page;
  }
  return undefined;
}

/**
 * Draws on a page outside any structure as an artifact (/Artifact BMC … EMC): page labels and
 * stamps added to a finished document, including the applicant's merged pages.
 */
export function drawArtifact(page: PDFPage, draw: () => void): void {
  page.pushOperators(op(PDFOperatorNames.BeginMarkedContent, PDFName.of("Artifact")));
  draw();
  page.pushOperators(op(PDFOperatorNames.EndMarkedContent));
}

// ---- adding to a finished, tagged file (the verification mark at issue time) -----------------------

/**
 * Draws `draw` on a page of a loaded document as one structure element below /Document (a Figure
 * with /Alt for the QR code, a P for the mark's text) when the document is tagged; as an artifact
 * when it is not (stamped plans and the applicant's pages carry no structure of ours).
 * Expects the flat /ParentTree this module writes (/Nums in the root node).
 */
export function appendTagged(
  doc: PDFDocument,
  page: PDFPage,
  role: StructRole,
  draw: () => void,
  options: ElementOptions = {},
): void {
  const { context, catalog } = doc;
  const root = catalog.lookupMaybe(PDFName.of("StructTreeRoot"), PDFDict);
  const parentTree = root?.lookupMaybe(PDFName.of("ParentTree"), PDFDict);
  const nums = parentTree?.lookupMaybe(PDFName.of("Nums"), PDFArray);
  const documentRef = root?.get(PDFName.of("K"));
  if (!root || !nums || !(documentRef instanceof PDFRef)) {
    drawArtifact(page, draw);
    return;
  }
  const documentElement = context.lookup(documentRef, PDFDict);
  // The page's entry in the parent tree (a new one for a page without tagged content yet).
  let owners: PDFArray | undefined;
  const existing = page.node.get(PDFName.of("StructParents"));
  if (existing instanceof PDFNumber) {
    for (let i = 0; i + 1 < nums.size(); i += 2) {
      if ((nums.lookup(i) as PDFNumber).asNumber() === existing.asNumber()) {
        owners = nums.lookup(i + 1, PDFArray);
        break;
      }
    }
  }
  if (!owners) {
    const nextKey = (root.lookupMaybe(PDFName.of("ParentTreeNextKey"), PDFNumber)?.asNumber() ?? 0) as number;
    owners = context.obj([]);
    nums.push(PDFNumber.of(nextKey));
    nums.push(owners);
    page.node.set(PDFName.of("StructParents"), PDFNumber.of(nextKey));
    root.set(PDFName.of("ParentTreeNextKey"), PDFNumber.of(nextKey + 1));
  }
  const mcid = owners.size();
  const elementRef = context.nextRef();
  const element = context.obj({
    Type: "StructElem",
    S: role,
    P: documentRef,
    Pg: page.ref,
    K: [mcid],
  });
  if (options.alt !== undefined) element.set(PDFName.of("Alt"), PDFHexString.fromText(options.alt));
  context.assign(elementRef, element);
  owners.push(elementRef);
  const kids = documentElement.lookup(PDFName.of("K"));
  if (kids instanceof PDFArray) kids.push(elementRef);
  else
    documentElement.set(
      PDFName.of("K"),
      context.obj(kids ? [documentElement.get(PDFName.of("K")), elementRef] : [elementRef]),
    );
  page.node.set(PDFName.of("Tabs"), PDFName.of("S"));
  page.pushOperators(op(PDFOperatorNames.BeginMarkedContentSequence, PDFName.of(role), properties(mcid)));
  draw();
  page.pushOperators(op(PDFOperatorNames.EndMarkedContent));
}
