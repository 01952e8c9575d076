import { describe, expect, it } from "vitest";
import { db } from "~/utils/db.server";
import { createTestDistrict, sessionUser } from "../../test/kit/draft-fixtures";
import { loadRoute, postRoute } from "../../test/kit/route";
import { action, loader } from "./verwaltung.bescheide";

function settingsForm(patch: Record<string, string> = {}): FormData {
  const f = new FormData();
  const values: Record<string, string> = {
    legalRemedyText: "",
    feeScheduleJson: "",
    orgUnit: "Fachdienst Bauordnung",
    phone: "03841 3040-6300",
    officeHours: "Di 9–12 Uhr",
    paymentPayee: "Landkreis Test, Kreiskasse",
    paymentIban: "DE89 3704 0044 0532 0130 00",
    paymentBic: "COBADEFFXXX",
    paymentDueDays: "30",
    paymentReferenceFormat: "KZ-{YYYY}-{NNNNNN}",
    ...patch,
  };
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe("/verwaltung/bescheide: letterhead and payment", () => {
  it("the admin saves the letterhead and a valid IBAN; a wrong IBAN comes back in German with the input kept", async () => {
    const d = await createTestDistrict("bescheide-route");
    const admin = await sessionUser({ roles: ["ADMIN"], authorityId: d.authority.id });
    const page = await loadRoute(loader, admin, "/verwaltung/bescheide");
    expect(page.status).toBe(200);
    expect((page.data as { letter: { paymentReferenceFormat: string } }).letter.paymentReferenceFormat).toBe(
      "KZ-{YYYY}-{NNNNNN}",
    );

    const refused = await postRoute(
      action,
      admin,
      "/verwaltung/bescheide",
      settingsForm({ paymentIban: "DE89 3704 0044 0532 0130 09" }),
    );
    expect(refused.status).toBe(200);
    expect(refused.data).toMatchObject({
      ok: false,
      field: "paymentIban",
      message: expect.stringContaining("Prüfziffern"),
      values: { letter: { paymentIban: "DE89 3704 0044 0532 0130 09", orgUnit: "Fachdienst Bauordnung" } },
    });
    expect(
      (await db().authority.findUniqueOrThrow({ where: { id: d.authority.id } })).paymentIban,
    ).toBeNull();

    const saved = await postRoute(action, admin, "/verwaltung/bescheide", settingsForm());
    expect(saved).toMatchObject({ status: 302, location: "/verwaltung/bescheide?gespeichert=1" });
    expect(await db().authority.findUniqueOrThrow({ where: { id: d.authority.id } })).toMatchObject({
      orgUnit: "Fachdienst Bauordnung",
      paymentIban: "DE89370400440532013000",
      paymentDueDays: 30,
    });
  });

  it("is for the authority's admin only", async () => {
    const d = await createTestDistrict("bescheide-route-clerk");
    const clerk = await sessionUser({ roles: ["CLERK"], authorityId: d.authority.id });
    expect((await loadRoute(loader, clerk, "/verwaltung/bescheide")).status).toBe(403);
    expect((await postRoute(action, clerk, "/verwaltung/bescheide", settingsForm())).status).toBe(403);
  });
});
