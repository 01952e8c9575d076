import { Link } from "@remix-run/react";
import { ALL_STEPS } from "./draft/steps";

/**
 * Where the user is in the guided form. An ordered list of links (every step can be opened at any
 * time; nothing is lost because each step is saved on its own). The current step carries
 * aria-current="step".
 */
export function StepIndicator({
  applicationId,
  current,
  openBySlug = {},
}: {
  applicationId: string;
  current: string;
  /** Number of blocking findings per step slug, shown as a small count. */
  openBySlug?: Record<string, number>;
}) {
  const index = ALL_STEPS.findIndex((s) => s.slug === current);
  return (
    <nav aria-label="Schritte des Antrags" className="app-steps">
      <p className="kern-body kern-body--small app-steps__position">
        Schritt {index + 1} von {ALL_STEPS.length}
      </p>
      <ol className="app-steps__list">
        {ALL_STEPS.map((step, i) => {
          const isCurrent = step.slug === current;
          const open = openBySlug[step.slug] ?? 0;
          return (
            <li key={step.slug} className={`app-steps__item${isCurrent ? " app-steps__item--current" : ""}`}>
              <Link
                to={step.href(applicationId)}
                className="app-steps__link"
                aria-current={isCurrent ? "step" : undefined}
              >
                <span className="app-steps__number" aria-hidden="true">
                  {i + 1}
                </span>
                <span className="app-steps__title">{step.title}</span>
                {open > 0 ? (
                  <span className="app-steps__open">
                    <span className="kern-sr-only">, </span>
                    {open} offen
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
