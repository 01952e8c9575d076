/**
 * OpenAPI 3.1 `webhooks` section: the events the product POSTs to an authority's registered receivers.
 * Merged into the served document by app/api/openapi.ts. Filled by the webhook delivery module.
 */
export const webhooksSection: Record<string, unknown> = {};
/** Component schemas the webhooks section refers to (`#/components/schemas/...`). */
export const webhookSchemas: Record<string, unknown> = {};
