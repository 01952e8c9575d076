import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { providerLogoutUrl } from "~/models/oidc.server";
import { logout } from "~/utils/auth.server";
import { getSession } from "~/utils/session.server";

/** POST only: deletes the session row and clears the cookie. A GET just goes home. */
export async function action({ request }: ActionFunctionArgs) {
  // Signed in through an identity provider: after ending our session, end the provider's too
  // (RP-initiated logout) where it offers an end-session endpoint.
  const session = await getSession(request);
  const providerLogout = session ? await providerLogoutUrl(session.sessionId) : null;
  const setCookie = await logout(request);
  return redirect(providerLogout ?? "/anmelden?abgemeldet=1", { headers: { "Set-Cookie": setCookie } });
}

export async function loader() {
  return redirect("/");
}
