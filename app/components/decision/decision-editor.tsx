import { getFormProps } from "@conform-to/react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Alert } from "~/components/alert";
import { useRowListForm } from "~/components/conform-list";
import { IntentButton } from "~/components/intent-button";
import { DECISION_KIND_LABELS, DECISION_KINDS, type DecisionKind, isDecisionKind } from "~/domain/decision";
import { REASON_SECTION_KEYS, REASON_SECTION_TITLES, REASON_TEXT_MAX } from "~/domain/decision-reasons";
import { documentTypeLabel } from "~/domain/document-types";
import { computeFee, parseEuroToCents } from "~/domain/fees";
import { formatDate, formatDateTime } from "~/domain/format";
import { countOf } from "~/domain/wording";
import type { DecisionActionResult } from "./decision-page.server";
import type { Loaded, LoadedDecision } from "./decision-page-types";
import { ConditionsSection, DeviationsSection } from "./editor-lists";
import {
  COST_MESSAGE,
  type DecisionEditorValues,
  decisionEditorSchema,
  valuesFromDraft,
} from "./editor-values";
import { FeeTable } from "./fee-table";

/**
 * The Bescheid editor: one Conform form on the shared schema (editor-values.ts), in sections. It
 * works without JavaScript: list rows are added and removed by Conform's intent buttons, which the
 * server applies and answers with the typed values. The fee preview follows the kind and the
 * construction cost as they are typed.
 */

export function Editor({
  data,
  decision: d,
  actionData,
}: {
  data: Loaded;
  decision: LoadedDecision;
  actionData: DecisionActionResult | undefined;
}) {
  const busy = useNavigation().state === "submitting";
  const initial = actionData?.values ?? valuesFromDraft(d);
  // Re-mount the inputs when the server returns new values (no-JS add/remove round trips).
  const formKey = `${d.version}-${actionData?.nonce ?? 0}`;
  return (
    <EditorForm
      key={formKey}
      data={data}
      decision={d}
      initial={initial}
      busy={busy}
      unsaved={Boolean(actionData?.values)}
    />
  );
}

function EditorForm({
  data,
  decision: d,
  initial,
  busy,
  unsaved,
}: {
  data: Loaded;
  decision: LoadedDecision;
  initial: DecisionEditorValues;
  busy: boolean;
  unsaved: boolean;
}) {
  const { case: c, documents, me } = data;
  const [kind, setKind] = useState(initial.kind);
  const [cost, setCost] = useState(initial.constructionCost);
  const canApprove = c.fourEyes && d.status === "AWAITING_APPROVAL" && !d.approvedAt && d.draftedBy.id !== me;
  const [form, fields] = useRowListForm("decision-editor", decisionEditorSchema, initial);

  return (
    <>
      {c.refusal ? (
        <Alert tone="warning" title="Keine Entscheidung möglich">
          <p className="kern-body" data-testid="decision-refusal">
            {c.refusal}
          </p>
        </Alert>
      ) : null}
      <ApprovalState decision={d} fourEyes={c.fourEyes} />
      {canApprove ? (
        <Form method="post" className="app-section">
          <input type="hidden" name="intent" value="approve" />
          <input type="hidden" name="version" value={d.version} />
          <p className="kern-body">Sie haben den Entwurf nicht selbst erstellt und können ihn freigeben.</p>
          <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
            <span className="kern-label">Freigeben</span>
          </button>
        </Form>
      ) : null}
      {unsaved ? (
        <p className="kern-body kern-body--bold" data-testid="unsaved">
          Es gibt nicht gespeicherte Änderungen.
        </p>
      ) : null}
      <Form method="post" data-testid="decision-form" {...getFormProps(form)}>
        <input type="hidden" name={fields.version.name} value={initial.version} />
        {/* Enter in a field saves, never the first row's remove button (the first submit button). */}
        <button
          type="submit"
          name="intent"
          value="save"
          className="app-default-submit"
          tabIndex={-1}
          aria-hidden="true"
        >
          Entwurf speichern
        </button>
        <KindSection kind={kind} onChange={setKind} />
        <DocumentsSection documents={documents} initial={initial} />
        <ConditionsSection form={form} field={fields.conditions} busy={busy} />
        <DeviationsSection form={form} field={fields.deviations} busy={busy} />
        <FeeSection
          data={data}
          kind={kind}
          cost={cost}
          onCostChange={setCost}
          busy={busy}
          initialBasisSource={initial.feeBasisSource}
        />
        <TextsSection initial={initial} stored={d.reasons} />
        <EditorActions data={data} decision={d} busy={busy} />
      </Form>
    </>
  );
}

