import { beforeAll, describe, expect, it } from "vitest";
import { getDraftForMember, saveDraftSection } from "~/models/draft.server";
import { sendAnswer } from "~/models/request.server";
import { sendRequest } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { createCompleteDraft, createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./antraege.$id.bearbeiten.$step";

// The form steps of a submitted case open only while a request (Nachforderung) is open.

let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("step-route");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

async function load(
  user: SessionUser,
  id: string,
  step: string,
): Promise<{ status: number; location?: string }> {
  const { status, location } = await loadRoute(loader, user, `/antraege/${id}/bearbeiten/${step}`, {
    id,
    step,
  });
  return location === undefined ? { status } : { status, location };
}

describe("/antraege/:id/bearbeiten/:step for a submitted case", () => {
  it("redirects outside a request, opens during one, redirects again after the answer", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    expect(await load(architect, id, "vorhaben")).toEqual({ status: 200 });
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [],
    });
    if (!s.ok) throw new Error(JSON.stringify(s));
    expect(await load(architect, id, "vorhaben")).toEqual({ status: 302, location: `/antraege/${id}` });

    const r = await sendRequest(clerk, id, {
      items: [{ category: "02", message: "Bitte die Nutzung genauer beschreiben", fieldPath: "project.use" }],
      message: "",
      internalNote: "",
      deadline: new Date(Date.now() + 7 * 86_400_000),
    });
    if (!r.ok) throw new Error(r.message);
    expect(await load(architect, id, "vorhaben")).toEqual({ status: 200 });

    const view = await getDraftForMember(architect, id);
    const saved = await saveDraftSection(architect, id, {
      section: "project",
      value: { ...(view?.data.project as object), description: "Genauer beschrieben" },
      expectedVersion: view?.version as number,
    });
    expect(saved.ok).toBe(true);
    expect(await sendAnswer(architect, id, r.requestId)).toEqual({ ok: true });
    expect(await load(architect, id, "vorhaben")).toEqual({ status: 302, location: `/antraege/${id}` });
  });
});

describe("autosave of a draft step (issue 14 item 6)", () => {
  it("saves without redirecting and answers with the new version; a reload shows the saved text", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id);
    const path = `/antraege/${id}/bearbeiten/vorhaben`;
    const view = await getDraftForMember(architect, id);
    const project = view?.data.project as Record<string, unknown>;
    const form = (expectedVersion: number, description: string) => {
      const body = new URLSearchParams();
      body.set("intent", "autosave");
      body.set("expectedVersion", String(expectedVersion));
      for (const [k, v] of Object.entries(project)) {
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") body.set(k, String(v));
      }
      body.set("description", description);
      return body;
    };
    const saved = await postRoute(action, architect, path, form(version, "Autogespeicherter Text"), {
      id,
      step: "vorhaben",
    });
    expect(saved).toMatchObject({ status: 200, data: { kind: "autosaved", version: version + 1 } });
    const reloaded = await loadRoute(loader, architect, path, { id, step: "vorhaben" });
    expect((reloaded.data as { values: { description?: string } }).values.description).toBe(
      "Autogespeicherter Text",
    );

    // A stale version is not overwritten silently: no new version, a German reason.
    const stale = await postRoute(action, architect, path, form(version, "Veraltet"), {
      id,
      step: "vorhaben",
    });
    expect(stale.status).toBe(200);
    expect(stale.data).toMatchObject({ kind: "autosave-failed" });
    expect(stale.data).not.toHaveProperty("version");
    expect((stale.data as { message: string }).message).toMatch(/zwischenzeitlich/);
    const after = await getDraftForMember(architect, id);
    expect((after?.data.project as { description?: string } | undefined)?.description).toBe(
      "Autogespeicherter Text",
    );

    // Another user's draft: not found, nothing saved.
    const stranger = await sessionUser({ roles: ["ARCHITECT"] });
    const foreign = await postRoute(action, stranger, path, form(version + 1, "Fremd"), {
      id,
      step: "vorhaben",
    });
    expect(foreign.status).toBe(404);
  });
});

describe("Gemeinde suggestions of the plot step", () => {
  it("the loader hands the authority's AGS to the form, so the suggestions are narrowed to its district", async () => {
    const { id } = await createCompleteDraft(architect, district.gemeinde.id);
    const out = await loadRoute(loader, architect, `/antraege/${id}/bearbeiten/grundstueck`, {
      id,
      step: "grundstueck",
    });
    expect(out.status).toBe(200);
    expect((out.data as { application: { authorityAgs: string | null } }).application.authorityAgs).toBe(
      "13074000",
    );
  });
});
