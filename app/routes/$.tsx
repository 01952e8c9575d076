import { data } from "@remix-run/node";

/** Any unknown path: the root error boundary shows "Seite nicht gefunden" with status 404. */
export async function loader() {
  throw data(
    { message: "Die angeforderte Seite gibt es nicht. Bitte prüfen Sie die Adresse." },
    { status: 404 },
  );
}

export default function NotFound() {
  return null;
}
