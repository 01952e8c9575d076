import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/app-shell";
import { DescriptionList } from "~/components/description-list";
import { daysLeft } from "~/domain/deadlines";
import { formatDate, isoString } from "~/domain/format";
import { countOf } from "~/domain/wording";
import { authorityStatistics } from "~/models/statistics.server";
import { can } from "~/utils/permissions";
import { requireAuthorityPermission } from "~/utils/permissions.server";

export const meta: MetaFunction = () => [{ title: "Statistik – Bauantrag" }];

/** Periods offered (months). Kept here, not in the .server model: the form renders them in the browser too. */
const MONTH_CHOICES = [6, 12, 24] as const;
const DEFAULT_MONTHS = 12;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "read:statistics:authority");
  const requested = new URL(request.url).searchParams.get("zeitraum");
  const months = MONTH_CHOICES.find((m) => String(m) === requested) ?? DEFAULT_MONTHS;
  const now = new Date();
  const stats = await authorityStatistics(user.authorityId, { months, now });
  return {
    months,
    now: now.toISOString(),
    stats,
    // Admins see the figures but do not open cases.
    canOpenCases: can(user, "read:application:authority"),
  };
}

const MONTH_NAMES = new Intl.DateTimeFormat("de-DE", { month: "long", year: "numeric", timeZone: "UTC" });

/** "März 2026" for "2026-03". */
function monthLabel(key: string): string {
  const [y, m] = key.split("-").map(Number) as [number, number];
  return MONTH_NAMES.format(new Date(Date.UTC(y, m - 1, 15)));
}

const decimal = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const percent = new Intl.NumberFormat("de-DE", { style: "percent", maximumFractionDigits: 0 });

/** "8,0 Tage (aus 4 Fällen)"; without cases no number at all. */
function basedOn(value: string, n: number): string {
  return n === 0 ? "noch keine Fälle im Zeitraum" : `${value} (aus ${cases(n)})`;
}

function cases(n: number): string {
  return n === 1 ? "1 Fall" : `${n} Fällen`;
}

function days(value: number | null): string {
  if (value === null) return "–";
  return `${decimal.format(value)} Tage`;
}

const KIND_LABELS: Record<string, string> = {
  MUNICIPAL_CONSENT: "Einvernehmen der Gemeinde",
  AGENCY_STATEMENT: "Stellungnahme der Fachstelle",
  AGENCY_CONSENT: "Zustimmung einer Fachbehörde",
};

export default function Statistik() {
  const { months, now, stats, canOpenCases } = useLoaderData<typeof loader>();
  const r = stats.requests;
  const overdueCaption =
    "Versandte oder geöffnete Beteiligungen ohne Antwort nach Fristablauf, älteste Frist zuerst" +
    (stats.overdue.count > stats.overdue.items.length
      ? ` (die ${stats.overdue.items.length} ältesten von ${stats.overdue.count})`
      : "");
  return (
    <>
      <PageHeader
        title="Statistik"
        lead={`Die Fälle Ihrer Behörde seit ${formatDate(stats.from)}: Eingänge, Bearbeitungsdauer, Nachforderungen und überfällige Beteiligungen.`}
      />

      <PeriodForm months={months} />

      <section aria-labelledby="kennzahlen" className="app-section">
        <h2 id="kennzahlen" className="kern-heading-medium">
          Kennzahlen
        </h2>
        <div data-testid="stat-figures">
          <DescriptionList
            items={[
              {
                label: "Eingegangen / vollständig / entschieden",
                value: `${stats.totals.received} / ${stats.totals.complete} / ${stats.totals.decided}`,
              },
              {
                label: "Median Eingang bis Vollständigkeit",
                value: basedOn(days(stats.medianDaysToComplete), stats.completeCount),
              },
              {
                label: "Median Eingang bis Entscheidung",
                value: basedOn(days(stats.medianDaysToDecision), stats.decidedCount),
              },
              {
                label: "Nachforderungen je eingegangenem Fall",
                value: `${r.perCase === null ? "–" : decimal.format(r.perCase)} (${countOf(r.requests, "request")} zu ${cases(r.cases)})`,
              },
              {
                label: "Fälle mit mindestens einer Nachforderung",
                value: `${r.share === null ? "–" : percent.format(r.share)} (${r.casesWithRequest} von ${r.cases})`,
              },
              { label: "Überfällige Beteiligungen", value: String(stats.overdue.count) },
            ]}
          />
        </div>
      </section>

      <section aria-labelledby="je-monat" className="app-section">
        <h2 id="je-monat" className="kern-heading-medium">
          Je Monat
        </h2>
        <p className="kern-body">
          Eingegangene, vollständige und entschiedene Anträge der letzten {months} Monate, neuester Monat
          zuerst.
        </p>
        <MonthTable months={stats.months} totals={stats.totals} />
        <p className="kern-body kern-body--small">
          Eingegangen zählt nach dem Eingangsdatum, vollständig nach der Bestätigung der Vollständigkeit,
          entschieden nach dem Datum des Bescheids (Monate nach deutscher Zeit). Die Mediane beziehen sich auf
          die Fälle, die im Zeitraum vollständig wurden bzw. entschieden wurden; die Nachforderungen auf die
          im Zeitraum eingegangenen Fälle.
        </p>
      </section>

      <section aria-labelledby="ueberfaellig" className="app-section">
        <h2 id="ueberfaellig" className="kern-heading-medium">
          Überfällige Beteiligungen
        </h2>
        <OverdueList overdue={stats.overdue} caption={overdueCaption} now={now} canOpenCases={canOpenCases} />
      </section>
    </>
  );
}

