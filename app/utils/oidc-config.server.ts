import { readFileSync } from "node:fs";
import { z } from "zod";
import { env } from "./env.server";

/**
 * OpenID Connect providers of this installation (issue 17 item 1), from OIDC_PROVIDERS (a JSON
 * array) or OIDC_PROVIDERS_FILE (a JSON file with the same array). Example (Keycloak) in the README.
 *
 * - audience "applicants": citizens and companies (e.g. a BundID / Mein Unternehmenskonto bridge).
 *   A first sign-in creates an applicant account; it can only sign in accounts of no authority.
 * - audience "staff": an authority's own directory (Keycloak, ADFS, Entra ID). Only accounts of
 *   that authority; new ones only through `groupRoles` (group claim → roles), never otherwise.
 */

const ROLE = z.enum(["APPLICANT", "ARCHITECT", "CLERK", "AGENCY", "ADMIN"]);

export const oidcProviderSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "id: nur Kleinbuchstaben, Ziffern und Bindestrich")
      .refine((v) => v !== "verknuepfen", "id: 'verknuepfen' ist reserviert"),
    label: z.string().min(1).max(80),
    issuer: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    scope: z.string().default("openid email profile"),
    audience: z.enum(["applicants", "staff"]),
    /** Slug of the authority whose staff signs in here (audience "staff"). */
    authority: z.string().optional(),
    /** Claim that lists the person's groups (Keycloak: "groups" with the group mapper). */
    groupClaim: z.string().optional(),
    /** Group → roles; a staff member without a mapped group gets no account. */
    groupRoles: z.record(z.string(), z.array(ROLE).min(1)).default({}),
    /** Claim with a trust level (e.g. BundID's eIDAS level in "acr"), stored with the identity. */
    trustLevelClaim: z.string().optional(),
    /** Only for development and tests: allows an http:// issuer. */
    allowInsecureHttp: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.audience === "staff" && !v.authority) {
      ctx.addIssue({ code: "custom", path: ["authority"], message: "ist für audience 'staff' Pflicht" });
    }
    if (v.issuer.startsWith("http://") && !v.allowInsecureHttp) {
      ctx.addIssue({ code: "custom", path: ["issuer"], message: "muss https:// sein" });
    }
    for (const roles of Object.values(v.groupRoles)) {
      if (v.audience === "staff" && roles.some((r) => r === "APPLICANT" || r === "ARCHITECT")) {
        ctx.addIssue({
          code: "custom",
          path: ["groupRoles"],
          message: "Mitarbeitende erhalten keine Antragsteller-Rollen",
        });
      }
    }
  });

export type OidcProviderConfig = z.infer<typeof oidcProviderSchema>;

export function parseOidcProviders(json: string): OidcProviderConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("OIDC_PROVIDERS ist kein gültiges JSON.");
  }
  const parsed = z.array(oidcProviderSchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`OIDC_PROVIDERS: ${issue.path.join(".")} ${issue.message}`);
  }
  const ids = parsed.data.map((p) => p.id);
  if (new Set(ids).size !== ids.length) throw new Error("OIDC_PROVIDERS: jede id nur einmal.");
  return parsed.data;
}

let cached: { source: string; providers: OidcProviderConfig[] } | undefined;

/** The configured providers (empty when none); throws a German message on a broken config. */
export function oidcProviders(): OidcProviderConfig[] {
  const config = env();
  const source =
    config.OIDC_PROVIDERS ??
    (config.OIDC_PROVIDERS_FILE ? readFileSync(config.OIDC_PROVIDERS_FILE, "utf8") : "");
  if (!source.trim()) return [];
  if (cached?.source !== source) cached = { source, providers: parseOidcProviders(source) };
  return cached.providers;
}

export function oidcProvider(id: string): OidcProviderConfig | null {
  return oidcProviders().find((p) => p.id === id) ?? null;
}

/** Roles that may not sign in with a password (PASSWORD_LOGIN_DISABLED_ROLES). */
export function passwordDisabledRoles(): Set<string> {
  return new Set(
    env()
      .PASSWORD_LOGIN_DISABLED_ROLES.split(",")
      .map((r) => r.trim().toUpperCase())
      .filter(Boolean),
  );
}
