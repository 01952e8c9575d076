import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { ConfirmAction, carriedFields, isConfirmed } from "~/components/confirm-action";
import { isIsoDate } from "~/domain/bekanntgabe";
import { berlinDate } from "~/domain/deadlines";
import { formatDate } from "~/domain/format";
import {
  getBekanntgabeForClerk,
  POST_DELIVERY_METHODS,
  type PostDeliveryMethod,
  recordPostDelivery,
} from "~/models/bekanntgabe.server";
import type { SessionUser } from "~/models/user.server";
import { requireAuthorityPermission } from "~/utils/permissions.server";

/**
 * The clerk records the Bekanntgabe of the Bescheid on another way (post with Zustellung), posted
 * from the case page when the Bescheid was not retrieved from the portal (issue 14 item 4).
 * Irreversible (the Bekanntgabe date starts the Rechtsbehelfsfrist and the validity): the first post
 * shows a confirmation page naming that, only the confirmed post records (issue 14 item 6).
 * Success goes back to the case page; a refusal is shown here with the values entered.
 */

export const meta: MetaFunction = () => [{ title: "Zustellung erfassen – Bauantrag" }];

// No redirect here: after a post Remix reloads this route's data, and a redirect would replace the
// confirmation page (or the refusal) with the case page. A direct visit shows the way back.
export async function loader(_args: LoaderFunctionArgs) {
  return null;
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
  if (!isConfirmed(form)) {
    // What would refuse the record is said before the confirmation; the model checks it all again.
    const refusal = await precheck(user, id, input);
    if (refusal) return { message: refusal, values: input };
    return {
      confirm: {
        fields: carriedFields(form),
        methodLabel: POST_DELIVERY_METHODS[input.method as PostDeliveryMethod],
        deliveredOn: input.deliveredOn.trim(),
      },
    };
  }
  const r = await recordPostDelivery(user, id, input);
  if (r.ok) return redirect(`/behoerde/faelle/${id}?bekanntgabe=erfasst#bekanntgabe-heading`);
  return { message: r.message, values: input };
}

async function precheck(
  user: SessionUser,
  id: string,
  input: { method: string; deliveredOn: string },
): Promise<string | null> {
  if (!(input.method in POST_DELIVERY_METHODS)) return "Bitte wählen Sie, wie der Bescheid zugestellt wurde.";
  const on = input.deliveredOn.trim();
  if (!isIsoDate(on)) return "Bitte geben Sie das Datum der Zustellung an (TT.MM.JJJJ).";
  if (on > berlinDate(new Date())) return "Das Datum der Zustellung darf nicht in der Zukunft liegen.";
  // Scoped to the clerk's authority: a foreign case reads as "no Bescheid".
  const view = await getBekanntgabeForClerk(user, id);
  if (!view) return "Zu diesem Fall gibt es keinen erlassenen Bescheid.";
  if (view.postDelivery) return "Für diesen Bescheid ist bereits eine Zustellung erfasst.";
  if (view.via === "RETRIEVAL") {
    return `Der Bescheid ist bereits durch Abruf bekannt gegeben (am ${formatDate(view.bekanntgabe ?? "")}); eine Zustellung muss nicht erfasst werden.`;
  }
  return null;
}

export default function RecordPostDelivery() {
  const data = useActionData<typeof action>();
  const { id } = useParams();
  if (data && "confirm" in data) {
    return (
      <div className="app-narrow">
        <h1 className="kern-heading-large">Zustellung erfassen?</h1>
        <ConfirmAction
          title="Bitte bestätigen Sie die Zustellung per Post"
          intro={`Erfasst wird: ${data.confirm.methodLabel}, zugestellt am ${formatDate(data.confirm.deliveredOn)}.`}
          consequences={[
            "Der Bescheid gilt an diesem Tag als bekannt gegeben; ab dann laufen die Widerspruchsfrist und die Geltungsdauer der Genehmigung.",
            "Die Zustellung wird mit Datum in der Akte vermerkt und ist für die Antragsseite im Verlauf sichtbar.",
            "Die Angabe kann danach nicht mehr geändert werden; ein späterer Abruf im Portal ändert das Datum der Bekanntgabe nicht mehr, wenn er nach dieser Zustellung liegt.",
          ]}
          confirmLabel="Ja, Zustellung jetzt erfassen"
          fields={data.confirm.fields}
          cancel={{ href: `/behoerde/faelle/${id ?? ""}#bekanntgabe-heading`, label: "Abbrechen" }}
        />
      </div>
    );
  }
  return (
    <div className="app-narrow">
      <h1 className="kern-heading-large">Zustellung erfassen</h1>
      <div className="app-section app-stack">
        <Alert tone="danger" title="Nicht möglich" announce>
          <p className="kern-body" data-testid="post-delivery-error">
            {data && "message" in data
              ? data.message
              : "Bitte erfassen Sie die Zustellung auf der Seite des Falls."}
          </p>
        </Alert>
        {data && "values" in data && data.values ? (
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
