import type { useLoaderData } from "@remix-run/react";
import type { loadBoardPage } from "./board-page.server";

/** What the clerk's participation page loader gives its components (serialised). */
export type BoardLoaded = ReturnType<typeof useLoaderData<typeof loadBoardPage>>;
export type BoardRowView = BoardLoaded["board"][number];
export type ProposalView = BoardLoaded["proposal"];
