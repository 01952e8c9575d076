import { DescriptionList } from "~/components/description-list";
import { procedureLabel } from "~/components/status";
import { formatBytes, formatDate, formatDateTime, isoString } from "~/domain/format";
import { CONDITION_KIND_LABELS, outcomeLabel } from "~/domain/statements";
import { TERMS } from "~/domain/wording";
import type { LoadedParticipation } from "./participation-page-types";

/**
 * The read-only sections of an agency's participation page: the request, the project, the released
 * documents with the participation package, and the statement once it is submitted.
 */

type P = { p: LoadedParticipation };

function parcelLabel(p: { gemarkung?: string; flur?: string; zaehler?: string; nenner?: string }): string {
  return (
    [
      p.gemarkung ? `Gemarkung ${p.gemarkung}` : "",
      p.flur ? `Flur ${p.flur}` : "",
      p.zaehler ? `Flurstück ${p.zaehler}${p.nenner ? `/${p.nenner}` : ""}` : "",
    ]
      .filter(Boolean)
      .join(", ") || "–"
  );
}

const EXTENSION_STATUS: Record<string, string> = {
  PENDING: "beantragt, noch nicht entschieden",
  GRANTED: "gewährt",
  REFUSED: "abgelehnt",
};

/** Generated files of the statement (its PDF and XBau message); everything else is the package. */
function isStatementFile(g: { kind: string }): boolean {
  return g.kind === "STATEMENT" || g.kind === "XBAU_0303";
}

/** The question, legal basis, deadline and extensions of the request. */
export function RequestSection({ p }: P) {
  return (
    <section aria-labelledby="anfrage" className="app-section">
      <h2 id="anfrage" className="kern-heading-medium">
        Anfrage
      </h2>
      <DescriptionList
        items={[
          { label: "Frage", value: p.question },
          ...(p.reason ? [{ label: "Anlass", value: p.reason }] : []),
          { label: "Rechtsgrundlage", value: p.legalBasis },
          {
            label: "Frist",
            value: (
              <>
                <time dateTime={isoString(p.deadline)}>{formatDate(p.deadline)}</time>
                {p.daysLeftLabel ? (
                  <>
                    {" "}
                    {p.overdue ? (
                      <span className="kern-badge kern-badge--danger">
                        <span className="kern-label">{p.daysLeftLabel}</span>
                      </span>
                    ) : (
                      <span>({p.daysLeftLabel})</span>
                    )}
                  </>
                ) : null}
              </>
            ),
          },
          { label: "Folge bei Fristablauf", value: p.silenceConsequence },
          ...(p.round > 1 ? [{ label: "Runde", value: `${p.round}. Beteiligung` }] : []),
          ...p.extensions.map((e, i) => ({
            label: p.extensions.length > 1 ? `Fristverlängerung ${i + 1}` : "Fristverlängerung",
            value: `bis ${formatDate(e.requestedDeadline)} – ${EXTENSION_STATUS[e.status] ?? e.status}${
              e.decisionNote ? ` (${e.decisionNote})` : ""
            }`,
          })),
        ]}
      />
    </section>
  );
}

/** What the project is, where, and who is behind it. */
export function ProjectSection({ p }: P) {
  const s = p.summary;
  return (
    <section aria-labelledby="vorhaben" className="app-section">
      <h2 id="vorhaben" className="kern-heading-medium">
        Angaben zum Vorhaben
      </h2>
      <DescriptionList
        items={[
          { label: "Aktenzeichen", value: s.fileNumber },
          { label: "Vorhaben", value: s.projectTitle || "–" },
          ...(s.description ? [{ label: "Beschreibung", value: s.description }] : []),
          ...(s.measure ? [{ label: "Art der Maßnahme", value: s.measure }] : []),
          { label: "Verfahrensart", value: procedureLabel(s.procedureType) },
          { label: "Bauaufsichtsbehörde", value: s.authorityName },
          { label: "Gemeinde", value: s.municipality ?? "–" },
          { label: "Baugrundstück", value: s.plotAddress ?? "ohne Anschrift" },
          {
            label: s.parcels.length === 1 ? "Flurstück" : "Flurstücke",
            value:
              s.parcels.length === 0 ? (
                "keine angegeben"
              ) : (
                <ul className="app-plain-list">
                  {s.parcels.map((parcel, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: parcels have no identity of their own
                    <li key={i}>{parcelLabel(parcel)}</li>
                  ))}
                </ul>
              ),
          },
          { label: TERMS.bauherr, value: s.bauherr ?? "–" },
          { label: TERMS.entwurfsverfasser, value: s.entwurfsverfasser ?? "–" },
        ]}
      />
    </section>
  );
}

