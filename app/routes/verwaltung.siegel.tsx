import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { MAX_SEAL_P12_BYTES } from "~/domain/admin-limits";
import { getAuthoritySealInfo, saveAuthoritySeal, sealHistoryOf } from "~/models/authority-seal.server";
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from "~/models/security-event.server";
import { clientIp } from "~/utils/auth.server";
import { drainStream, parseMultipart } from "~/utils/multipart.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Elektronisches Siegel – Verwaltung – Bauantrag" }];

/**
 * The authority's seal certificate (issue 13 item 3): the admin uploads a PKCS#12 with its
 * passphrase; both are stored encrypted and never shown again — the page lists only the
 * certificate's public details and who uploaded it when. Uploading again replaces it.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  const [seal, history] = await Promise.all([
    getAuthoritySealInfo(admin.authorityId),
    sealHistoryOf(admin.authorityId),
  ]);
  return {
    seal: seal && {
      subject: seal.subject,
      issuer: seal.issuer,
      serialNumber: seal.serialNumber,
      validFrom: seal.validFrom.toISOString(),
      validUntil: seal.validUntil.toISOString(),
      fingerprintSha256: seal.fingerprintSha256,
      uploadedAt: seal.uploadedAt.toISOString(),
      uploadedBy: seal.uploadedBy.displayName,
    },
    history: history.map((h) => ({
      id: h.id,
      label: SECURITY_EVENT_KINDS[h.kind as SecurityEventKind] ?? h.kind,
      at: h.createdAt.toISOString(),
      by: h.user.displayName,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireAuthorityPermission(request, "manage:authority:own");
  // Filled by the file handler (an object: TypeScript does not track closure assignments).
  const received: { file: Buffer | null; tooLarge: boolean } = { file: null, tooLarge: false };
  let parsed: Awaited<ReturnType<typeof parseMultipart>>;
  try {
    parsed = await parseMultipart(request, {
      maxFieldBytes: 2048,
      maxFileBytes: MAX_SEAL_P12_BYTES,
      onFile: async (part) => {
        if (part.name !== "p12" || received.file || received.tooLarge) {
          await drainStream(part.stream);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.stream) {
          // Read to the end (busboy stops one byte after the limit); keep nothing once too large.
          size += (chunk as Buffer).length;
          if (size > MAX_SEAL_P12_BYTES) received.tooLarge = true;
          else chunks.push(chunk as Buffer);
        }
        if (!received.tooLarge) received.file = Buffer.concat(chunks);
      },
    });
  } catch {
    return {
      ok: false as const,
      message: "Die Datei konnte nicht gelesen werden. Bitte versuchen Sie es erneut.",
    };
  }
  if (received.tooLarge) {
    return {
      ok: false as const,
      message: `Die Datei ist zu groß: höchstens ${MAX_SEAL_P12_BYTES / 1024} KB.`,
    };
  }
  if (!parsed.ok) return { ok: false as const, message: parsed.violation.message };
  const bytes = received.file;
  if (!bytes || bytes.length === 0) {
    return { ok: false as const, message: "Bitte wählen Sie die PKCS#12-Datei (.p12 oder .pfx) aus." };
  }
  const passphrase = parsed.fields.passphrase ?? "";
  const result = await saveAuthoritySeal(admin, bytes, passphrase, {
    ip: clientIp(context as { clientIp?: string }),
    userAgent: request.headers.get("User-Agent"),
  });
  if (!result.ok) return { ok: false as const, message: result.message };
  return redirect(`/verwaltung/siegel?${result.replaced ? "ersetzt" : "gespeichert"}=1`);
}

const dateTime = (iso: string) =>
  new Date(iso).toLocaleString("de-DE", {
    timeZone: "Europe/Berlin",
    dateStyle: "medium",
    timeStyle: "short",
  });
const date = (iso: string) => new Date(iso).toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" });

export default function SealSettingsPage() {
  const { seal, history } = useLoaderData<typeof loader>();
  const a = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/verwaltung">
          Zurück zur Verwaltung
        </Link>
      </p>
      <PageHeader
        title="Elektronisches Siegel"
        lead="Mit diesem Zertifikat versiegelt die Behörde jeden Bescheid und jeden gestempelten Plan. Datei und Passphrase werden verschlüsselt gespeichert und nie wieder angezeigt."
      />
      {params.get("gespeichert") ? (
        <Alert tone="success" title="Siegelzertifikat hinterlegt">
          Neue Dokumente werden ab jetzt mit diesem Zertifikat versiegelt.
        </Alert>
      ) : null}
      {params.get("ersetzt") ? (
        <Alert tone="success" title="Siegelzertifikat ersetzt">
          Neue Dokumente werden ab jetzt mit dem neuen Zertifikat versiegelt; bereits versiegelte bleiben
          gültig.
        </Alert>
      ) : null}
      {a && !a.ok ? (
        <Alert tone="danger" title="Das Zertifikat wurde nicht gespeichert">
          {a.message}
        </Alert>
      ) : null}
      <section aria-labelledby="aktuell">
        <h2 className="kern-heading-medium" id="aktuell">
          Hinterlegtes Zertifikat
        </h2>
        {seal ? (
          <DescriptionList
            items={[
              { label: "Inhaber (Subject)", value: seal.subject },
              { label: "Aussteller (Issuer)", value: seal.issuer },
              { label: "Seriennummer", value: <code>{seal.serialNumber}</code> },
              { label: "Gültig ab", value: date(seal.validFrom) },
              { label: "Gültig bis", value: date(seal.validUntil) },
              {
                label: "SHA-256-Fingerabdruck",
                value: <code style={{ wordBreak: "break-all" }}>{seal.fingerprintSha256}</code>,
              },
              { label: "Hochgeladen", value: `${dateTime(seal.uploadedAt)} von ${seal.uploadedBy}` },
            ]}
          />
        ) : (
          <p className="kern-body">
            Noch kein Zertifikat hinterlegt. Bis dahin wird ein vom Betrieb eingerichtetes Siegel verwendet
            (oder, außerhalb des Produktivbetriebs, ein nicht vertrauenswürdiges Entwicklungssiegel).
          </p>
        )}
      </section>
      <section aria-labelledby="hochladen">
        <h2 className="kern-heading-medium" id="hochladen">
          {seal ? "Zertifikat ersetzen" : "Zertifikat hochladen"}
        </h2>
        <Form method="post" encType="multipart/form-data" className="kern-stack">
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="p12">
              PKCS#12-Datei (.p12 oder .pfx, höchstens {MAX_SEAL_P12_BYTES / 1024} KB)
            </label>
            <input
              className="kern-form-input__input"
              id="p12"
              name="p12"
              type="file"
              accept=".p12,.pfx,application/x-pkcs12"
              required
            />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="passphrase">
              Passphrase
            </label>
            <input
              className="kern-form-input__input"
              id="passphrase"
              name="passphrase"
              type="password"
              autoComplete="off"
            />
          </div>
          <button className="kern-btn kern-btn--primary" type="submit" disabled={busy}>
            <span className="kern-label">{busy ? "Wird geprüft …" : "Prüfen und speichern"}</span>
          </button>
        </Form>
      </section>
      <section aria-labelledby="verlauf">
        <h2 className="kern-heading-medium" id="verlauf">
          Verlauf
        </h2>
        {history.length === 0 ? (
          <p className="kern-body">Noch keine Änderungen.</p>
        ) : (
          <ul className="kern-list">
            {history.map((h) => (
              <li key={h.id}>
                {dateTime(h.at)}: {h.label} ({h.by})
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
