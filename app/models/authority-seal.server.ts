import { createHash } from "node:crypto";
import forge from "node-forge";
import { MAX_SEAL_P12_BYTES } from "~/domain/admin-limits";
import { type RequestMeta, recordSecurityEvent } from "~/models/security-event.server";
import { openValue, sealValue } from "~/models/totp.server";
import { db, type Tx } from "~/utils/db.server";
import { sealFromPkcs12 } from "../../workers/pdf/seal";

/**
 * The authority's seal certificate (issue 13 item 3), configured by its admin at /verwaltung/siegel:
 * a PKCS#12 with its passphrase, checked here, stored AES-256-GCM encrypted with the same helper as
 * the TOTP secrets (sealValue/openValue, key derived from SESSION_SECRET) and never handed out
 * again. Only the certificate's public details are readable (`getAuthoritySealInfo`); the worker
 * decrypts it in `storedSealOf` (workers/pdf/seal-source.ts picks stored → SEAL_DIR → development).
 */

export { MAX_SEAL_P12_BYTES };
export const MAX_PASSPHRASE_LENGTH = 500;

export interface SealCertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: Date;
  validUntil: Date;
  fingerprintSha256: string;
}

export type SealCheck = { ok: true; info: SealCertificateInfo } | { ok: false; message: string };

const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  cert: "1.2.840.113549.1.12.10.1.3",
};

function decode(raw: unknown): string {
  const s = typeof raw === "string" ? raw : "";
  try {
    return forge.util.decodeUtf8(s);
  } catch {
    return s;
  }
}

/** "CN=Landkreis X, O=Landkreis X, C=DE" */
function dn(name: forge.pki.Certificate["subject"]): string {
  return name.attributes.map((a) => `${a.shortName ?? a.name ?? a.type}=${decode(a.value)}`).join(", ");
}

const dateDe = (d: Date) =>
  d.toLocaleDateString("de-DE", {
    timeZone: "Europe/Berlin",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  });

/**
 * Checks an uploaded PKCS#12: it decrypts with the passphrase, holds a private key and the
 * certificate of that key, the certificate is valid now, and its key usage (where stated) allows
 * signing (digitalSignature or nonRepudiation). German messages for the admin.
 */
export function checkSealPkcs12(bytes: Uint8Array, passphrase: string, now = new Date()): SealCheck {
  if (bytes.length === 0)
    return { ok: false, message: "Bitte wählen Sie die PKCS#12-Datei (.p12 oder .pfx) aus." };
  if (bytes.length > MAX_SEAL_P12_BYTES) {
    return { ok: false, message: `Die Datei ist zu groß: höchstens ${MAX_SEAL_P12_BYTES / 1024} KB.` };
  }
  let asn: forge.asn1.Asn1;
  try {
    asn = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString("binary")));
  } catch {
    return { ok: false, message: "Die Datei ist keine PKCS#12-Datei (.p12 oder .pfx)." };
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn, true, passphrase);
  } catch (err) {
    const msg = (err as Error).message ?? "";
    // forge reports a wrong passphrase as a failed MAC check or a failed decryption.
    if (/MAC|password|decrypt/i.test(msg)) {
      return { ok: false, message: "Die Passphrase passt nicht zu dieser PKCS#12-Datei." };
    }
    return { ok: false, message: "Die Datei ist keine lesbare PKCS#12-Datei (.p12 oder .pfx)." };
  }
  const bagsOf = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  let keyBag: forge.pkcs12.Bag | undefined;
  try {
    keyBag = [...bagsOf(BAG.shroudedKey), ...bagsOf(BAG.key)].find((b) => b.key);
  } catch {
    keyBag = undefined;
  }
  if (!keyBag?.key) {
    return {
      ok: false,
      message:
        "Die PKCS#12-Datei enthält keinen privaten RSA-Schlüssel (nur RSA-Schlüssel werden unterstützt).",
    };
  }
  const rsaKey = keyBag.key as forge.pki.rsa.PrivateKey;
  const certs = bagsOf(BAG.cert).flatMap((b) => (b.cert ? [b.cert] : []));
  const own = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(rsaKey.n) === 0 && pub.e?.compareTo(rsaKey.e) === 0;
  });
  if (!own) {
    return { ok: false, message: "Die PKCS#12-Datei enthält kein Zertifikat zum privaten Schlüssel." };
  }
  const { notBefore, notAfter } = own.validity;
  if (now > notAfter) {
    return { ok: false, message: `Das Zertifikat ist abgelaufen (gültig bis ${dateDe(notAfter)}).` };
  }
  if (now < notBefore) {
    return { ok: false, message: `Das Zertifikat ist noch nicht gültig (gültig ab ${dateDe(notBefore)}).` };
  }
  const keyUsage = own.getExtension("keyUsage") as
    | { digitalSignature?: boolean; nonRepudiation?: boolean }
    | null
    | undefined;
  if (keyUsage && !keyUsage.digitalSignature && !keyUsage.nonRepudiation) {
    return {
      ok: false,
      message:
        "Das Zertifikat erlaubt keine Signaturen (Schlüsselverwendung ohne „digitalSignature“ und „nonRepudiation“).",
    };
  }
  // The worker must be able to use it exactly as stored.
  try {
    sealFromPkcs12(bytes, passphrase);
  } catch {
    return { ok: false, message: "Die PKCS#12-Datei lässt sich nicht als Siegel verwenden." };
  }
  const certDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(own)).getBytes(), "binary");
  const fingerprint = createHash("sha256").update(certDer).digest("hex").toUpperCase();
  return {
    ok: true,
    info: {
      subject: dn(own.subject),
      issuer: dn(own.issuer),
      serialNumber: own.serialNumber.toUpperCase(),
      validFrom: notBefore,
      validUntil: notAfter,
      fingerprintSha256: fingerprint.match(/../g)!.join(":"),
    },
  };
}

