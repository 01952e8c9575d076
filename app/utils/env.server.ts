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
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(10).default(900),

    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(250 * 1024 * 1024),

    SMTP_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^smtps?:\/\//, "muss mit smtp:// beginnen")
        .optional(),
    ),
    MAIL_FROM: z.string().default("Bauantrag <noreply@bauantrag.local>"),

    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(1000),
  })
  .superRefine((v, ctx) => {
    if (v.NODE_ENV === "production" && !v.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "ist in Produktion Pflicht" });
    }
  });

export type Env = z.infer<typeof envSchema>;

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
