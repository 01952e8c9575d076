import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import {
  clearStateCookie,
  continueOidcSignIn,
  createPendingLink,
  handleOidcCallback,
  resolveAccount,
} from "~/models/oidc.server";
import { clientIp } from "~/utils/auth.server";

/** The provider sends the browser back here with the code (or an error). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const providerId = params.provider ?? "";
  const meta = { ip: clientIp(context), userAgent: request.headers.get("User-Agent") };
  const headers = new Headers();
  headers.append("Set-Cookie", await clearStateCookie());
  const fail = (code: string) => {
    throw redirect(`/anmelden?${new URLSearchParams({ oidc: code, anbieter: providerId })}`, { headers });
  };
  const result = await handleOidcCallback(providerId, request);
  if (!result.ok) return fail(result.code);
  const account = await resolveAccount(result.provider, result.claims, meta);
  if (account.kind === "error") return fail(account.code);
  if (account.kind === "confirmLink") {
    headers.append(
      "Set-Cookie",
      await createPendingLink({
        provider: result.provider.id,
        subject: String(result.claims.sub),
        userId: account.userId,
        email: account.email,
        trustLevel:
          result.provider.trustLevelClaim &&
          typeof result.claims[result.provider.trustLevelClaim] === "string"
            ? (result.claims[result.provider.trustLevelClaim] as string)
            : null,
        idToken: result.idToken ?? null,
        redirectTo: result.redirectTo,
      }),
    );
    throw redirect("/anmelden/oidc/verknuepfen", { headers });
  }
  const next = await continueOidcSignIn(
    account.userId,
    result.provider,
    result.idToken ?? null,
    result.redirectTo,
    meta,
  );
  for (const cookie of next.cookies) headers.append("Set-Cookie", cookie);
  throw redirect(next.location, { headers });
}
