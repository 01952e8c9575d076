import { db, type Tx } from "~/utils/db.server";

/** Settings of one authority (tenant). Callers pass the id from the signed-in user, never from the URL. */
export async function getAuthoritySettings(authorityId: string, client: Tx = db()) {
  return client.authority.findUnique({
    where: { id: authorityId },
    select: {
      id: true,
      slug: true,
      name: true,
      kind: true,
      agencyType: true,
      landProfile: true,
      fileNumberFormat: true,
      ags: true,
      email: true,
      addressLine: true,
      parent: { select: { id: true, name: true } },
      children: {
        select: { id: true, name: true, kind: true, agencyType: true, ags: true },
        orderBy: [{ kind: "asc" }, { name: "asc" }],
      },
    },
  });
}

export type AuthoritySettings = NonNullable<Awaited<ReturnType<typeof getAuthoritySettings>>>;
