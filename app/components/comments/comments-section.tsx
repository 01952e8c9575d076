import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatDateTime, isoString } from "~/domain/format";
import { Alert } from "../alert";
import { PdfViewer } from "../pdf/pdf-viewer";
import { pinsForVersion } from "./pins";

/**
 * Comments of a case, the same on the clerk's and the applicant's page: threads (first comment +
 * replies), visibility (the authority chooses "shared" or "internal"; the server never hands
 * internal comments to the applicant side), resolve/reopen, and pins on a page of a PDF version.
 *
 * Writing, replying and resolving are plain form posts to the page's action (see commentAction in
 * comment.server.ts), so they work without JavaScript. Placing a pin needs the pdf.js viewer and
 * therefore JavaScript: the viewer appears only after hydration.
 */

type Visibility = "SHARED" | "INTERNAL";
type Side = "applicant" | "authority";

export interface CommentData {
  id: string;
  parentId: string | null;
  visibility: Visibility;
  body: string;
  author: { id: string; displayName: string; side: Side };
  documentVersionId: string | null;
  page: number | null;
  posX: number | null;
  posY: number | null;
  resolvedAt: Date | string | null;
  resolvedBy: { id: string; displayName: string } | null;
  createdAt: Date | string;
}

export interface ThreadData extends CommentData {
  replies: CommentData[];
}

export interface CaseCommentsData {
  canInternal: boolean;
  threads: ThreadData[];
  versions: { id: string; label: string; pageCount: number | null }[];
}

type FormResult =
  | { ok: true; form: string; id: string; message: string }
  | { ok: false; form: string; message: string; values: { body: string; visibility: string } };

const VISIBILITY_LABELS: Record<Visibility, string> = {
  SHARED: "Für alle Beteiligten sichtbar",
  INTERNAL: "Nur intern (Behörde)",
};

const SIDE_LABELS: Record<Side, string> = { authority: "Behörde", applicant: "Antragsseite" };

interface Pick {
  versionId: string;
  page: number;
  posX: number;
  posY: number;
}

/** The result of the last comment form post, if the page's action answered one. */
function useCommentResult(): FormResult | null {
  const data = useActionData() as unknown;
  if (data && typeof data === "object" && "comment" in data) return (data as { comment: FormResult }).comment;
  return null;
}

function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export function CommentsSection({ comments }: { comments: CaseCommentsData }) {
  const { canInternal, threads, versions } = comments;
  const result = useCommentResult();
  const hydrated = useHydrated();
  const [viewed, setViewed] = useState<{ versionId: string; page: number } | null>(null);
  const [picked, setPicked] = useState<Pick | null>(null);
  const [activeThread, setActiveThread] = useState<string | null>(null);
  const viewerRef = useRef<HTMLDivElement>(null);
  const versionLabel = (id: string | null) => versions.find((v) => v.id === id)?.label ?? "Unterlage";

  // A saved comment empties the form and drops the placed pin.
  const savedId = result?.ok && result.form === "new" ? result.id : null;
  useEffect(() => {
    if (savedId) setPicked(null);
  }, [savedId]);

  const showPin = (t: ThreadData) => {
    if (!t.documentVersionId) return;
    setActiveThread(t.id);
    setViewed({ versionId: t.documentVersionId, page: t.page ?? 1 });
    requestAnimationFrame(() => viewerRef.current?.scrollIntoView({ behavior: "smooth", block: "start" }));
  };
  const showThread = (id: string) => {
    setActiveThread(id);
    document.getElementById(`kommentar-${id}`)?.scrollIntoView({ behavior: "smooth", block: "center" });
  };

  const viewedLabel = viewed ? versionLabel(viewed.versionId) : "";
  const newFormResult = result?.form === "new" ? result : null;

  return (
    <section
      className="app-section"
      aria-labelledby="kommentare-titel"
      id="kommentare"
      data-testid="comments"
    >
      <h2 className="kern-heading-medium" id="kommentare-titel">
        Kommentare ({threads.length})
      </h2>
      {result && (result.form === "new" || result.ok) ? (
        <Alert
          tone={result.ok ? "success" : "danger"}
          title={result.ok ? "Gespeichert" : "Nicht gespeichert"}
          announce
        >
          <p className="kern-body" data-testid="comment-message">
            {result.message}
          </p>
        </Alert>
      ) : null}
      <div style={{ display: "flex", flexWrap: "wrap", gap: "1.5rem", alignItems: "flex-start" }}>
        {hydrated && versions.length > 0 ? (
          <PlanViewer
            viewerRef={viewerRef}
            versions={versions}
            threads={threads}
            viewed={viewed}
            onView={setViewed}
            activeThread={activeThread}
            onActiveThread={setActiveThread}
            onShowThread={showThread}
            picked={picked}
            onPick={setPicked}
            viewedLabel={viewedLabel}
          />
        ) : null}
        <div style={{ flex: "1 1 360px", minWidth: 0 }}>
          <NewCommentForm
            canInternal={canInternal}
            picked={picked}
            pickedLabel={picked ? versionLabel(picked.versionId) : ""}
            onUnpin={() => setPicked(null)}
            result={newFormResult}
            resetKey={savedId ?? "new"}
          />
          {threads.length === 0 ? (
            <p className="kern-body" data-testid="comments-empty">
              Noch keine Kommentare.
            </p>
          ) : (
            <ol
              className="app-comments"
              data-testid="comment-threads"
              style={{ listStyle: "none", padding: 0 }}
            >
              {threads.map((t, i) => (
                <Thread
                  key={t.id}
                  thread={t}
                  number={i + 1}
                  active={t.id === activeThread}
                  canInternal={canInternal}
                  pinLabel={t.documentVersionId ? versionLabel(t.documentVersionId) : null}
                  onShowPin={hydrated && t.documentVersionId && t.page !== null ? () => showPin(t) : null}
                  result={
                    result && (result.form === `reply:${t.id}` || result.form === `thread:${t.id}`)
                      ? result
                      : null
                  }
                />
              ))}
            </ol>
          )}
        </div>
      </div>
    </section>
  );
}

