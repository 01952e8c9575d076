import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { logout } from "~/utils/auth.server";

/** POST only: deletes the session row and clears the cookie. A GET just goes home. */
export async function action({ request }: ActionFunctionArgs) {
  const setCookie = await logout(request);
  return redirect("/anmelden?abgemeldet=1", { headers: { "Set-Cookie": setCookie } });
}

export async function loader() {
  return redirect("/");
}
