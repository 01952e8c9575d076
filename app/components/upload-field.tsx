import { useRevalidator } from "@remix-run/react";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { formatBytes } from "~/domain/format";

/**
 * Upload of one Bauvorlage. Without JavaScript it is a plain multipart form posting to the
 * Unterlagen page's action (which streams the file to storage). With JavaScript the same form is
 * sent with XMLHttpRequest to the upload resource route, so a real progress bar can show the
 * bytes on their way; afterwards the page's loaders are revalidated, so the version list and the
 * completeness panel update without a reload. Errors appear next to the field; nothing else on
 * the page is touched.
 */

export interface TypeOption {
  code: string;
  label: string;
  accept: string;
}

type UploadState =
  | { kind: "idle" }
  | { kind: "uploading"; filename: string; percent: number }
  | { kind: "processing"; filename: string }
  | { kind: "done"; message: string }
  | { kind: "error"; message: string };

/**
 * Sends the upload form with its file by XMLHttpRequest (for the progress bar) and reports each
 * state; returns the request so the field can abort it when it unmounts.
 */
function sendUpload(o: {
  url: string;
  form: HTMLFormElement;
  file: File;
  setState: (state: UploadState) => void;
  onSettled: () => void;
  onSaved: () => void;
}): XMLHttpRequest {
  const { form, file } = o;
  // FormData keeps the DOM order: typeCode comes before the file, as the server expects. The
  // file's size goes right before the file: with it the server streams the file to storage as
  // one PUT of known length (faster than a multipart upload) and refuses a body that differs.
  const body = new FormData();
  for (const [name, value] of new FormData(form)) {
    if (name === "file") body.append("fileSize", String(file.size));
    body.append(name, value);
  }
  const xhr = new XMLHttpRequest();
  xhr.open("POST", o.url);
  xhr.setRequestHeader("Accept", "application/json");
  xhr.responseType = "json";
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    const percent = Math.min(100, Math.round((e.loaded / e.total) * 100));
    o.setState(
      percent >= 100
        ? { kind: "processing", filename: file.name }
        : { kind: "uploading", filename: file.name, percent },
    );
  };
  xhr.upload.onload = () => o.setState({ kind: "processing", filename: file.name });
  xhr.onerror = () =>
    o.setState({
      kind: "error",
      message: `Die Verbindung wurde unterbrochen; „${file.name}“ wurde nicht gespeichert. Bitte versuchen Sie es erneut.`,
    });
  xhr.onload = () => {
    o.onSettled();
    const res = xhr.response as {
      ok?: boolean;
      message?: string;
      versionNumber?: number;
      checkStatus?: string;
      archiveWarnings?: string[];
    } | null;
    if (xhr.status === 200 && res?.ok) {
      form.reset();
      const checking =
        res.checkStatus === "PENDING"
          ? " Die abschließende Prüfung läuft; das Ergebnis sehen Sie in der Liste."
          : "";
      const warnings = res.archiveWarnings?.length
        ? ` Hinweis zur Archivierung: ${res.archiveWarnings.join(" ")}`
        : "";
      o.setState({
        kind: "done",
        message: `„${file.name}“ wurde als Version ${res.versionNumber ?? ""} gespeichert.${checking}${warnings}`,
      });
      o.onSaved();
    } else {
      o.setState({
        kind: "error",
        message: res?.message ?? `„${file.name}“ konnte nicht gespeichert werden (Fehler ${xhr.status}).`,
      });
    }
  };
  o.setState({ kind: "uploading", filename: file.name, percent: 0 });
  xhr.send(body);
  return xhr;
}

