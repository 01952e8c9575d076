import type { AgencyType, AuthorityKind, UserRole } from "../app/generated/prisma/client.ts";

/**
 * The demo tenants, users and fixed ids, as plain data: imported by the seed and by the
 * Playwright specs (which must not load the database client).
 */

export const DEMO_PASSWORD = "Bauantrag2026!";

export interface DemoLogin {
  email: string;
  password: string;
  label: string;
  role: UserRole;
}

export interface AuthoritySeed {
  slug: string;
  name: string;
  kind: AuthorityKind;
  agencyType?: AgencyType;
  landProfile: string;
  fileNumberFormat?: string;
  ags?: string;
  email?: string;
  addressLine?: string;
  parentSlug?: string;
  /**
   * Demo XBau identity ("dmo" prefix: a demo value, not a DVDV entry; a real installation enters
   * its registered Kennung at /verwaltung/xbau). Never derived from the AGS.
   */
  xbauKennung?: string;
}

export const AUTHORITIES: AuthoritySeed[] = [
  {
    slug: "lk-nordwestmecklenburg",
    xbauKennung: "dmo:1",
    name: "Landkreis Nordwestmecklenburg",
    kind: "BAUAUFSICHT",
    landProfile: "MV",
    fileNumberFormat: "63-{YYYY}-{NNNNN}",
    ags: "13074000",
    email: "bauaufsicht@demo.nordwestmecklenburg.example",
    addressLine: "Rostocker Straße 76, 23970 Wismar",
  },
  {
    slug: "stadt-grevesmuehlen",
    xbauKennung: "dmo:2",
    name: "Stadt Grevesmühlen",
    kind: "GEMEINDE",
    landProfile: "MV",
    ags: "13074026",
    addressLine: "Rathausplatz 1, 23936 Grevesmühlen",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "gemeinde-ostseebad-boltenhagen",
    xbauKennung: "dmo:3",
    name: "Gemeinde Ostseebad Boltenhagen",
    kind: "GEMEINDE",
    landProfile: "MV",
    ags: "13074010",
    addressLine: "Schloßstraße 1, 23948 Klütz (Amt Klützer Winkel)",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "nwm-denkmalschutz",
    xbauKennung: "dmo:4",
    name: "Untere Denkmalschutzbehörde Nordwestmecklenburg",
    kind: "FACHSTELLE",
    agencyType: "DENKMALSCHUTZ",
    landProfile: "MV",
    addressLine: "Rostocker Straße 76, 23970 Wismar",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "nwm-brandschutz",
    xbauKennung: "dmo:5",
    name: "Brandschutzdienststelle Nordwestmecklenburg",
    kind: "FACHSTELLE",
    agencyType: "BRANDSCHUTZ",
    landProfile: "MV",
    addressLine: "Börzower Weg 3, 23936 Grevesmühlen",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "nwm-naturschutz",
    xbauKennung: "dmo:6",
    name: "Untere Naturschutzbehörde Nordwestmecklenburg",
    kind: "FACHSTELLE",
    agencyType: "NATURSCHUTZ",
    landProfile: "MV",
    addressLine: "Rostocker Straße 76, 23970 Wismar",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "nwm-strassenbau",
    xbauKennung: "dmo:7",
    name: "Straßenbauamt Schwerin",
    kind: "FACHSTELLE",
    agencyType: "STRASSENBAU",
    landProfile: "MV",
    addressLine: "Ludwigsluster Chaussee 5, 19061 Schwerin",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "nwm-immissionsschutz",
    xbauKennung: "dmo:8",
    name: "Staatliches Amt für Landwirtschaft und Umwelt Westmecklenburg",
    kind: "FACHSTELLE",
    agencyType: "IMMISSIONSSCHUTZ",
    landProfile: "MV",
    addressLine: "Bleicherufer 13, 19053 Schwerin",
    parentSlug: "lk-nordwestmecklenburg",
  },
  {
    slug: "lk-ludwigslust-parchim",
    xbauKennung: "dmo:9",
    name: "Landkreis Ludwigslust-Parchim",
    kind: "BAUAUFSICHT",
    landProfile: "MV",
    fileNumberFormat: "BA-{YYYY}-{NNNNN}",
    ags: "13076000",
    email: "bauaufsicht@demo.ludwigslust-parchim.example",
    addressLine: "Putlitzer Straße 25, 19370 Parchim",
  },
];