export type SaveSealResult =
  | { ok: true; replaced: boolean; info: SealCertificateInfo }
  | { ok: false; message: string };

/**
 * Stores (or replaces) the seal of the admin's own authority after `checkSealPkcs12`; recorded in
 * the admin's security history (SEAL_UPLOADED / SEAL_REPLACED). Nothing is stored on an error.
 */
export async function saveAuthoritySeal(
  admin: { id: string; authorityId: string },
  bytes: Uint8Array,
  passphrase: string,
  meta?: RequestMeta,
): Promise<SaveSealResult> {
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    return {
      ok: false,
      message: `Die Passphrase darf höchstens ${MAX_PASSPHRASE_LENGTH} Zeichen lang sein.`,
    };
  }
  const check = checkSealPkcs12(bytes, passphrase);
  if (!check.ok) return check;
  const data = {
    p12Enc: sealValue(Buffer.from(bytes).toString("base64")),
    passphraseEnc: sealValue(passphrase),
    ...check.info,
    uploadedById: admin.id,
    uploadedAt: new Date(),
  };
  const replaced = await db().$transaction(async (tx) => {
    const before = await tx.authoritySeal.findUnique({
      where: { authorityId: admin.authorityId },
      select: { authorityId: true },
    });
    await tx.authoritySeal.upsert({
      where: { authorityId: admin.authorityId },
      create: { authorityId: admin.authorityId, ...data },
      update: data,
    });
    await recordSecurityEvent(
      { userId: admin.id, kind: before ? "SEAL_REPLACED" : "SEAL_UPLOADED", actorId: admin.id, meta },
      tx,
    );
    return Boolean(before);
  });
  return { ok: true, replaced, info: check.info };
}

/** Public details of the authority's stored seal (never the file or the passphrase). */
export async function getAuthoritySealInfo(authorityId: string, client: Tx = db()) {
  return client.authoritySeal.findUnique({
    where: { authorityId },
    select: {
      subject: true,
      issuer: true,
      serialNumber: true,
      validFrom: true,
      validUntil: true,
      fingerprintSha256: true,
      uploadedAt: true,
      uploadedBy: { select: { displayName: true } },
    },
  });
}

/** Seal uploads and replacements of the authority (from the security history of its staff). */
export async function sealHistoryOf(authorityId: string, take = 20, client: Tx = db()) {
  return client.securityEvent.findMany({
    where: { authorityId, kind: { in: ["SEAL_UPLOADED", "SEAL_REPLACED"] } },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, createdAt: true, user: { select: { displayName: true } } },
  });
}

/**
 * For the worker: the decrypted PKCS#12 and passphrase of the authority's stored seal with the
 * time of its upload (a cache key), or null when none is stored. Throws when the stored value
 * cannot be decrypted (SESSION_SECRET changed): the admin must upload it again.
 */
export async function storedSealOf(
  authorityId: string,
  client: Tx = db(),
): Promise<{ p12: Buffer; passphrase: string; uploadedAt: Date } | null> {
  const row = await client.authoritySeal.findUnique({
    where: { authorityId },
    select: { p12Enc: true, passphraseEnc: true, uploadedAt: true },
  });
  if (!row) return null;
  const p12 = openValue(row.p12Enc);
  const passphrase = openValue(row.passphraseEnc);
  if (p12 === null || passphrase === null) {
    throw new Error(
      "Das hinterlegte Siegel der Behörde lässt sich nicht entschlüsseln (SESSION_SECRET geändert?). Bitte in der Verwaltung erneut hochladen.",
    );
  }
  return { p12: Buffer.from(p12, "base64"), passphrase, uploadedAt: row.uploadedAt };
}
