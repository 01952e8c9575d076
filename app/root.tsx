// Must stay the first import: configures zod before any module builds a schema (CSP, see there).
import "~/utils/zod-jitless";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { Shell, type ShellUser } from "~/components/app-shell";
import { unreadCount } from "~/models/notification.server";
import antragStyles from "~/styles/antrag.css";
import appStyles from "~/styles/app.css";
import { getUser } from "~/utils/auth.server";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/kern/fonts/fira-sans.css" },
  { rel: "stylesheet", href: "/kern/kern.min.css" },
  { rel: "stylesheet", href: appStyles },
  { rel: "stylesheet", href: antragStyles },
];

export const meta: MetaFunction = ({ error }) => {
  if (!error) return [{ title: "Bauantrag" }];
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 404 ? "Seite nicht gefunden" : status === 403 ? "Keine Berechtigung" : "Fehler";
  return [{ title: `${title} – Bauantrag` }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const shellUser: ShellUser | null = user
    ? {
        displayName: user.displayName,
        email: user.email,
        roles: [...user.roles],
        authority: user.authority ? { name: user.authority.name } : null,
        unreadNotifications: await unreadCount(user.id),
      }
    : null;
  return { user: shellUser };
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  return (
    <html lang="de" data-kern-theme="light">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Shell user={data?.user ?? null}>{children}</Shell>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

function errorMessage(error: unknown): string | undefined {
  if (
    isRouteErrorResponse(error) &&
    error.data &&
    typeof error.data === "object" &&
    "message" in error.data
  ) {
    const m = (error.data as { message?: unknown }).message;
    return typeof m === "string" ? m : undefined;
  }
  return undefined;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Es ist ein Fehler aufgetreten";
  let text =
    "Ihre Anfrage konnte gerade nicht bearbeitet werden. Ihre bisherigen Eingaben sind gespeichert, soweit Sie sie abgeschickt hatten. Bitte versuchen Sie es in einigen Minuten erneut.";
  if (isRouteErrorResponse(error) && error.status === 404) {
    title = "Seite nicht gefunden";
    text =
      errorMessage(error) ??
      "Die angeforderte Seite gibt es nicht oder sie ist für Sie nicht sichtbar. Bitte prüfen Sie die Adresse.";
  } else if (isRouteErrorResponse(error) && error.status === 403) {
    title = "Keine Berechtigung";
    text = errorMessage(error) ?? "Sie haben keine Berechtigung für diese Seite oder Aktion.";
  } else if (!isRouteErrorResponse(error)) {
    console.error(error);
  }
  return (
    <div className="app-narrow app-stack">
      <h1 className="kern-heading-large">{title}</h1>
      <p className="kern-body kern-body--large">{text}</p>
      <p className="kern-body">
        <Link className="kern-link" to="/">
          Zur Startseite
        </Link>
      </p>
    </div>
  );
}