export function UploadField({
  applicationId,
  types,
  maxBytes,
  label,
  serverError,
  idPrefix,
}: {
  applicationId: string;
  /** One option: fixed type (hidden field). Several: a select. */
  types: readonly TypeOption[];
  maxBytes: number;
  label: string;
  /** Error from the no-JavaScript submission of this form. */
  serverError?: string | null;
  idPrefix?: string;
}) {
  const generated = useId();
  const id = idPrefix ?? `upload${generated.replace(/:/g, "")}`;
  const formRef = useRef<HTMLFormElement>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const revalidator = useRevalidator();
  const [state, setState] = useState<UploadState>(
    serverError ? { kind: "error", message: serverError } : { kind: "idle" },
  );
  const [selected, setSelected] = useState(types[0]?.code ?? "");

  useEffect(() => {
    if (serverError) setState({ kind: "error", message: serverError });
  }, [serverError]);
  useEffect(() => () => xhrRef.current?.abort(), []);

  const accept = types.find((t) => t.code === selected)?.accept ?? "application/pdf,.pdf";
  const errorId = `${id}-fehler`;
  const statusId = `${id}-status`;
  const busy = state.kind === "uploading" || state.kind === "processing";

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (typeof XMLHttpRequest === "undefined") return; // plain form post
    event.preventDefault();
    const form = event.currentTarget;
    const input = form.elements.namedItem("file") as HTMLInputElement | null;
    const file = input?.files?.[0];
    if (!file) {
      setState({ kind: "error", message: "Bitte wählen Sie eine Datei aus." });
      input?.focus();
      return;
    }
    if (file.size > maxBytes) {
      setState({
        kind: "error",
        message: `„${file.name}“ ist zu groß. Erlaubt sind höchstens ${formatBytes(maxBytes, { precise: true })} je Datei.`,
      });
      return;
    }
    xhrRef.current = sendUpload({
      url: `/antraege/${applicationId}/unterlagen/hochladen`,
      form,
      file,
      setState,
      onSettled: () => {
        xhrRef.current = null;
      },
      onSaved: () => revalidator.revalidate(),
    });
  }

  return (
    <form
      ref={formRef}
      method="post"
      encType="multipart/form-data"
      action={`/antraege/${applicationId}/unterlagen`}
      onSubmit={onSubmit}
      className="app-upload"
      data-testid={`upload-form-${types.length === 1 ? types[0]!.code : "weitere"}`}
      aria-busy={busy || undefined}
    >
      <input type="hidden" name="intent" value="upload" />
      {types.length === 1 ? (
        <input type="hidden" name="typeCode" value={types[0]!.code} />
      ) : (
        <TypeSelect id={`${id}-typ`} types={types} selected={selected} onSelect={setSelected} />
      )}
      <div className={`kern-form-input${state.kind === "error" ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor={`${id}-datei`}>
          {label}
        </label>
        <div className="kern-hint" id={`${id}-hinweis`}>
          {accept.includes("image") ? "PDF, JPEG oder PNG" : "PDF"}, höchstens{" "}
          {formatBytes(maxBytes, { precise: true })}
        </div>
        <input
          className="kern-form-input__input app-upload__file"
          type="file"
          id={`${id}-datei`}
          name="file"
          accept={accept}
          required
          disabled={busy}
          aria-describedby={`${id}-hinweis${state.kind === "error" ? ` ${errorId}` : ""}`}
          aria-invalid={state.kind === "error" || undefined}
        />
        {state.kind === "error" ? (
          <p className="kern-error" id={errorId} role="alert">
            <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
            <span className="kern-body">{state.message}</span>
          </p>
        ) : null}
      </div>
      <UploadStatus id={id} statusId={statusId} state={state} />
      <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
        <span className="kern-label">{busy ? "Wird hochgeladen …" : "Hochladen"}</span>
      </button>
    </form>
  );
}

/** The choice of the document type when the field takes several. */
function TypeSelect({
  id,
  types,
  selected,
  onSelect,
}: {
  id: string;
  types: readonly TypeOption[];
  selected: string;
  onSelect: (code: string) => void;
}) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={id}>
        Art der Unterlage
      </label>
      <div className="kern-form-input__select-wrapper">
        <select
          className="kern-form-input__select"
          id={id}
          name="typeCode"
          value={selected}
          onChange={(e) => onSelect(e.target.value)}
        >
          {types.map((t) => (
            <option key={t.code} value={t.code}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** Progress, checking and the saved message of an upload (announced politely). */
function UploadStatus({ id, statusId, state }: { id: string; statusId: string; state: UploadState }) {
  return (
    <div id={statusId} aria-live="polite" className="app-upload__status">
      {state.kind === "uploading" ? (
        <div className="app-upload__progress">
          <label className="kern-body kern-body--small" htmlFor={`${id}-fortschritt`}>
            „{state.filename}“ wird hochgeladen: {state.percent} %
          </label>
          <progress id={`${id}-fortschritt`} max={100} value={state.percent} data-testid="upload-progress">
            {state.percent} %
          </progress>
        </div>
      ) : null}
      {state.kind === "processing" ? (
        <p className="kern-body kern-body--small">„{state.filename}“ wird geprüft und gespeichert …</p>
      ) : null}
      {state.kind === "done" ? (
        <p className="kern-body kern-body--small" data-testid="upload-done">
          <span className="kern-icon kern-icon--success kern-icon--small" aria-hidden="true" />{" "}
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
