import { useBlocker, useFetcher } from "@remix-run/react";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { formatTime } from "~/domain/format";

/**
 * No lost work in a draft step (issue 14 item 6), with JavaScript on:
 * - every change is saved on its own a moment after the last keystroke (`intent=autosave` to the
 *   step's action, which answers with the new version instead of redirecting);
 * - leaving the page with changes not yet saved asks first: in-app navigation through Remix's
 *   `useBlocker` (a dialog: stay, save and leave, leave without saving), a reload or closing the tab
 *   through `beforeunload` (the browser's own question).
 * Without JavaScript none of this runs; every step's "Speichern und weiter" saves.
 */

export const AUTOSAVE_DELAY_MS = 1500;

export type AutosaveReply =
  | { kind: "autosaved"; version: number }
  | { kind: "autosave-failed"; message: string; version?: number };

type Status =
  | { state: "clean" }
  | { state: "dirty" }
  | { state: "saving" }
  | { state: "saved"; at: string }
  | { state: "failed"; message: string };

/**
 * Leaving with unsaved changes asks first: in-app navigation through `useBlocker` (proceeds by
 * itself once "save and leave" has saved), a reload or closing the tab through `beforeunload`.
 */
function useLeaveGuards(dirty: { current: boolean }, leaveAfterSave: { current: boolean }) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state === "blocked" && leaveAfterSave.current && !dirty.current) {
      leaveAfterSave.current = false;
      blocker.proceed();
    }
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: dirty is a ref, read when the page unloads
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!dirty.current) return;
      event.preventDefault();
      // Older browsers need returnValue set to show their question.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, []);
  return blocker;
}

export function useDraftAutosave({
  formId,
  initialVersion,
  initiallyDirty,
}: {
  formId: string;
  initialVersion: number;
  /** The form shows values the server has not saved (after an add-row, an invalid save, a conflict). */
  initiallyDirty: boolean;
}) {
  const fetcher = useFetcher<AutosaveReply>();
  const [version, setVersion] = useState(initialVersion);
  // A save through the form reloads the page data with the new version: follow it.
  useEffect(() => setVersion(initialVersion), [initialVersion]);
  const [status, setStatus] = useState<Status>(initiallyDirty ? { state: "dirty" } : { state: "clean" });
  const dirty = useRef(initiallyDirty);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const leaveAfterSave = useRef(false);

  const saveNow = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const form = document.getElementById(formId);
    if (!(form instanceof HTMLFormElement)) return;
    const data = new FormData(form);
    data.set("intent", "autosave");
    setStatus({ state: "saving" });
    fetcher.submit(data, { method: "post" });
  }, [fetcher, formId]);

  // Timers call the latest saveNow (the fetcher of the latest render).
  const saveLater = useRef(saveNow);
  saveLater.current = saveNow;

  const schedule = useCallback(() => {
    dirty.current = true;
    setStatus({ state: "dirty" });
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => saveLater.current(), AUTOSAVE_DELAY_MS);
  }, []);

  // A click on "Speichern" while an autosave is on its way waits for it (else it would carry the
  // old version and conflict with the person's own autosave), then goes out with the new version.
  const autosaving = useRef(false);
  autosaving.current = fetcher.state !== "idle";
  const deferredSubmitter = useRef<HTMLElement | null | undefined>(undefined);
  const submitDeferred = useCallback(
    (newVersion: number | undefined) => {
      const submitter = deferredSubmitter.current;
      if (submitter === undefined) return;
      deferredSubmitter.current = undefined;
      const form = document.getElementById(formId);
      if (!(form instanceof HTMLFormElement)) return;
      const field = form.elements.namedItem("expectedVersion");
      if (newVersion !== undefined && field instanceof HTMLInputElement) field.value = String(newVersion);
      form.requestSubmit(submitter instanceof HTMLButtonElement ? submitter : undefined);
    },
    [formId],
  );

  // The answer of an autosave: new version for the next save, or why it was not saved.
  const reply = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (!reply) return;
    if (reply.kind === "autosaved") {
      setVersion(reply.version);
      submitDeferred(reply.version);
      // Typed again while the save was on its way: that change is still unsaved (timer running).
      if (!timer.current) {
        dirty.current = false;
        setStatus({ state: "saved", at: formatTime(new Date()) });
      }
    } else {
      if (reply.version !== undefined) setVersion(reply.version);
      submitDeferred(reply.version);
      leaveAfterSave.current = false;
      setStatus({ state: "failed", message: reply.message });
    }
  }, [reply, submitDeferred]);

  const blocker = useLeaveGuards(dirty, leaveAfterSave);

  // Values the server has not saved when the form mounts are saved like typed ones.
  const mountedDirty = useRef(initiallyDirty);
  useEffect(() => {
    if (mountedDirty.current) timer.current = setTimeout(() => saveLater.current(), AUTOSAVE_DELAY_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);

  /** Wrap the form's onSubmit: a real save is under way, so leaving is fine unless it is refused. */
  const onSubmitting = useCallback((event: FormEvent<HTMLFormElement>) => {
    if (event.defaultPrevented) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (autosaving.current) {
      event.preventDefault();
      deferredSubmitter.current = (event.nativeEvent as SubmitEvent).submitter ?? null;
      return;
    }
    dirty.current = false;
  }, []);

  return {
    version,
    status,
    onChange: schedule,
    onSubmitting,
    blocker,
    saveAndLeave: () => {
      leaveAfterSave.current = true;
      saveNow();
    },
  };
}

export function AutosaveStatus({ status }: { status: Status }) {
  const text =
    status.state === "dirty"
      ? "Ungespeicherte Änderungen – werden gleich automatisch gespeichert."
      : status.state === "saving"
        ? "Wird gespeichert …"
        : status.state === "saved"
          ? `Automatisch gespeichert um ${status.at} Uhr.`
          : status.state === "failed"
            ? `Nicht automatisch gespeichert: ${status.message}`
            : "";
  return (
    <p className="kern-body kern-body--small app-autosave" role="status" data-testid="autosave-status">
      {text}
    </p>
  );
}

/** Asks before an in-app navigation leaves changes that are not saved yet. */
export function LeaveDialog({
  blocker,
  onSaveAndLeave,
  saving,
}: {
  blocker: ReturnType<typeof useBlocker>;
  onSaveAndLeave: () => void;
  saving: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const open = blocker.state === "blocked";
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="kern-dialog"
      aria-labelledby="leave-dialog-title"
      data-testid="leave-dialog"
      onCancel={(event) => {
        event.preventDefault();
        blocker.reset?.();
      }}
    >
      <header className="kern-dialog__header">
        <h2 className="kern-title" id="leave-dialog-title">
          Ungespeicherte Änderungen
        </h2>
      </header>
      <section className="kern-dialog__body">
        <p className="kern-body">
          Ihre letzten Eingaben in diesem Schritt sind noch nicht gespeichert. Wenn Sie die Seite jetzt ohne
          Speichern verlassen, gehen sie verloren.
        </p>
      </section>
      <footer className="kern-dialog__footer">
        <button type="button" className="kern-btn kern-btn--secondary" onClick={() => blocker.reset?.()}>
          <span className="kern-label">Auf der Seite bleiben</span>
        </button>
        <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => blocker.proceed?.()}>
          <span className="kern-label">Ohne Speichern verlassen</span>
        </button>
        <button
          type="button"
          className="kern-btn kern-btn--primary"
          onClick={onSaveAndLeave}
          disabled={saving}
        >
          <span className="kern-label">Speichern und verlassen</span>
        </button>
      </footer>
    </dialog>
  );
}
