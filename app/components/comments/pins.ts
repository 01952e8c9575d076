import type { PagePin } from "../pdf/pdf-viewer";

/** The fields of a thread the pins need (dates may arrive serialized as strings). */
export interface PinnedThread {
  id: string;
  body: string;
  documentVersionId: string | null;
  page: number | null;
  posX: number | null;
  posY: number | null;
  resolvedAt: Date | string | null;
}

/**
 * Pins of one document version. A pin carries its thread's number in the whole list (1-based, list
 * order), so the number in the plan and the number in the thread list are the same.
 */
export function pinsForVersion(
  threads: readonly PinnedThread[],
  versionId: string,
  activeThreadId: string | null = null,
): PagePin[] {
  return threads.flatMap((t, index) =>
    t.documentVersionId === versionId && t.page !== null && t.posX !== null && t.posY !== null
      ? [
          {
            id: t.id,
            page: t.page,
            posX: t.posX,
            posY: t.posY,
            number: index + 1,
            label: t.body.length > 80 ? `${t.body.slice(0, 79)}…` : t.body,
            resolved: t.resolvedAt !== null,
            active: t.id === activeThreadId,
          },
        ]
      : [],
  );
}
