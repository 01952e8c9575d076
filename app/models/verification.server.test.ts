import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { FixedWindowLimiter } from "~/utils/rate-limit.server";
import { redis } from "~/utils/redis.server";
import { type BuiltCase, buildCase } from "../../test/kit/case";
import { newVerificationCode } from "../../workers/pdf/verification";
import { lookupVerification } from "./verification.server";

let c: BuiltCase;
const prefix = `test:verify:${randomBytes(4).toString("hex")}`;
const limiter = () => new FixedWindowLimiter(redis(), { prefix, max: 1000, windowSeconds: 60 });

async function issued(over: { title?: string; createdAt?: Date; kind?: string; code?: string | null } = {}) {
  const code = over.code === undefined ? newVerificationCode() : over.code;
  const sha256 = randomBytes(32).toString("hex");
  await db().generatedDocument.create({
    data: {
      applicationId: c.application.id,
      kind: over.kind ?? "BESCHEID",
      title: over.title ?? "Bescheid",
      filename: "bescheid.pdf",
      mimeType: "application/pdf",
      sizeBytes: 1234n,
      sha256,
      storageKey: `test/${randomUUID()}`,
      sourceKey: `test/${randomUUID()}`,
      verificationCode: code,
      sealedAt: new Date(),
      sealedBy: "Landkreis Test – Bauaufsicht",
      createdAt: over.createdAt ?? new Date(),
    },
  });
  return { code, sha256 };
}

beforeAll(async () => {
  c = await buildCase({ until: "submitted", label: "verification" });
}, 60_000);

afterAll(async () => {
  const keys = await redis().keys(`${prefix}*`);
  if (keys.length) await redis().del(...keys);
});

describe("lookupVerification (public check page)", () => {
  it("shows kind, Aktenzeichen, date, issuer and hash — and nothing about the people of the case", async () => {
    const { code, sha256 } = await issued();
    const r = await lookupVerification(
      code?.toLowerCase().replaceAll("-", " ") as string,
      { ip: "192.0.2.1" },
      limiter(),
    );
    expect(r.status).toBe("found");
    if (r.status !== "found") return;
    expect(r.document).toMatchObject({
      code,
      kindLabel: "Bescheid",
      fileNumber: c.application.fileNumber,
      issuer: "Landkreis Test – Bauaufsicht",
      sha256,
      sizeBytes: 1234,
      supersededAt: null,
    });
    expect(Object.keys(r.document).sort()).toEqual(
      [
        "code",
        "fileNumber",
        "issuedAt",
        "issuer",
        "kindLabel",
        "permitValidUntil",
        "sealedAt",
        "sha256",
        "sizeBytes",
        "supersededAt",
      ].sort(),
    );
  });

  it("a newer issue of the same document marks the older one as replaced", async () => {
    const old = await issued({
      title: "Eingangsbestätigung",
      kind: "RECEIPT",
      createdAt: new Date(Date.now() - 86_400_000),
    });
    await issued({ title: "Eingangsbestätigung", kind: "RECEIPT" });
    const r = await lookupVerification(old.code as string, { ip: "192.0.2.1" }, limiter());
    expect(r.status === "found" && r.document.supersededAt).toBeTruthy();
  });

  it("unknown, malformed and non-issued codes are not found", async () => {
    expect(await lookupVerification("0000-0000-0000", { ip: null }, limiter())).toEqual({
      status: "not-found",
      code: "0000-0000-0000",
    });
    expect(await lookupVerification("'; DROP TABLE x; --", { ip: null }, limiter())).toEqual({
      status: "not-found",
      code: null,
    });
    const xml = await issued({ kind: "XBAU_0200" });
    expect((await lookupVerification(xml.code as string, { ip: null }, limiter())).status).toBe("not-found");
  });

  it("is rate-limited per client address", async () => {
    const small = new FixedWindowLimiter(redis(), { prefix: `${prefix}:small`, max: 4, windowSeconds: 60 });
    const { code } = await issued();
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push((await lookupVerification(code as string, { ip: "198.51.100.7" }, small)).status);
    expect(results).toEqual(["found", "found", "found", "throttled"]);
    // Another address is not affected.
    expect((await lookupVerification(code as string, { ip: "198.51.100.8" }, small)).status).toBe("found");
  });
});
