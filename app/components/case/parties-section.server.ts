import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ClerkPartiesData } from "~/components/case/parties-section";
import { berlinDate } from "~/domain/deadlines";
import { getBekanntgabeForClerk, POST_DELIVERY_METHODS } from "~/models/bekanntgabe.server";
import { getSubmissionBasisForClerk } from "~/models/submission-consent.server";
import { can } from "~/utils/permissions";
import { requireAuthorityPermission } from "~/utils/permissions.server";

/** Loader part of the clerk's case page for issue 14 (submission basis, Bekanntgabe); tenant-scoped. */
export async function loadClerkParties({ request, params }: LoaderFunctionArgs): Promise<ClerkPartiesData> {
  const user = await requireAuthorityPermission(request, "read:application:authority");
  const id = params.id ?? "";
  const [basis, bekanntgabe] = await Promise.all([
    getSubmissionBasisForClerk(user, id),
    getBekanntgabeForClerk(user, id),
  ]);
  const b = basis?.basis ?? null;
  return {
    caseId: id,
    basis: b
      ? {
          kind: b.kind,
          byName: b.byName,
          at: b.at,
          filename: b.filename,
          applicationVersion: b.applicationVersion,
        }
      : null,
    bekanntgabe,
    postMethods: Object.entries(POST_DELIVERY_METHODS).map(([value, label]) => ({ value, label })),
    today: berlinDate(new Date()),
    recorded: new URL(request.url).searchParams.get("bekanntgabe") === "erfasst",
    mayRecord: can(user, "decide:application:authority"),
  };
}
