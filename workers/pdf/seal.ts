import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { SignPdf } from "@signpdf/signpdf";
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from "@signpdf/utils";
import forge from "node-forge";
import { PDFDocument } from "pdf-lib";

/**
 * The authority's advanced electronic seal on every document it issues: PAdES baseline B-B
 * (ETSI EN 319 142-1), i.e. a CMS SignedData (SubFilter ETSI.CAdES.detached, SHA-256) over the
 * whole file except the signature value, with the signed attributes content-type,
 * message-digest and signing-certificate-v2 and no signing-time attribute (the claimed time is
 * the signature dictionary's /M, as the baseline profile requires).
 *
 * @signpdf does the PDF side (placeholder via pdf-lib, /ByteRange, inserting the value); the CMS
 * is built here because @signpdf's P12Signer writes a signing-time attribute and no
 * signing-certificate-v2 (that is adbe.pkcs7.detached, not PAdES). The key comes from a PKCS#12
 * per authority (see `loadSeal`); RSA keys only (node-forge reads no EC keys from PKCS#12).
 *
 * Sealing must be the last change to the bytes: anything written afterwards breaks the seal.
 */

export interface Seal {
  /** The certificate's subject common name (the authority), as verifiers show it. */
  signerName: string;
  /** Certificates to embed: the seal certificate first, then its chain. */
  chain: forge.pki.Certificate[];
  key: ReturnType<typeof createPrivateKey>;
}

/** PKCS#12 bag types (RFC 7292). */
const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  cert: "1.2.840.113549.1.12.10.1.3",
};

/** Reads a PKCS#12 (PFX) with its passphrase; the key must match one of its certificates. */
export function sealFromPkcs12(p12Der: Uint8Array, passphrase: string): Seal {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12Der).toString("binary")));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, passphrase);
  } catch (err) {
    throw new Error(
      `Siegel-PKCS#12 lässt sich nicht lesen (falsche Passphrase oder keine PKCS#12-Datei): ${(err as Error).message}`,
    );
  }
  const bagsOf = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bagsOf(BAG.shroudedKey), ...bagsOf(BAG.key)].find((b) => b.key);
  if (!keyBag?.key) throw new Error("Siegel-PKCS#12 enthält keinen (RSA-)Schlüssel");
  const rsaKey = keyBag.key as forge.pki.rsa.PrivateKey;
  const certs = bagsOf(BAG.cert).flatMap((b) => (b.cert ? [b.cert] : []));
  const own = certs.find((c: forge.pki.Certificate) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(rsaKey.n) === 0 && pub.e?.compareTo(rsaKey.e) === 0;
  });
  if (!own) throw new Error("Siegel-PKCS#12: kein Zertifikat passt zum Schlüssel");
  const now = new Date();
  if (now < own.validity.notBefore || now > own.validity.notAfter) {
    throw new Error(
      `Siegelzertifikat ist nicht gültig (gültig ${own.validity.notBefore.toISOString()} bis ${own.validity.notAfter.toISOString()})`,
    );
  }
  return {
    signerName: commonName(own),
    chain: [own, ...certs.filter((c: forge.pki.Certificate) => c !== own)],
    key: createPrivateKey(forge.pki.privateKeyToPem(rsaKey)),
  };
}

function commonName(cert: forge.pki.Certificate): string {
  const field = cert.subject.getField("CN") ?? cert.subject.getField("O");
  const raw = typeof field?.value === "string" ? field.value : "";
  try {
    return forge.util.decodeUtf8(raw);
  } catch {
    return raw;
  }
}

// --- CMS (RFC 5652) with the PAdES baseline signed attributes ---------------------------------

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha256WithRSA: "1.2.840.113549.1.1.11",
};

