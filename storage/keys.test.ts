import { describe, expect, it } from "vitest";
import { parseEndpoint } from "./config.ts";
import { asciiFallback, contentDisposition, sanitizeFilename } from "./content-disposition.ts";
import { StorageKeyError, StorageLimitError } from "./errors.ts";
import { assertSafeKey, documentVersionKey, generatedKey } from "./keys.ts";

const ids = { authorityId: "auth-1", applicationId: "app_2", documentId: "doc3", versionId: "v4" };

describe("key builder", () => {
  it("builds tenant-scoped keys", () => {
    expect(documentVersionKey(ids)).toBe("tenants/auth-1/cases/app_2/documents/doc3/versions/v4");
    expect(generatedKey({ ...ids, kind: "receipt", id: "r1", ext: ".PDF" })).toBe(
      "tenants/auth-1/cases/app_2/generated/receipt/r1.pdf",
    );
  });

  it.each(["../", "..", ".", "a/b", "a\\b", "", " x", "x\u0000", "ä", "-lead", "x".repeat(129)])(
    "rejects the segment %j",
    (bad) => {
      expect(() => documentVersionKey({ ...ids, documentId: bad })).toThrow(StorageKeyError);
      expect(() => documentVersionKey({ ...ids, authorityId: bad })).toThrow(StorageKeyError);
      expect(() => generatedKey({ ...ids, kind: "pdf", id: bad, ext: "pdf" })).toThrow(StorageKeyError);
    },
  );

  it("rejects bad kinds and extensions", () => {
    expect(() => generatedKey({ ...ids, kind: "../x", id: "a", ext: "pdf" })).toThrow(StorageKeyError);
    expect(() => generatedKey({ ...ids, kind: "pdf", id: "a", ext: "p/df" })).toThrow(StorageKeyError);
    expect(() => generatedKey({ ...ids, kind: "pdf", id: "a", ext: "" })).toThrow(StorageKeyError);
  });

  it("assertSafeKey refuses traversal, absolute and control characters", () => {
    for (const bad of ["../x", "a/../b", "/a", "a//b", "a/./b", "a\\b", "a\nb", ""]) {
      expect(() => assertSafeKey(bad), bad).toThrow(StorageKeyError);
    }
    expect(assertSafeKey("tenants/a/cases/b")).toBe("tenants/a/cases/b");
  });
});

describe("content disposition", () => {
  it("strips paths, control and header characters", () => {
    expect(sanitizeFilename("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFilename('C:\\Pläne\\"Bau";antrag\r\n.pdf')).toBe("Bauantrag.pdf");
    expect(sanitizeFilename("...")).toBe("download");
    expect(sanitizeFilename("")).toBe("download");
    const long = sanitizeFilename(`${"ä".repeat(300)}.pdf`);
    expect(Array.from(long)).toHaveLength(180);
    expect(long.endsWith(".pdf")).toBe(true);
  });

  it("encodes umlauts per RFC 5987 with an ASCII fallback", () => {
    expect(asciiFallback("Übersicht Straße café.pdf")).toBe("Uebersicht Strasse cafe.pdf");
    expect(contentDisposition("Baubeschreibung (Änderung) 'neu'.pdf")).toBe(
      `attachment; filename="Baubeschreibung (Aenderung) 'neu'.pdf"; filename*=UTF-8''Baubeschreibung%20%28%C3%84nderung%29%20%27neu%27.pdf`,
    );
    expect(contentDisposition("plan.pdf", true)).toBe(
      `inline; filename="plan.pdf"; filename*=UTF-8''plan.pdf`,
    );
  });
});

describe("S3_ENDPOINT parsing", () => {
  it.each([
    ["minio", {}, { endPoint: "minio", port: 80, useSSL: false }],
    ["minio:9000", {}, { endPoint: "minio", port: 9000, useSSL: false }],
    ["http://minio:9000", {}, { endPoint: "minio", port: 9000, useSSL: false }],
    ["https://s3.example.org/", {}, { endPoint: "s3.example.org", port: 443, useSSL: true }],
    ["https://s3.example.org:9443/path", {}, { endPoint: "s3.example.org", port: 9443, useSSL: true }],
    ["minio:9000", { port: 9100 }, { endPoint: "minio", port: 9100, useSSL: false }],
    ["s3.example.org", { useSSL: true }, { endPoint: "s3.example.org", port: 443, useSSL: true }],
    ["http://[::1]:9000", {}, { endPoint: "::1", port: 9000, useSSL: false }],
  ] as const)("%s %j", (raw, overrides, expected) => {
    expect(parseEndpoint(raw, { useSSL: false, ...overrides })).toEqual(expected);
  });

  it("rejects other schemes", () => {
    expect(() => parseEndpoint("ftp://minio", { useSSL: false })).toThrow(/http/);
  });
});

describe("StorageLimitError", () => {
  it("says the limit in German megabytes", () => {
    expect(new StorageLimitError(250 * 1024 * 1024).message).toBe(
      "Die Datei ist größer als das erlaubte Maximum von 250 MB.",
    );
    expect(new StorageLimitError(1.5 * 1024 * 1024).message).toBe(
      "Die Datei ist größer als das erlaubte Maximum von 1,5 MB.",
    );
  });
});
