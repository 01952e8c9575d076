import { openApiDocument } from "~/api/openapi";
import { env } from "~/utils/env.server";

/** GET /api/v1/openapi.json — the API description (public: it holds no data). */
export function loader() {
  return new Response(JSON.stringify(openApiDocument(env().APP_URL)), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}
