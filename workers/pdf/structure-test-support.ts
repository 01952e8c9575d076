import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/**
 * Reads a PDF's structure tree with pdf.js (an independent reader: what Firefox and many screen
 * reader set-ups see), with the text of every marked-content sequence filled in, so tests can
 * ask "is there an H2 with the text 'I. Entscheidung'" or "which cells does the fee table have".
 */
export interface StructNode {
  role: string;
  alt?: string;
  /** Text of this node and all below, in structure order. */
  text: string;
  children: StructNode[];
}

export interface ReadStructure {
  /** One tree per page (pdf.js gives the tree as seen from each page). */
  pages: StructNode[];
  /** Text of the page in content order, artifacts left out, per page. */
  taggedText: string[];
  /** Text pdf.js found inside artifacts (headers, footers, page numbers) per page. */
  artifactText: string[];
  /** Text outside any marked content (should be none in a tagged file). */
  unmarkedText: string[];
}

interface PdfJsStructNode {
  role?: string;
  alt?: string;
  type?: string;
  id?: string;
  children?: PdfJsStructNode[];
}

export async function readStructure(bytes: Uint8Array): Promise<ReadStructure> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  const out: ReadStructure = { pages: [], taggedText: [], artifactText: [], unmarkedText: [] };
  try {
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const byId = new Map<string, string>();
      const stack: { id: string | null; artifact: boolean }[] = [];
      let tagged = "";
      let artifact = "";
      let unmarked = "";
      for (const item of content.items as {
        type?: string;
        id?: string;
        tag?: string;
        str?: string;
        hasEOL?: boolean;
      }[]) {
        if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
          stack.push({ id: item.id ?? null, artifact: item.tag === "Artifact" });
          continue;
        }
        if (item.type === "endMarkedContent") {
          stack.pop();
          continue;
        }
        if (typeof item.str !== "string") continue;
        const s = item.str + (item.hasEOL ? " " : "");
        if (stack.some((m) => m.artifact)) artifact += s;
        else {
          const id = [...stack].reverse().find((m) => m.id)?.id;
          if (id) {
            byId.set(id, (byId.get(id) ?? "") + s);
            tagged += s;
          } else unmarked += s;
        }
      }
      const tree = (await page.getStructTree()) as PdfJsStructNode | null;
      const convert = (node: PdfJsStructNode): StructNode => {
        const children = (node.children ?? []).filter((c) => c.type !== "content" && c.type !== "object");
        const contentText = (node.children ?? [])
          .map((c) => (c.type === "content" && c.id ? (byId.get(c.id) ?? "") : ""))
          .join("");
        const converted = children.map(convert);
        return {
          role: node.role ?? "",
          alt: node.alt,
          text: squash(contentText + converted.map((c) => ` ${c.text}`).join("")),
          children: converted,
        };
      };
      out.pages.push(tree ? convert(tree) : { role: "", text: "", children: [] });
      out.taggedText.push(squash(tagged));
      out.artifactText.push(squash(artifact));
      out.unmarkedText.push(squash(unmarked));
    }
  } finally {
    await pdf.destroy();
  }
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** All nodes with `role` below `node` (depth first, structure order). */
export function findAll(node: StructNode, role: string): StructNode[] {
  const out: StructNode[] = [];
  const visit = (n: StructNode) => {
    if (n.role === role) out.push(n);
    for (const c of n.children) visit(c);
  };
  visit(node);
  return out;
}

/** The nodes of every page with `role`. */
export function findInDocument(s: ReadStructure, role: string): StructNode[] {
  return s.pages.flatMap((p) => findAll(p, role));
}