export interface UserSeed {
  email: string;
  displayName: string;
  roles: UserRole[];
  authoritySlug?: string;
  chamberNumber?: string;
  chamberLand?: string;
  label: string;
}

export const USERS: UserSeed[] = [
  {
    email: "bauherr@demo.bauantrag.de",
    displayName: "Jana Schröder",
    roles: ["APPLICANT"],
    label: "Bauherr:in/Antragsteller:in",
  },
  {
    email: "architektin@demo.bauantrag.de",
    displayName: "Miriam Albrecht",
    roles: ["ARCHITECT"],
    chamberNumber: "AK-MV-2318",
    chamberLand: "MV",
    label: "Entwurfsverfasser:in (Architektenkammer M-V)",
  },
  {
    email: "sachbearbeiter@demo.bauantrag.de",
    displayName: "Thomas Krüger",
    roles: ["CLERK"],
    authoritySlug: "lk-nordwestmecklenburg",
    label: "Sachbearbeiter:in, Landkreis Nordwestmecklenburg",
  },
  {
    email: "denkmalschutz@demo.bauantrag.de",
    displayName: "Dr. Anke Wendt",
    roles: ["AGENCY"],
    authoritySlug: "nwm-denkmalschutz",
    label: "Fachstelle Denkmalschutz",
  },
  {
    email: "brandschutz@demo.bauantrag.de",
    displayName: "Frank Behrens",
    roles: ["AGENCY"],
    authoritySlug: "nwm-brandschutz",
    label: "Fachstelle Brandschutz",
  },
  {
    email: "naturschutz@demo.bauantrag.de",
    displayName: "Katrin Voß",
    roles: ["AGENCY"],
    authoritySlug: "nwm-naturschutz",
    label: "Fachstelle Naturschutz",
  },
  {
    email: "strassenbau@demo.bauantrag.de",
    displayName: "Holger Timm",
    roles: ["AGENCY"],
    authoritySlug: "nwm-strassenbau",
    label: "Fachstelle Straßenbau",
  },
  {
    email: "immissionsschutz@demo.bauantrag.de",
    displayName: "Sabine Ohde",
    roles: ["AGENCY"],
    authoritySlug: "nwm-immissionsschutz",
    label: "Fachstelle Immissionsschutz",
  },
  {
    email: "gemeinde-grevesmuehlen@demo.bauantrag.de",
    displayName: "Martin Saß",
    roles: ["AGENCY"],
    authoritySlug: "stadt-grevesmuehlen",
    label: "Gemeinde (Einvernehmen), Stadt Grevesmühlen",
  },
  {
    email: "gemeinde-boltenhagen@demo.bauantrag.de",
    displayName: "Ulrike Peters",
    roles: ["AGENCY"],
    authoritySlug: "gemeinde-ostseebad-boltenhagen",
    label: "Gemeinde (Einvernehmen), Ostseebad Boltenhagen",
  },
  {
    email: "admin@demo.bauantrag.de",
    displayName: "Petra Lange",
    roles: ["ADMIN"],
    authoritySlug: "lk-nordwestmecklenburg",
    label: "Administration, Landkreis Nordwestmecklenburg",
  },
  {
    email: "sachbearbeiter-lup@demo.bauantrag.de",
    displayName: "Stefan Brandt",
    roles: ["CLERK"],
    authoritySlug: "lk-ludwigslust-parchim",
    label: "Sachbearbeiter:in, Landkreis Ludwigslust-Parchim (zweiter Mandant)",
  },
];

export const DEMO_LOGINS: DemoLogin[] = USERS.map((u) => ({
  email: u.email,
  password: DEMO_PASSWORD,
  label: u.label,
  role: u.roles[0]!,
}));

/** Fixed ids of the demo applications (tests and demos refer to them). */
export const DEMO_APPLICATION_IDS = {
  nwmSubmitted: "5eed0000-0000-4000-8000-000000000001",
  nwmDraft: "5eed0000-0000-4000-8000-000000000002",
  lupSubmitted: "5eed0000-0000-4000-8000-000000000003",
} as const;
