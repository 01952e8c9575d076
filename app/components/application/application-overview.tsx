import { Link, useLoaderData } from "@remix-run/react";
import { GeneratedDocumentItems } from "~/components/case/generated-documents";
import { CompletenessPanel, evaluateBase } from "~/components/completeness-panel";
import { DecisionSection } from "~/components/decision/decision-section";
import { ALL_STEPS, stepForSection } from "~/components/draft/steps";
import { DataSummary } from "~/components/draft/summary";
import { useReadyDocuments } from "~/components/ready-documents";
import { formatDateTime, isoString } from "~/domain/format";
import type { loadApplicationPage } from "./application-page.server";

/**
 * The read-only parts of an application's page: the draft's steps with its completeness, the
 * submitted file (decision, generated documents, open items, documents, data) and the history.
 */

/** A draft: its steps with the number of open blocking findings, and the completeness panel. */

export function DraftOverview() {
  const { application, base } = useLoaderData<typeof loadApplicationPage>();
  const result = base ? evaluateBase(base) : null;
  const openFor = (slug: string) =>
    result?.findings.filter(
      (f) =>
        f.blocking &&
        (slug === "unterlagen"
          ? f.section === "documents"
          : f.section !== "documents" &&
            f.section !== "procedure" &&
            stepForSection(f.section).slug === slug),
    ).length ?? 0;
  return (
    <div className="app-form-layout app-section">
      <section aria-labelledby="schritte">
        <h2 className="kern-heading-medium" id="schritte">
          Schritte
        </h2>
        <ol className="app-findings">
          {ALL_STEPS.map((s, i) => {
            const open = s.slug === "pruefen" ? 0 : openFor(s.slug);
            return (
              <li key={s.slug} className="app-finding">
                <Link className="kern-link" to={s.href(application.id)}>
                  {i + 1}. {s.title}
                </Link>
                <span className="app-finding__basis">
                  {s.slug === "pruefen"
                    ? "Zusammenfassung, dann einreichen"
                    : open > 0
                      ? `${open} offen`
                      : "vollständig"}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
      {base ? (
        <aside aria-label="Vollständigkeit des Antrags">
          <CompletenessPanel applicationId={application.id} base={base} />
        </aside>
      ) : null}
    </div>
  );
}

/** A submitted application: what was filed and what was produced from it. */
export function SubmittedOverview() {
  const { application, documents, openItems, generated, moreGenerated, generatedIds, data, decision } =
    useLoaderData<typeof loadApplicationPage>();
  const pending = generated.some((g) => !g.doc);
  // The worker renders the receipt, the XBau messages and later the Bescheid: they appear without a
  // reload (a light poll of a resource route; the page data reloads only when something is new).
  useReadyDocuments(application.id, generatedIds, pending);
  return (
    <>
      {pending ? (
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      {decision ? <DecisionSection decision={decision} /> : null}
      <section className="app-section" aria-labelledby="downloads">
        <h2 className="kern-heading-medium" id="downloads">
          Dokumente zum Antrag
        </h2>
        <ul className="kern-list" data-testid="generated-documents">
          {generated.map((g) => (
            <li key={g.kind}>
              {g.doc ? (
                <a
                  className="kern-link"
                  href={`/erzeugt/${g.doc.id}`}
                  download
                  data-testid={`download-${g.kind}`}
                >
                  <span className="kern-icon kern-icon--download" aria-hidden="true" /> {g.label} (
                  {g.doc.size})
                </a>
              ) : (
                <span data-testid={`pending-${g.kind}`}>{g.label}: wird erstellt …</span>
              )}
            </li>
          ))}
          <GeneratedDocumentItems documents={moreGenerated} />
        </ul>
      </section>
      {openItems.length > 0 ? (
        <section className="app-section" aria-labelledby="offene-punkte">
          <h2 className="kern-heading-medium" id="offene-punkte">
            Offene Punkte ({openItems.length})
          </h2>
          <p className="kern-body">
            Noch offen sind Unterlagen, die Sie als „wird nachgereicht“ angegeben haben, und Punkte einer
            Nachforderung der Bauaufsicht, die noch nicht beantwortet sind. Erledigte Punkte verschwinden von
            selbst.
          </p>
          <ul className="app-findings" data-testid="open-items">
            {openItems.map((o) => (
              <li key={o.key} className="app-finding app-finding--missing-document" data-source={o.source}>
                {o.message}
                <span className="app-finding__basis">{o.basis}</span>
              </li>
            ))}
          </ul>
          <p className="kern-body">
            <Link className="kern-link" to={`/antraege/${application.id}/unterlagen`}>
              Unterlagen nachreichen
            </Link>
          </p>
        </section>
      ) : null}
      <section className="app-section" aria-labelledby="unterlagen">
        <h2 className="kern-heading-medium" id="unterlagen">
          Unterlagen
        </h2>
        {documents.length === 0 ? (
          <p className="kern-body">Keine Unterlagen.</p>
        ) : (
          <ul className="app-findings">
            {documents.map((d) => (
              <li key={d.id} className="app-finding">
                <span className="kern-body kern-body--bold">{d.title}</span>
                {d.toBeSubmittedLater ? <span className="app-finding__basis">wird nachgereicht</span> : null}
                <ul className="kern-list">
                  {d.versions.map((v) => (
                    <li key={v.id}>
                      <a className="kern-link" href={`/dateien/${v.id}`}>
                        {v.filename}
                      </a>{" "}
                      – Version {v.versionNumber}, {v.size}
                      {v.pageCount ? `, ${v.pageCount} ${v.pageCount === 1 ? "Seite" : "Seiten"}` : ""},{" "}
                      {formatDateTime(v.createdAt)}, {v.uploadedBy}
                      <span className="app-finding__basis">SHA-256: {v.sha256}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="app-section" aria-labelledby="angaben">
        <h2 className="kern-heading-medium" id="angaben">
          Eingereichte Angaben
        </h2>
        <DataSummary data={data} headingLevel={3} />
      </section>
    </>
  );
}

/** The history of the application, newest first. */
export function Timeline() {
  const { events } = useLoaderData<typeof loadApplicationPage>();
  return (
    <section className="app-section" aria-labelledby="verlauf">
      <h2 className="kern-heading-medium" id="verlauf">
        Verlauf
      </h2>
      <ol className="app-timeline" data-testid="timeline">
        {[...events].reverse().map((e) => (
          <li key={e.id} className="app-timeline__item">
            <span className="kern-body kern-body--bold">{e.label}</span>
            {e.detail ? <span className="kern-body"> – {e.detail}</span> : null}
            <span className="app-timeline__meta">
              <time dateTime={isoString(e.createdAt)}>{formatDateTime(e.createdAt)}</time> · {e.actor}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
