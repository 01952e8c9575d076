/**
 * Permissions as data: `action:entity:access`. Pure, no I/O, safe for the browser (the UI hides
 * what a role can't do) and the server (which refuses it anyway, see permissions.server.ts).
 *
 * access says *which* records: `own` = the user created or is an accepted member of it,
 * `authority` = records of the user's own authority (tenant), `assigned` = participations sent to
 * the user's agency, `shared` = documents shared with the user's agency. The access part is
 * enforced by the queries in app/models/*.server.ts (tenant and ownership in the `where`).
 */

export const USER_ROLES = ["APPLICANT", "ARCHITECT", "CLERK", "AGENCY", "ADMIN"] as const;
export type Role = (typeof USER_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  APPLICANT: "Bauherr:in/Antragsteller:in",
  ARCHITECT: "Entwurfsverfasser:in",
  CLERK: "Sachbearbeiter:in",
  AGENCY: "Fachstelle",
  ADMIN: "Administration",
};

const APPLICANT_SIDE = [
  "create:application:own",
  "read:application:own",
  "update:application:own",
  "submit:application:own",
  "withdraw:application:own",
  "invite:member:own",
  "upload:document:own",
  "read:document:own",
] as const;

export const ROLE_PERMISSIONS = {
  APPLICANT: APPLICANT_SIDE,
  ARCHITECT: APPLICANT_SIDE,
  CLERK: [
    "read:application:authority",
    "review:application:authority",
    "request:participation:authority",
    "decide:application:authority",
    "write:note:authority",
    "read:document:authority",
    "read:statistics:authority",
  ],
  AGENCY: ["read:participation:assigned", "write:statement:assigned", "read:document:shared"],
  ADMIN: [
    "manage:authority:own",
    "read:authority:own",
    "manage:user:authority",
    "configure:rules:authority",
    "read:statistics:authority",
  ],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof ROLE_PERMISSIONS)[Role][number];

export const ALL_PERMISSIONS: readonly Permission[] = [
  ...new Set(Object.values(ROLE_PERMISSIONS).flat()),
] as Permission[];

/** Anything with roles: the session user, a user row, a test double. */
export interface HasRoles {
  roles: readonly string[];
}

function isRole(value: string): value is Role {
  return (USER_ROLES as readonly string[]).includes(value);
}

export function permissionsFor(roles: readonly string[]): Set<Permission> {
  const result = new Set<Permission>();
  for (const role of roles) {
    if (!isRole(role)) continue;
    for (const p of ROLE_PERMISSIONS[role]) result.add(p);
  }
  return result;
}

/** True when one of the user's roles grants the permission. No user = no permission. */
export function can(user: HasRoles | null | undefined, permission: Permission): boolean {
  if (!user) return false;
  return user.roles.some(
    (role) => isRole(role) && (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission),
  );
}

export function roleLabel(role: string): string {
  return isRole(role) ? ROLE_LABELS[role] : role;
}

/** Roles in a stable order for display, e.g. "Sachbearbeiter:in, Administration". */
export function rolesLabel(roles: readonly string[]): string {
  return USER_ROLES.filter((r) => roles.includes(r))
    .map((r) => ROLE_LABELS[r])
    .join(", ");
}

export interface NavItem {
  to: string;
  label: string;
  permission: Permission;
}

/** Main navigation; an entry shows only for users who hold its permission. Order = priority for home. */
export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/behoerde/posteingang", label: "Posteingang", permission: "read:application:authority" },
  { to: "/antraege", label: "Meine Anträge", permission: "read:application:own" },
  { to: "/beteiligung", label: "Beteiligungen", permission: "read:participation:assigned" },
  { to: "/verwaltung", label: "Verwaltung", permission: "manage:authority:own" },
  // Last: clerks and admins keep their own home page (Posteingang, Verwaltung).
  { to: "/behoerde/statistik", label: "Statistik", permission: "read:statistics:authority" },
];

export function navigationFor(user: HasRoles | null | undefined): NavItem[] {
  return NAV_ITEMS.filter((item) => can(user, item.permission));
}

/** Where `/` sends a user: the first navigation entry their roles allow (null: no role at all). */
export function homePathFor(user: HasRoles): string | null {
  return navigationFor(user)[0]?.to ?? null;
}
