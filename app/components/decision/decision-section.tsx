import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Alert } from "~/components/alert";
import { formatBytes, formatDate, isoString } from "~/domain/format";

export interface DecidedDecisionView {
  kind: string;
  kindLabel: string;
  decidedAt: Date | string | null;
  validUntil: Date | string | null;
  files: {
    id: string;
    kind: string;
    title: string;
    filename: string;
    sizeBytes: number;
    href: string;
    /** Clerks of the case only: sheets where the stamp or mark had no free area ([] otherwise). */
    tightHints?: string[];
  }[];
}

/**
 * The decision on a case page (applicant side; also usable by the authority): when it was decided,
 * how long a permit is valid, and the Bescheid and approved plans to download once rendered.
 */
export function DecisionSection({ decision: d }: { decision: DecidedDecisionView }) {
  const permit = d.kind !== "ABLEHNUNG";
  // The worker stores the stamped plans first and the Bescheid after them: complete once the Bescheid is there.
  const pending = !d.files.some((f) => f.kind === "BESCHEID");
  const revalidator = useRevalidator();
  // The worker renders the Bescheid and the stamped plans right after the decision: poll until they exist.
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(t);
  }, [pending, revalidator]);
  return (
    <section className="app-section" aria-labelledby="bescheid" data-testid="decision-section">
      {pending ? (
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      <h2 className="kern-heading-medium" id="bescheid">
        Bescheid
      </h2>
      <p className="kern-body" data-testid="decision-summary">
        <strong>{d.kindLabel}</strong>
        {d.decidedAt ? (
          <>
            {" "}
            – entschieden am <time dateTime={isoString(d.decidedAt)}>{formatDate(d.decidedAt)}</time>
          </>
        ) : null}
        {permit && d.validUntil ? (
          <>
            , {d.kindLabel} gültig bis{" "}
            <time dateTime={isoString(d.validUntil)}>{formatDate(d.validUntil)}</time>
          </>
        ) : null}
        .
      </p>
      {permit && d.validUntil ? (
        <p className="kern-body">
          Die Genehmigung erlischt, wenn bis dahin mit der Ausführung nicht begonnen oder die Ausführung
          länger unterbrochen wurde; eine Verlängerung kann schriftlich beantragt werden.
        </p>
      ) : null}
      {pending ? (
        <p className="kern-body" data-testid="decision-files-pending">
          Der Bescheid und die genehmigten Bauvorlagen werden gerade erstellt. Bitte laden Sie die Seite in
          einigen Augenblicken neu.
        </p>
      ) : null}
      {d.files.length === 0 ? null : (
        <ul className="kern-list" data-testid="decision-files">
          {d.files.map((f) => (
            <li key={f.id}>
              <a className="kern-link" href={f.href} download={f.filename} data-kind={f.kind}>
                {f.title} herunterladen
              </a>{" "}
              <span className="kern-body kern-body--small">
                ({f.filename}, {formatBytes(f.sizeBytes)})
              </span>
              {f.tightHints && f.tightHints.length > 0 ? (
                <div data-testid="decision-file-tight">
                  <Alert tone="warning" title="Bitte prüfen: kein freier Platz für Stempel oder Prüfvermerk">
                    {f.tightHints.map((hint) => (
                      <p className="kern-body" key={hint}>
                        {hint}
                      </p>
                    ))}
                  </Alert>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
