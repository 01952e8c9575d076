import type { NachforderungData } from "./nachforderung";

/** A fixed Nachforderung for the renderer tests, the golden image and a look. Not used by production code. */
export function sampleNachforderung(overrides: Partial<NachforderungData> = {}): NachforderungData {
  return {
    authority: {
      name: "Landkreis Nordwestmecklenburg",
      orgUnit: "Fachdienst Bauordnung und Umwelt – Untere Bauaufsichtsbehörde",
      addressLine: "Rostocker Straße 76, 23970 Wismar",
      phone: "03841 3040-6300",
      email: "bauordnung.vorpruefung@nordwestmecklenburg.example",
      officeHours: "Di 9–12 und 13–17 Uhr, Do 9–12 Uhr",
    },
    fileNumber: "63-2026-00117",
    requestId: "9a1f0c55-5c2b-4c39-9f3e-4b8d1c0e7a21",
    sentAt: new Date("2026-04-14T08:30:00Z"),
    deadline: new Date("2026-05-12T21:59:59.999Z"),
    receivedAt: new Date("2026-04-02T11:05:00Z"),
    clerkName: "Thomas Krüger",
    recipient: { name: "Jörg Schönfeld", address: "Am Mühlenteich 4, 23936 Grevesmühlen" },
    copyTo: "Karla Weiß, Architektin (Entwurfsverfasser:in), Kammer-Nr. AK-MV 1187",
    projectTitle: "Neubau eines Einfamilienhauses mit Doppelcarport",
    procedureLabel: "Vereinfachtes Baugenehmigungsverfahren (§ 63 LBauO M-V)",
    plot: {
      address: "Am Mühlenteich 4, 23936 Grevesmühlen",
      municipality: "Grevesmühlen",
      parcels: [{ gemarkung: "Grevesmühlen", flur: "3", zaehler: "118", nenner: "4" }],
    },
    message:
      "Der Lageplan muss die Abstandsflächen zu beiden Nachbargrundstücken vermaßt darstellen. Bitte laden Sie die " +
      "geänderten Unterlagen als neue Fassung derselben Bauvorlage hoch, damit die Änderungen nachvollziehbar bleiben.",
    bylawReference: "Stellplatzsatzung der Stadt Grevesmühlen vom 12.03.2019, § 3",
    items: [
      {
        category: "Bauvorlage mangelhaft",
        documentLabel: "Lageplan",
        message:
          "Die Abstandsflächen nach § 6 LBauO M-V sind nicht vermaßt; die Grenzabstände zu den Flurstücken 118/3 und 118/5 fehlen.",
      },
      {
        category: "Bauvorlage fehlt",
        documentLabel: "Stellplatznachweis",
        message: "Für zwei Wohneinheiten sind nach der Stellplatzsatzung zwei Stellplätze nachzuweisen.",
      },
      {
        category: "Bauvorlage fehlt",
        documentLabel: "Berechnung des Maßes der baulichen Nutzung",
        message: "Die Berechnung von GRZ und GFZ fehlt (Bebauungsplan Nr. 21 „Mühlenteich“).",
      },
      {
        category: "Beteiligte",
        documentLabel: null,
        message: "Die Postanschrift der Bauherrschaft ist unvollständig (Hausnummer fehlt).",
      },
    ],
    consequence:
      "Werden die genannten Mängel nicht innerhalb dieser Frist behoben, gilt der Bauantrag als zurückgenommen " +
      "(LBauO M-V). Können Sie die Frist nicht einhalten, melden Sie sich bitte vor ihrem Ablauf.",
    caseUrl: "https://bauantrag.example/antraege/7c2e9d4a-1f3b-4e8a-b6c5-2d9f0a1e3b47",
    ...overrides,
  };
}
