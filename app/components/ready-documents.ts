import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Polls /antraege/:id/dokumente-stand (a small JSON resource route) and reloads the page's data when
 * a generated document appears that the page does not show yet (issue 14 item 5). Fast while
 * something is known to be on its way, slow otherwise; paused while the tab is hidden. Without
 * JavaScript the page carries a meta refresh while something is pending.
 */
export function useReadyDocuments(applicationId: string, knownIds: string[], pending: boolean) {
  const revalidator = useRevalidator();
  const known = useRef(new Set(knownIds));
  known.current = new Set(knownIds);
  const reload = useRef(revalidator);
  reload.current = revalidator;
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      if (document.hidden || reload.current.state !== "idle") return;
      try {
        const res = await fetch(`/antraege/${applicationId}/dokumente-stand`, {
          headers: { Accept: "application/json" },
        });
        if (!res.ok || stopped) return;
        const { ids } = (await res.json()) as { ids: string[] };
        if (ids.some((id) => !known.current.has(id))) reload.current.revalidate();
      } catch {
        // Offline for a moment: the next tick tries again.
      }
    };
    const timer = setInterval(tick, pending ? 2000 : 10_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [applicationId, pending]);
}
