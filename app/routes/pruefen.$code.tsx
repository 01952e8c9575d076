import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { type DragEvent, useState } from "react";
import { Alert } from "~/components/alert";
import { DescriptionList } from "~/components/description-list";
import { formatBytes, formatDate, formatDateTime } from "~/domain/format";
import { lookupVerification, type VerificationLookup } from "~/models/verification.server";
import { clientIp } from "~/utils/auth.server";

/**
 * Public check of an issued document (issue 13 item 4): no login, rate-limited per client address
 * (app/models/verification.server.ts). The file a visitor drops is hashed in the browser
 * (Web Crypto); it never leaves the computer.
 */

export const meta: MetaFunction = () => [
  { title: "Dokument prüfen – Bauantrag" },
  { name: "robots", content: "noindex" },
];

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = await lookupVerification(params.code ?? "", { ip: clientIp(context) });
  const headers = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };
  if (result.status === "throttled") {
    return data(result as VerificationLookup, {
      status: 429,
      headers: { ...headers, "Retry-After": String(result.retryAfterSeconds) },
    });
  }
  return data(result as VerificationLookup, { status: result.status === "found" ? 200 : 404, headers });
}

/** Files above this are not read into the browser's memory. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

type Check =
  | { state: "idle" }
  | { state: "busy"; name: string }
  | { state: "match"; name: string }
  | { state: "mismatch"; name: string; actual: string }
  | { state: "error"; message: string };

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function FileCheck({ expected }: { expected: string }) {
  const [check, setCheck] = useState<Check>({ state: "idle" });
  const [dragging, setDragging] = useState(false);

  async function compare(file: File | undefined) {
    if (!file) return;
    if (!globalThis.crypto?.subtle) {
      setCheck({
        state: "error",
        message:
          "Ihr Browser kann hier keine Prüfsumme berechnen (nur über eine sichere HTTPS-Verbindung). Vergleichen Sie die SHA-256-Prüfsumme oben mit einem Programm Ihres Rechners.",
      });
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setCheck({ state: "error", message: `Die Datei ist größer als ${formatBytes(MAX_FILE_BYTES)}.` });
      return;
    }
    setCheck({ state: "busy", name: file.name });
    try {
      const actual = hex(await globalThis.crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
      setCheck(
        actual === expected
          ? { state: "match", name: file.name }
          : { state: "mismatch", name: file.name, actual },
      );
    } catch {
      setCheck({
        state: "error",
        message: "Die Datei ließ sich nicht lesen. Bitte versuchen Sie es erneut.",
      });
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    void compare(event.dataTransfer.files[0]);
  }

  return (
    <div className="app-stack">
      <section
        aria-label="Ablagefläche für die Datei"
        className={`app-dropzone${dragging ? " app-dropzone--active" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="pruef-dropzone"
      >
        <label htmlFor="pruef-datei" className="kern-label">
          Datei hierher ziehen oder auswählen
        </label>
        <input
          id="pruef-datei"
          type="file"
          className="kern-form-input__input"
          accept="application/pdf,.pdf"
          onChange={(event) => void compare(event.currentTarget.files?.[0])}
        />
        <p className="kern-body kern-body--small">
          Die Datei wird nur auf Ihrem Rechner gelesen; sie wird nicht hochgeladen.
        </p>
      </section>
      <div aria-live="polite" data-testid="pruef-ergebnis">
        {check.state === "busy" ? (
          <p className="kern-body">Prüfsumme von „{check.name}“ wird berechnet …</p>
        ) : null}
        {check.state === "match" ? (
          <Alert tone="success" title="Die Datei ist gültig">
            <p className="kern-body">
              „{check.name}“ ist unverändert das ausgestellte Dokument: gültig (die SHA-256-Prüfsummen stimmen
              überein).
            </p>
          </Alert>
        ) : null}
        {check.state === "mismatch" ? (
          <Alert tone="danger" title="Die Datei stimmt nicht überein" announce>
            <p className="kern-body">
              „{check.name}“ ist nicht das ausgestellte Dokument oder wurde verändert. Ihre Datei hat die
              Prüfsumme <code className="app-hash">{check.actual}</code>.
            </p>
          </Alert>
        ) : null}
        {check.state === "error" ? (
          <Alert tone="warning" title="Prüfung nicht möglich" announce>
            <p className="kern-body">{check.message}</p>
          </Alert>
        ) : null}
      </div>
    </div>
  );
}

export default function VerifyDocument() {
  const result = useLoaderData<typeof loader>() as unknown as VerificationLookup;

  if (result.status === "throttled") {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Dokument prüfen</h1>
        <Alert tone="warning" title="Zu viele Abfragen" announce>
          <p className="kern-body">
            Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Prüfanfragen. Bitte versuchen Sie es in{" "}
            {Math.ceil(result.retryAfterSeconds / 60)} Minuten erneut.
          </p>
        </Alert>
      </div>
    );
  }

  if (result.status === "not-found") {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Dokument prüfen</h1>
        <Alert tone="danger" title="Kein Dokument zu diesem Prüfcode" announce>
          <p className="kern-body">
            {result.code
              ? `Zum Prüfcode ${result.code} hat keine Behörde ein Dokument ausgestellt.`
              : "Das ist kein gültiger Prüfcode. Ein Prüfcode hat zwölf Zeichen, z. B. K08Y-RMQA-K0GH."}{" "}
            Bitte vergleichen Sie den Code mit dem auf dem Dokument.
          </p>
        </Alert>
        <p className="kern-body">
          <Link className="kern-link" to="/pruefen">
            Anderen Prüfcode eingeben
          </Link>
        </p>
      </div>
    );
  }

  const d = result.document;
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Dokument prüfen</h1>
      {d.supersededAt ? (
        <Alert tone="warning" title="Ersetzt durch eine neuere Fassung">
          <p className="kern-body" data-testid="pruef-status">
            Dieses Dokument wurde am {formatDate(d.supersededAt)} durch eine neuere Fassung ersetzt. Es war
            echt, gilt aber nicht mehr.
          </p>
        </Alert>
      ) : (
        <Alert tone="success" title="Echt ausgestellt">
          <p className="kern-body" data-testid="pruef-status">
            {d.issuer} hat dieses Dokument ausgestellt und elektronisch gesiegelt. Es ist gültig.
          </p>
        </Alert>
      )}
      <div className="app-section">
        <DescriptionList
          items={[
            { label: "Dokument", value: d.kindLabel },
            { label: "Aktenzeichen", value: d.fileNumber ?? "–" },
            { label: "Ausgestellt am", value: formatDate(d.issuedAt) },
            { label: "Ausstellende Behörde", value: d.issuer },
            ...(d.sealedAt ? [{ label: "Elektronisch gesiegelt", value: formatDateTime(d.sealedAt) }] : []),
            ...(d.permitValidUntil
              ? [{ label: "Genehmigung gültig bis", value: formatDate(d.permitValidUntil) }]
              : []),
            { label: "Prüfcode", value: d.code },
            {
              label: "SHA-256-Prüfsumme der Datei",
              value: (
                <code className="app-hash" data-testid="pruef-sha256">
                  {d.sha256}
                </code>
              ),
            },
            { label: "Dateigröße", value: formatBytes(d.sizeBytes, { precise: true }) },
          ]}
        />
      </div>
      <section className="app-section" aria-labelledby="datei-vergleichen">
        <h2 id="datei-vergleichen" className="kern-heading-medium">
          Datei vergleichen
        </h2>
        <p className="kern-body">
          Haben Sie das Dokument als Datei erhalten? Ziehen Sie sie hierher: Stimmt ihre SHA-256-Prüfsumme mit
          der oben überein, ist die Datei unverändert das ausgestellte Dokument. Das elektronische Siegel in
          der PDF-Datei können Sie zusätzlich in Ihrem PDF-Programm prüfen.
        </p>
        <FileCheck expected={d.sha256} />
      </section>
    </div>
  );
}
