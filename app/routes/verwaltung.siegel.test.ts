import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { createTestCa, type DevelopmentCa, issueSealPkcs12, sealPdf } from "../../workers/pdf/seal";
import { sealForAuthority } from "../../workers/pdf/seal-source";
import { pdfSig } from "../../workers/pdf/seal-test-support";
import { action, loader } from "./verwaltung.siegel";

const PATH = "/verwaltung/siegel";

let ca: DevelopmentCa;
let emptyDir: string;
beforeAll(async () => {
  ca = createTestCa("Siegeltest-CA");
  emptyDir = await mkdtemp(path.join(tmpdir(), "siegel-leer-"));
});
afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

function uploadForm(p12: Uint8Array, passphrase: string): FormData {
  const form = new FormData();
  form.append("passphrase", passphrase);
  form.append("p12", new Blob([new Uint8Array(p12)], { type: "application/x-pkcs12" }), "siegel.p12");
  return form;
}

async function storedRow(authorityId: string) {
  return db().authoritySeal.findUnique({ where: { authorityId } });
}

type Page = {
  seal: { subject: string; fingerprintSha256: string; uploadedBy: string; serialNumber: string } | null;
  history: { label: string }[];
};

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText("Bescheid", { x: 50, y: 780 });
  return doc.save();
}

