/**
 * The Eingangsart of an application a clerk registered (Application.intakeChannel): labels for the
 * form, the case page and the history. Pure, so the browser, the server and the workers share it.
 */

export const INTAKE_CHANNELS = ["PAPER", "EMAIL"] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

export const INTAKE_CHANNEL_LABELS: Record<IntakeChannel, string> = {
  PAPER: "Papier (per Post oder persönlich abgegeben)",
  EMAIL: "E-Mail",
};

/** "auf Papier eingegangen" / "per E-Mail eingegangen" (history, case page). */
export function receivedPhrase(channel: string): string {
  return channel === "EMAIL" ? "per E-Mail eingegangen" : "auf Papier eingegangen";
}

export function isIntakeChannel(value: unknown): value is IntakeChannel {
  return typeof value === "string" && (INTAKE_CHANNELS as readonly string[]).includes(value);
}
