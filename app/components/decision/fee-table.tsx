import type { FeeLine } from "~/domain/fees";
import { formatEuro } from "~/domain/format";

/** The fee calculation line by line (draft editor, decided view). */
export function FeeTable({
  lines,
  totalCents,
  caption = "Gebührenberechnung",
}: {
  lines: readonly FeeLine[];
  totalCents: number;
  caption?: string;
}) {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--small app-table-stack" data-testid="fee-table">
        <caption className="kern-title kern-sr-only">{caption}</caption>
        <thead className="kern-table__head">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">
              Position
            </th>
            <th scope="col" className="kern-table__header">
              Berechnung
            </th>
            <th scope="col" className="kern-table__header" style={{ textAlign: "right" }}>
              Betrag
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {lines.map((l) => (
            <tr key={l.label} className="kern-table__row" data-testid="fee-line">
              <td className="kern-table__cell" data-label="Position">
                {l.label}
              </td>
              <td className="kern-table__cell" data-label="Berechnung">
                {l.basis}
                {l.tariff ? (
                  <>
                    <br />
                    <span className="kern-body--small">Tarifstelle: {l.tariff}</span>
                  </>
                ) : null}
              </td>
              <td
                className="kern-table__cell"
                data-label="Betrag"
                style={{ textAlign: "right", whiteSpace: "nowrap" }}
              >
                {formatEuro(l.amountCents)}
              </td>
            </tr>
          ))}
          <tr className="kern-table__row">
            <th scope="row" className="kern-table__cell" colSpan={2}>
              Gesamt
            </th>
            <td
              className="kern-table__cell kern-body--bold"
              data-label="Gesamt"
              style={{ textAlign: "right", whiteSpace: "nowrap" }}
              data-testid="fee-total"
            >
              {formatEuro(totalCents)}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
