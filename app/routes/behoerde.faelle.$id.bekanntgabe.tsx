import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { recordPostDelivery } from "~/models/bekanntgabe.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

/**
 * The clerk records the Bekanntgabe of the Bescheid on another way (post with Zustellung), posted
 * from the case page when the Bescheid was not retrieved from the portal (issue 14 item 4).
 * Success goes back to the case page; a refusal is shown here with the values entered.
 */

export const meta: MetaFunction = () => [{ title: "Zustellung erfassen – Bauantrag" }];

export async function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/behoerde/faelle/${params.id ?? ""}`);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "decide:application:authority");
  const id = params.id ?? "";
  const form = await request.formData();
  const input = {
    method: String(form.get("method") ?? ""),
    deliveredOn: String(form.get("deliveredOn") ?? ""),
    note: String(form.get("note") ?? ""),
  };
  const r = await recordPostDelivery(user, id, input);
  if (r.ok) return redirect(`/behoerde/faelle/${id}?bekanntgabe=erfasst#bekanntgabe-heading`);
  return { message: r.message, values: input };
}

export default function RecordPostDelivery() {
  const data = useActionData<typeof action>();
  const { id } = useParams();
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Zustellung erfassen</h1>
      <div className="app-section app-stack">
        <Alert tone="danger" title="Nicht möglich" announce>
          <p className="kern-body" data-testid="post-delivery-error">
            {data?.message ?? "Bitte erfassen Sie die Zustellung auf der Seite des Falls."}
          </p>
        </Alert>
        {data?.values ? (
          <p className="kern-body">
            Ihre Angaben: Datum „{data.values.deliveredOn || "–"}“
            {data.values.note ? `, Vermerk „${data.values.note}“` : ""}.
          </p>
        ) : null}
        <p className="kern-body">
          <Link className="kern-link" to={`/behoerde/faelle/${id ?? ""}#bekanntgabe-heading`}>
            Zurück zum Fall
          </Link>
        </p>
      </div>
    </div>
  );
}
