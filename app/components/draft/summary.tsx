import { Link } from "@remix-run/react";
import {
  type ApplicationData,
  bauherrDisplayName,
  LAND_NAMES,
  MEASURE_TYPE_LABELS,
  PLANNING_AREA_LABELS,
  USE_TYPE_LABELS,
} from "~/domain/application-data";
import { formatEuroWhole } from "~/domain/format";
import { DescriptionList } from "../description-list";
import { FORM_STEPS, type SectionKey } from "./steps";

/** Read-only German rendering of the application data, section by section (review and case page). */

const yesNo = (v: boolean | undefined) => (v === true ? "Ja" : v === false ? "Nein" : "–");
const orDash = (v: string | number | undefined | null) =>
  v === undefined || v === null || v === "" ? "–" : String(v);

function address(
  a: { street?: string; houseNumber?: string; postalCode?: string; city?: string } | undefined,
) {
  if (!a) return "–";
  const line1 = [a.street, a.houseNumber].filter(Boolean).join(" ");
  const line2 = [a.postalCode, a.city].filter(Boolean).join(" ");
  return [line1, line2].filter(Boolean).join(", ") || "–";
}

export function sectionItems(section: SectionKey, data: ApplicationData): { label: string; value: string }[] {
  switch (section) {
    case "bauherr": {
      const b = data.bauherr;
      return [
        {
          label: "Art",
          value:
            b?.kind === "COMPANY"
              ? "Unternehmen / Organisation"
              : b?.kind === "PERSON"
                ? "Privatperson"
                : "–",
        },
        { label: "Name", value: orDash(bauherrDisplayName(b)) },
        { label: "E-Mail-Adresse", value: orDash(b?.email) },
        { label: "Telefon", value: orDash(b?.phone) },
        { label: "Anschrift", value: address(b?.address) },
        { label: "Vertreten durch Bevollmächtigte:n", value: yesNo(b?.hasRepresentative) },
      ];
    }
    case "entwurfsverfasser": {
      const e = data.entwurfsverfasser;
      return [
        { label: "Name / Büro", value: orDash(e?.name) },
        { label: "Kammer-Mitgliedsnummer", value: orDash(e?.chamberNumber) },
        { label: "Kammer des Landes", value: e?.chamberLand ? LAND_NAMES[e.chamberLand] : "–" },
        { label: "E-Mail-Adresse", value: orDash(e?.email) },
        { label: "Telefon", value: orDash(e?.phone) },
        { label: "Anschrift", value: address(e?.address) },
      ];
    }
    case "plot": {
      const p = data.plot;
      const parcels = (p?.parcels ?? [])
        .map(
          (x) =>
            `Gemarkung ${orDash(x.gemarkung)}, Flur ${orDash(x.flur)}, Flurstück ${orDash(x.zaehler)}${x.nenner ? `/${x.nenner}` : ""}`,
        )
        .join("; ");
      return [
        { label: "Lage", value: address(p?.address) },
        { label: "Gemeindeschlüssel", value: orDash(p?.municipalityAgs) },
        { label: "Flurstücke", value: parcels || "–" },
        {
          label: "Planungsrechtliche Lage",
          value: p?.planningArea ? PLANNING_AREA_LABELS[p.planningArea] : "–",
        },
        { label: "Bebauungsplan", value: orDash(p?.developmentPlanName) },
        { label: "An Bundes- oder Landesstraße", value: yesNo(p?.nextToMajorRoad) },
        { label: "Bauherrschaft ist Eigentümerin", value: yesNo(p?.applicantIsOwner) },
      ];
    }
    case "project": {
      const v = data.project;
      return [
        { label: "Art der Maßnahme", value: v?.measureType ? MEASURE_TYPE_LABELS[v.measureType] : "–" },
        { label: "Beschreibung", value: orDash(v?.description) },
        { label: "Gebäudeklasse", value: v?.buildingClass ? `GK ${v.buildingClass}` : "–" },
        { label: "Nutzung", value: v?.use ? USE_TYPE_LABELS[v.use] : "–" },
        {
          label: "Geschätzte Baukosten",
          value: typeof v?.estimatedCosts === "number" ? formatEuroWhole(v.estimatedCosts) : "–",
        },
        { label: "Sonderbau", value: yesNo(v?.specialBuilding) },
        { label: "Baudenkmal betroffen", value: yesNo(v?.monument) },
        { label: "Beheizte Räume", value: yesNo(v?.heatedRooms) },
        { label: "Neuer Kanalanschluss", value: yesNo(v?.newSewerConnection) },
        { label: "Mittel- oder Großgarage", value: yesNo(v?.largeGarage) },
        { label: "Geringfügiges Vorhaben", value: yesNo(v?.minorWork) },
        { label: "Abweichungen beantragt", value: yesNo(v?.deviationsRequested) },
      ];
    }
  }
}

/** All four sections with headings; `editHref` adds a "Ändern" link per section (drafts). */
export function DataSummary({
  data,
  editHref,
  headingLevel = 2,
}: {
  data: ApplicationData;
  editHref?: (section: SectionKey) => string;
  headingLevel?: 2 | 3;
}) {
  const H = headingLevel === 2 ? "h2" : "h3";
  return (
    <>
      {FORM_STEPS.map((step) => (
        <section
          key={step.section}
          className="app-summary-section"
          aria-labelledby={`zusammenfassung-${step.slug}`}
        >
          <div className="app-summary-section__header">
            <H className="kern-heading-small" id={`zusammenfassung-${step.slug}`}>
              {step.title}
            </H>
            {editHref ? (
              <Link className="kern-link" to={editHref(step.section)}>
                Ändern<span className="kern-sr-only">: {step.title}</span>
              </Link>
            ) : null}
          </div>
          <DescriptionList items={sectionItems(step.section, data)} />
        </section>
      ))}
    </>
  );
}
