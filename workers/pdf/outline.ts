import { type PDFDocument, PDFHexString, PDFName, type PDFRef } from "pdf-lib";

/**
 * A flat PDF outline (bookmarks), built by hand because pdf-lib has no API for it: one /Outlines
 * dictionary, one item per entry, linked by /Prev and /Next, each with an explicit /Dest to the top
 * of its page or to its heading (/XYZ null <top> null keeps the reader's zoom). Titles as UTF-16 hex strings, so
 * umlauts survive in every reader. Replaces an outline the document already had.
 */
export interface OutlineEntry {
  title: string;
  /** Zero-based page index in `doc`. */
  pageIndex: number;
  /** User-space y the reader scrolls to (a section heading); absent: the top of the page. */
  top?: number;
}

export interface OutlineOptions {
  /** Open the file with the bookmarks panel shown (default true: packages are navigated by Bauvorlage). */
  openPanel?: boolean;
}

export function setOutline(doc: PDFDocument, entries: OutlineEntry[], options: OutlineOptions = {}): void {
  const { context, catalog } = doc;
  catalog.delete(PDFName.of("Outlines"));
  const pages = doc.getPages();
  const valid = entries.filter((e) => Number.isInteger(e.pageIndex) && pages[e.pageIndex] !== undefined);
  if (valid.length === 0) return;

  const rootRef = context.nextRef();
  const itemRefs: PDFRef[] = valid.map(() => context.nextRef());
  valid.forEach((entry, i) => {
    const page = pages[entry.pageIndex];
    if (!page) return;
    const item = context.obj({
      Title: PDFHexString.fromText(entry.title),
      Parent: rootRef,
      Dest: [page.ref, PDFName.of("XYZ"), null, entry.top ?? null, null],
    });
    const prev = itemRefs[i - 1];
    const next = itemRefs[i + 1];
    if (prev) item.set(PDFName.of("Prev"), prev);
    if (next) item.set(PDFName.of("Next"), next);
    context.assign(itemRefs[i] as PDFRef, item);
  });
  context.assign(
    rootRef,
    context.obj({
      Type: "Outlines",
      First: itemRefs[0] as PDFRef,
      Last: itemRefs[itemRefs.length - 1] as PDFRef,
      Count: valid.length,
    }),
  );
  catalog.set(PDFName.of("Outlines"), rootRef);
  if (options.openPanel !== false) catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}

/** Bookmarks from the headings of a tagged document (tagging.ts), down to `maxLevel` (H1 = 1). */
export function headingOutline(
  headings: { level: number; title: string; pageIndex: number; top?: number }[],
  maxLevel = 2,
): OutlineEntry[] {
  return headings
    .filter((h) => h.level <= maxLevel)
    .map(({ title, pageIndex, top }) => ({ title, pageIndex, top }));
}
