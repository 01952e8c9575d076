import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { PageHeader } from "~/components/app-shell";
import { requireUser } from "~/utils/auth.server";
import { homePathFor } from "~/utils/permissions";

/** `/` sends everyone to their role's home page; a user without any role sees a short notice. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const home = homePathFor(user);
  if (home) throw redirect(home);
  return null;
}

export default function Index() {
  return (
    <PageHeader
      title="Willkommen"
      lead="Ihrem Konto ist noch keine Rolle zugewiesen. Bitte wenden Sie sich an die Administration Ihrer Behörde."
    />
  );
}
