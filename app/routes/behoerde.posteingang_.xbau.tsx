import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { formatBytes } from "~/domain/format";
import { importXbauAntrag } from "~/models/xbau-intake.server";
import { env } from "~/utils/env.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";
import { readDelivery } from "~/xbau/import/delivery.server";
import type { IntakeProblem } from "~/xbau/import/problems";
import { XML_LIMITS } from "~/xbau/import/safe-xml.server";

/**
 * Posteingang → "XBau-Nachricht einlesen": the clerk uploads a baugenehmigung.antrag.0200 (or an
 * antragGeaendert.0202 for a case) with the files it names, or one ZIP holding message and files
 * (as the transports deliver them). Reading the streamed body within limits is
 * app/xbau/import/delivery.server.ts; all checks and the case work are in
 * app/models/xbau-intake.server.ts; this route only receives and answers.
 */

export const meta: MetaFunction = () => [{ title: "XBau-Nachricht einlesen – Bauantrag" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAuthorityPermission(request, "review:application:authority");
  return { maxMessageBytes: XML_LIMITS.maxBytes, maxFileBytes: env().UPLOAD_MAX_BYTES };
}

type ActionResult = { problems: IntakeProblem[] };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "review:application:authority");
  const dir = await mkdtemp(path.join(os.tmpdir(), "bauantrag-xbau-intake-"));
  try {
    const delivery = await readDelivery(request, dir);
    if (!delivery.ok) return data<ActionResult>({ problems: delivery.problems }, { status: delivery.status });
    const result = await importXbauAntrag(user, {
      message: delivery.message,
      attachments: delivery.attachments,
    });
    if (result.ok) {
      const state = result.duplicate
        ? "bereits-eingelesen"
        : result.messageType === "baugenehmigung.antragGeaendert.0202"
          ? "aenderung-eingelesen"
          : "eingelesen";
      return redirect(`/behoerde/faelle/${result.applicationId}?xbau=${state}`);
    }
    return data<ActionResult>(
      { problems: result.problems },
      {
        status:
          result.code === "not-allowed"
            ? 403
            : result.code === "busy"
              ? 503
              : result.code === "failed"
                ? 500
                : 422,
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default function XbauIntakePage() {
  // Limits come from the loader: XML_LIMITS lives in a .server module, undefined in the browser bundle.
  const { maxMessageBytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <PageHeader
        title="XBau-Nachricht einlesen"
        lead="Ein Bauantrag, der als XBau-Nachricht baugenehmigung.antrag.0200 eingegangen ist, wird mit seinen Anlagen zu einem Vorgang mit Aktenzeichen und Eingangsbestätigung; eine Änderung (antragGeaendert.0202) wird dem Vorgang zugeordnet."
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
            XBau-Nachricht (XML, höchstens {formatBytes(maxMessageBytes)}) oder ZIP-Archiv mit Nachricht und
            Anlagen
          </label>
          <input
            id="xbau-nachricht"
            className="kern-form-input__input"
            type="file"
            name="nachricht"
            accept=".xml,.zip,application/xml,text/xml,application/zip"
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
