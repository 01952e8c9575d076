import { Link, type useLoaderData } from "@remix-run/react";
import type { evaluateBase, groupFindings } from "~/components/completeness-panel";
import { openCountText } from "~/components/completeness-panel";
import { findingHref, stepForSection } from "~/components/draft/steps";
import { documentTypeLabel } from "~/domain/document-types";
import type { loader } from "~/routes/antraege.$id.pruefen";

/**
 * The sections of "Prüfen und einreichen" (route antraege.$id.pruefen): what is still open, the
 * documents, and the submit block — kept apart from the route so it stays a page of its own size.
 */

type ReviewData = ReturnType<typeof useLoaderData<typeof loader>>;

/** How many points are open: missing required data (linked to their step) and notices. */
export function CompletenessSection({
  applicationId: id,
  result,
  groups,
}: {
  applicationId: string;
  result: ReturnType<typeof evaluateBase>;
  groups: ReturnType<typeof groupFindings>;
}) {
  return (
    <section className="app-section" aria-labelledby="stand">
      <h2 className="kern-heading-medium" id="stand">
        Stand der Vollständigkeit
      </h2>
      <p
        className="kern-body kern-body--large"
        data-testid="completeness-count"
        data-count={result.counts.blocking}
      >
        {openCountText(result.counts.blocking)}
      </p>

      {groups.missingFields.length > 0 ? (
        <div data-testid="missing-fields">
          <h3 className="kern-heading-small">Pflichtangaben fehlen ({groups.missingFields.length})</h3>
          <ul className="app-findings">
            {groups.missingFields.map((f) => (
              <li key={`${f.ruleId}-${f.path ?? ""}`} className="app-finding app-finding--error">
                <Link className="kern-link" to={findingHref(id, f)}>
                  {f.message}
                </Link>
                <span className="app-finding__basis">
                  {f.section !== "procedure" && f.section !== "documents"
                    ? `${stepForSection(f.section).title} · `
                    : ""}
                  {f.legalBasis}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {groups.notices.length > 0 ? (
        <div>
          <h3 className="kern-heading-small">Hinweise ({groups.notices.length})</h3>
          <ul className="app-findings">
            {groups.notices.map((f) => (
              <li key={`${f.ruleId}-${f.path ?? ""}`} className={`app-finding app-finding--${f.severity}`}>
                {f.message}
                <span className="app-finding__basis">{f.legalBasis}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** Missing documents (upload now or mark "wird nachgereicht") and the uploaded ones. */
export function DocumentsSection({
  applicationId: id,
  docFindings,
  laterChosen,
  documents,
}: {
  applicationId: string;
  docFindings: ReturnType<typeof groupFindings>["missingDocuments"];
  laterChosen: string[] | null;
  documents: ReviewData["documents"];
}) {
  return (
    <section aria-labelledby="unterlagen-fehlen">
      <h2 className="kern-heading-medium" id="unterlagen-fehlen">
        Unterlagen
      </h2>
      {docFindings.length === 0 ? (
        <p className="kern-body">Alle erforderlichen Unterlagen sind hochgeladen.</p>
      ) : (
        <>
          <p className="kern-body">
            Für jede fehlende Unterlage: jetzt hochladen oder ankreuzen, dass Sie sie nachreichen.
            Nachgereichte Unterlagen bleiben als offene Punkte beim Antrag vermerkt.
          </p>
          {docFindings.map((f) => {
            const code = f.documentTypeCodes?.[0] ?? "";
            const checkboxId = `later-${code}`;
            return (
              <div key={f.ruleId} className="app-doc-choice" data-testid={`missing-document-${code}`}>
                <p className="kern-body kern-body--bold">{f.message}</p>
                <p className="app-finding__basis">{f.legalBasis}</p>
                <div className="app-doc-choice__actions">
                  <Link className="kern-link" to={`/antraege/${id}/unterlagen#dokument-${code}`}>
                    jetzt hochladen<span className="kern-sr-only">: {documentTypeLabel(code)}</span>
                  </Link>
                  <div className="kern-form-check">
                    <input
                      className="kern-form-check__checkbox"
                      type="checkbox"
                      id={checkboxId}
                      name="later"
                      value={code}
                      defaultChecked={
                        laterChosen ? laterChosen.includes(code) : f.status === "to-be-submitted-later"
                      }
                    />
                    <label className="kern-label" htmlFor={checkboxId}>
                      wird nachgereicht<span className="kern-sr-only">: {documentTypeLabel(code)}</span>
                    </label>
                  </div>
                </div>
              </div>
            );
          })}
        </>
      )}
      {documents.some((d) => d.latest) ? (
        <>
          <h3 className="kern-heading-small">Hochgeladen</h3>
          <ul className="kern-list" data-testid="uploaded-documents">
            {documents
              .filter((d) => d.latest)
              .map((d) => (
                <li key={d.typeCode}>
                  {d.title}: {d.latest!.filename} (Version {d.latest!.versionNumber}
                  {d.latest!.pageCount
                    ? `, ${d.latest!.pageCount} ${d.latest!.pageCount === 1 ? "Seite" : "Seiten"}`
                    : ""}
                  )
                </li>
              ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** What submitting means (or why it is not possible yet) and the button. */
export function SubmitSection({
  maySubmit,
  authority,
  missingFields,
  disabled,
}: {
  maySubmit: boolean;
  authority: string;
  missingFields: number;
  disabled: boolean;
}) {
  return (
    <section className="app-section" aria-labelledby="einreichen">
      <h2 className="kern-heading-medium" id="einreichen">
        Einreichen
      </h2>
      {!maySubmit ? (
        <p className="kern-body" id="einreichen-hinweis">
          Einreichen dürfen nur Beteiligte in der Rolle Bauherr:in, Entwurfsverfasser:in oder
          Bevollmächtigte:r.
        </p>
      ) : missingFields > 0 ? (
        <p className="kern-body" id="einreichen-hinweis">
          Sie können den Antrag einreichen, sobald alle Pflichtangaben vollständig sind (oben{" "}
          {missingFields === 1 ? "1 fehlende Angabe" : `${missingFields} fehlende Angaben`}
          ).
        </p>
      ) : (
        <p className="kern-body" id="einreichen-hinweis">
          Mit dem Einreichen geht der Antrag mit den oben aufgeführten Angaben und Unterlagen an {authority}.
          Danach erhalten Sie ein Aktenzeichen und eine Eingangsbestätigung. Die Angaben können dann nicht
          mehr geändert werden.
        </p>
      )}
      <div className="app-form-actions">
        <button
          type="submit"
          className="kern-btn kern-btn--primary"
          disabled={disabled}
          aria-describedby="einreichen-hinweis"
        >
          <span className="kern-label">Antrag verbindlich einreichen</span>
        </button>
      </div>
    </section>
  );
}
