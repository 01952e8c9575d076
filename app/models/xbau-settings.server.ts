import { Prisma } from "~/generated/prisma/client";
import type { SessionUser } from "~/models/user.server";
import { db } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { forbidden } from "~/utils/permissions.server";
import { checkKennung, splitKennung } from "~/xbau/identity.server";

/**
 * XBau identities (admin, /verwaltung/xbau): the Behördenkennung in the directory service (DVDV
 * "<präfix>:<kennung>") and the registered name of the admin's own authority and of the Gemeinden
 * and Fachstellen registered under it (the addressees of its 0300). Always scoped to the admin's
 * authority from the session; another tenant's authority is never found.
 */

function adminAuthority(admin: SessionUser): string {
  if (!can(admin, "manage:authority:own") || !admin.authorityId) forbidden();
  return admin.authorityId;
}

const scope = (authorityId: string) => ({ OR: [{ id: authorityId }, { parentId: authorityId }] });

export interface XbauIdentityRow {
  id: string;
  name: string;
  kind: string;
  own: boolean;
  prefix: string;
  code: string;
  registeredName: string;
}

export async function getXbauSettings(admin: SessionUser): Promise<XbauIdentityRow[]> {
  const authorityId = adminAuthority(admin);
  const rows = await db().authority.findMany({
    where: scope(authorityId),
    select: { id: true, name: true, kind: true, xbauKennung: true, xbauName: true },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
  return rows
    .map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      own: r.id === authorityId,
      ...splitKennung(r.xbauKennung),
      registeredName: r.xbauName ?? "",
    }))
    .sort((a, b) => Number(b.own) - Number(a.own));
}

export interface XbauIdentityInput {
  id: string;
  prefix: string;
  code: string;
  registeredName: string;
}

export type SaveXbauResult = { ok: true } | { ok: false; id: string; field: string; message: string };

export async function saveXbauSettings(
  admin: SessionUser,
  entries: XbauIdentityInput[],
): Promise<SaveXbauResult> {
  const authorityId = adminAuthority(admin);
  const allowed = await db().authority.findMany({
    where: { ...scope(authorityId), id: { in: entries.map((e) => e.id) } },
    select: { id: true, name: true },
  });
  const names = new Map(allowed.map((a) => [a.id, a.name]));
  const updates: { id: string; xbauKennung: string | null; xbauName: string | null }[] = [];
  const seen = new Map<string, string>();
  for (const e of entries) {
    const name = names.get(e.id);
    // Not the admin's authority nor one registered under it: as if it did not exist.
    if (!name) return { ok: false, id: e.id, field: "prefix", message: "Diese Behörde gibt es hier nicht." };
    const registeredName = e.registeredName.trim();
    if (registeredName.length > 200)
      return {
        ok: false,
        id: e.id,
        field: "name",
        message: `${name}: Der Name ist zu lang (höchstens 200 Zeichen).`,
      };
    if (!e.prefix.trim() && !e.code.trim()) {
      updates.push({ id: e.id, xbauKennung: null, xbauName: registeredName || null });
      continue;
    }
    const checked = checkKennung(e.prefix, e.code);
    if (!checked.ok)
      return { ok: false, id: e.id, field: checked.field, message: `${name}: ${checked.message}` };
    const other = seen.get(checked.kennung);
    if (other)
      return {
        ok: false,
        id: e.id,
        field: "code",
        message: `${name}: Die Kennung ${checked.kennung} ist schon für ${other} angegeben; jede Kennung bezeichnet genau eine Behörde.`,
      };
    seen.set(checked.kennung, name);
    updates.push({ id: e.id, xbauKennung: checked.kennung, xbauName: registeredName || null });
  }
  try {
    await db().$transaction(async (tx) => {
      // First clear, then set: two authorities may swap their Kennungen in one save.
      for (const u of updates)
        await tx.authority.updateMany({
          where: { id: u.id, ...scope(authorityId) },
          data: { xbauKennung: null },
        });
      for (const u of updates)
        await tx.authority.updateMany({
          where: { id: u.id, ...scope(authorityId) },
          data: { xbauKennung: u.xbauKennung, xbauName: u.xbauName },
        });
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return {
        ok: false,
        id: entries[0]?.id ?? "",
        field: "code",
        message:
          "Eine der Kennungen ist bereits für eine andere Behörde eingetragen. Jede DVDV-Kennung bezeichnet genau eine Behörde; bitte prüfen Sie die Angaben.",
      };
    }
    throw err;
  }
  return { ok: true };
}