/** The documents released to the agency and the participation package. */
export function DocumentsSection({ p }: P) {
  const packageFiles = p.generated.filter((g) => !isStatementFile(g));
  return (
    <section aria-labelledby="unterlagen" className="app-section">
      <h2 id="unterlagen" className="kern-heading-medium">
        Freigegebene Unterlagen
      </h2>
      {!p.documentsAvailable ? (
        <p className="kern-body">
          Die Beteiligung ist abgeschlossen; die Unterlagen des Antrags sind nicht mehr freigegeben.
        </p>
      ) : p.documents.length === 0 ? (
        <p className="kern-body">Für diese Beteiligung wurden keine Unterlagen freigegeben.</p>
      ) : (
        <ul className="app-plain-list" aria-label="Freigegebene Unterlagen">
          {p.documents.map((d) => (
            <li key={d.versionId}>
              {d.href ? (
                <a className="kern-link" href={d.href} download>
                  {d.typeLabel}
                </a>
              ) : (
                d.typeLabel
              )}{" "}
              <span className="kern-body--muted">
                – {d.filename}, Version {d.versionNumber}, {formatBytes(d.sizeBytes)}
                {d.pageCount ? `, ${d.pageCount === 1 ? "1 Seite" : `${d.pageCount} Seiten`}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="kern-heading-small">Beteiligungspaket</h3>
      {packageFiles.length === 0 ? (
        <p className="kern-body">Das Beteiligungspaket wird noch erstellt.</p>
      ) : (
        <ul className="app-plain-list" aria-label="Beteiligungspaket">
          {packageFiles.map((g) => (
            <li key={g.id}>
              <a className="kern-link" href={g.href} download>
                {g.kindLabel}
              </a>{" "}
              <span className="kern-body--muted">
                – {g.filename}, {formatBytes(g.sizeBytes)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The submitted statement with its conditions, attachments and generated files. */
export function StatementSection({ p }: P) {
  const statement = p.statement;
  if (!statement) return null;
  const statementFiles = p.generated.filter(isStatementFile);
  return (
    <section aria-labelledby="stellungnahme" className="app-section">
      <h2 id="stellungnahme" className="kern-heading-medium">
        Ihre Stellungnahme
      </h2>
      <DescriptionList
        items={[
          { label: "Ergebnis", value: outcomeLabel(p.kind, statement.outcome) },
          {
            label: "Abgegeben",
            value: `${formatDateTime(statement.submittedAt)} von ${statement.authorName}`,
          },
          // A Stellungnahme after the deadline has no fiction; the Bauaufsicht weighs it only where the
          // decision's legality depends on it.
          ...(p.kind === "AGENCY_STATEMENT" && new Date(statement.submittedAt) > new Date(p.deadline)
            ? [{ label: "Frist", value: "Nach Fristablauf eingegangen (nicht fristgerecht)" }]
            : []),
          { label: "Begründung", value: statement.reasons || "–" },
        ]}
      />
      {statement.conditions.length > 0 ? (
        <>
          <h3 className="kern-heading-small">Nebenbestimmungen</h3>
          <ol className="app-condition-list">
            {statement.conditions.map((c) => (
              <li key={c.position}>
                <strong>{CONDITION_KIND_LABELS[c.kind]}:</strong> {c.text}
                {c.legalBasis ? (
                  <div className="kern-body--muted">Rechtsgrundlage: {c.legalBasis}</div>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {statement.attachments.length > 0 ? (
        <>
          <h3 className="kern-heading-small">Anlagen</h3>
          <ul className="app-plain-list" aria-label="Anlagen der Stellungnahme">
            {statement.attachments.map((a) => (
              <li key={a.id}>
                <a className="kern-link" href={a.href} download>
                  {a.filename}
                </a>{" "}
                <span className="kern-body--muted">– {formatBytes(a.sizeBytes)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3 className="kern-heading-small">Stellungnahme als Datei</h3>
      {statementFiles.length === 0 ? (
        <p className="kern-body">Das PDF der Stellungnahme wird erstellt. Laden Sie die Seite später neu.</p>
      ) : (
        <ul className="app-plain-list" aria-label="Stellungnahme als Datei">
          {statementFiles.map((g) => (
            <li key={g.id}>
              <a className="kern-link" href={g.href} download>
                {g.kindLabel}
              </a>{" "}
              <span className="kern-body--muted">– {g.filename}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
