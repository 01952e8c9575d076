import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { bauherrForm, entwurfsverfasserForm, plotForm, projectForm } from "~/components/draft/form-schemas";
import { PROCEDURE_TYPES } from "~/domain/application-data";
import { INTAKE_CHANNELS } from "./intake-channel";

/**
 * The paper-intake form (Posteingang → "Papierantrag erfassen"): the four sections of the online
 * form under their section names (`bauherr.firstName`, `plot.parcels[0].flur`, the same field
 * schemas as the guided form) plus the registration's own fields. Shared by Conform in the browser
 * (validation on blur) and on the server; the model (paper-intake.server.ts) checks everything
 * again with the domain schema, the required fields, the date bounds and the tenant.
 */

const germanErrors = z.locales.de().localeError;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const trimmed = (v: unknown) => {
  const b = blankToUndefined(v);
  return typeof b === "string" ? b.trim() : b;
};

const required = (message: string) => z.preprocess(trimmed, z.string({ error: message }).min(1, message));

export const SCAN_SLOTS = 8;
export const scanField = (i: number) => `scan-${i}`;
export const scanTypeField = (i: number) => `scanType-${i}`;

export const paperIntakeForm = z.object({
  channel: z.preprocess(
    trimmed,
    z.enum(INTAKE_CHANNELS, { error: "Bitte wählen Sie die Eingangsart (Papier oder E-Mail)." }),
  ),
  receivedOn: z.preprocess(
    trimmed,
    z
      .string({ error: "Bitte geben Sie das Eingangsdatum an (Datum des Eingangsstempels)." })
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Bitte geben Sie das Eingangsdatum als Datum an, z. B. 01.12.2026."),
  ),
  procedureType: z.preprocess(
    trimmed,
    z.enum(PROCEDURE_TYPES, { error: "Bitte wählen Sie eine Verfahrensart." }),
  ),
  title: required("Bitte geben Sie eine Bezeichnung des Vorhabens ein.").pipe(
    z.string().max(200, "Die Bezeichnung darf höchstens 200 Zeichen lang sein."),
  ),
  municipalityId: required("Bitte wählen Sie die Gemeinde, in der das Grundstück liegt."),
  bauherr: bauherrForm.optional(),
  entwurfsverfasser: entwurfsverfasserForm.optional(),
  plot: plotForm.optional(),
  project: projectForm.optional(),
});

export type PaperIntakeFormValue = z.infer<typeof paperIntakeForm>;

export function parsePaperIntake(formData: FormData | URLSearchParams) {
  return parseWithZod(formData, { schema: paperIntakeForm, disableAutoCoercion: true, error: germanErrors });
}
