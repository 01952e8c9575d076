import { mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { formatBytes } from "~/domain/format";
import { type IntakeAttachment, importXbauAntrag } from "~/models/xbau-intake.server";
import { env } from "~/utils/env.server";
import { parseMultipart } from "~/utils/multipart.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";
import type { IntakeProblem } from "~/xbau/import/problems";
import { XML_LIMITS } from "~/xbau/import/safe-xml.server";

/**
 * Posteingang → "XBau-Nachricht einlesen": the clerk uploads a baugenehmigung.antrag.0200 with the
 * files it names (multipart, as the transports deliver them). The body is streamed: the message is
 * kept in memory only up to 20 MB (anything beyond is read through and dropped, never buffered),
 * each attachment goes to a temp file up to UPLOAD_MAX_BYTES. All checks and the case creation
 * are in app/models/xbau-intake.server.ts; this route only receives and answers.
 */

export const meta: MetaFunction = () => [{ title: "XBau-Nachricht einlesen – Bauantrag" }];

const MAX_ATTACHMENTS = 200;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAuthorityPermission(request, "review:application:authority");
  return { maxMessageBytes: XML_LIMITS.maxBytes, maxFileBytes: env().UPLOAD_MAX_BYTES };
}

/** Reads a part, keeping at most `max` bytes; the rest is consumed and dropped. null = too large. */
async function collect(stream: Readable, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= max) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size <= max ? Buffer.concat(chunks, size) : null;
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

type ActionResult = { problems: IntakeProblem[] };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "review:application:authority");
  const maxFileBytes = env().UPLOAD_MAX_BYTES;
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-xbau-intake-"));
  try {
    const problems: IntakeProblem[] = [];
    const attachments: IntakeAttachment[] = [];
    let message: Buffer | null = null;
    let messageSeen = false;
    const parsed = await parseMultipart(request, {
      maxFieldBytes: 1024,
      maxFileBytes: Math.max(maxFileBytes, XML_LIMITS.maxBytes),
      onFile: async (part) => {
        if (part.filename === "") return; // an empty file input
        if (part.name === "nachricht" && !messageSeen) {
          messageSeen = true;
          message = await collect(part.stream, XML_LIMITS.maxBytes);
          if (!message) {
            problems.push({
              element: "Nachricht",
              message: `Die Nachricht ist größer als ${formatBytes(XML_LIMITS.maxBytes)} und wird nicht angenommen.`,
            });
          }
          return;
        }
        if (part.name !== "anlagen") return;
        if (attachments.length >= MAX_ATTACHMENTS) {
          problems.push({
            element: "Anlagen",
            message: `Höchstens ${MAX_ATTACHMENTS} Dateien je Nachricht.`,
          });
          return;
        }
        const file = path.join(dir, String(attachments.length + 1));
        if (await writeLimited(part.stream, file, maxFileBytes)) {
          attachments.push({ filename: part.filename, path: file });
        } else {
          problems.push({
            element: "Anlagen",
            message: `Die Datei "${part.filename}" ist größer als ${formatBytes(maxFileBytes)}.`,
          });
        }
      },
    });
    if (!parsed.ok) {
      return data<ActionResult>(
        { problems: [{ element: "Anfrage", message: parsed.violation.message }] },
        { status: parsed.violation.status },
      );
    }
    if (!messageSeen) {
      problems.push({
        element: "Nachricht",
        message: "Bitte wählen Sie die XBau-Nachricht (XML-Datei) aus.",
      });
    }
    if (problems.length > 0 || !message) return data<ActionResult>({ problems }, { status: 422 });
    const result = await importXbauAntrag(user, { message, attachments });
    if (result.ok) {
      return redirect(
        `/behoerde/faelle/${result.applicationId}?xbau=${result.duplicate ? "bereits-eingelesen" : "eingelesen"}`,
      );
    }
    return data<ActionResult>(
      { problems: result.problems },
      { status: result.code === "not-allowed" ? 403 : result.code === "failed" ? 500 : 422 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default function XbauIntakePage() {
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="XBau-Nachricht einlesen"
        lead="Ein Bauantrag, der als XBau-Nachricht baugenehmigung.antrag.0200 eingegangen ist, wird mit seinen Anlagen zu einem Vorgang mit Aktenzeichen und Eingangsbestätigung."
      >
        <Link className="kern-link" to="/behoerde/posteingang">
          Zurück zum Posteingang
        </Link>
      </PageHeader>
      {actionData?.problems?.length ? (
        <Alert tone="danger" title="Die Nachricht wurde nicht angenommen">
          <ul className="kern-list" data-testid="xbau-intake-problems">
            {actionData.problems.map((p) => (
              <li key={`${p.element}|${p.message}`}>
                <strong>{p.element}</strong>: {p.message}
              </li>
            ))}
          </ul>
          <p className="kern-body">Es wurde nichts gespeichert.</p>
        </Alert>
      ) : null}
      <Form
        method="post"
        encType="multipart/form-data"
        className="app-form"
        aria-label="XBau-Nachricht einlesen"
      >
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="xbau-nachricht">
            XBau-Nachricht (XML, höchstens {formatBytes(XML_LIMITS.maxBytes)})
          </label>
          <input
            id="xbau-nachricht"
            className="kern-form-input__input"
            type="file"
            name="nachricht"
            accept=".xml,application/xml,text/xml"
            required
          />
        </div>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="xbau-anlagen">
            Anlagen (die in der Nachricht genannten Dateien)
          </label>
          <input
            id="xbau-anlagen"
            className="kern-form-input__input"
            type="file"
            name="anlagen"
            multiple
            accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
          />
        </div>
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
          <span className="kern-label">{busy ? "Wird geprüft …" : "Nachricht prüfen und einlesen"}</span>
        </button>
      </Form>
    </>
  );
}