type Stats = ReturnType<typeof useLoaderData<typeof loader>>["stats"];

/** The period choice (GET, so the figures can be bookmarked and reloaded). */
function PeriodForm({ months }: { months: number }) {
  return (
    <Form
      method="get"
      aria-label="Zeitraum wählen"
      style={{ display: "flex", flexWrap: "wrap", gap: "1rem", alignItems: "end" }}
    >
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="zeitraum">
          Zeitraum
        </label>
        <div className="kern-form-input__select-wrapper">
          <select id="zeitraum" name="zeitraum" className="kern-form-input__select" defaultValue={months}>
            {MONTH_CHOICES.map((m) => (
              <option key={m} value={m}>
                letzte {m} Monate
              </option>
            ))}
          </select>
        </div>
      </div>
      <button type="submit" className="kern-btn kern-btn--secondary">
        <span className="kern-label">Anzeigen</span>
      </button>
    </Form>
  );
}

/** Received, complete and decided per month, newest first, with the period's totals. */
function MonthTable({ months, totals }: { months: Stats["months"]; totals: Stats["totals"] }) {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table app-table-stack" data-testid="stat-months">
        <caption className="kern-sr-only">
          Eingegangene, vollständige und entschiedene Anträge je Monat, neuester zuerst
        </caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Monat
            </th>
            <th scope="col" className="kern-table__header kern-table__header--numeric">
              Eingegangen
            </th>
            <th scope="col" className="kern-table__header kern-table__header--numeric">
              Vollständig
            </th>
            <th scope="col" className="kern-table__header kern-table__header--numeric">
              Entschieden
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {[...months].reverse().map((m) => (
            <tr key={m.month} className="kern-table__row">
              <th scope="row" className="kern-table__header">
                {monthLabel(m.month)}
              </th>
              <td className="kern-table__cell kern-table__cell--numeric" data-label="Eingegangen">
                {m.received}
              </td>
              <td className="kern-table__cell kern-table__cell--numeric" data-label="Vollständig">
                {m.complete}
              </td>
              <td className="kern-table__cell kern-table__cell--numeric" data-label="Entschieden">
                {m.decided}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="kern-table__row">
            <th scope="row" className="kern-table__header">
              Summe
            </th>
            <td className="kern-table__cell kern-table__cell--numeric" data-label="Eingegangen">
              {totals.received}
            </td>
            <td className="kern-table__cell kern-table__cell--numeric" data-label="Vollständig">
              {totals.complete}
            </td>
            <td className="kern-table__cell kern-table__cell--numeric" data-label="Entschieden">
              {totals.decided}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/**
 * Overdue participations, oldest deadline first; the case number links to the case only for
 * users who may open cases (admins see the figures, not the files).
 */
function OverdueList({
  overdue,
  caption,
  now,
  canOpenCases,
}: {
  overdue: Stats["overdue"];
  caption: string;
  now: string;
  canOpenCases: boolean;
}) {
  return overdue.count === 0 ? (
    <p className="kern-body" data-testid="stat-overdue-empty">
      Keine Beteiligung ist über ihre Frist hinaus unbeantwortet.
    </p>
  ) : (
    <div className="kern-table-responsive">
      <p className="kern-body">{caption}.</p>
      <table className="kern-table app-table-stack" data-testid="stat-overdue">
        <caption className="kern-sr-only">{caption}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Aktenzeichen / Vorhaben
            </th>
            <th scope="col" className="kern-table__header">
              Beteiligte Stelle
            </th>
            <th scope="col" className="kern-table__header">
              Frist
            </th>
            <th scope="col" className="kern-table__header">
              Status
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {overdue.items.map((p) => {
            const overdueDays = -daysLeft(new Date(p.deadline), new Date(now));
            return (
              <tr key={p.id} className="kern-table__row" data-testid="stat-overdue-row">
                <td className="kern-table__cell" data-label="Aktenzeichen / Vorhaben">
                  {canOpenCases ? (
                    <Link className="kern-link" to={`/behoerde/faelle/${p.applicationId}`}>
                      <strong>{p.fileNumber ?? "ohne Aktenzeichen"}</strong>
                    </Link>
                  ) : (
                    <strong>{p.fileNumber ?? "ohne Aktenzeichen"}</strong>
                  )}{" "}
                  {p.title}
                </td>
                <td className="kern-table__cell" data-label="Beteiligte Stelle">
                  {p.agencyName}
                  <br />
                  <span className="kern-body kern-body--small">{KIND_LABELS[p.kind] ?? p.kind}</span>
                </td>
                <td className="kern-table__cell" data-label="Frist">
                  <time dateTime={isoString(p.deadline)}>{formatDate(p.deadline)}</time>{" "}
                  <span className="kern-badge kern-badge--danger">
                    <span className="kern-label">
                      {overdueDays <= 1 ? "seit 1 Tag überfällig" : `seit ${overdueDays} Tagen überfällig`}
                    </span>
                  </span>
                </td>
                <td className="kern-table__cell" data-label="Status">
                  {p.status === "OPENED" ? "geöffnet" : "versandt"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
