import { mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import type { Values } from "~/components/draft/step-fields";
import type { ApplicationData } from "~/domain/application-data";
import { addDays } from "~/domain/bekanntgabe";
import { berlinDate } from "~/domain/deadlines";
import { DOCUMENT_TYPES } from "~/domain/document-types";
import { uploadMessages } from "~/models/document.server";
import {
  intakeAuthority,
  listIntakeMunicipalities,
  MAX_BACKDATE_DAYS,
  type PaperIntakeFile,
  registerPaperApplication,
} from "~/models/paper-intake.server";
import { env } from "~/utils/env.server";
import { parseMultipart } from "~/utils/multipart.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";
import { parsePaperIntake, SCAN_SLOTS, scanField, scanTypeField } from "./form-schema";

/**
 * Loader and action of "Papierantrag erfassen" (/behoerde/posteingang/papier): what the form
 * offers, and the streamed multipart post — text fields up to 20 KB each, each scan to a temp file
 * up to UPLOAD_MAX_BYTES — handed to registerPaperApplication (which stores all or nothing).
 */

const MAX_FIELD_BYTES = 20_000;

export async function loadPaperIntakePage({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "review:application:authority");
  const today = berlinDate(new Date());
  const authority = await intakeAuthority(user);
  return {
    municipalities: await listIntakeMunicipalities(user),
    buildingCode: authority.buildingCode,
    authorityAgs: authority.ags,
    today,
    earliest: addDays(today, -MAX_BACKDATE_DAYS),
    maxFileBytes: env().UPLOAD_MAX_BYTES,
    documentTypes: DOCUMENT_TYPES.map((t) => ({
      value: t.code,
      label: `${t.shortLabel} (${t.code})${t.mimeTypes.length > 1 ? "" : " – nur PDF"}`,
    })),
  };
}

/** Writes a part to `file` up to `max` bytes; the rest is consumed and dropped. false = too large. */
async function writeLimited(stream: Readable, file: string, max: number): Promise<boolean> {
  const handle = await open(file, "wx", 0o600);
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size <= max) await handle.write(chunk as Buffer);
    }
  } finally {
    await handle.close();
  }
  return size <= max;
}

function applyParcelIntent(plot: Values, intent: string): Values {
  const rows = Array.isArray(plot.parcels) ? [...(plot.parcels as Values[])] : [];
  if (rows.length === 0) rows.push({});
  if (intent === "add-parcel") return { ...plot, parcels: rows.length >= 200 ? rows : [...rows, {}] };
  const m = /^remove-parcel-(\d+)$/.exec(intent);
  return m ? { ...plot, parcels: rows.filter((_, i) => i !== Number(m[1])) } : plot;
}

type Reply = ReturnType<ReturnType<typeof parsePaperIntake>["reply"]>;
export interface IntakeActionData {
  values: Values;
  lastResult: Reply | null;
  /** Whole-form messages (limits, storage). */
  formErrors: string[];
  /** Files were chosen but not stored: the browser cannot keep them, the clerk picks them again. */
  filesDropped: boolean;
  nonce: number;
}

export async function paperIntakeAction({ request }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "review:application:authority");
  const maxFileBytes = env().UPLOAD_MAX_BYTES;
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-paper-intake-"));
  const nonce = Date.now();
  try {
    const files: PaperIntakeFile[] = [];
    const fileErrors: Record<string, string[]> = {};
    let chosen = 0;
    const parsed = await parseMultipart(request, {
      maxFieldBytes: MAX_FIELD_BYTES,
      maxFileBytes,
      onFile: async (part) => {
        if (part.filename === "") return; // an empty file input
        const slot = /^scan-(\d+)$/.exec(part.name);
        const index = slot ? Number(slot[1]) : -1;
        if (index < 0 || index >= SCAN_SLOTS) return;
        chosen++;
        const field = scanField(index);
        const file = path.join(dir, String(index));
        if (!(await writeLimited(part.stream, file, maxFileBytes))) {
          fileErrors[field] = [uploadMessages.tooLarge(part.filename, maxFileBytes)];
          return;
        }
        const typeCode = (part.fields[scanTypeField(index)] ?? "").trim();
        if (!typeCode) {
          fileErrors[field] = [`Bitte wählen Sie die Art der Unterlage für "${part.filename}".`];
          return;
        }
        files.push({ field, filename: part.filename, path: file, typeCode });
      },
    });
    if (!parsed.ok) {
      return data<IntakeActionData>(
        {
          values: {},
          lastResult: null,
          formErrors: [parsed.violation.message],
          filesDropped: chosen > 0,
          nonce,
        },
        { status: parsed.violation.status },
      );
    }
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(parsed.fields)) form.append(k, v);
    const intent = parsed.fields.intent ?? "register";
    const submission = parsePaperIntake(form);
    const values = (submission.payload ?? {}) as Values;

    // Adding or removing a Flurstück row: nothing is registered, the form comes back as posted.
    if (intent === "add-parcel" || intent.startsWith("remove-parcel-")) {
      const plot = applyParcelIntent((values.plot ?? {}) as Values, intent);
      return data<IntakeActionData>({
        values: { ...values, plot },
        lastResult: null,
        formErrors: [],
        filesDropped: chosen > 0,
        nonce,
      });
    }
    if (submission.status !== "success" || Object.keys(fileErrors).length > 0) {
      return data<IntakeActionData>(
        {
          values,
          lastResult: submission.reply({ fieldErrors: fileErrors }),
          formErrors: [],
          filesDropped: chosen > 0,
          nonce,
        },
        { status: 422 },
      );
    }
    const v = submission.value;
    const result = await registerPaperApplication(user, {
      channel: v.channel,
      receivedOn: v.receivedOn,
      procedureType: v.procedureType,
      title: v.title,
      municipalityId: v.municipalityId,
      data: {
        bauherr: v.bauherr,
        entwurfsverfasser: v.entwurfsverfasser,
        plot: v.plot,
        project: v.project,
      } as ApplicationData,
      files: files.sort((a, b) => a.field.localeCompare(b.field, "de", { numeric: true })),
    });
    if (result.ok) return redirect(`/behoerde/posteingang/papier/${result.applicationId}?erfasst=1`);
    const { "": whole = [], ...fieldErrors } = result.fieldErrors;
    return data<IntakeActionData>(
      {
        values,
        lastResult: submission.reply({ fieldErrors }),
        formErrors: whole,
        filesDropped: chosen > 0,
        nonce,
      },
      { status: result.reason === "not-allowed" ? 403 : result.reason === "failed" ? 500 : 422 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
