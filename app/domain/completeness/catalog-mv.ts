/**
 * Mecklenburg-Vorpommern: the MBO catalog (legal bases localised by the profile's substitutions,
 * "MBO" -> "LBauO M-V", "MBauVorlV" -> "BauVorlVO M-V") plus these overrides and additions.
 */
import { MBO_RULES } from "./catalog-mbo";
import type { CatalogOverlay } from "./types";

export const MV_CATALOG: CatalogOverlay = {
  id: "MV",
  name: "Mecklenburg-Vorpommern (LBauO M-V)",
  base: MBO_RULES,
  overrides: {
    // The statistical survey form is filed with the Bauantrag in M-V.
    "doc.baustatistik": {
      severity: "missing-document",
      message:
        "Statistischer Erhebungsbogen für die Bautätigkeitsstatistik fehlt (mit dem Bauantrag einzureichen).",
      legalBasis: "BauVorlVO M-V, HBauStatG",
    },
    "doc.denkmal": { legalBasis: "§ 7 DSchG M-V" },
    "doc.denkmal.fotos": { legalBasis: "§ 7 DSchG M-V" },
    "notice.denkmal": { legalBasis: "§ 7 DSchG M-V" },
    "field.project.estimatedCosts": { legalBasis: "Baugebührenverordnung M-V" },
    "plaus.project.estimatedCosts": { legalBasis: "Baugebührenverordnung M-V" },
  },
  additions: [
    {
      id: "notice.mv.genehmigungsfiktion",
      kind: "notice",
      severity: "info",
      when: { path: "procedureType", equals: "VEREINFACHT" },
      path: "procedureType",
      message:
        "Über den Antrag wird innerhalb von drei Monaten nach Eingang der vollständigen Unterlagen entschieden; die Frist kann einmal um bis zu einen Monat verlängert werden. Danach gilt die Genehmigung als erteilt.",
      legalBasis: "§ 63 Abs. 2 LBauO M-V",
    },
  ],
};
