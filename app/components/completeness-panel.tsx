import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { ApplicationData } from "~/domain/application-data";
import {
  type CompletenessResult,
  type DocumentInput,
  evaluateCompleteness,
  type Finding,
} from "~/domain/completeness";
import { lenientSectionValue, mergeSection, parseSection } from "./draft/form-schemas";
import { findingHref, type SectionKey } from "./draft/steps";

/** What the browser needs to evaluate the rules itself (plain JSON from the loader). */
export interface CompletenessBase {
  profile: string | null;
  procedureType: string | null;
  data: ApplicationData | null;
  documents: DocumentInput[];
}

/** Turns the input of completenessInputFor (server) into plain JSON for the browser. */
export function toCompletenessBase(input: {
  profile?: unknown;
  procedureType?: string | null;
  data: ApplicationData | null | undefined;
  documents?: readonly DocumentInput[];
}): CompletenessBase {
  const p = input.profile;
  const profile =
    typeof p === "string"
      ? p
      : p && typeof p === "object" && "id" in p
        ? String((p as { id: unknown }).id)
        : null;
  return {
    profile,
    procedureType: input.procedureType ?? null,
    data: input.data ?? null,
    documents: (input.documents ?? []).map((d) => ({
      typeCode: d.typeCode,
      hasFile: d.hasFile,
      toBeSubmittedLater: d.toBeSubmittedLater ?? false,
    })),
  };
}

export function evaluateBase(base: CompletenessBase): CompletenessResult {
  return evaluateCompleteness({
    profile: base.profile,
    procedureType: base.procedureType,
    data: base.data,
    documents: base.documents,
  });
}

export interface FindingGroups {
  missingFields: Finding[];
  missingDocuments: Finding[];
  laterDocuments: Finding[];
  notices: Finding[];
}

export function groupFindings(findings: readonly Finding[]): FindingGroups {
  const groups: FindingGroups = { missingFields: [], missingDocuments: [], laterDocuments: [], notices: [] };
  for (const f of findings) {
    if (f.kind === "document" && f.severity === "missing-document") {
      if (f.status === "to-be-submitted-later") groups.laterDocuments.push(f);
      else groups.missingDocuments.push(f);
    } else if (f.severity === "error") groups.missingFields.push(f);
    else groups.notices.push(f);
  }
  return groups;
}

export function openCountText(count: number): string {
  if (count === 0) return "Alle Pflichtangaben und Unterlagen sind vollständig";
  return count === 1 ? "Noch 1 Punkt offen" : `Noch ${count} Punkte offen`;
}

function FindingList({
  applicationId,
  findings,
  linkLabel,
}: {
  applicationId: string;
  findings: Finding[];
  linkLabel?: string;
}) {
  return (
    <ul className="app-findings">
      {findings.map((f) => (
        <li key={`${f.ruleId}-${f.path ?? ""}`} className={`app-finding app-finding--${f.severity}`}>
          <Link className="kern-link" to={findingHref(applicationId, f)}>
            {f.message}
          </Link>
          {linkLabel ? <span className="kern-sr-only"> – {linkLabel}</span> : null}
          <span className="app-finding__basis">{f.legalBasis}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The live list of what is still missing. Rendered on the server (works without JavaScript); in
 * the browser it re-evaluates the same rules (app/domain/completeness) on every change of the
 * step's form, from the form's current values merged with the saved data, without a request.
 */
export function CompletenessPanel({
  applicationId,
  base,
  live,
  headingLevel = 2,
}: {
  applicationId: string;
  base: CompletenessBase;
  /** The form of the current step, re-evaluated as the user types. */
  live?: { formId: string; section: SectionKey };
  headingLevel?: 2 | 3;
}) {
  const [result, setResult] = useState<CompletenessResult>(() => evaluateBase(base));

  const formId = live?.formId;
  const section = live?.section;
  useEffect(() => {
    setResult(evaluateBase(base));
    if (!formId || !section) return;
    const form = document.getElementById(formId);
    if (!(form instanceof HTMLFormElement)) return;
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const payload = parseSection(section, new FormData(form)).payload;
        const value = lenientSectionValue(section, payload);
        setResult(evaluateBase({ ...base, data: mergeSection(base.data, section, value) }));
      });
    };
    update();
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    return () => {
      cancelAnimationFrame(frame);
      form.removeEventListener("input", update);
      form.removeEventListener("change", update);
    };
  }, [base, formId, section]);

  const groups = groupFindings(result.findings);
  const open = result.counts.blocking;
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const Sub = headingLevel === 2 ? "h3" : "h4";
  return (
    <section className="app-completeness" aria-labelledby="vollstaendigkeit-titel">
      <Heading className="kern-heading-small" id="vollstaendigkeit-titel">
        Vollständigkeit
      </Heading>
      <div aria-live="polite" aria-atomic="false">
        <p
          className={`app-completeness__count${open === 0 ? " app-completeness__count--done" : ""}`}
          data-testid="completeness-count"
          data-count={open}
        >
          <span
            className={`kern-icon kern-icon--${open === 0 ? "success" : "warning"} kern-icon--small`}
            aria-hidden="true"
          />
          <span>{openCountText(open)}</span>
        </p>
        {groups.missingFields.length > 0 ? (
          <div data-testid="missing-fields">
            <Sub className="app-completeness__group">
              Pflichtangaben fehlen ({groups.missingFields.length})
            </Sub>
            <FindingList applicationId={applicationId} findings={groups.missingFields} />
          </div>
        ) : null}
        {groups.missingDocuments.length > 0 ? (
          <div data-testid="missing-documents">
            <Sub className="app-completeness__group">
              Unterlagen fehlen ({groups.missingDocuments.length})
            </Sub>
            <FindingList applicationId={applicationId} findings={groups.missingDocuments} />
          </div>
        ) : null}
        {groups.laterDocuments.length > 0 ? (
          <div>
            <Sub className="app-completeness__group">Wird nachgereicht ({groups.laterDocuments.length})</Sub>
            <FindingList applicationId={applicationId} findings={groups.laterDocuments} />
          </div>
        ) : null}
        {groups.notices.length > 0 ? (
          <details className="app-completeness__notices">
            <summary>
              <Sub className="app-completeness__group app-completeness__group--inline">
                Hinweise ({groups.notices.length})
              </Sub>
            </summary>
            <FindingList applicationId={applicationId} findings={groups.notices} />
          </details>
        ) : null}
      </div>
    </section>
  );
}
