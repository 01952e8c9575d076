import { useEffect, useRef, useState } from "react";

export interface CompareVersion {
  id: string;
  label: string;
  url: string;
}

type Mode = "side" | "overlay";

/**
 * Compares two versions of a plan: both rendered with pdf.js at the same scale, either side by
 * side or on top of each other (opacity slider, optional "difference" blend: unchanged lines
 * cancel out to black, changes stay bright).
 */
export function VersionCompare({ versions, title }: { versions: CompareVersion[]; title: string }) {
  const [a, setA] = useState(versions[versions.length - 2]?.id ?? versions[0]?.id ?? "");
  const [b, setB] = useState(versions[versions.length - 1]?.id ?? "");
  const [mode, setMode] = useState<Mode>("side");
  const [opacity, setOpacity] = useState(50);
  const [difference, setDifference] = useState(false);
  const [page, setPage] = useState(1);
  const va = versions.find((v) => v.id === a);
  const vb = versions.find((v) => v.id === b);

  const { refA, refB, pages, done } = useComparedPages(va, vb, page);

  if (versions.length < 2) return null;
  const maxPages = Math.max(pages[0], pages[1], 1);
  const options = versions.map((v) => (
    <option key={v.id} value={v.id}>
      {v.label}
    </option>
  ));

  return (
    <div className="app-compare" data-testid="version-compare" data-rendered={done} data-mode={mode}>
      <div
        className="app-inline-form"
        style={{ display: "flex", flexWrap: "wrap", gap: "1rem", alignItems: "end" }}
      >
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="cmp-a">
            Ältere Fassung
          </label>
          <select
            id="cmp-a"
            className="kern-form-input__select"
            value={a}
            onChange={(e) => setA(e.target.value)}
          >
            {options}
          </select>
        </div>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="cmp-b">
            Neuere Fassung
          </label>
          <select
            id="cmp-b"
            className="kern-form-input__select"
            value={b}
            onChange={(e) => setB(e.target.value)}
          >
            {options}
          </select>
        </div>
        <ModeChoice mode={mode} onMode={setMode} />
      </div>
      {mode === "overlay" ? (
        <OverlayControls
          opacity={opacity}
          onOpacity={setOpacity}
          difference={difference}
          onDifference={setDifference}
        />
      ) : null}
      <PageNav page={page} maxPages={maxPages} onPage={setPage} />
      <div
        style={
          mode === "side"
            ? { display: "flex", gap: "1rem", overflow: "auto", maxHeight: "80vh" }
            : {
                position: "relative",
                overflow: "auto",
                maxHeight: "80vh",
                background: difference ? "#000" : "#fff",
              }
        }
      >
        <figure style={{ margin: 0 }}>
          {mode === "side" ? (
            <figcaption className="kern-body kern-body--bold">{va?.label}</figcaption>
          ) : null}
          <canvas
            ref={refA}
            role="img"
            aria-label={`${title}, ${va?.label ?? ""}, Seite ${page}`}
            style={{ display: "block", border: "1px solid #ccc" }}
          />
        </figure>
        <figure
          style={
            mode === "side"
              ? { margin: 0 }
              : {
                  margin: 0,
                  position: "absolute",
                  top: 0,
                  left: 0,
                  opacity: difference ? 1 : opacity / 100,
                  mixBlendMode: difference ? "difference" : "normal",
                }
          }
        >
          {mode === "side" ? (
            <figcaption className="kern-body kern-body--bold">{vb?.label}</figcaption>
          ) : null}
          <canvas
            ref={refB}
            role="img"
            aria-label={`${title}, ${vb?.label ?? ""}, Seite ${page}`}
            style={{ display: "block", border: mode === "side" ? "1px solid #ccc" : undefined }}
          />
        </figure>
      </div>
    </div>
  );
}

/**
 * Renders the same page of both versions into the two canvases (pdf.js, loaded on demand); returns
 * the canvases' refs, the page counts and a marker of what was drawn ("error" when rendering failed).
 */