describe("/verwaltung/siegel", () => {
  let admin: SessionUser;
  let authority: { id: string; name: string };
  beforeAll(async () => {
    const d = await createTestDistrict("siegel-route");
    authority = d.authority;
    admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
  });

  it("accepts a valid PKCS#12, shows only its public details, and the worker seals with it (pdfsig: signer = its subject)", async () => {
    const passphrase = `geheim-${randomBytes(6).toString("hex")}`;
    const subjectName = `Landkreis Siegeltest ${randomBytes(3).toString("hex")}`;
    const p12 = issueSealPkcs12(ca, subjectName, passphrase);
    const saved = await postRoute(action, admin, PATH, uploadForm(p12, passphrase));
    expect(saved).toMatchObject({ status: 302, location: `${PATH}?gespeichert=1` });

    const page = await loadRoute(loader, admin, PATH);
    expect(page.status).toBe(200);
    const data = page.data as Page;
    expect(data.seal?.subject).toBe(`CN=${subjectName}, O=${subjectName}, C=DE`);
    expect(data.seal?.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(data.seal?.uploadedBy).toBe(admin.displayName);
    expect(data.history.map((h) => h.label)).toEqual(["Siegelzertifikat der Behörde hinterlegt"]);

    // Stored encrypted: neither the passphrase nor the file in clear in the row…
    const row = await storedRow(authority.id);
    expect(row).not.toBeNull();
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(passphrase);
    expect(rowText).not.toContain(p12.toString("base64").slice(0, 40));
    // …and nothing secret in what the loader returns.
    const out = JSON.stringify(page.data);
    for (const secret of [passphrase, p12.toString("base64").slice(0, 40), row!.p12Enc, row!.passphraseEnc]) {
      expect(out).not.toContain(secret);
    }
    expect(out).not.toMatch(/p12Enc|passphraseEnc/);

    // The worker's choice: the stored seal comes before SEAL_DIR and the development seal.
    const seal = await sealForAuthority(db(), { dir: emptyDir, allowDevelopmentSeal: false }, authority);
    expect(seal.signerName).toBe(subjectName);
    const sealed = await sealPdf(await onePagePdf(), seal, {
      reason: "Bescheid Az. TEST",
      location: "Teststadt",
      contactInfo: "test@example.org",
    });
    const sig = await pdfSig(sealed);
    expect(sig.signatures).toHaveLength(1);
    expect(sig.signatures[0]).toMatchObject({
      signerCommonName: subjectName,
      validation: "Signature is Valid.",
      totalDocumentSigned: true,
    });

    // Replacing: upload again; the history records it, the new certificate is used from now on.
    const renewed = issueSealPkcs12(ca, `${subjectName} neu`, passphrase);
    const replaced = await postRoute(action, admin, PATH, uploadForm(renewed, passphrase));
    expect(replaced).toMatchObject({ status: 302, location: `${PATH}?ersetzt=1` });
    const after = (await loadRoute(loader, admin, PATH)).data as Page;
    expect(after.seal?.subject).toContain(`${subjectName} neu`);
    expect(after.seal?.fingerprintSha256).not.toBe(data.seal?.fingerprintSha256);
    expect(after.history.map((h) => h.label)).toEqual([
      "Siegelzertifikat der Behörde ersetzt",
      "Siegelzertifikat der Behörde hinterlegt",
    ]);
    const resealed = await sealForAuthority(db(), { dir: emptyDir, allowDevelopmentSeal: false }, authority);
    expect(resealed.signerName).toBe(`${subjectName} neu`);
  });

  it("refuses a wrong passphrase, an expired certificate, a file that is no PKCS#12 and a too large file in German, storing nothing", async () => {
    const d = await createTestDistrict("siegel-fehler");
    const other = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const good = issueSealPkcs12(ca, "Stadt Fehlerfall", "richtig");
    const expired = issueSealPkcs12(ca, "Stadt Abgelaufen", "pw", {
      notBefore: new Date(Date.now() - 3 * 365 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const cases: [FormData, RegExp][] = [
      [uploadForm(good, "falsch"), /Passphrase passt nicht/],
      [uploadForm(expired, "pw"), /Zertifikat ist abgelaufen \(gültig bis \d{2}\.\d{2}\.\d{4}\)/],
      [uploadForm(Buffer.from("%PDF-1.7\nkein Zertifikat\n"), "pw"), /keine PKCS#12-Datei/],
      [uploadForm(randomBytes(100 * 1024 + 1), "pw"), /zu groß: höchstens 100 KB/],
      [uploadForm(new Uint8Array(0), "pw"), /Bitte wählen Sie die PKCS#12-Datei/],
    ];
    for (const [form, message] of cases) {
      const r = await postRoute(action, other, PATH, form);
      expect(r.status).toBe(200);
      expect(r.data).toMatchObject({ ok: false, message: expect.stringMatching(message) });
    }
    expect(await storedRow(d.authority.id)).toBeNull();
    expect(
      await db().securityEvent.count({
        where: { authorityId: d.authority.id, kind: { startsWith: "SEAL_" } },
      }),
    ).toBe(0);
  });

  it("is scoped to the admin's own authority; clerks get 403", async () => {
    const a = await createTestDistrict("siegel-a");
    const b = await createTestDistrict("siegel-b");
    const adminA = await sessionUser({ roles: ["ADMIN"], authorityId: a.authority.id });
    const adminB = await sessionUser({ roles: ["ADMIN"], authorityId: b.authority.id });
    const clerkA = await sessionUser({ roles: ["CLERK"], authorityId: a.authority.id });
    const p12 = issueSealPkcs12(ca, "Landkreis A", "pw-a");
    expect((await postRoute(action, adminA, PATH, uploadForm(p12, "pw-a"))).status).toBe(302);
    const before = await storedRow(a.authority.id);

    // B's admin sees no seal (not A's) and an upload by B lands at B, A's stays as it was.
    expect(((await loadRoute(loader, adminB, PATH)).data as Page).seal).toBeNull();
    const p12b = issueSealPkcs12(ca, "Landkreis B", "pw-b");
    expect((await postRoute(action, adminB, PATH, uploadForm(p12b, "pw-b"))).status).toBe(302);
    expect(await storedRow(a.authority.id)).toEqual(before);
    expect(((await loadRoute(loader, adminB, PATH)).data as Page).seal?.subject).toContain("Landkreis B");
    expect(((await loadRoute(loader, adminA, PATH)).data as Page).seal?.subject).toContain("Landkreis A");

    expect((await loadRoute(loader, clerkA, PATH)).status).toBe(403);
    expect((await postRoute(action, clerkA, PATH, uploadForm(p12, "pw-a"))).status).toBe(403);
    expect((await loadRoute(loader, null, PATH)).status).toBe(302);
    expect(await storedRow(a.authority.id)).toEqual(before);
  });
});
