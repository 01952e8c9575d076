import { Form, Link } from "@remix-run/react";
import { TextField } from "~/components/text-field";

/** QR code, the secret for typing, and the field for the first code (set-up of the app). */
export function TotpEnrollmentForm({
  qrDataUrl,
  secret,
  sealed,
  error,
  submitting,
}: {
  qrDataUrl: string;
  secret: string;
  sealed: string;
  error?: string | null;
  submitting: boolean;
}) {
  return (
    <div className="app-stack">
      <ol className="kern-list">
        <li>
          Öffnen Sie eine Authenticator-App (z. B. FreeOTP, Aegis, Google oder Microsoft Authenticator).
        </li>
        <li>Scannen Sie den QR-Code oder geben Sie den Schlüssel von Hand ein.</li>
        <li>Geben Sie den 6-stelligen Code ein, den die App anzeigt.</li>
      </ol>
      <img src={qrDataUrl} alt="QR-Code zum Einrichten der Authenticator-App" width={200} height={200} />
      <p className="kern-body">
        Schlüssel zum Eintippen: <code data-testid="totp-secret">{secret}</code>
      </p>
      <Form method="post" className="app-stack">
        <input type="hidden" name="intent" value="enroll" />
        <input type="hidden" name="sealed" value={sealed} />
        <TextField
          id="totp-enroll-code"
          name="code"
          label="Code aus der App"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          errors={error ? [error] : undefined}
        />
        <div>
          <button type="submit" className="kern-btn kern-btn--primary" disabled={submitting}>
            <span className="kern-label">{submitting ? "Wird geprüft …" : "Einrichten"}</span>
          </button>
        </div>
      </Form>
    </div>
  );
}

/** The recovery codes, shown once after the set-up. */
export function RecoveryCodes({ codes, next }: { codes: string[]; next?: string }) {
  return (
    <div className="app-stack">
      <p className="kern-body">
        Bewahren Sie diese Wiederherstellungscodes sicher auf (ausgedruckt oder im Passwortmanager). Jeder
        Code gilt einmal, falls Sie Ihr Gerät nicht zur Hand haben. Sie werden nur jetzt angezeigt.
      </p>
      <ul className="kern-list" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      {next ? (
        <div>
          <Link className="kern-btn kern-btn--primary" to={next}>
            <span className="kern-label">Weiter</span>
          </Link>
        </div>
      ) : null}
    </div>
  );
}
