import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import forge from "node-forge";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSealPkcs12, saveAuthoritySeal } from "~/models/authority-seal.server";
import { db } from "~/utils/db.server";
import { startTestStorage } from "../../storage/test-support";
import { buildCase } from "../../test/kit/case";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { storeGenerated } from "../processors/generated";
import { renderBescheid } from "./bescheid";
import { sampleBescheid } from "./bescheid-samples";
import { createTestCa, type DevelopmentCa, issueSealPkcs12 } from "./seal";
import { sealForAuthority } from "./seal-source";
import { pdfSig } from "./seal-test-support";

let ca: DevelopmentCa;
let dir: string;
beforeAll(async () => {
  ca = createTestCa("Quellen-Test-CA");
  dir = await mkdtemp(path.join(tmpdir(), "seal-source-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sealForAuthority: stored seal, then SEAL_DIR, then (outside production) the development seal", () => {
  it("takes each source in that order", async () => {
    const d = await createTestDistrict("seal-source");
    const authority = { id: d.authority.id, name: d.authority.name };
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: authority.id });

    // Nothing anywhere, production: a clear error naming the missing files.
    await expect(sealForAuthority(db(), { dir, allowDevelopmentSeal: false }, authority)).rejects.toThrow(
      /kein Siegel hinterlegt/,
    );
    // SEAL_DIR file.
    await writeFile(
      path.join(dir, `${authority.id}.p12`),
      issueSealPkcs12(ca, "Aus dem Siegelordner", "pw-dir"),
    );
    await writeFile(path.join(dir, `${authority.id}.passphrase`), "pw-dir\n");
    const fromDir = await sealForAuthority(db(), { dir, allowDevelopmentSeal: false }, authority);
    expect(fromDir.signerName).toBe("Aus dem Siegelordner");
    // Stored by the admin: wins over the folder.
    const saved = await saveAuthoritySeal(
      { id: admin.id, authorityId: authority.id },
      issueSealPkcs12(ca, "Vom Admin hochgeladen", "pw-db"),
      "pw-db",
    );
    expect(saved.ok).toBe(true);
    const fromDb = await sealForAuthority(db(), { dir, allowDevelopmentSeal: false }, authority);
    expect(fromDb.signerName).toBe("Vom Admin hochgeladen");

    // Development seal only where allowed and nothing else is there.
    const other = await createTestDistrict("seal-source-dev");
    const devDir = path.join(dir, "dev");
    const dev = await sealForAuthority(
      db(),
      { dir: devDir, allowDevelopmentSeal: true },
      { id: other.authority.id, name: other.authority.name },
    );
    expect(dev.signerName).toBe(other.authority.name);
    expect(dev.chain[1]?.subject.getField("CN")?.value).toMatch(/Entwicklungs-CA/);
  });

  it("refuses a certificate whose key usage does not allow signing", () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = forge.pki.privateKeyFromPem(
      pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    ) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = "01";
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ shortName: "CN", value: "Nur Verschluesselung" }]);
    cert.setIssuer(ca.cert.subject.attributes);
    cert.setExtensions([{ name: "keyUsage", keyEncipherment: true, dataEncipherment: true, critical: true }]);
    cert.sign(ca.key, forge.md.sha256.create());
    const p12 = Buffer.from(
      forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, [cert], "pw", { algorithm: "3des" })).getBytes(),
      "binary",
    );
    expect(checkSealPkcs12(p12, "pw")).toEqual({
      ok: false,
      message: expect.stringContaining("erlaubt keine Signaturen"),
    });
  });

  it("the worker's store step seals an issued Bescheid with the certificate the admin uploaded (pdfsig)", async () => {
    const storage = await startTestStorage("seal-source");
    try {
      const c = await buildCase({ until: "submitted", label: "seal-source-store" });
      const admin = await sessionUser({ roles: ["ADMIN"], authorityId: c.district.authority.id });
      const name = `Siegel des Landkreises ${c.district.authority.id.slice(0, 6)}`;
      const saved = await saveAuthoritySeal(
        { id: admin.id, authorityId: c.district.authority.id },
        issueSealPkcs12(ca, name, "pw-store"),
        "pw-store",
      );
      expect(saved.ok).toBe(true);
      const sourceKey = `seal-source-${c.application.id}`;
      const r = await storeGenerated({
        db: db(),
        storage: storage.storage,
        log: pino({ level: "silent" }),
        app: { id: c.application.id, authorityId: c.district.authority.id },
        kind: "BESCHEID",
        keyKind: "notice",
        keyId: sourceKey,
        ext: "pdf",
        title: "Bescheid",
        filename: "bescheid.pdf",
        mimeType: "application/pdf",
        bytes: await renderBescheid(sampleBescheid()),
        eventType: "decision.bescheid-rendered",
        sourceKey,
        // An empty folder where no development seal may be made: only the stored seal can sign.
        sealSource: { dir: path.join(dir, "leer"), allowDevelopmentSeal: false },
        appUrl: "https://bauantrag.example",
      });
      const row = await db().generatedDocument.findUniqueOrThrow({ where: { id: r.generatedDocumentId } });
      expect(row.sealedBy).toBe(name);
      const bytes = Buffer.concat(await (await storage.storage.getStream(row.storageKey)).toArray());
      const { signatures } = await pdfSig(bytes);
      expect(signatures).toHaveLength(1);
      expect(signatures[0]).toMatchObject({ signerCommonName: name, validation: "Signature is Valid." });
    } finally {
      await storage.close();
    }
  }, 120_000);
});