export function ApprovalState({ decision: d, fourEyes }: { decision: LoadedDecision; fourEyes: boolean }) {
  if (!fourEyes) return null;
  if (d.status === "AWAITING_APPROVAL" && d.approvedAt) {
    return (
      <Alert tone="success" title="Freigegeben">
        <p className="kern-body" data-testid="approval-state">
          Freigegeben von {d.approvedBy?.displayName} am {formatDateTime(d.approvedAt)}. Jede weitere Änderung
          hebt die Freigabe auf.
        </p>
      </Alert>
    );
  }
  if (d.status === "AWAITING_APPROVAL") {
    return (
      <Alert tone="info" title="Zur Freigabe vorgelegt">
        <p className="kern-body" data-testid="approval-state">
          Vorgelegt von {d.draftedBy.displayName} am {formatDateTime(d.submittedForApprovalAt)}. Eine zweite
          Sachbearbeiter:in muss den Entwurf freigeben (Vier-Augen-Prinzip).
        </p>
      </Alert>
    );
  }
  return (
    <Alert tone="info" title="Vier-Augen-Prinzip">
      <p className="kern-body" data-testid="approval-state">
        Ihre Behörde erlässt Bescheide nur nach Freigabe durch eine zweite Person. Legen Sie den Entwurf zur
        Freigabe vor, wenn er fertig ist.
      </p>
    </Alert>
  );
}

