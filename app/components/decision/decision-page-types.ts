import type { useLoaderData } from "@remix-run/react";
import type { loadDecisionPage } from "./decision-page.server";

/** What the Bescheid page's loader gives its components (serialised). */
export type Loaded = ReturnType<typeof useLoaderData<typeof loadDecisionPage>>;
export type LoadedDecision = NonNullable<Loaded["decision"]>;
