/**
 * The text the clerk's inbox search finds a case by (Application.searchText). Pure: written by the
 * submission, the draft model during an open request, the XBau intake and the demo seed. Folding
 * (umlauts, abbreviations, leading zeros) happens in SQL at query time, see app/models/inbox.server.ts.
 */

export interface SearchTextSource {
  fileNumber: string | null;
  title?: string | null;
  /** Application.data (form data); read defensively, any shape. */
  data: unknown;
}

function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function addressText(value: unknown): string[] {
  const a = obj(value);
  return [str(a.street), str(a.houseNumber), str(a.postalCode), str(a.city)];
}

/**
 * One lower-case line with everything the inbox search finds a case by: Aktenzeichen, title,
 * Bauherr (name or company, address), Entwurfsverfasser, plot address and Flurstücke
 * ("gemarkung flur 3 flurstück 12/4").
 */
export function buildSearchText(application: SearchTextSource): string {
  const data = obj(application.data);
  const bauherr = obj(data.bauherr);
  const architect = obj(data.entwurfsverfasser);
  const plot = obj(data.plot);
  const parcels = Array.isArray(plot.parcels) ? plot.parcels : [];
  const parts = [
    str(application.fileNumber),
    str(application.title),
    str(bauherr.firstName),
    str(bauherr.lastName),
    str(bauherr.companyName),
    ...addressText(bauherr.address),
    str(architect.name),
    ...addressText(plot.address),
    ...parcels.map((p) => {
      const parcel = obj(p);
      const nr = [str(parcel.zaehler), str(parcel.nenner)].filter((s) => s !== "").join("/");
      return [
        str(parcel.gemarkung),
        parcel.flur ? `flur ${str(parcel.flur)}` : "",
        nr ? `flurstück ${nr}` : "",
      ]
        .filter((s) => s !== "")
        .join(" ");
    }),
  ];
  return parts
    .map((s) => s.trim().replace(/\s+/g, " "))
    .filter((s) => s !== "")
    .join(" | ")
    .toLowerCase()
    .slice(0, 4000);
}
