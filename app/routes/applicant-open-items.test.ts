import { beforeAll, describe, expect, it } from "vitest";
import { confirmComplete, sendRequest, startReview } from "~/models/review.server";
import { submitApplication } from "~/models/submission.server";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import {
  addDocumentVersion,
  createCompleteDraft,
  createTestDistrict,
  sessionUser,
} from "../../test/kit/draft-fixtures";
import { loadRoute } from "../../test/kit/route";
import { loader } from "./antraege.$id._index";

// Issue 14 item 5: "Offene Punkte (1): Wärmeschutznachweis fehlt" closes when the file is there,
// request items close when answered, and nothing is open once the case is decided.

const WAERME = "2805";
let district: Awaited<ReturnType<typeof createTestDistrict>>;
let architect: SessionUser;
let clerk: SessionUser;

beforeAll(async () => {
  district = await createTestDistrict("open-items");
  architect = await sessionUser({ roles: ["ARCHITECT"] });
  clerk = await sessionUser({ roles: ["CLERK"], authorityId: district.authority.id });
});

async function openItems(id: string) {
  const r = await loadRoute(loader, architect, `/antraege/${id}`, { id });
  return (r.data as { openItems: { key: string; message: string; source: string }[] }).openItems;
}

describe("open items of a submitted case (applicant overview)", () => {
  it("close on upload and on answer; none after the decision", async () => {
    const { id, version } = await createCompleteDraft(architect, district.gemeinde.id, {
      skipDocuments: [WAERME],
    });
    const s = await submitApplication(architect, id, {
      expectedVersion: version,
      laterDocumentTypeCodes: [WAERME],
    });
    if (!s.ok) throw new Error(JSON.stringify(s));
    const before = await openItems(id);
    expect(before).toHaveLength(1);
    expect(before[0]?.message).toMatch(/Wärmeschutz/);

    // The authority requests something else as well: listed until answered.
    await startReview(clerk, id);
    const sent = await sendRequest(clerk, id, {
      items: [{ category: "01", message: "Bitte die Stellplätze angeben." }],
      message: "",
      internalNote: "",
      deadline: new Date(Date.now() + 14 * 86_400_000),
    });
    if (!sent.ok) throw new Error(sent.message);
    expect((await openItems(id)).map((o) => o.source)).toEqual(["completeness", "request"]);

    // The Wärmeschutznachweis arrives: that item is gone.
    await addDocumentVersion(id, WAERME, architect.id);
    expect((await openItems(id)).map((o) => o.source)).toEqual(["request"]);
    const item = await db().requestItem.findFirstOrThrow({ where: { requestId: sent.requestId } });
    await db().requestItem.update({
      where: { id: item.id },
      data: { answeredAt: new Date(), answerText: "2 Stellplätze" },
    });
    expect(await openItems(id)).toEqual([]);

    // A case decided with a document still marked "wird nachgereicht" shows no open items.
    const other = await createCompleteDraft(architect, district.gemeinde.id, { skipDocuments: [WAERME] });
    const s2 = await submitApplication(architect, other.id, {
      expectedVersion: other.version,
      laterDocumentTypeCodes: [WAERME],
    });
    if (!s2.ok) throw new Error(JSON.stringify(s2));
    expect(await openItems(other.id)).toHaveLength(1);
    const done = await confirmComplete(clerk, other.id);
    expect(done.ok).toBe(true);
    await db().application.update({ where: { id: other.id }, data: { status: "DECIDED" } });
    expect(await openItems(other.id)).toEqual([]);
  });
});
