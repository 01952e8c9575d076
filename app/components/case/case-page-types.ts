import type { useLoaderData } from "@remix-run/react";
import type { loadCasePage } from "./case-page.server";

/** What the clerk's case page loader gives its components (serialised). */
export type LoadedCase = ReturnType<typeof useLoaderData<typeof loadCasePage>>;
export type LoadedRequest = NonNullable<LoadedCase["latestRequest"]>;
