import type { SubmissionResult } from "@conform-to/react";
import type { useLoaderData } from "@remix-run/react";
import type { StatementOutcomeCode } from "~/domain/statements";
import type { ConditionInput } from "~/models/statement.server";
import type { loadParticipationPage } from "./participation-page.server";

/** What the agency's participation page loader gives its components (serialised). */
export type Loaded = ReturnType<typeof useLoaderData<typeof loadParticipationPage>>;
export type LoadedParticipation = Loaded["participation"];

export interface StatementValues {
  outcome: string;
  reasons: string;
  conditions: ConditionInput[];
}

export type StatementActionData = {
  form: "statement";
  values: StatementValues;
  errors: Record<string, string>;
  /** Conform's answer (field errors next to the fields, also in the browser). */
  lastResult?: SubmissionResult<string[]>;
  message: string | null;
  /** Files chosen before adding/removing a row are not kept by the browser: say so. */
  filesDropped: boolean;
  nonce: number;
};

export type ExtensionActionData = {
  form: "extension";
  values: { until: string; reason: string };
  errors: Record<string, string>;
  lastResult?: SubmissionResult<string[]>;
  message: string | null;
  nonce: number;
};

/** The confirmation page of a statement: what will be sent, the typed fields to carry. */
export type StatementConfirmData = {
  form: "confirm";
  kind: string;
  outcome: StatementOutcomeCode;
  reasons: string;
  conditions: { kind: string; text: string }[];
  fields: [string, string][];
  nonce: number;
};

export type ParticipationActionData = StatementActionData | ExtensionActionData | StatementConfirmData;
