import { Form, Link, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { CONFIRM_FIELD } from "~/components/confirm-action";
import { DescriptionList } from "~/components/description-list";
import { decisionKindLabel, TO_BE_WRITTEN } from "~/domain/decision";
import { formatDate, formatDateTime, isoString } from "~/domain/format";
import { conditionKindLabel } from "~/domain/statements";
import type { Loaded, LoadedDecision } from "./decision-page-types";
import { DecisionSection } from "./decision-section";
import { FeeTable } from "./fee-table";

/** The Bescheid page outside the editor: no draft yet, the confirmation step, the decided Bescheid. */

export function NoDraft({ refusal }: { refusal: string | null }) {
  const busy = useNavigation().state === "submitting";
  return (
    <section className="app-section" aria-labelledby="entwurf">
      <h2 className="kern-heading-medium" id="entwurf">
        Noch kein Entwurf
      </h2>
      {refusal ? (
        <Alert tone="info" title="Noch nicht möglich">
          <p className="kern-body">{refusal}</p>
        </Alert>
      ) : (
        <p className="kern-body">
          Der Entwurf wird aus der Akte vorbereitet: Art der Entscheidung, die aktuellen Fassungen der
          Bauvorlagen, die Nebenbestimmungen aus den Stellungnahmen, Abweichungen, Baukosten und Gebühr, ein
          Begründungsgerüst und die Rechtsbehelfsbelehrung Ihrer Behörde. Sie prüfen und ändern alles vor dem
          Erlass.
        </p>
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="open" />
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy || refusal !== null}>
          <span className="kern-label">Bescheidentwurf anlegen</span>
        </button>
      </Form>
    </section>
  );
}

export function ConfirmDecide({ data, decision: d }: { data: Loaded; decision: LoadedDecision }) {
  const busy = useNavigation().state === "submitting";
  const { openParticipations, case: c, consentBlock } = data;
  return (
    <section className="app-section" aria-labelledby="bestaetigen" data-testid="decide-confirmation">
      <h2 className="kern-heading-medium" id="bestaetigen">
        Bescheid verbindlich erlassen?
      </h2>
      {consentBlock ? (
        // Einvernehmen (§ 36 BauGB) / Zustimmung: no "decide without" — the server refuses it as well.
        <Alert tone="danger" title="Genehmigung noch nicht möglich">
          <p className="kern-body" data-testid="consent-block">
            {consentBlock}
          </p>
        </Alert>
      ) : null}
      <p className="kern-body">
        Mit dem Erlass ist die Entscheidung getroffen: Der Fall wird abgeschlossen, der Bescheid und die
        gestempelten Bauvorlagen werden erzeugt und den Antragstellenden zugestellt, die beteiligten Stellen
        werden informiert und verlieren den Zugriff auf die Unterlagen. Das kann nicht rückgängig gemacht
        werden.
      </p>
      {d.reasons.includes(TO_BE_WRITTEN) || d.deviations.some((x) => x.text.includes(TO_BE_WRITTEN)) ? (
        <Alert tone="warning" title="Noch Platzhalter im Entwurf">
          <p className="kern-body" data-testid="placeholder-warning">
            Begründung oder Abweichungen enthalten noch „{TO_BE_WRITTEN}“ an Stellen, die Sie ergänzen
            wollten. Gehen Sie zurück zum Entwurf, wenn der Bescheid so nicht erlassen werden soll.
          </p>
        </Alert>
      ) : null}
      <DescriptionList
        items={[
          { label: "Entscheidung", value: decisionKindLabel(d.kind) },
          { label: "Nebenbestimmungen", value: String(d.conditions.length) },
          { label: "Maßgebliche Bauvorlagen", value: String(d.documents.length) },
          {
            label: "Davon gestempelt",
            value: String(d.documents.filter((x) => x.stamp).length),
          },
          { label: "Gebühr", value: <FeeTotal cents={d.feeTotalCents} /> },
        ]}
      />
      <Form method="post">
        <input type="hidden" name="intent" value="decide" />
        {openParticipations.length > 0 ? (
          <div className="kern-form-check" style={{ marginBlock: "1rem" }}>
            <input
              className="kern-form-check__input"
              type="checkbox"
              id="confirmOpenParticipations"
              name="confirmOpenParticipations"
            />
            <label className="kern-label" htmlFor="confirmOpenParticipations">
              Ohne die ausstehenden Stellungnahmen entscheiden (
              {openParticipations.map((p) => p.agencyName).join(", ")})
            </label>
          </div>
        ) : null}
        <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
          <button
            type="submit"
            name={CONFIRM_FIELD}
            value="ja"
            className="kern-btn kern-btn--primary"
            disabled={busy}
          >
            <span className="kern-label">Jetzt verbindlich erlassen</span>
          </button>
          <Link className="kern-btn kern-btn--secondary" to={`/behoerde/faelle/${c.id}/bescheid`}>
            <span className="kern-label">Zurück zum Entwurf</span>
          </Link>
        </div>
      </Form>
    </section>
  );
}

function FeeTotal({ cents }: { cents: number }) {
  return <>{(cents / 100).toLocaleString("de-DE", { style: "currency", currency: "EUR" })}</>;
}

export function DecidedView({
  data,
  decision: d,
  justDecided,
}: {
  data: Loaded;
  decision: LoadedDecision;
  justDecided: boolean;
}) {
  const versions = new Map(
    data.documents.flatMap((doc) => doc.versions.map((v) => [v.id, { doc, v }] as const)),
  );
  return (
    <>
      {justDecided ? (
        <Alert tone="success" title="Bescheid erlassen">
          <p className="kern-body" data-testid="decision-notice">
            Die Entscheidung ist getroffen. Bescheid und genehmigte Bauvorlagen werden jetzt erzeugt und
            zugestellt.
          </p>
        </Alert>
      ) : null}
      {data.decided ? <DecisionSection decision={data.decided} /> : null}
      <section className="app-section" aria-labelledby="inhalt">
        <h2 className="kern-heading-medium" id="inhalt">
          Inhalt der Entscheidung
        </h2>
        <DescriptionList
          items={[
            { label: "Entscheidung", value: decisionKindLabel(d.kind) },
            {
              label: "Erlassen",
              value: (
                <>
                  <time dateTime={d.decidedAt ? isoString(d.decidedAt) : undefined}>
                    {formatDateTime(d.decidedAt)}
                  </time>{" "}
                  von {d.decidedBy?.displayName ?? "–"}
                </>
              ),
            },
            ...(d.approvedBy ? [{ label: "Freigegeben von", value: d.approvedBy.displayName }] : []),
            { label: "Gültig bis", value: d.validUntil ? formatDate(d.validUntil) : "–" },
            ...(d.paymentReference
              ? [
                  { label: "Kassenzeichen", value: d.paymentReference },
                  { label: "Gebühr zahlbar bis", value: d.paymentDueAt ? formatDate(d.paymentDueAt) : "–" },
                ]
              : []),
          ]}
        />
        <h3 className="kern-heading-small">Nebenbestimmungen</h3>
        {d.conditions.length === 0 ? (
          <p className="kern-body">Keine.</p>
        ) : (
          <ol className="app-findings" data-testid="decided-conditions">
            {d.conditions.map((cond) => (
              <li key={cond.id} className="app-finding">
                <span className="kern-body kern-body--bold">{conditionKindLabel(cond.kind)}:</span>{" "}
                {cond.text}
                <span className="app-finding__basis">
                  {[cond.legalBasis, cond.sourceLabel ? `Quelle: ${cond.sourceLabel}` : null]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
              </li>
            ))}
          </ol>
        )}
        {d.deviations.length > 0 ? (
          <>
            <h3 className="kern-heading-small">Zugelassene Abweichungen</h3>
            <ol className="app-findings">
              {d.deviations.map((x) => (
                <li key={x.text} className="app-finding">
                  {x.text}
                  <span className="app-finding__basis">{x.legalBasis}</span>
                </li>
              ))}
            </ol>
          </>
        ) : null}
        <h3 className="kern-heading-small">Maßgebliche Bauvorlagen</h3>
        <ul className="kern-list">
          {d.documents.map((x) => {
            const found = versions.get(x.documentVersionId);
            return (
              <li key={x.documentVersionId}>
                {found ? `${found.doc.title}, Version ${found.v.versionNumber}` : x.documentVersionId}
                {found ? <code> sha256 {found.v.sha256.slice(0, 12)}…</code> : null}
                {x.stamp ? " (gestempelt)" : ""}
              </li>
            );
          })}
        </ul>
        <h3 className="kern-heading-small">Gebühr</h3>
        <FeeTable lines={d.feeLines} totalCents={d.feeTotalCents} />
      </section>
    </>
  );
}