function KindSection({ kind, onChange }: { kind: string; onChange: (kind: string) => void }) {
  return (
    <section className="app-section" aria-labelledby="art">
      <h2 className="kern-heading-medium" id="art">
        Entscheidung
      </h2>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="kind">
          Art der Entscheidung
        </label>
        <div className="kern-form-input__select-wrapper">
          <select
            id="kind"
            name="kind"
            className="kern-form-input__select"
            value={kind}
            onChange={(e) => onChange(e.target.value)}
          >
            {DECISION_KINDS.map((k) => (
              <option key={k} value={k}>
                {DECISION_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
      </div>
    </section>
  );
}

function DocumentsSection({
  documents,
  initial,
}: {
  documents: Loaded["documents"];
  initial: DecisionEditorValues;
}) {
  const shownVersions = new Set(initial.document);
  return (
    <section className="app-section" aria-labelledby="bauvorlagen">
      <h2 className="kern-heading-medium" id="bauvorlagen">
        Maßgebliche Bauvorlagen
      </h2>
      <p className="kern-body">
        Der Bescheid nennt die ausgewählten Fassungen mit Version und Prüfsumme. Pläne mit
        „Genehmigungsvermerk“ werden auf jeder Seite gestempelt und als genehmigte Bauvorlagen zugestellt.
      </p>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--small app-table-stack" data-testid="decision-documents">
          <caption className="kern-title kern-sr-only">Bauvorlagen und ihre Fassungen</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">
                Maßgeblich
              </th>
              <th scope="col" className="kern-table__header">
                Bauvorlage
              </th>
              <th scope="col" className="kern-table__header">
                Fassung
              </th>
              <th scope="col" className="kern-table__header">
                Genehmigungsvermerk
              </th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {documents.flatMap((doc) =>
              doc.versions
                .filter((v, i) => i === 0 || shownVersions.has(v.id))
                .map((v) => (
                  <tr key={v.id} className="kern-table__row" data-testid="decision-document">
                    <td className="kern-table__cell" data-label="Maßgeblich">
                      <div className="kern-form-check">
                        {/* A file still being checked cannot be chosen yet (refused ones are not listed). */}
                        <input
                          className="kern-form-check__input"
                          type="checkbox"
                          id={`doc-${v.id}`}
                          name="document"
                          value={v.id}
                          disabled={v.checkStatus !== "ACCEPTED"}
                          defaultChecked={v.checkStatus === "ACCEPTED" && initial.document.includes(v.id)}
                        />
                        <label className="kern-label" htmlFor={`doc-${v.id}`}>
                          <span className="kern-sr-only">
                            {doc.title} Version {v.versionNumber}{" "}
                          </span>
                          {v.checkStatus === "ACCEPTED" ? "maßgeblich" : "wird geprüft"}
                        </label>
                      </div>
                    </td>
                    <td className="kern-table__cell" data-label="Bauvorlage">
                      {doc.title || documentTypeLabel(doc.typeCode)}
                      <br />
                      <span className="kern-body--small">{v.filename}</span>
                    </td>
                    <td className="kern-table__cell" data-label="Fassung">
                      Version {v.versionNumber} vom {formatDate(v.createdAt)}
                      <br />
                      <code title={v.sha256}>sha256 {v.sha256.slice(0, 12)}…</code>
                    </td>
                    <td className="kern-table__cell" data-label="Genehmigungsvermerk">
                      <div className="kern-form-check">
                        <input
                          className="kern-form-check__input"
                          type="checkbox"
                          id={`stamp-${v.id}`}
                          name="stamp"
                          value={v.id}
                          defaultChecked={
                            initial.document.includes(v.id) ? initial.stamp.includes(v.id) : doc.isPlan
                          }
                        />
                        <label className="kern-label" htmlFor={`stamp-${v.id}`}>
                          <span className="kern-sr-only">{doc.title} </span>
                          stempeln
                        </label>
                      </div>
                    </td>
                  </tr>
                )),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FeeSection({
  data,
  kind,
  cost,
  onCostChange,
  busy,
  initialBasisSource,
}: {
  data: Loaded;
  kind: string;
  cost: string;
  onCostChange: (cost: string) => void;
  busy: boolean;
  initialBasisSource: string;
}) {
  const { case: c, fee } = data;
  const parsedCost = parseEuroToCents(cost);
  const preview = computeFee(fee.schedule, {
    kind: (isDecisionKind(kind) ? kind : "BAUGENEHMIGUNG") as DecisionKind,
    procedureType: c.procedureType,
    constructionCostCents: parsedCost ?? null,
    participations: fee.participations,
  });
  return (
    <section className="app-section" aria-labelledby="gebuehr">
      <h2 className="kern-heading-medium" id="gebuehr">
        Baukosten und Gebühr
      </h2>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="constructionCost">
          Baukosten in Euro
        </label>
        <div className="kern-hint" id="constructionCost-hint">
          Aus dem Antrag übernommen; leer lassen, wenn unbekannt (dann gilt die Mindestgebühr).
        </div>
        <input
          id="constructionCost"
          name="constructionCost"
          className="kern-form-input__input"
          inputMode="decimal"
          aria-describedby="constructionCost-hint"
          aria-invalid={parsedCost === undefined ? true : undefined}
          value={cost}
          onChange={(e) => onCostChange(e.target.value)}
        />
        {parsedCost === undefined ? (
          <p className="kern-error" role="alert">
            {COST_MESSAGE}
          </p>
        ) : null}
      </div>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="feeBasisSource">
          Quelle des anrechenbaren Bauwerts
        </label>
        <div className="kern-hint" id="feeBasisSource-hint">
          Steht im Gebührenteil des Bescheids, z. B. „Rohbauwert nach § 2 BauGebVO M-V aus 1.120 m³
          Brutto-Rauminhalt“. Weicht der Wert von den Baukosten der Baubeschreibung ab, sagen Sie hier, warum.
        </div>
        <input
          id="feeBasisSource"
          name="feeBasisSource"
          className="kern-form-input__input"
          maxLength={500}
          aria-describedby="feeBasisSource-hint"
          defaultValue={initialBasisSource}
        />
      </div>
      <p className="kern-body kern-body--small">
        Gebührenordnung: {fee.schedule.name}; {countOf(fee.participations, "agency")} beteiligt.
      </p>
      <FeeTable lines={preview.lines} totalCents={preview.totalCents} />
      <IntentButton intent="recompute" variant="tertiary" disabled={busy}>
        Gebühr neu berechnen
      </IntentButton>
    </section>
  );
}

function TextsSection({ initial, stored }: { initial: DecisionEditorValues; stored: string }) {
  return (
    <section className="app-section" aria-labelledby="begruendung">
      <h2 className="kern-heading-medium" id="begruendung">
        Begründung und Rechtsbehelfsbelehrung
      </h2>
      <p className="kern-body">
        Die Begründung hat vier feste Abschnitte. Was die Akte hergibt (planungsrechtliche Lage, Prüfumfang,
        Abweichungen, Nebenbestimmungen, Gebühr), steht schon darin; Ihr Text wird dem jeweiligen Abschnitt
        angefügt und kann keinen Abschnitt ersetzen.
      </p>
      {REASON_SECTION_KEYS.map((key) => (
        <div className="kern-form-input" key={key}>
          <label className="kern-label" htmlFor={`reason-${key}`}>
            {REASON_SECTION_TITLES[key]}: Ihre Ergänzung
          </label>
          <textarea
            id={`reason-${key}`}
            name={`reasonTexts.${key}`}
            className="kern-form-input__input"
            rows={key === "wuerdigung" ? 6 : 3}
            maxLength={REASON_TEXT_MAX}
            defaultValue={initial.reasonTexts[key]}
          />
        </div>
      ))}
      {stored ? (
        <details>
          <summary className="kern-body">Begründung, wie sie im Bescheid steht (zuletzt gespeichert)</summary>
          <pre
            className="kern-body kern-body--small"
            style={{ whiteSpace: "pre-wrap" }}
            data-testid="reasons-preview"
          >
            {stored}
          </pre>
        </details>
      ) : null}
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="legalRemedy">
          Rechtsbehelfsbelehrung
        </label>
        <textarea
          id="legalRemedy"
          name="legalRemedy"
          className="kern-form-input__input"
          rows={6}
          style={{ minHeight: "9rem" }}
          maxLength={5000}
          defaultValue={initial.legalRemedy}
        />
      </div>
    </section>
  );
}

function EditorActions({
  data,
  decision: d,
  busy,
}: {
  data: Loaded;
  decision: LoadedDecision;
  busy: boolean;
}) {
  const { case: c, openParticipations } = data;
  const mayDecide = !c.fourEyes || (d.status === "AWAITING_APPROVAL" && d.approvedAt !== null);
  return (
    <>
      {openParticipations.length > 0 ? (
        <Alert tone="warning" title="Stellungnahmen stehen aus">
          <p className="kern-body">
            Noch ohne Stellungnahme:{" "}
            {openParticipations.map((p) => `${p.agencyName} (Frist ${formatDate(p.deadline)})`).join(", ")}.
          </p>
        </Alert>
      ) : null}

      <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
        <IntentButton intent="save" variant="secondary" disabled={busy}>
          Entwurf speichern
        </IntentButton>
        {c.fourEyes && d.status === "DRAFT" ? (
          <IntentButton intent="submit-approval" variant="primary" disabled={busy}>
            Zur Freigabe vorlegen
          </IntentButton>
        ) : null}
        {mayDecide && !c.fourEyes ? (
          <IntentButton intent="prepare-decide" variant="primary" disabled={busy}>
            Bescheid erlassen …
          </IntentButton>
        ) : null}
        {mayDecide && c.fourEyes ? (
          // The approved draft is decided as it is: no save on the way (a save clears the approval).
          <Link className="kern-btn kern-btn--primary" to="?erlassen=bestaetigen">
            <span className="kern-label">Bescheid erlassen …</span>
          </Link>
        ) : null}
      </div>
      {c.fourEyes && mayDecide ? (
        <p className="kern-body kern-body--small">
          Der freigegebene Entwurf wird unverändert erlassen; speichern Sie Änderungen nur, wenn eine neue
          Freigabe eingeholt werden soll.
        </p>
      ) : null}
    </>
  );
}
