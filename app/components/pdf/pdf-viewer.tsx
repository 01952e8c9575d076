import { useEffect, useRef, useState } from "react";

/** A comment pinned to a position on a page (posX/posY are fractions 0..1 of the page size). */
export interface PagePin {
  id: string;
  page: number;
  posX: number;
  posY: number;
  label: string;
  /** Shown in the pin; matches the thread's number in the comment list. Defaults to the order on the page. */
  number?: number;
  resolved?: boolean;
  /** The pin of the thread the user is looking at (drawn larger). */
  active?: boolean;
}

export interface PdfViewerProps {
  /** Download URL of the version (same origin). */
  url: string;
  title: string;
  pins?: PagePin[];
  /** When set, a click on the page reports the page and the relative position (for pinning). */
  onPick?: (pick: { page: number; posX: number; posY: number }) => void;
  picked?: { page: number; posX: number; posY: number } | null;
  initialPage?: number;
  /** Controlled page (e.g. to jump to a pinned comment); with it, navigation calls onPageChange. */
  page?: number;
  onPageChange?: (page: number) => void;
  /** When set, pins are buttons (e.g. to show the pin's thread). */
  onPinClick?: (pinId: string) => void;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** In-browser PDF viewer (pdfjs-dist): one page on a canvas, page navigation and zoom. */
export function PdfViewer({
  url,
  title,
  pins = [],
  onPick,
  picked,
  initialPage = 1,
  page: controlledPage,
  onPageChange,
  onPinClick,
}: PdfViewerProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [pageCount, setPageCount] = useState(0);
  const [ownPage, setOwnPage] = useState(initialPage);
  const page = controlledPage ?? ownPage;
  const setPage = (next: (p: number) => number) => {
    const value = next(page);
    if (onPageChange) onPageChange(value);
    if (controlledPage === undefined) setOwnPage(value);
  };
  const [zoom, setZoom] = useState(2);
  const [error, setError] = useState<string | null>(null);
  const [rendered, setRendered] = useState<string | null>(null);

  useEffect(() => {
    setOwnPage(initialPage);
  }, [initialPage]);

  useEffect(() => {
    let cancelled = false;
    let task: { cancel(): void } | null = null;
    setError(null);
    (async () => {
      const { loadPdf, renderPage } = await import("./pdfjs.client");
      const doc = await loadPdf(url);
      if (cancelled) return;
      setPageCount(doc.numPages);
      const p = Math.min(Math.max(1, page), doc.numPages);
      const canvas = canvasRef.current;
      if (!canvas) return;
      const r = await renderPage(doc, p, ZOOMS[zoom] ?? 1, canvas);
      task = r.task;
      if (cancelled) {
        r.task.cancel();
        return;
      }
      await r.task.promise;
      if (!cancelled) setRendered(`${url}#${p}@${zoom}`);
    })().catch((e: unknown) => {
      if (cancelled) return;
      if (e instanceof Error && e.name === "RenderingCancelledException") return;
      console.error("pdf viewer", e);
      setError("Das Dokument kann nicht angezeigt werden. Bitte laden Sie es herunter.");
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [url, page, zoom]);

  const current = Math.min(page, Math.max(pageCount, 1));
  const pagePins = pins.filter((p) => p.page === current);

  return (
    <div className="app-pdf" data-testid="pdf-viewer" data-page={current} data-rendered={rendered ?? ""}>
      <ViewerToolbar
        title={title}
        current={current}
        pageCount={pageCount}
        zoom={zoom}
        onPrevious={() => setPage((p) => Math.max(1, p - 1))}
        onNext={() => setPage((p) => Math.min(pageCount || 1, p + 1))}
        onZoom={setZoom}
      />
      {error ? (
        <p className="kern-body" role="alert">
          {error}
        </p>
      ) : null}
      <div
        className="app-pdf__scroll"
        style={{ overflow: "auto", maxHeight: "80vh", border: "1px solid #ccc" }}
      >
        <div style={{ position: "relative", display: "inline-block" }}>
          <canvas
            ref={canvasRef}
            aria-label={`${title}, Seite ${current}`}
            role="img"
            onClick={
              onPick
                ? (e) => {
                    const rect = e.currentTarget.getBoundingClientRect();
                    onPick({
                      page: current,
                      posX: Math.round(((e.clientX - rect.left) / rect.width) * 1000) / 1000,
                      posY: Math.round(((e.clientY - rect.top) / rect.height) * 1000) / 1000,
                    });
                  }
                : undefined
            }
            style={{ display: "block", cursor: onPick ? "crosshair" : undefined }}
          />
          <PinMarkers pins={pagePins} onPinClick={onPinClick} />
          {picked && picked.page === current ? (
            <span data-testid="pdf-pin-new" style={pinStyle(picked.posX, picked.posY, "#1d4ed8")}>
              +
            </span>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function pinColor(p: PagePin): string {
  return p.resolved ? "#6b7280" : "#b91c1c";
}

function pinStyle(x: number, y: number, color: string, active = false): React.CSSProperties {
  const size = active ? 32 : 24;
  return {
    position: "absolute",
    left: `calc(${x * 100}% - ${size / 2}px)`,
    top: `calc(${y * 100}% - ${size / 2}px)`,
    width: size,
    height: size,
    borderRadius: size / 2,
    boxShadow: active ? "0 0 0 3px #fbbf24" : undefined,
    padding: 0,
    background: color,
    color: "#fff",
    fontSize: 13,
    lineHeight: `${size}px`,
    textAlign: "center",
    pointerEvents: "none",
    fontWeight: 700,
  };
}

/** Page and zoom controls of the viewer. */
function ViewerToolbar({
  title,
  current,
  pageCount,
  zoom,
  onPrevious,
  onNext,
  onZoom,
}: {
  title: string;
  current: number;
  pageCount: number;
  zoom: number;
  onPrevious: () => void;
  onNext: () => void;
  onZoom: (update: (zoom: number) => number) => void;
}) {
  return (
    <div className="app-pdf__toolbar" role="toolbar" aria-label={`Ansicht ${title}`}>
      <button
        type="button"
        className="kern-btn kern-btn--tertiary"
        onClick={onPrevious}
        disabled={current <= 1}
      >
        <span className="kern-label">Vorherige Seite</span>
      </button>
      <span className="kern-body" aria-live="polite" data-testid="pdf-page-label">
        Seite {current} von {pageCount || "…"}
      </span>
      <button
        type="button"
        className="kern-btn kern-btn--tertiary"
        onClick={onNext}
        disabled={current >= pageCount}
      >
        <span className="kern-label">Nächste Seite</span>
      </button>
      <button
        type="button"
        className="kern-btn kern-btn--tertiary"
        onClick={() => onZoom((z) => Math.max(0, z - 1))}
        disabled={zoom <= 0}
        aria-label="Verkleinern"
      >
        <span className="kern-label">−</span>
      </button>
      <span className="kern-body" data-testid="pdf-zoom">
        {Math.round((ZOOMS[zoom] ?? 1) * 100)} %
      </span>
      <button
        type="button"
        className="kern-btn kern-btn--tertiary"
        onClick={() => onZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}
        disabled={zoom >= ZOOMS.length - 1}
        aria-label="Vergrößern"
      >
        <span className="kern-label">+</span>
      </button>
    </div>
  );
}

/** The comment pins of the shown page: buttons when a click shows the thread, else plain markers. */
function PinMarkers({ pins: pagePins, onPinClick }: { pins: PagePin[]; onPinClick?: (id: string) => void }) {
  return (
    <>
      {pagePins.map((p, i) =>
        onPinClick ? (
          <button
            key={p.id}
            type="button"
            title={p.label}
            aria-label={`Kommentar ${p.number ?? i + 1}: ${p.label}`}
            data-testid="pdf-pin"
            data-active={p.active ? "true" : undefined}
            onClick={() => onPinClick(p.id)}
            style={{
              ...pinStyle(p.posX, p.posY, pinColor(p), p.active),
              pointerEvents: "auto",
              border: 0,
            }}
          >
            {p.number ?? i + 1}
          </button>
        ) : (
          <span
            key={p.id}
            title={p.label}
            data-testid="pdf-pin"
            data-active={p.active ? "true" : undefined}
            style={pinStyle(p.posX, p.posY, pinColor(p), p.active)}
          >
            {p.number ?? i + 1}
          </span>
        ),
      )}
    </>
  );
}
