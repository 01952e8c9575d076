import { type FieldMetadata, getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import { type ButtonHTMLAttributes, useState } from "react";
import { z } from "zod";
import { Alert } from "~/components/alert";
import { FieldError } from "~/components/form-fields";
import { IntentButton } from "~/components/intent-button";
import { PARTICIPATION_KIND_LABELS } from "~/domain/participation";
import type { ParticipationProposal } from "~/models/participation.server";
import { parseStartForm } from "./forms";
import { initialRows, type Row, rowFor, rowToForm, selectableIds } from "./start-rows";

export { initialRows } from "./start-rows";

/**
 * The clerk's "Beteiligung starten" form: one row per agency (suggested or added) with documents,
 * deadline, question and what is asked for (Einvernehmen of the case's Gemeinde; Stellungnahme or
 * a Zustimmung required by law for a Fachstelle). The consequence of silence follows from that kind
 * (Land profile), it is not a free choice. Conform with the shared zod schema (forms.ts): field
 * errors on blur in the browser and from the server next to the field; rows are a Conform list
 * (insert/remove/update). Without JavaScript every button is a plain submit the action answers
 * (round trips that keep everything typed).
 */

type FormRow = ReturnType<typeof rowToForm>;

const FORM_ID = "participation-start";
/** Round trips (add, all/none, remove) are not validated: they start nothing. */
const passThrough = z.any();

export function StartForm({
  proposal,
  initial,
  lastResult,
  message,
  today,
  busy,
  boardCount,
}: {
  proposal: ParticipationProposal;
  initial: Row[] | null;
  lastResult: SubmissionResult<string[]> | null;
  message: string | null;
  today: string;
  busy: boolean;
  boardCount: number;
}) {
  const [form, fields] = useForm<{ rows: FormRow[] }>({
    id: FORM_ID,
    defaultValue: { rows: (initial ?? initialRows(proposal)).map(rowToForm) },
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate({ formData, submitter }) {
      const intent = submitter && "value" in submitter ? String(submitter.value) : "";
      if (intent !== "start") return parseWithZod(formData, { schema: passThrough });
      return parseStartForm(formData);
    },
  });
  const rows = fields.rows.getFieldList();
  const listed = new Set(rows.map((r) => String(r.getFieldset().agencyId.initialValue ?? "")));
  const addable = proposal.agencies.filter((a) => !a.alreadyParticipating && !listed.has(a.id));
  const noneKept = rows.every((r) => r.getFieldset().keep.value !== "on");
  return (
    <Form method="post" data-testid="participation-form" {...getFormProps(form)}>
      <section className="app-section" aria-labelledby="start-title">
        <h2 className="kern-heading-medium" id="start-title">
          {boardCount > 0 ? "Weitere Stellen beteiligen" : "Stellen beteiligen"}
        </h2>
        <p className="kern-body">
          Vorgeschlagen aus den Angaben des Antrags. Entfernen Sie Stellen, die nicht beteiligt werden sollen,
          und fügen Sie weitere hinzu. Jede Stelle erhält ein Paket mit Anschreiben, Zusammenfassung und den
          ausgewählten Unterlagen.
        </p>
        {proposal.suggestions
          .filter((s) => !s.agency)
          .map((s) => (
            <Alert
              key={s.suggestion.key}
              tone="warning"
              title={`${s.suggestion.label}: keine Stelle registriert`}
            >
              <p className="kern-body">
                {s.suggestion.reason} Für diese Stelle ist bei Ihrer Behörde kein Mandant eingerichtet.
              </p>
            </Alert>
          ))}
        {message || form.errors?.length || fields.rows.errors?.length ? (
          <Alert tone="danger" title="Beteiligung nicht gestartet" announce>
            <p className="kern-body" data-testid="participation-error">
              {message ?? [...(form.errors ?? []), ...(fields.rows.errors ?? [])].join(" ")}
            </p>
          </Alert>
        ) : null}
        {rows.length === 0 ? <p className="kern-body">Keine Stelle ausgewählt.</p> : null}
        <ol className="app-findings" data-testid="participation-rows">
          {rows.map((row, i) => (
            <StartRow
              key={row.key}
              row={row}
              index={i}
              proposal={proposal}
              today={today}
              onDocs={(docs, value) => form.update({ name: docs, value })}
              removeButton={form.remove.getButtonProps({ name: fields.rows.name, index: i })}
            />
          ))}
        </ol>
        {addable.length > 0 ? (
          <AddAgency
            addable={addable}
            onAdd={(agencyId) => {
              const added = rowFor(proposal, agencyId);
              if (added) form.insert({ name: fields.rows.name, defaultValue: rowToForm(added) });
            }}
          />
        ) : null}
        <p className="kern-body">
          <IntentButton intent="start" variant="primary" disabled={busy || noneKept}>
            Beteiligung starten …
          </IntentButton>
        </p>
      </section>
    </Form>
  );
}

/** One agency's row: keep, deadline, kind, question, documents (with "Alle auswählen"/"Keine"). */
function StartRow({
  row,
  index: i,
  proposal,
  today,
  onDocs,
  removeButton,
}: {
  row: FieldMetadata<FormRow>;
  index: number;
  proposal: ParticipationProposal;
  today: string;
  onDocs: (name: string, value: string[]) => void;
  /** Conform's "remove this row" intent (a plain submit without JavaScript). */
  removeButton: ButtonHTMLAttributes<HTMLButtonElement>;
}) {
  const f = row.getFieldset();
  const agencyId = String(f.agencyId.initialValue ?? "");
  const name = proposal.agencies.find((a) => a.id === agencyId)?.name ?? "Unbekannte Stelle";
  const s = proposal.suggestions.find((x) => x.agency?.id === agencyId);
  const kind = String(f.kind.value ?? f.kind.initialValue ?? "AGENCY_STATEMENT");
  const initialDocs = [f.docs.initialValue ?? []].flat().map(String);
  const key = agencyId;
  return (
    <li className="app-finding" data-testid="participation-row" data-agency={name}>
      <input type="hidden" name={f.agencyId.name} value={agencyId} />
      <input type="hidden" name={f.reason.name} value={String(f.reason.initialValue ?? "")} />
      <div className="kern-form-check">
        <input
          className="kern-form-check__input"
          type="checkbox"
          id={`row-${key}-keep`}
          name={f.keep.name}
          key={f.keep.key}
          defaultChecked={f.keep.initialValue === "on"}
        />
        <label className="kern-label" htmlFor={`row-${key}-keep`}>
          {name} beteiligen
        </label>
      </div>
      <p className="kern-body kern-body--small">
        {s ? <strong>{s.suggestion.label}: </strong> : null}
        {String(f.reason.initialValue ?? "")}
        {s ? ` (${s.suggestion.legalBasis})` : ""}
      </p>
      <p className="kern-body kern-body--small" data-testid="row-consequence">
        {proposal.consequences[kind as keyof typeof proposal.consequences] ?? ""}
      </p>
      <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem" }}>
        <div className={`kern-form-input${f.deadline.errors ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor={`row-${key}-deadline`}>
            Frist
          </label>
          <input
            id={`row-${key}-deadline`}
            name={f.deadline.name}
            key={f.deadline.key}
            type="date"
            className="kern-form-input__input"
            min={today}
            defaultValue={String(f.deadline.initialValue ?? "")}
            aria-invalid={f.deadline.errors ? true : undefined}
            aria-describedby={f.deadline.errors ? `row-${key}-deadline-error` : undefined}
          />
          <FieldError id={`row-${key}-deadline`} error={f.deadline.errors?.[0]} />
        </div>
        <RowKind field={f.kind} kind={kind} rowKey={key} />
      </div>
      <div className={`kern-form-input${f.question.errors ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor={`row-${key}-question`}>
          Frage an die Stelle
        </label>
        <textarea
          id={`row-${key}-question`}
          name={f.question.name}
          key={f.question.key}
          className="kern-form-input__input"
          rows={2}
          maxLength={4000}
          defaultValue={String(f.question.initialValue ?? "")}
        />
        <FieldError id={`row-${key}-question`} error={f.question.errors?.[0]} />
      </div>
      <RowDocuments
        docs={f.docs}
        initialDocs={initialDocs}
        index={i}
        rowKey={key}
        name={name}
        proposal={proposal}
        onDocs={onDocs}
      />
      <button {...removeButton} className="kern-btn kern-btn--tertiary">
        <span className="kern-label">{name} entfernen</span>
      </button>
    </li>
  );
}

/** A row's documents: need-to-know defaults, "Alle auswählen"/"Keine" (round trips without JavaScript). */
function RowDocuments({
  docs,
  initialDocs,
  index: i,
  rowKey: key,
  name,
  proposal,
  onDocs,
}: {
  docs: FieldMetadata<string[]>;
  initialDocs: string[];
  index: number;
  rowKey: string;
  name: string;
  proposal: ParticipationProposal;
  onDocs: (name: string, value: string[]) => void;
}) {
  return (
    <fieldset className="kern-fieldset" data-testid="row-documents">
      <legend className="kern-label">Unterlagen für {name}</legend>
      <p className="kern-hint">
        Vorausgewählt ist, was diese Art von Stelle braucht. Der statistische Erhebungsbogen wird nie
        weitergegeben.
      </p>
      <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
        <button
          type="submit"
          name="intent"
          value={`docs-all-${i}`}
          className="kern-btn kern-btn--tertiary"
          onClick={(e) => {
            // With JavaScript here; without, the action ticks them (round trip).
            e.preventDefault();
            onDocs(docs.name, selectableIds(proposal));
          }}
        >
          <span className="kern-label">Alle auswählen</span>
          <span className="kern-sr-only"> (Unterlagen für {name})</span>
        </button>
        <button
          type="submit"
          name="intent"
          value={`docs-none-${i}`}
          className="kern-btn kern-btn--tertiary"
          onClick={(e) => {
            e.preventDefault();
            onDocs(docs.name, []);
          }}
        >
          <span className="kern-label">Keine</span>
          <span className="kern-sr-only"> (Unterlagen für {name})</span>
        </button>
      </div>
      <div className="kern-fieldset__body">
        {proposal.documents.map((d) => (
          <div className="kern-form-check" key={`${docs.key}-${d.versionId}`}>
            <input
              className="kern-form-check__input"
              type="checkbox"
              id={`row-${key}-doc-${d.versionId}`}
              name={docs.name}
              value={d.versionId}
              disabled={!d.selectable}
              defaultChecked={d.selectable && initialDocs.includes(d.versionId)}
            />
            <label className="kern-label" htmlFor={`row-${key}-doc-${d.versionId}`}>
              {d.typeLabel}
              {d.title && d.title !== d.typeLabel ? ` – ${d.title}` : ""} (Version {d.versionNumber},{" "}
              {d.filename})
              {d.selectable ? null : (
                <span className="kern-body--small"> – wird geprüft, noch nicht auswählbar</span>
              )}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** "Weitere Stelle" + "Stelle hinzufügen": a Conform list insert, a round trip without JavaScript. */
function AddAgency({
  addable,
  onAdd,
}: {
  addable: ParticipationProposal["agencies"];
  onAdd: (agencyId: string) => void;
}) {
  const [addId, setAddId] = useState("");
  return (
    <div style={{ display: "flex", flexWrap: "wrap", gap: "1rem", alignItems: "flex-end" }}>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="addAgencyId">
          Weitere Stelle
        </label>
        <div className="kern-form-input__select-wrapper">
          <select
            id="addAgencyId"
            name="addAgencyId"
            className="kern-form-input__select"
            value={addId}
            onChange={(e) => setAddId(e.target.value)}
          >
            <option value="">Bitte wählen</option>
            {addable.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.kindLabel})
              </option>
            ))}
          </select>
        </div>
      </div>
      <button
        type="submit"
        name="intent"
        value="add"
        className="kern-btn kern-btn--secondary"
        onClick={(e) => {
          // With JavaScript the row is inserted here (Conform list); without, the action adds it.
          e.preventDefault();
          onAdd(addId);
          setAddId("");
        }}
      >
        <span className="kern-label">Stelle hinzufügen</span>
      </button>
    </div>
  );
}

/** What is asked: the Gemeinde's Einvernehmen is fixed; a Fachstelle gives a Stellungnahme or a Zustimmung. */
function RowKind({
  field,
  kind,
  rowKey: key,
}: {
  field: FieldMetadata<string>;
  kind: string;
  rowKey: string;
}) {
  return kind === "MUNICIPAL_CONSENT" ? (
    <div className="kern-form-input">
      <input type="hidden" name={field.name} value="MUNICIPAL_CONSENT" />
      <span className="kern-label">Art der Beteiligung</span>
      <p className="kern-body" data-testid="row-kind">
        {PARTICIPATION_KIND_LABELS.MUNICIPAL_CONSENT}
      </p>
    </div>
  ) : (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={`row-${key}-kind`}>
        Art der Beteiligung
      </label>
      <div className="kern-form-input__select-wrapper">
        <select
          id={`row-${key}-kind`}
          name={field.name}
          key={field.key}
          className="kern-form-input__select"
          defaultValue={String(field.initialValue ?? "AGENCY_STATEMENT")}
        >
          <option value="AGENCY_STATEMENT">{PARTICIPATION_KIND_LABELS.AGENCY_STATEMENT}</option>
          <option value="AGENCY_CONSENT">{PARTICIPATION_KIND_LABELS.AGENCY_CONSENT}</option>
        </select>
      </div>
    </div>
  );
}
