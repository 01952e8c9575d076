import type { ReactNode } from "react";

type Tone = "info" | "success" | "warning" | "danger";

/** KERN alert. `role="alert"` for errors that appear after an action, so screen readers announce them. */
export function Alert({
  tone,
  title,
  children,
  id,
  announce = tone === "danger",
}: {
  tone: Tone;
  title: string;
  children?: ReactNode;
  id?: string;
  announce?: boolean;
}) {
  return (
    <div className={`kern-alert kern-alert--${tone}`} role={announce ? "alert" : undefined} id={id}>
      <div className="kern-alert__header">
        <span className={`kern-icon kern-icon--${tone}`} aria-hidden="true" />
        <span className="kern-title">{title}</span>
      </div>
      {children ? <div className="kern-alert__body">{children}</div> : null}
    </div>
  );
}
