import type { FindingSection } from "~/domain/completeness";

/** The guided form's steps, shared by the step pages, the step indicator and the findings' links. */

export type SectionKey = "bauherr" | "entwurfsverfasser" | "plot" | "project";

export interface Step {
  /** URL segment. */
  slug: string;
  title: string;
  /** Data section the step edits (null for documents / review). */
  section: SectionKey | null;
  href: (applicationId: string) => string;
}

export const FORM_STEPS: readonly (Step & { section: SectionKey })[] = [
  {
    slug: "bauherr",
    title: "Bauherr:in",
    section: "bauherr",
    href: (id) => `/antraege/${id}/bearbeiten/bauherr`,
  },
  {
    slug: "entwurfsverfasser",
    title: "Entwurfsverfasser:in",
    section: "entwurfsverfasser",
    href: (id) => `/antraege/${id}/bearbeiten/entwurfsverfasser`,
  },
  {
    slug: "grundstueck",
    title: "Baugrundstück",
    section: "plot",
    href: (id) => `/antraege/${id}/bearbeiten/grundstueck`,
  },
  {
    slug: "vorhaben",
    title: "Vorhaben",
    section: "project",
    href: (id) => `/antraege/${id}/bearbeiten/vorhaben`,
  },
];

export const ALL_STEPS: readonly Step[] = [
  ...FORM_STEPS,
  { slug: "unterlagen", title: "Unterlagen", section: null, href: (id) => `/antraege/${id}/unterlagen` },
  { slug: "pruefen", title: "Prüfen und einreichen", section: null, href: (id) => `/antraege/${id}/pruefen` },
];

export function stepBySlug(slug: string | undefined) {
  return FORM_STEPS.find((s) => s.slug === slug);
}

export function stepForSection(section: SectionKey) {
  return FORM_STEPS.find((s) => s.section === section)!;
}

/** DOM id of the input for a data path (`plot.parcels.2.flur` -> `f-plot-parcels-2-flur`). */
export function fieldId(path: string): string {
  return `f-${path.replace(/[.[\]]+/g, "-").replace(/-+$/, "")}`;
}

/** Form control name inside a step for a path relative to the section (`parcels.2.flur` -> `parcels[2].flur`). */
export function fieldName(relativePath: string): string {
  return relativePath.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

/** Where a finding can be fixed: the field in its step, the documents page or the overview. */
export function findingHref(
  applicationId: string,
  finding: { section: FindingSection; path?: string; documentTypeCodes?: readonly string[] },
): string {
  if (finding.section === "documents") {
    const code = finding.documentTypeCodes?.[0];
    return `/antraege/${applicationId}/unterlagen${code ? `#dokument-${code}` : ""}`;
  }
  if (finding.section === "procedure") return `/antraege/${applicationId}`;
  const step = stepForSection(finding.section);
  const path = finding.path ?? finding.section;
  return `${step.href(applicationId)}#${fieldId(path)}`;
}
