import {
  LAENDER,
  LAND_NAMES,
  MEASURE_TYPE_LABELS,
  MEASURE_TYPES,
  PLANNING_AREA_LABELS,
  PLANNING_AREAS,
  USE_TYPE_LABELS,
  USE_TYPES,
} from "~/domain/application-data";
import { gemeindeChoices, gemeindeLabel } from "~/domain/districts";
import { FieldGroup, RadioGroup, SelectField, TextAreaField, YesNoField } from "../form-fields";
import { TextField } from "../text-field";
import { fieldId, fieldName, type SectionKey } from "./steps";

/**
 * The fields of each step. Values come either from the saved data (domain types) or from a
 * re-rendered post (strings), so every reader turns them into strings.
 */

export type Values = Record<string, unknown>;
export type Errors = Record<string, string[] | undefined>;

function get(values: Values | undefined, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function str(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? v : "";
}

interface Ctx {
  section: SectionKey;
  values: Values;
  errors: Errors;
  /** Building code of the authority's Land profile as cited ("LBauO M-V"); one voice with the checklist. */
  buildingCode?: string;
  /**
   * Prefix of the control names when several sections share one form (the paper intake posts
   * `bauherr.firstName`, `plot.parcels[0].flur`); errors are keyed by the prefixed names too.
   */
  namePrefix?: string;
  /** AGS of the receiving authority: narrows the Gemeinde suggestions to its district. */
  authorityAgs?: string | null;
}

/** id/name/defaultValue/errors for the field at a path relative to the section (`address.street`). */
function bind(ctx: Ctx, path: string) {
  const name = `${ctx.namePrefix ?? ""}${fieldName(path)}`;
  return {
    id: fieldId(`${ctx.section}.${path}`),
    name,
    errors: ctx.errors[name],
    value: get(ctx.values, path),
  };
}

function Text({
  ctx,
  path,
  label,
  hint,
  autoComplete,
  inputMode,
  type,
  list,
}: {
  ctx: Ctx;
  path: string;
  label: string;
  hint?: string;
  autoComplete: string;
  inputMode?: "numeric" | "email" | "tel" | "text";
  type?: string;
  /** id of a <datalist> whose options the browser suggests while typing. */
  list?: string;
}) {
  const b = bind(ctx, path);
  return (
    <TextField
      id={b.id}
      name={b.name}
      label={label}
      hint={hint}
      errors={b.errors}
      defaultValue={str(b.value)}
      autoComplete={autoComplete}
      inputMode={inputMode}
      type={type ?? "text"}
      list={list}
    />
  );
}

/**
 * The site's Gemeinde: a text field for its eight-digit key with the district's Gemeinden as
 * suggestions (sorted by name; typing a name or a postcode narrows the list in the browser, the
 * chosen option fills in the key). Without JavaScript and for a Gemeinde we do not carry the key is
 * simply typed; a key outside the authority's district is refused on submission.
 */
function GemeindeField({ ctx }: { ctx: Ctx }) {
  const b = bind(ctx, "municipalityAgs");
  const listId = `${b.id}-gemeinden`;
  const choices = gemeindeChoices(ctx.authorityAgs);
  const example = choices.find((g) => g.ags === "13074026") ?? choices[0];
  return (
    <>
      <Text
        ctx={ctx}
        path="municipalityAgs"
        label="Amtlicher Gemeindeschlüssel (optional)"
        hint={
          example
            ? `Acht Ziffern, z. B. ${example.ags} für ${example.name}. Beim Eingeben von Name oder Postleitzahl der Gemeinde wird der Schlüssel vorgeschlagen.`
            : "Acht Ziffern."
        }
        autoComplete="off"
        list={choices.length ? listId : undefined}
      />
      {choices.length ? (
        <datalist id={listId}>
          {choices.map((g) => (
            <option key={g.ags} value={g.ags} label={gemeindeLabel(g)}>
              {gemeindeLabel(g)}
            </option>
          ))}
        </datalist>
      ) : null}
    </>
  );
}

function YesNo({ ctx, path, legend, hint }: { ctx: Ctx; path: string; legend: string; hint?: string }) {
  const b = bind(ctx, path);
  return (
    <YesNoField
      id={b.id}
      name={b.name}
      legend={legend}
      hint={hint}
      errors={b.errors}
      defaultValue={b.value as boolean | string | undefined}
    />
  );
}

function Select({
  ctx,
  path,
  label,
  hint,
  options,
}: {
  ctx: Ctx;
  path: string;
  label: string;
  hint?: string;
  options: { value: string; label: string }[];
}) {
  const b = bind(ctx, path);
  return (
    <SelectField
      id={b.id}
      name={b.name}
      label={label}
      hint={hint}
      errors={b.errors}
      options={options}
      defaultValue={str(b.value)}
    />
  );
}

function AddressFields({
  ctx,
  prefix,
  legend,
  personal,
}: {
  ctx: Ctx;
  prefix: string;
  legend: string;
  /** The address of the person filling in (browser may autofill); else "off". */
  personal: boolean;
}) {
  const ac = (token: string) => (personal ? token : "off");
  return (
    <FieldGroup legend={legend} id={fieldId(`${ctx.section}.${prefix}`)}>
      <div className="app-field-row app-field-row--street">
        <Text ctx={ctx} path={`${prefix}.street`} label="Straße" autoComplete={ac("address-line1")} />
        <Text
          ctx={ctx}
          path={`${prefix}.houseNumber`}
          label="Hausnummer"
          autoComplete={ac("address-line2")}
        />
      </div>
      <div className="app-field-row app-field-row--city">
        <Text
          ctx={ctx}
          path={`${prefix}.postalCode`}
          label="Postleitzahl"
          autoComplete={ac("postal-code")}
          inputMode="numeric"
        />
        <Text ctx={ctx} path={`${prefix}.city`} label="Ort" autoComplete={ac("address-level2")} />
      </div>
    </FieldGroup>
  );
}

export function BauherrFields({ ctx }: { ctx: Ctx }) {
  const kind = bind(ctx, "kind");
  return (
    <>
      <RadioGroup
        id={kind.id}
        name={kind.name}
        legend="Die Bauherrschaft ist"
        errors={kind.errors}
        defaultValue={str(kind.value)}
        options={[
          { value: "PERSON", label: "eine Privatperson" },
          { value: "COMPANY", label: "ein Unternehmen oder eine Organisation" },
        ]}
      />
      <div className="app-field-row app-field-row--halves">
        <Text ctx={ctx} path="firstName" label="Vorname" autoComplete="given-name" />
        <Text ctx={ctx} path="lastName" label="Nachname" autoComplete="family-name" />
      </div>
      <Text
        ctx={ctx}
        path="companyName"
        label="Firma / Organisation"
        hint="Nur wenn die Bauherrschaft ein Unternehmen oder eine Organisation ist."
        autoComplete="organization"
      />
      <div className="app-field-row app-field-row--halves">
        <Text
          ctx={ctx}
          path="email"
          label="E-Mail-Adresse"
          type="email"
          inputMode="email"
          autoComplete="email"
        />
        <Text
          ctx={ctx}
          path="phone"
          label="Telefon"
          hint="Für Rückfragen der Behörde"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
        />
      </div>
      <AddressFields ctx={ctx} prefix="address" legend="Anschrift der Bauherrschaft" personal />
      <YesNo
        ctx={ctx}
        path="hasRepresentative"
        legend="Wird die Bauherrschaft durch eine bevollmächtigte Person vertreten?"
        hint="Dann ist eine Vollmacht beizufügen."
      />
    </>
  );
}

export function EntwurfsverfasserFields({ ctx }: { ctx: Ctx }) {
  return (
    <>
      <Text
        ctx={ctx}
        path="name"
        label="Name bzw. Büro"
        hint="Die bauvorlageberechtigte Person, die die Bauvorlagen erstellt hat."
        autoComplete="name"
      />
      <div className="app-field-row app-field-row--halves">
        <Text
          ctx={ctx}
          path="chamberNumber"
          label="Kammer-Mitgliedsnummer"
          hint="Nummer in der Architekten- oder Ingenieurkammer"
          autoComplete="off"
        />
        <Select
          ctx={ctx}
          path="chamberLand"
          label="Kammer des Landes"
          options={LAENDER.map((l) => ({ value: l, label: LAND_NAMES[l] }))}
        />
      </div>
      <div className="app-field-row app-field-row--halves">
        <Text
          ctx={ctx}
          path="email"
          label="E-Mail-Adresse"
          type="email"
          inputMode="email"
          autoComplete="email"
        />
        <Text ctx={ctx} path="phone" label="Telefon" type="tel" inputMode="tel" autoComplete="tel" />
      </div>
      <AddressFields ctx={ctx} prefix="address" legend="Anschrift (Büro)" personal />
    </>
  );
}

export function ParcelRows({ ctx }: { ctx: Ctx }) {
  const rows = Array.isArray(ctx.values.parcels) ? (ctx.values.parcels as Values[]) : [];
  const list = rows.length > 0 ? rows : [{}];
  const listErrors = ctx.errors[`${ctx.namePrefix ?? ""}parcels`];
  return (
    <FieldGroup legend="Flurstücke" id={fieldId(`${ctx.section}.parcels`)}>
      <p className="kern-hint">
        Wie im Liegenschaftskataster bzw. Grundbuch angegeben. Liegt das Vorhaben auf mehreren Flurstücken,
        fügen Sie weitere hinzu.
      </p>
      {listErrors?.[0] ? <p className="kern-error">{listErrors[0]}</p> : null}
      {list.map((_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity; the form is re-keyed on add/remove
        <fieldset key={i} className="app-parcel" data-testid="parcel-row">
          <legend>Flurstück {i + 1}</legend>
          <div className="app-parcel__fields">
            <Text
              ctx={ctx}
              path={`parcels.${i}.gemarkung`}
              label="Gemarkung"
              hint="Nummer, z. B. 1234"
              autoComplete="off"
              inputMode="numeric"
            />
            <Text ctx={ctx} path={`parcels.${i}.flur`} label="Flur" autoComplete="off" inputMode="numeric" />
            <Text
              ctx={ctx}
              path={`parcels.${i}.zaehler`}
              label="Zähler"
              autoComplete="off"
              inputMode="numeric"
            />
            <Text
              ctx={ctx}
              path={`parcels.${i}.nenner`}
              label="Nenner"
              hint="falls vorhanden"
              autoComplete="off"
              inputMode="numeric"
            />
          </div>
          {list.length > 1 ? (
            <div className="app-parcel__actions">
              <button
                type="submit"
                name="intent"
                value={`remove-parcel-${i}`}
                className="kern-btn kern-btn--tertiary"
                formNoValidate
              >
                <span className="kern-icon kern-icon--delete" aria-hidden="true" />
                <span className="kern-label">Flurstück {i + 1} entfernen</span>
              </button>
            </div>
          ) : null}
        </fieldset>
      ))}
      <div>
        <button
          type="submit"
          name="intent"
          value="add-parcel"
          className="kern-btn kern-btn--secondary"
          formNoValidate
        >
          <span className="kern-icon kern-icon--add" aria-hidden="true" />
          <span className="kern-label">Weiteres Flurstück hinzufügen</span>
        </button>
      </div>
    </FieldGroup>
  );
}

export function PlotFields({ ctx }: { ctx: Ctx }) {
  const area = bind(ctx, "planningArea");
  return (
    <>
      <AddressFields ctx={ctx} prefix="address" legend="Lage des Baugrundstücks" personal={false} />
      <GemeindeField ctx={ctx} />
      <ParcelRows ctx={ctx} />
      <RadioGroup
        id={area.id}
        name={area.name}
        legend="Planungsrechtliche Lage"
        errors={area.errors}
        defaultValue={str(area.value)}
        options={PLANNING_AREAS.map((p) => ({ value: p, label: PLANNING_AREA_LABELS[p] }))}
      />
      <Text
        ctx={ctx}
        path="developmentPlanName"
        label="Bezeichnung des Bebauungsplans"
        hint="Nur bei Lage im Geltungsbereich eines Bebauungsplans, z. B. „B-Plan Nr. 12 Am Mühlenteich“."
        autoComplete="off"
      />
      <YesNo
        ctx={ctx}
        path="nextToMajorRoad"
        legend="Grenzt das Grundstück an eine Bundes- oder Landesstraße?"
      />
      <YesNo ctx={ctx} path="applicantIsOwner" legend="Ist die Bauherrschaft Eigentümerin des Grundstücks?" />
    </>
  );
}

export function ProjectFields({ ctx }: { ctx: Ctx }) {
  const measure = bind(ctx, "measureType");
  const gk = bind(ctx, "buildingClass");
  const desc = bind(ctx, "description");
  return (
    <>
      <RadioGroup
        id={measure.id}
        name={measure.name}
        legend="Art der Maßnahme"
        errors={measure.errors}
        defaultValue={str(measure.value)}
        options={MEASURE_TYPES.map((m) => ({ value: m, label: MEASURE_TYPE_LABELS[m] }))}
      />
      <TextAreaField
        id={desc.id}
        name={desc.name}
        label="Beschreibung des Vorhabens"
        hint="Was soll gebaut oder geändert werden? Zum Beispiel: Neubau eines Einfamilienhauses mit Carport."
        errors={desc.errors}
        defaultValue={str(desc.value)}
        autoComplete="off"
      />
      <RadioGroup
        id={gk.id}
        name={gk.name}
        legend={`Gebäudeklasse (§ 2 Abs. 3 ${ctx.buildingCode ?? "der Landesbauordnung"})`}
        hint="GK 1: freistehend bis 7 m Höhe, höchstens 2 Nutzungseinheiten bis 400 m² · GK 2: nicht freistehend, sonst wie GK 1 · GK 3: sonstige Gebäude bis 7 m · GK 4: bis 13 m, Nutzungseinheiten je bis 400 m² · GK 5: sonstige Gebäude"
        errors={gk.errors}
        defaultValue={str(gk.value)}
        horizontal
        options={["1", "2", "3", "4", "5"].map((v) => ({ value: v, label: `GK ${v}` }))}
      />
      <Select
        ctx={ctx}
        path="use"
        label="Nutzung"
        options={USE_TYPES.map((u) => ({ value: u, label: USE_TYPE_LABELS[u] }))}
      />
      <Text
        ctx={ctx}
        path="estimatedCosts"
        label="Geschätzte Baukosten in Euro"
        hint="Ganze Euro, z. B. 350000 oder 350.000"
        autoComplete="off"
        inputMode="numeric"
      />
      <YesNo ctx={ctx} path="specialBuilding" legend="Handelt es sich um einen Sonderbau (§ 2 Abs. 4 MBO)?" />
      <YesNo ctx={ctx} path="monument" legend="Ist ein Baudenkmal betroffen?" />
      <YesNo
        ctx={ctx}
        path="heatedRooms"
        legend="Entstehen beheizte Räume?"
        hint="Dann ist ein Nachweis nach GEG nötig."
      />
      <YesNo
        ctx={ctx}
        path="newSewerConnection"
        legend="Ist ein neuer Anschluss an die Kanalisation geplant?"
      />
      <YesNo ctx={ctx} path="largeGarage" legend="Wird eine Mittel- oder Großgarage errichtet?" />
      <YesNo
        ctx={ctx}
        path="minorWork"
        legend="Handelt es sich um ein geringfügiges oder technisch einfaches Bauvorhaben (§ 65 MBO)?"
      />
      <YesNo
        ctx={ctx}
        path="attachedBuilding"
        legend="Nur bei Beseitigung: Ist das Gebäude angebaut (nicht freistehend)?"
      />
      <YesNo
        ctx={ctx}
        path="neighbourConsent"
        legend="Haben die Nachbarn durch Unterschrift auf den Plänen zugestimmt?"
      />
      <YesNo
        ctx={ctx}
        path="deviationsRequested"
        legend="Werden Abweichungen, Ausnahmen oder Befreiungen beantragt?"
      />
    </>
  );
}

export function SectionFields({ ctx }: { ctx: Ctx }) {
  switch (ctx.section) {
    case "bauherr":
      return <BauherrFields ctx={ctx} />;
    case "entwurfsverfasser":
      return <EntwurfsverfasserFields ctx={ctx} />;
    case "plot":
      return <PlotFields ctx={ctx} />;
    case "project":
      return <ProjectFields ctx={ctx} />;
  }
}