function NewCommentForm({
  canInternal,
  picked,
  pickedLabel,
  onUnpin,
  result,
  resetKey,
}: {
  canInternal: boolean;
  picked: Pick | null;
  pickedLabel: string;
  onUnpin: () => void;
  result: FormResult | null;
  resetKey: string;
}) {
  const busy = useNavigation().state === "submitting";
  const failed = result && !result.ok ? result : null;
  return (
    <Form
      method="post"
      preventScrollReset
      key={resetKey}
      data-testid="comment-new"
      aria-labelledby="kommentar-neu"
    >
      <h3 className="kern-heading-small" id="kommentar-neu">
        Neuer Kommentar
      </h3>
      <input type="hidden" name="intent" value="comment-add" />
      {picked ? (
        <>
          <input type="hidden" name="documentVersionId" value={picked.versionId} />
          <input type="hidden" name="page" value={picked.page} />
          <input type="hidden" name="posX" value={picked.posX} />
          <input type="hidden" name="posY" value={picked.posY} />
          <p className="kern-body" data-testid="comment-pin-picked">
            Angeheftet an: {pickedLabel}, Seite {picked.page}{" "}
            <button type="button" className="kern-btn kern-btn--tertiary" onClick={onUnpin}>
              <span className="kern-label">Markierung entfernen</span>
            </button>
          </p>
        </>
      ) : null}
      <div className={`kern-form-input${failed ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="comment-body">
          Kommentar
        </label>
        <textarea
          id="comment-body"
          name="body"
          rows={4}
          maxLength={5000}
          required
          className={`kern-form-input__input app-textarea${failed ? " kern-form-input__input--error" : ""}`}
          defaultValue={failed?.values.body ?? ""}
          aria-invalid={failed ? true : undefined}
          aria-describedby={failed ? "comment-body-error" : undefined}
        />
        {failed ? (
          <p className="kern-error" id="comment-body-error">
            <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true" />
            <span className="kern-body">{failed.message}</span>
          </p>
        ) : null}
      </div>
      {canInternal ? (
        <VisibilityChoice id="comment-visibility" defaultValue={failed?.values.visibility || "INTERNAL"} />
      ) : (
        <p className="kern-body" style={{ fontSize: "0.9em" }}>
          Ihr Kommentar ist für die Bauaufsicht und alle Beteiligten des Antrags sichtbar.
        </p>
      )}
      <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
        <span className="kern-label">Kommentar speichern</span>
      </button>
    </Form>
  );
}

function VisibilityChoice({ id, defaultValue }: { id: string; defaultValue: string }) {
  return (
    <fieldset className="kern-fieldset" id={id}>
      <legend className="kern-label">Wer darf den Kommentar sehen?</legend>
      <div className="kern-fieldset__body kern-fieldset__body--horizontal">
        {(Object.keys(VISIBILITY_LABELS) as Visibility[]).map((v) => (
          <div key={v} className="kern-form-check">
            <input
              className="kern-form-check__radio"
              type="radio"
              id={`${id}-${v.toLowerCase()}`}
              name="visibility"
              value={v}
              defaultChecked={defaultValue === v}
            />
            <label className="kern-label" htmlFor={`${id}-${v.toLowerCase()}`}>
              {VISIBILITY_LABELS[v]}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  return visibility === "INTERNAL" ? (
    <span className="kern-badge kern-badge--warning" data-testid="comment-internal">
      <span className="kern-label">{VISIBILITY_LABELS.INTERNAL}</span>
    </span>
  ) : null;
}

function CommentMeta({ c }: { c: CommentData }) {
  return (
    <span className="app-timeline__meta">
      {c.author.displayName} ({SIDE_LABELS[c.author.side]}) ·{" "}
      <time dateTime={isoString(c.createdAt)}>{formatDateTime(c.createdAt)}</time>
    </span>
  );
}

function Thread({
  thread: t,
  number,
  active,
  canInternal,
  pinLabel,
  onShowPin,
  result,
}: {
  thread: ThreadData;
  number: number;
  active: boolean;
  canInternal: boolean;
  pinLabel: string | null;
  onShowPin: (() => void) | null;
  result: FormResult | null;
}) {
  const busy = useNavigation().state === "submitting";
  const resolved = t.resolvedAt !== null;
  const threadFailed = result && !result.ok && result.form.startsWith("thread:") ? result : null;
  return (
    <li
      id={`kommentar-${t.id}`}
      data-testid="comment-thread"
      data-visibility={t.visibility}
      data-resolved={resolved ? "true" : "false"}
      style={{
        borderLeft: `4px solid ${t.visibility === "INTERNAL" ? "#b45309" : "#1d4ed8"}`,
        background: active ? "#fff4ce" : undefined,
        padding: "0.5rem 0.75rem",
        margin: "0.75rem 0",
        opacity: resolved ? 0.8 : 1,
      }}
    >
      <article aria-labelledby={`kommentar-${t.id}-titel`}>
        <h3 className="kern-heading-small" id={`kommentar-${t.id}-titel`} style={{ margin: 0 }}>
          Kommentar {number}
          {resolved ? " (erledigt)" : ""} <VisibilityBadge visibility={t.visibility} />
        </h3>
        <CommentMeta c={t} />
        {pinLabel ? (
          <p className="kern-body" data-testid="comment-pin">
            Zu: {pinLabel}
            {t.page !== null ? `, Seite ${t.page}` : ""}{" "}
            {onShowPin ? (
              <button type="button" className="kern-btn kern-btn--tertiary" onClick={onShowPin}>
                <span className="kern-label">Im Plan zeigen</span>
              </button>
            ) : (
              <a className="kern-link" href={`/dateien/${t.documentVersionId}`}>
                Unterlage öffnen
              </a>
            )}
          </p>
        ) : null}
        <p className="kern-body" style={{ whiteSpace: "pre-wrap" }} data-testid="comment-body">
          {t.body}
        </p>
        {t.replies.length > 0 ? (
          <ol
            style={{ listStyle: "none", paddingLeft: "1.25rem" }}
            aria-label={`Antworten zu Kommentar ${number}`}
          >
            {t.replies.map((r) => (
              <li
                key={r.id}
                data-testid="comment-reply"
                data-visibility={r.visibility}
                style={{ margin: "0.5rem 0" }}
              >
                <CommentMeta c={r} /> <VisibilityBadge visibility={r.visibility} />
                <p
                  className="kern-body"
                  style={{ whiteSpace: "pre-wrap", margin: 0 }}
                  data-testid="comment-body"
                >
                  {r.body}
                </p>
              </li>
            ))}
          </ol>
        ) : null}
        {resolved ? (
          <p className="kern-body" data-testid="comment-resolved">
            Erledigt von {t.resolvedBy?.displayName ?? "–"} am {formatDateTime(t.resolvedAt)}.
          </p>
        ) : null}
        {threadFailed ? (
          <p className="kern-error" role="alert">
            <span className="kern-body">{threadFailed.message}</span>
          </p>
        ) : null}
        <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap", alignItems: "flex-start" }}>
          {!resolved ? (
            <ReplyForm thread={t} number={number} canInternal={canInternal} result={result} />
          ) : null}
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value={resolved ? "comment-reopen" : "comment-resolve"} />
            <input type="hidden" name="commentId" value={t.id} />
            <button type="submit" className="kern-btn kern-btn--tertiary" disabled={busy}>
              <span className="kern-label">{resolved ? "Wieder öffnen" : "Als erledigt markieren"}</span>
            </button>
          </Form>
        </div>
      </article>
    </li>
  );
}

/** The reply form of an open thread (kept open with the text after a refused reply). */
function ReplyForm({
  thread: t,
  number,
  canInternal,
  result,
}: {
  thread: ThreadData;
  number: number;
  canInternal: boolean;
  result: FormResult | null;
}) {
  const busy = useNavigation().state === "submitting";
  const replyFailed = result && !result.ok && result.form.startsWith("reply:") ? result : null;
  const replySaved = result?.ok && result.form.startsWith("reply:") ? result.id : null;
  return (
    <details className="kern-accordion" open={Boolean(replyFailed)} style={{ flex: "1 1 16rem" }}>
      <summary className="kern-accordion__header">
        <span className="kern-title">Antworten</span>
      </summary>
      <div className="kern-accordion__body">
        <Form method="post" preventScrollReset key={replySaved ?? "reply"}>
          <input type="hidden" name="intent" value="comment-add" />
          <input type="hidden" name="parentId" value={t.id} />
          <div className={`kern-form-input${replyFailed ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor={`antwort-${t.id}`}>
              Antwort auf Kommentar {number}
            </label>
            <textarea
              id={`antwort-${t.id}`}
              name="body"
              rows={3}
              maxLength={5000}
              required
              className="kern-form-input__input app-textarea"
              defaultValue={replyFailed?.values.body ?? ""}
              aria-invalid={replyFailed ? true : undefined}
              aria-describedby={replyFailed ? `antwort-${t.id}-error` : undefined}
            />
            {replyFailed ? (
              <p className="kern-error" id={`antwort-${t.id}-error`}>
                <span className="kern-body">{replyFailed.message}</span>
              </p>
            ) : null}
          </div>
          {t.visibility === "INTERNAL" ? (
            <input type="hidden" name="visibility" value="INTERNAL" />
          ) : canInternal ? (
            <VisibilityChoice
              id={`antwort-${t.id}-visibility`}
              defaultValue={replyFailed?.values.visibility || "SHARED"}
            />
          ) : (
            <input type="hidden" name="visibility" value="SHARED" />
          )}
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">Antwort senden</span>
          </button>
        </Form>
      </div>
    </details>
  );
}

/** The plan chooser and viewer of the comments: pins of the threads, a click places a new pin. */
function PlanViewer({
  viewerRef,
  versions,
  threads,
  viewed,
  onView,
  activeThread,
  onActiveThread,
  onShowThread,
  picked,
  onPick,
  viewedLabel,
}: {
  viewerRef: React.RefObject<HTMLDivElement>;
  versions: CaseCommentsData["versions"];
  threads: ThreadData[];
  viewed: { versionId: string; page: number } | null;
  onView: (viewed: { versionId: string; page: number } | null) => void;
  activeThread: string | null;
  onActiveThread: (id: string | null) => void;
  onShowThread: (id: string) => void;
  picked: Pick | null;
  onPick: (picked: Pick | null) => void;
  viewedLabel: string;
}) {
  return (
    <div ref={viewerRef} style={{ flex: "1 1 560px", minWidth: 0 }} data-testid="comment-plan">
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="comment-plan-version">
          Plan ansehen und kommentieren
        </label>
        <div className="kern-form-input__select-wrapper">
          <select
            id="comment-plan-version"
            className="kern-form-input__select"
            value={viewed?.versionId ?? ""}
            onChange={(e) => {
              onView(e.target.value ? { versionId: e.target.value, page: 1 } : null);
              onActiveThread(null);
            }}
          >
            <option value="">keine Unterlage anzeigen</option>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {viewed ? (
        <>
          <p className="kern-body" id="comment-plan-hint">
            Klicken Sie auf die Stelle im Plan, zu der Sie etwas anmerken möchten, und schreiben Sie dann den
            Kommentar. Die Nummern im Plan sind die Nummern der Kommentare.
          </p>
          <PdfViewer
            url={`/dateien/${viewed.versionId}`}
            title={viewedLabel}
            page={viewed.page}
            onPageChange={(page) => onView({ ...viewed, page })}
            pins={pinsForVersion(threads, viewed.versionId, activeThread)}
            onPinClick={onShowThread}
            onPick={(p) => onPick({ versionId: viewed.versionId, ...p })}
            picked={picked?.versionId === viewed.versionId ? picked : null}
          />
          {/* Without a pointer: a pin in the middle of the page shown. */}
          <button
            type="button"
            className="kern-btn kern-btn--tertiary"
            onClick={() => onPick({ versionId: viewed.versionId, page: viewed.page, posX: 0.5, posY: 0.5 })}
          >
            <span className="kern-label">Kommentar zu dieser Seite (Markierung in der Seitenmitte)</span>
          </button>
        </>
      ) : null}
    </div>
  );
}
