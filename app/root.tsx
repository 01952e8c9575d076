import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import type { ReactNode } from "react";
import appStyles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: "/kern/fonts/fira-sans.css" },
  { rel: "stylesheet", href: "/kern/kern.min.css" },
  { rel: "stylesheet", href: appStyles },
];

export const meta: MetaFunction = () => [{ title: "Bauantrag" }];

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="de" data-kern-theme="light">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}