const oid = (o: string) => asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const seq = (items: forge.asn1.Asn1[]) => asn1.create(U, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(U, asn1.Type.SET, true, items);
const int = (n: number) => asn1.create(U, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const octets = (b: Buffer) => asn1.create(U, asn1.Type.OCTETSTRING, false, b.toString("binary"));
const nul = () => asn1.create(U, asn1.Type.NULL, false, "");
const der = (a: forge.asn1.Asn1) => Buffer.from(asn1.toDer(a).getBytes(), "binary");

/** Issuer name and serial number exactly as encoded in the certificate. */
function issuerAndSerial(cert: forge.pki.Certificate): { issuer: forge.asn1.Asn1; serial: forge.asn1.Asn1 } {
  const tbs = (forge.pki.certificateToAsn1(cert).value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return { serial: fields[offset] as forge.asn1.Asn1, issuer: fields[offset + 2] as forge.asn1.Asn1 };
}

/** A detached CMS SignedData over `content` (PAdES B-B signed attributes, SHA-256, RSA PKCS#1 v1.5). */
export function cadesDetached(content: Uint8Array, seal: Seal): Buffer {
  const [cert, ...rest] = seal.chain;
  if (!cert) throw new Error("Siegel ohne Zertifikat");
  const certDer = der(forge.pki.certificateToAsn1(cert));
  const { issuer, serial } = issuerAndSerial(cert);
  const attribute = (type: string, value: forge.asn1.Asn1) => der(seq([oid(type), set([value])]));
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(createHash("sha256").update(content).digest())),
    // ESS signing-certificate-v2 (RFC 5035): binds the signer certificate into the signed data;
    // hashAlgorithm left out = SHA-256 (DEFAULT).
    attribute(
      OID.signingCertificateV2,
      seq([
        seq([
          seq([
            octets(createHash("sha256").update(certDer).digest()),
            seq([seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [issuer])]), serial]),
          ]),
        ]),
      ]),
    ),
  ].sort(Buffer.compare); // DER: the elements of a SET OF in ascending order of their encodings
  const attrNodes = attrs.map((a) => asn1.fromDer(forge.util.createBuffer(a.toString("binary"))));
  // The signature covers the attributes encoded as a SET (RFC 5652 5.4), stored as [0] IMPLICIT.
  const signature = sign("sha256", der(set(attrNodes)), seal.key);
  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    seq([oid(OID.sha256)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, attrNodes),
    seq([oid(OID.sha256WithRSA), nul()]),
    octets(signature),
  ]);
  const signedData = seq([
    int(1),
    set([seq([oid(OID.sha256)])]),
    seq([oid(OID.data)]),
    asn1.create(
      asn1.Class.CONTEXT_SPECIFIC,
      0,
      true,
      [cert, ...rest].map((c) => forge.pki.certificateToAsn1(c)),
    ),
    set([signerInfo]),
  ]);
  return der(seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

class CadesSigner extends Signer {
  constructor(private readonly seal: Seal) {
    super();
  }
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return cadesDetached(pdfBuffer, this.seal);
  }
}

export interface SealOptions {
  /** "Bescheid Az. 63-2026-00042". */
  reason: string;
  /** The authority's place or address (signature dictionary /Location). */
  location: string;
  contactInfo: string;
  /** The claimed signing time (/M); now unless given. */
  signingTime?: Date;
}

/** Room for the CMS in the placeholder (bytes): a 4096-bit key and a chain of three certificates fit. */
const SIGNATURE_LENGTH = 12_288;

/**
 * Seals a finished PDF: loads it with pdf-lib (without touching Producer/ModDate, so the XMP and
 * the Info dictionary stay in step), adds an invisible signature field with the placeholder,
 * writes it and fills in the CMS. `doc` may be passed when the caller already has the document
 * loaded (e.g. after drawing the verification mark).
 */
export async function sealPdf(
  input: Uint8Array | PDFDocument,
  seal: Seal,
  o: SealOptions,
): Promise<Uint8Array> {
  const doc = input instanceof PDFDocument ? input : await PDFDocument.load(input, { updateMetadata: false });
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: o.reason,
    contactInfo: o.contactInfo,
    name: seal.signerName,
    location: o.location,
    signingTime: o.signingTime ?? new Date(),
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signatureLength: SIGNATURE_LENGTH,
    appName: "Bauantrag",
  });
  const unsigned = Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
  const signed = await new SignPdf().sign(unsigned, new CadesSigner(seal));
  return new Uint8Array(signed);
}

// --- Where an authority's seal comes from -----------------------------------------------------

export interface SealSource {
  /** Folder with `<authorityId>.p12` and `<authorityId>.passphrase` per authority. */
  dir: string;
  /** May a development seal (own test CA, not trusted by anyone) be created where none is installed? */
  allowDevelopmentSeal: boolean;
}

const cache = new Map<string, { seal: Seal; loadedAt: number }>();
/** A replaced PKCS#12 (renewed certificate) is picked up within this time without a restart. */
const CACHE_MS = 5 * 60_000;

/**
 * The seal of one authority: its PKCS#12 from the seal folder, or — on a development machine or in
 * tests — a development seal created once (a local test CA issues a certificate named after the
 * authority; both kept in the folder, passphrase file mode 0600). In production without a seal
 * the call fails with a message that says which file is missing.
 */
