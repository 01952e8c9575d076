/**
 * OpenAPI 3.1 path items of the XBau intake endpoint (messages delivered to the authority).
 * Merged into the served document by app/api/openapi.ts. Filled by the intake module.
 */
export const intakePaths: Record<string, unknown> = {};
/** Component schemas the intake paths refer to (`#/components/schemas/...`). */
export const intakeSchemas: Record<string, unknown> = {};
