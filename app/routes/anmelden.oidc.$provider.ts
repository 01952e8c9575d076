import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { startOidcSignIn } from "~/models/oidc.server";
import { safeRedirect } from "~/utils/auth.server";

/** Starts the sign-in at an identity provider (authorization code + PKCE, state, nonce). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const providerId = params.provider ?? "";
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "/");
  const result = await startOidcSignIn(providerId, redirectTo);
  if (!result.ok) {
    throw redirect(`/anmelden?${new URLSearchParams({ oidc: result.code, anbieter: providerId })}`);
  }
  throw redirect(result.url, { headers: { "Set-Cookie": result.setCookie } });
}