export function loadSeal(source: SealSource, authority: { id: string; name: string }): Seal {
  const hit = cache.get(`${source.dir}\0${authority.id}`);
  if (hit && Date.now() - hit.loadedAt < CACHE_MS) return hit.seal;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(authority.id)) throw new Error("ungültige Behörden-ID");
  const p12File = path.join(source.dir, `${authority.id}.p12`);
  const passFile = path.join(source.dir, `${authority.id}.passphrase`);
  let p12: Buffer;
  let passphrase: string;
  try {
    p12 = readFileSync(p12File);
    passphrase = readFileSync(passFile, "utf8").replace(/\r?\n$/, "");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    if (!source.allowDevelopmentSeal) {
      throw new Error(
        `Für die Behörde „${authority.name}“ ist kein Siegel hinterlegt: ${p12File} und ${passFile} fehlen (README, Abschnitt „Elektronisches Siegel“)`,
      );
    }
    createDevelopmentSeal(source.dir, authority);
    p12 = readFileSync(p12File);
    passphrase = readFileSync(passFile, "utf8").replace(/\r?\n$/, "");
  }
  const seal = sealFromPkcs12(p12, passphrase);
  cache.set(`${source.dir}\0${authority.id}`, { seal, loadedAt: Date.now() });
  return seal;
}

export interface DevelopmentCa {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function rsaKeyPair(bits = 2048): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
} {
  // node:crypto generates the key in native code (forge's pure-JS generation takes seconds).
  const pair = generateKeyPairSync("rsa", { modulusLength: bits });
  const pem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const privateKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) };
}

function utf8Attrs(attrs: { shortName: string; value: string }[]) {
  return attrs.map((a) => ({
    shortName: a.shortName,
    value: a.value,
    valueTagClass: asn1.Type.UTF8 as unknown as forge.asn1.Class,
  }));
}

function serialNumber(): string {
  // Positive (first bit clear), 16 random bytes as CAs do.
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString("hex");
}

/** A test CA (for tests and the development seal): self-signed, 10 years, for certificates only. */
export function createTestCa(name = "Bauantrag Entwicklungs-CA (nicht vertrauenswürdig)"): DevelopmentCa {
  const { privateKey, publicKey } = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const subject = utf8Attrs([
    { shortName: "CN", value: name },
    { shortName: "O", value: "Bauantrag Entwicklung" },
  ]);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { cert, key: privateKey };
}

/**
 * A seal certificate issued by `ca` for an authority (CN and O = its name, country DE), with the
 * key usages of a seal (digital signature, content commitment), as PKCS#12 (3DES/SHA-1 MAC, which
 * every PKCS#12 reader accepts).
 */
export function issueSealPkcs12(
  ca: DevelopmentCa,
  authorityName: string,
  passphrase: string,
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Buffer {
  const { privateKey, publicKey } = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = validity.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notAfter = validity.notAfter ?? new Date(Date.now() + 3 * 365 * 86_400_000);
  cert.setSubject(
    utf8Attrs([
      { shortName: "CN", value: authorityName },
      { shortName: "O", value: authorityName },
      { shortName: "C", value: "DE" },
    ]),
  );
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, nonRepudiation: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(privateKey, [cert, ca.cert], passphrase, {
    algorithm: "3des",
    friendlyName: authorityName,
  });
  return Buffer.from(asn1.toDer(p12).getBytes(), "binary");
}

function createDevelopmentSeal(dir: string, authority: { id: string; name: string }): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeyFile = path.join(dir, "entwicklungs-ca.key.pem");
  const caCertFile = path.join(dir, "entwicklungs-ca.pem");
  let ca: DevelopmentCa;
  try {
    ca = {
      key: forge.pki.privateKeyFromPem(readFileSync(caKeyFile, "utf8")) as forge.pki.rsa.PrivateKey,
      cert: forge.pki.certificateFromPem(readFileSync(caCertFile, "utf8")),
    };
  } catch {
    const fresh = createTestCa();
    try {
      // "wx": two workers starting at once never overwrite each other's CA.
      writeFileSync(caKeyFile, forge.pki.privateKeyToPem(fresh.key), { flag: "wx", mode: 0o600 });
      writeFileSync(caCertFile, forge.pki.certificateToPem(fresh.cert), { flag: "wx" });
      ca = fresh;
    } catch {
      ca = {
        key: forge.pki.privateKeyFromPem(readFileSync(caKeyFile, "utf8")) as forge.pki.rsa.PrivateKey,
        cert: forge.pki.certificateFromPem(readFileSync(caCertFile, "utf8")),
      };
    }
  }
  const passphrase = randomBytes(24).toString("base64url");
  const p12 = issueSealPkcs12(ca, authority.name, passphrase);
  const passFile = path.join(dir, `${authority.id}.passphrase`);
  try {
    // Passphrase first: a reader that finds the .p12 always finds its passphrase too.
    writeFileSync(passFile, `${passphrase}\n`, { flag: "wx", mode: 0o600 });
    writeFileSync(path.join(dir, `${authority.id}.p12`), p12, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process created it meanwhile: wait (≤ 5 s) until its .p12 is there, then use that one.
    const p12File = path.join(dir, `${authority.id}.p12`);
    for (let i = 0; i < 50 && !existsSync(p12File); i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}
