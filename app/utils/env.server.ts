import { z } from "zod";

/**
 * The one place that reads process.env. Validated once at boot; a bad value stops the process
 * with a message that names the variable, so operators never chase a crash deep inside a request.
 */

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_URL: z.url().default("http://localhost:3000"),
    /**
     * Escape hatch for APP_URL on this machine in production (quick start, e2e, benches): links in
     * letters and e-mails then point to localhost, which only works on the machine itself.
     */
    ALLOW_LOCAL_APP_URL: bool.default(false),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "muss mit postgresql:// beginnen")
      .default("postgresql://postgres@127.0.0.1:5432/bauantrag"),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "muss mit redis:// beginnen")
      .default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]+$/i, "nur Buchstaben, Ziffern, - und _")
      .default("bauantrag"),

    /** Unset = the start command runs an embedded S3 server (s3rver) on EMBEDDED_S3_PORT. */
    S3_ENDPOINT: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    S3_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    S3_USE_SSL: bool.default(false),
    S3_ACCESS_KEY: z.string().min(3).default("S3RVER"),
    S3_SECRET_KEY: z.string().min(3).default("S3RVER"),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "kein gültiger Bucket-Name")
      .default("bauantrag"),
    S3_REGION: z.string().default("us-east-1"),
    EMBEDDED_S3_DIR: z.string().default(".data/s3"),
    EMBEDDED_S3_PORT: z.coerce.number().int().min(1).max(65535).default(9010),

    SESSION_SECRET: z.string().min(32, "mindestens 32 Zeichen").optional(),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(12),
    /** Free login attempts per (account, client address); then delays start (ADR 0007). */
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
    /** First delay after the free attempts; doubles with every further attempt. */
    LOGIN_BACKOFF_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
    /** Longest delay, and how long failed attempts are remembered. */
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
    /** Login attempts per client address over all accounts within LOGIN_WINDOW_SECONDS. */
    LOGIN_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100_000).default(50),
    /**
     * Express `trust proxy`: unset = the client address is the TCP peer and X-Forwarded-For is
     * ignored. Set it only when a reverse proxy you run sits in front: a hop count ("1"), or the
     * proxy's addresses/subnets ("10.0.0.0/8", "loopback"). Never "true" on an open port.
     */
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(
          /^(\d{1,2}|true|false|[0-9a-f:.,/\sA-Za-z]+)$/,
          "Hop-Anzahl, true/false oder Adressen/Subnetze",
        )
        .optional(),
    ),

    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(250 * 1024 * 1024),
    // Hostile-file limits (app/utils/file-checks.server.ts): pages per PDF, pixels per image,
    // decoded/encoded size of a compressed PDF stream beyond a small floor.
    UPLOAD_MAX_PDF_PAGES: z.coerce.number().int().min(1).max(100_000).default(500),
    UPLOAD_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(50_000_000),
    UPLOAD_MAX_DECOMPRESSION_RATIO: z.coerce.number().int().min(2).max(100_000).default(100),

    SMTP_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^smtps?:\/\//, "muss mit smtp:// beginnen")
        .optional(),
    ),
    MAIL_FROM: z.string().default("Bauantrag <noreply@bauantrag.local>"),

    /**
     * OpenID Connect providers (issue 17): a JSON array inline, or the path of a JSON file
     * (app/utils/oidc-config.server.ts, README "Anmeldung über OpenID Connect").
     */
    OIDC_PROVIDERS: z.preprocess(emptyToUndefined, z.string().optional()),
    OIDC_PROVIDERS_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
    /** Roles that may not sign in with a password (comma-separated, e.g. "CLERK,ADMIN" with staff SSO). */
    PASSWORD_LOGIN_DISABLED_ROLES: z.string().default(""),

    /** API (/api/v1): calls per client within API_RATE_LIMIT_WINDOW_SECONDS; then 429 with Retry-After. */
    API_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).default(600),
    API_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),

    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(1000),
    /**
     * The authorities' electronic seals: `<authorityId>.p12` + `<authorityId>.passphrase` each
     * (workers/pdf/seal.ts, README "Elektronisches Siegel"). Where none is installed, a development
     * seal is created here, except in production with a public APP_URL.
     */
    SEAL_DIR: z.string().min(1).default(".data/seal"),
    /**
     * Webhooks (README "Webhooks"): attempts per delivery and the first retry delay (doubling with
     * each retry; 8 attempts from 680 s span about a day). Receivers must be https on public
     * addresses in production; WEBHOOK_ALLOW_PRIVATE_URLS=true also allows http and private/loopback
     * addresses there (a receiver inside the authority's own network). Outside production they are
     * always allowed.
     */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(100).max(86_400_000).default(680_000),
    WEBHOOK_ALLOW_PRIVATE_URLS: bool.default(false),
  })
  .superRefine((v, ctx) => {
    if (v.NODE_ENV === "production" && !v.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "ist in Produktion Pflicht" });
    }
    // Letters, packages and e-mails print APP_URL: a localhost address reaches no agency or applicant.
    if (v.NODE_ENV === "production" && !v.ALLOW_LOCAL_APP_URL && isLocalUrl(v.APP_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_URL"],
        message:
          `${v.APP_URL} zeigt auf diesen Rechner; in Produktion muss APP_URL die öffentliche Adresse sein ` +
          "(Links in Schreiben und E-Mails). Nur für einen lokalen Test: ALLOW_LOCAL_APP_URL=true. / " +
          "APP_URL points to localhost; production needs the public address (or ALLOW_LOCAL_APP_URL=true for a local trial).",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** localhost, *.localhost, 127.0.0.0/8, ::1 and 0.0.0.0: addresses that only mean "this machine". */
export function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "");
  } catch {
    return false;
  }
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "::1" ||
    host === "0:0:0:0:0:0:0:1" ||
    host === "0.0.0.0" ||
    host === "::ffff:127.0.0.1" ||
    host === "::ffff:7f00:1"
  );
}

export class EnvError extends Error {
  constructor(public readonly problems: { variable: string; message: string }[]) {
    super(
      `Konfigurationsfehler – die Anwendung startet nicht:\n${problems
        .map((p) => `  • ${p.variable}: ${p.message}`)
        .join("\n")}`,
    );
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => ({ variable: String(i.path[0] ?? "?"), message: i.message })),
    );
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Development default so a fresh checkout runs; production refuses to start without one. */
export function sessionSecret(): string {
  return env().SESSION_SECRET ?? "dev-only-secret-change-me-in-production-0123456789";
}