function useComparedPages(va: CompareVersion | undefined, vb: CompareVersion | undefined, page: number) {
  const refA = useRef<HTMLCanvasElement>(null);
  const refB = useRef<HTMLCanvasElement>(null);
  const [pages, setPages] = useState<[number, number]>([0, 0]);
  const [done, setDone] = useState("");
  useEffect(() => {
    if (!va || !vb) return;
    let cancelled = false;
    const tasks: { cancel(): void }[] = [];
    (async () => {
      const { loadPdf, renderPage } = await import("./pdfjs.client");
      const [da, dbDoc] = await Promise.all([loadPdf(va.url), loadPdf(vb.url)]);
      if (cancelled) return;
      setPages([da.numPages, dbDoc.numPages]);
      const results = await Promise.all(
        [
          [da, refA.current],
          [dbDoc, refB.current],
        ].map(async ([doc, canvas]) => {
          const d = doc as typeof da;
          const c = canvas as HTMLCanvasElement | null;
          if (!c || page > d.numPages) {
            if (c) c.width = 0;
            return null;
          }
          const r = await renderPage(d, page, 1, c);
          tasks.push(r.task);
          return r.task.promise;
        }),
      );
      if (!cancelled && results) setDone(`${va.id}/${vb.id}#${page}`);
    })().catch((e: unknown) => {
      if (!(e instanceof Error && e.name === "RenderingCancelledException")) setDone("error");
    });
    return () => {
      cancelled = true;
      for (const t of tasks) t.cancel();
    };
  }, [va, vb, page]);
  return { refA, refB, pages, done };
}

function ModeChoice({ mode, onMode }: { mode: Mode; onMode: (mode: Mode) => void }) {
  return (
    <fieldset className="kern-fieldset">
      <legend className="kern-label">Darstellung</legend>
      <div className="kern-fieldset__body kern-fieldset__body--horizontal">
        <div className="kern-form-check">
          <input
            className="kern-form-check__radio"
            type="radio"
            id="cmp-side"
            name="cmp-mode"
            checked={mode === "side"}
            onChange={() => onMode("side")}
          />
          <label className="kern-label" htmlFor="cmp-side">
            Nebeneinander
          </label>
        </div>
        <div className="kern-form-check">
          <input
            className="kern-form-check__radio"
            type="radio"
            id="cmp-overlay"
            name="cmp-mode"
            checked={mode === "overlay"}
            onChange={() => onMode("overlay")}
          />
          <label className="kern-label" htmlFor="cmp-overlay">
            Überlagert
          </label>
        </div>
      </div>
    </fieldset>
  );
}

/** Opacity of the newer version, or the difference blend, when the versions lie on top of each other. */
function OverlayControls({
  opacity,
  onOpacity,
  difference,
  onDifference,
}: {
  opacity: number;
  onOpacity: (opacity: number) => void;
  difference: boolean;
  onDifference: (difference: boolean) => void;
}) {
  return (
    <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem", alignItems: "center" }}>
      <label className="kern-label" htmlFor="cmp-opacity">
        Deckkraft der neueren Fassung: {opacity} %
      </label>
      <input
        id="cmp-opacity"
        type="range"
        min={0}
        max={100}
        value={opacity}
        onChange={(e) => onOpacity(Number(e.target.value))}
        disabled={difference}
      />
      <div className="kern-form-check">
        <input
          className="kern-form-check__input"
          type="checkbox"
          id="cmp-diff"
          checked={difference}
          onChange={(e) => onDifference(e.target.checked)}
        />
        <label className="kern-label" htmlFor="cmp-diff">
          Unterschiede hervorheben (Differenz)
        </label>
      </div>
    </div>
  );
}

function PageNav({
  page,
  maxPages,
  onPage,
}: {
  page: number;
  maxPages: number;
  onPage: (update: (page: number) => number) => void;
}) {
  return (
    <p className="kern-body">
      <button
        type="button"
        className="kern-btn kern-btn--tertiary"
        onClick={() => onPage((p) => Math.max(1, p - 1))}
        disabled={page <= 1}
      >
        <span className="kern-label">Vorherige Seite</span>
      </button>{" "}
      Seite {page} von {maxPages}{" "}
      <button
        type="button"
        className="kern-btn kern-btn--tertiary"
        onClick={() => onPage((p) => Math.min(maxPages, p + 1))}
        disabled={page >= maxPages}
      >
        <span className="kern-label">Nächste Seite</span>
      </button>
    </p>
  );
}
