import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { describeCondition, getCatalog, type Rule } from "~/domain/completeness";
import { documentTypeLabel } from "~/domain/document-types";
import { getAuthoritySettings } from "~/models/authority.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Vollständigkeitsregeln – Verwaltung – Bauantrag" }];

const KIND_LABELS: Record<Rule["kind"], string> = {
  field: "Pflichtangabe",
  document: "Unterlage",
  plausibility: "Plausibilität",
  notice: "Hinweis",
};

const SEVERITY_LABELS: Record<string, string> = {
  error: "blockiert Einreichung",
  "missing-document": "hochladen oder nachreichen",
  warning: "Warnung",
  info: "Information",
};

function requirementText(rule: Rule): string {
  switch (rule.kind) {
    case "document":
      return `Unterlage: ${rule.documentTypeCodes.map((c) => `${documentTypeLabel(c)} (${c})`).join(" oder ")}`;
    case "field":
      return rule.require
        ? describeCondition(rule.require)
        : `${rule.forEach ? `je Eintrag in ${rule.forEach}: ` : ""}${rule.path} angegeben`;
    case "plausibility":
      return `${rule.forEach ? `je Eintrag in ${rule.forEach}: ` : ""}${describeCondition(rule.require)}`;
    case "notice":
      return "–";
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:authority:own");
  const authority = await getAuthoritySettings(user.authorityId);
  if (!authority) notFound();
  const catalog = getCatalog(authority.landProfile);
  return {
    authorityName: authority.name,
    catalog: {
      id: catalog.id,
      name: catalog.name,
      profileId: catalog.profileId,
      rules: catalog.rules.map((rule) => ({
        id: rule.id,
        kind: rule.kind,
        kindLabel: KIND_LABELS[rule.kind],
        severity: SEVERITY_LABELS[rule.severity] ?? rule.severity,
        message: rule.message,
        legalBasis: rule.legalBasis,
        when: describeCondition(rule.when),
        requirement: requirementText(rule),
      })),
    },
  };
}

export default function RuleCatalog() {
  const { authorityName, catalog } = useLoaderData<typeof loader>();
  const counts = catalog.rules.reduce<Record<string, number>>((acc, r) => {
    acc[r.kindLabel] = (acc[r.kindLabel] ?? 0) + 1;
    return acc;
  }, {});
  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to="/verwaltung">
          Zurück zur Verwaltung
        </Link>
      </p>
      <PageHeader
        title="Vollständigkeitsregeln"
        lead={`Aktiver Regelkatalog für ${authorityName}: ${catalog.name} (Landesprofil ${catalog.profileId}). Antragstellende sehen diese Regeln beim Ausfüllen als Hinweise; bei der Einreichung prüft der Server dieselben Regeln.`}
      />
      <p className="kern-body" data-testid="rule-count">
        {catalog.rules.length} Regeln:{" "}
        {Object.entries(counts)
          .map(([k, n]) => `${n} × ${k}`)
          .join(", ")}
      </p>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--small app-table-stack app-rule-table">
          <caption className="kern-sr-only">Regeln des Katalogs {catalog.name}</caption>
          <thead className="kern-table__head">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">
                Regel
              </th>
              <th scope="col" className="kern-table__header">
                Art / Wirkung
              </th>
              <th scope="col" className="kern-table__header">
                Meldung
              </th>
              <th scope="col" className="kern-table__header">
                Rechtsgrundlage
              </th>
              <th scope="col" className="kern-table__header">
                Gilt wenn
              </th>
              <th scope="col" className="kern-table__header">
                Verlangt
              </th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {catalog.rules.map((r) => (
              <tr key={r.id} className="kern-table__row">
                <td className="kern-table__cell" data-label="Regel">
                  <code>{r.id}</code>
                </td>
                <td className="kern-table__cell" data-label="Art / Wirkung">
                  {r.kindLabel}
                  <div className="kern-body kern-body--small kern-body--muted">{r.severity}</div>
                </td>
                <td className="kern-table__cell" data-label="Meldung">
                  {r.message}
                </td>
                <td className="kern-table__cell" data-label="Rechtsgrundlage">
                  {r.legalBasis}
                </td>
                <td className="kern-table__cell" data-label="Gilt wenn">
                  {r.when}
                </td>
                <td className="kern-table__cell" data-label="Verlangt">
                  {r.requirement}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
