import { describe, expect, it } from "vitest";
import {
  ALL_PERMISSIONS,
  can,
  homePathFor,
  navigationFor,
  permissionsFor,
  ROLE_PERMISSIONS,
  rolesLabel,
  USER_ROLES,
} from "./permissions";

describe("permissions", () => {
  it("every permission has the action:entity:access shape", () => {
    for (const p of ALL_PERMISSIONS) expect(p).toMatch(/^[a-z]+:[a-z]+:(own|authority|assigned|shared)$/);
  });

  it("applicants and architects work on their own applications only", () => {
    for (const role of ["APPLICANT", "ARCHITECT"] as const) {
      const user = { roles: [role] };
      expect(can(user, "read:application:own")).toBe(true);
      expect(can(user, "submit:application:own")).toBe(true);
      expect(can(user, "read:application:authority")).toBe(false);
      expect(can(user, "review:application:authority")).toBe(false);
      expect(can(user, "manage:authority:own")).toBe(false);
    }
  });

  it("clerks review their authority's cases but do not administer it", () => {
    const clerk = { roles: ["CLERK"] };
    expect(can(clerk, "read:application:authority")).toBe(true);
    expect(can(clerk, "review:application:authority")).toBe(true);
    expect(can(clerk, "read:application:own")).toBe(false);
    expect(can(clerk, "manage:authority:own")).toBe(false);
  });

  it("agencies only see what they were asked about", () => {
    const agency = { roles: ["AGENCY"] };
    expect(can(agency, "read:participation:assigned")).toBe(true);
    expect(can(agency, "read:application:authority")).toBe(false);
    expect(can(agency, "read:application:own")).toBe(false);
  });

  it("admins configure their authority but do not read cases", () => {
    const admin = { roles: ["ADMIN"] };
    expect(can(admin, "manage:authority:own")).toBe(true);
    expect(can(admin, "manage:user:authority")).toBe(true);
    expect(can(admin, "read:application:authority")).toBe(false);
  });

  it("no user, no roles or unknown roles grant nothing", () => {
    expect(can(null, "read:application:own")).toBe(false);
    expect(can(undefined, "read:application:own")).toBe(false);
    expect(can({ roles: [] }, "read:application:own")).toBe(false);
    expect(can({ roles: ["SUPERUSER"] }, "manage:authority:own")).toBe(false);
    expect(permissionsFor(["SUPERUSER"]).size).toBe(0);
  });

  it("several roles combine their permissions", () => {
    const both = { roles: ["CLERK", "ADMIN"] };
    expect(can(both, "review:application:authority")).toBe(true);
    expect(can(both, "manage:authority:own")).toBe(true);
    expect(permissionsFor(both.roles).size).toBe(
      new Set([...ROLE_PERMISSIONS.CLERK, ...ROLE_PERMISSIONS.ADMIN]).size,
    );
  });

  it("each role has a home page and navigation of its own", () => {
    expect(homePathFor({ roles: ["APPLICANT"] })).toBe("/antraege");
    expect(homePathFor({ roles: ["ARCHITECT"] })).toBe("/antraege");
    expect(homePathFor({ roles: ["CLERK"] })).toBe("/behoerde/posteingang");
    expect(homePathFor({ roles: ["AGENCY"] })).toBe("/beteiligung");
    expect(homePathFor({ roles: ["ADMIN"] })).toBe("/verwaltung");
    expect(homePathFor({ roles: [] })).toBeNull();
    expect(navigationFor({ roles: ["CLERK", "ADMIN"] }).map((n) => n.label)).toEqual([
      "Posteingang",
      "Verwaltung",
      "Statistik",
    ]);
    // The authority's statistics: for its clerks and admins, not for applicants or agencies.
    expect(navigationFor({ roles: ["ADMIN"] }).map((n) => n.label)).toEqual(["Verwaltung", "Statistik"]);
    expect(navigationFor({ roles: ["AGENCY"] }).map((n) => n.label)).toEqual(["Beteiligungen"]);
    expect(navigationFor({ roles: ["ARCHITECT"] }).map((n) => n.label)).toEqual(["Meine Anträge"]);
    expect(navigationFor(null)).toEqual([]);
  });

  it("labels roles in German in a stable order", () => {
    expect(rolesLabel(["ADMIN", "CLERK"])).toBe("Sachbearbeiter:in, Administration");
    expect(USER_ROLES.map((r) => rolesLabel([r]))).toEqual([
      "Bauherr:in/Antragsteller:in",
      "Entwurfsverfasser:in",
      "Sachbearbeiter:in",
      "Fachstelle",
      "Administration",
    ]);
  });
});
