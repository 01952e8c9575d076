import type { useLoaderData } from "@remix-run/react";
import type { loadInbox } from "./inbox-page.server";

/** What the inbox loader gives its components (serialised). */
export type LoadedInbox = ReturnType<typeof useLoaderData<typeof loadInbox>>;
export type InboxRow = LoadedInbox["rows"][number];
