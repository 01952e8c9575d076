import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/alert";
import { PageHeader } from "~/components/app-shell";
import { ConfirmAction, carriedFields, isCancelled, isConfirmed } from "~/components/confirm-action";
import { IntentButton } from "~/components/intent-button";
import { ConsentRefusalActions } from "~/components/participation/consent-refusal";
import { applyDocsIntent, readRows, rowFor, StartForm } from "~/components/participation/start-form";
import { StatusBadge } from "~/components/status";
import { berlinDate } from "~/domain/deadlines";
import { formatDate } from "~/domain/format";
import { PARTICIPATION_KIND_LABELS } from "~/domain/participation";
import { conditionKindLabel } from "~/domain/statements";
import { isUuid } from "~/models/application.server";
import { getCaseHeaderForClerk } from "~/models/case-file.server";
import {
  acceptConsentRefusal,
  closeParticipation,
  getParticipationBoard,
  getParticipationProposal,
  grantExtension,
  type ParticipationProposal,
  refuseExtension,
  replaceRefusedConsent,
  startParticipation,
} from "~/models/participation.server";
import { notFound, requireAuthorityPermission } from "~/utils/permissions.server";

/**
 * Beteiligung of a case (clerk): the suggested agencies with their reasons as pre-checked rows,
 * agencies added from the ones registered under the authority, documents per agency (current
 * versions, all by default), deadline, question and consequence of silence; "Beteiligung
 * starten". Below, the board with each agency's state, deadline, days left, statement, pending
 * extension requests (grant/refuse) and packages, and "Beteiligung abschließen". Plain forms:
 * everything works without JavaScript (adding an agency is then a round trip).
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Beteiligung ${data?.proposal.application.fileNumber ?? ""} – Bauantrag` },
];

const NOT_FOUND = "Diesen Fall gibt es in Ihrer Behörde nicht.";
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireAuthorityPermission(request, "request:participation:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  const [proposal, board] = await Promise.all([
    getParticipationProposal(user, id),
    getParticipationBoard(user, id),
  ]);
  if (!proposal || !board) notFound(NOT_FOUND);
  const url = new URL(request.url);
  return {
    proposal,
    board,
    today: berlinDate(new Date()),
    notice: url.searchParams.get("ok"),
    // "Beteiligung abschließen" is irreversible: its confirmation page (issue 14 item 6).
    confirmClose: url.searchParams.get("bestaetigen") === "abschliessen" && board.some((b) => !b.closedAt),
  };
}

/** What the confirmation page of "Beteiligung starten" lists: one line per chosen agency. */
function startSummary(rows: ReturnType<typeof readRows>, proposal: ParticipationProposal) {
  const names = new Map<string, string>();
  for (const a of proposal.agencies) names.set(a.id, a.name);
  for (const s of proposal.suggestions) if (s.agency) names.set(s.agency.id, s.agency.name);
  return rows
    .filter((r) => r.keep)
    .map((r) => ({
      agency: names.get(r.agencyId) ?? "Unbekannte Stelle",
      kindLabel: PARTICIPATION_KIND_LABELS[r.kind] ?? r.kind,
      deadline: r.deadline,
      documentCount: r.documentVersionIds.length,
      consequence: proposal.consequences[r.kind] ?? "",
    }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireAuthorityPermission(request, "request:participation:authority");
  const id = params.id ?? "";
  if (!isUuid(id)) notFound(NOT_FOUND);
  // Every intent is about this case: a case of another authority is "not found" before anything.
  const own = await getCaseHeaderForClerk(user.authorityId, id);
  if (!own) notFound(NOT_FOUND);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const back = (ok: string) => redirect(`/behoerde/faelle/${id}/beteiligung?ok=${ok}`);

  if (intent.startsWith("docs-")) {
    // Without JavaScript: "Alle auswählen" / "Keine" of one row, keeping everything typed so far.
    const proposal = await getParticipationProposal(user, id);
    if (!proposal) notFound(NOT_FOUND);
    return { rows: applyDocsIntent(intent, readRows(form), proposal), message: null, boardMessage: null };
  }
  if (intent === "add" || intent === "start") {
    const rows = readRows(form);
    if (intent === "add") {
      // Without JavaScript: adding an agency is a round trip that keeps everything typed so far.
      const proposal = await getParticipationProposal(user, id);
      if (!proposal) notFound(NOT_FOUND);
      const added = rowFor(proposal, String(form.get("addAgencyId") ?? ""));
      if (added && !rows.some((r) => r.agencyId === added.agencyId)) rows.push(added);
      return { rows, message: null, boardMessage: null };
    }
    const chosen = rows.filter((r) => r.keep);
    // Irreversible (the documents go out, deadlines start): the first post shows the confirmation
    // page with everything typed carried along; "Zurück" returns to the filled form.
    if (isCancelled(form)) return { rows, message: null, boardMessage: null };
    if (!isConfirmed(form)) {
      if (chosen.length === 0) {
        return {
          rows,
          message: "Bitte wählen Sie mindestens eine Stelle aus, die beteiligt werden soll.",
          boardMessage: null,
        };
      }
      const proposal = await getParticipationProposal(user, id);
      if (!proposal) notFound(NOT_FOUND);
      return {
        rows,
        message: null,
        boardMessage: null,
        confirmStart: { fields: carriedFields(form), agencies: startSummary(rows, proposal) },
      };
    }
    const result = await startParticipation(
      user,
      id,
      chosen.map((r) => ({
        agencyId: r.agencyId,
        documentVersionIds: r.documentVersionIds,
        deadline: r.deadline,
        question: r.question,
        reason: r.reason,
        kind: r.kind,
      })),
    );
    if (!result.ok) return { rows, message: result.message, boardMessage: null };
    return back("gestartet");
  }
  if (intent === "grant" || intent === "refuse") {
    const extensionId = String(form.get("extensionId") ?? "");
    const note = String(form.get("note") ?? "");
    const result =
      intent === "grant"
        ? await grantExtension(user, extensionId, {
            deadline: String(form.get("deadline") ?? "") || null,
            note,
          })
        : await refuseExtension(user, extensionId, { note });
    if (!result.ok) return { rows: null, message: null, boardMessage: result.message };
    return back(intent === "grant" ? "verlaengert" : "abgelehnt");
  }
  if (intent === "accept-refusal") {
    const result = await acceptConsentRefusal(user, String(form.get("participationId") ?? ""));
    if (!result.ok) return { rows: null, message: null, boardMessage: result.message };
    return back("ablehnung");
  }
  if (intent === "replace-consent") {
    const result = await replaceRefusedConsent(user, String(form.get("participationId") ?? ""), {
      reasons: String(form.get("reasons") ?? ""),
      heard: form.get("heard") === "on",
    });
    if (!result.ok) return { rows: null, message: null, boardMessage: result.message };
    return back("ersetzt");
  }
  if (intent === "close") {
    // Irreversible: a bare post is sent to the confirmation page first.
    if (!isConfirmed(form)) throw redirect(`/behoerde/faelle/${id}/beteiligung?bestaetigen=abschliessen`);
    const result = await closeParticipation(user, id);
    if (!result.ok) return { rows: null, message: null, boardMessage: result.message };
    return back("abgeschlossen");
  }
  return { rows: null, message: null, boardMessage: "Unbekannte Aktion." };
}

const NOTICES: Record<string, string> = {
  gestartet: "Die Beteiligung wurde gestartet. Die Pakete werden erstellt und den Stellen zugestellt.",
  verlaengert: "Die Frist wurde verlängert; die Stelle wurde benachrichtigt.",
  abgelehnt: "Die Fristverlängerung wurde abgelehnt; die Stelle wurde benachrichtigt.",
  abgeschlossen: "Die Beteiligung ist abgeschlossen. Die Stellen können keine neuen Unterlagen mehr öffnen.",
  ersetzt:
    "Das versagte Einvernehmen ist ersetzt und in der Akte vermerkt. Der Bescheid begründet die Ersetzung.",
  ablehnung:
    "Die Versagung ist in der Akte vermerkt: Eine Genehmigung ist nicht möglich. Bereiten Sie unter „Bescheid“ die Ablehnung vor.",
};

export default function ParticipationPage() {
  const { proposal, board, today, notice, confirmClose } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const app = proposal.application;
  const anyOpen = board.some((b) => !b.closedAt);
  const lead = `${app.title || "Antrag ohne Titel"}, Aktenzeichen ${app.fileNumber ?? "–"}`;

  const confirmStart = actionData && "confirmStart" in actionData ? actionData.confirmStart : null;
  if (confirmStart) {
    return (
      <>
        <PageHeader title="Beteiligung starten?" lead={lead} />
        <ConfirmAction
          title="Bitte bestätigen Sie den Start der Beteiligung"
          intro="Eine gestartete Beteiligung kann nicht zurückgenommen werden."
          consequences={[
            `${confirmStart.agencies.length === 1 ? "Eine Stelle erhält" : `${confirmStart.agencies.length} Stellen erhalten`} ein Beteiligungspaket mit den ausgewählten Unterlagen und wird benachrichtigt; die Freigabe der Unterlagen lässt sich nicht zurückholen.`,
            "Die Fristen laufen ab heute; was bei Schweigen bis zum Fristende gilt, steht bei jeder Stelle.",
            "Der Fall wechselt in den Status „Beteiligung“.",
          ]}
          confirmLabel="Ja, Beteiligung jetzt starten"
          fields={confirmStart.fields}
          cancel={{ post: true, label: "Zurück zur Auswahl" }}
        >
          <ul className="kern-list" data-testid="confirm-agencies">
            {confirmStart.agencies.map((a) => (
              <li key={`${a.agency}-${a.deadline}`}>
                {a.agency} – {a.kindLabel}, Frist bis {formatDate(a.deadline)}, {a.documentCount}{" "}
                {a.documentCount === 1 ? "Unterlage" : "Unterlagen"}
                {a.consequence ? `. ${a.consequence}` : ""}
              </li>
            ))}
          </ul>
        </ConfirmAction>
      </>
    );
  }
  if (confirmClose) {
    const open = board.filter((b) => !b.closedAt);
    const waiting = open.filter((b) => !b.statement && b.status !== "DEEMED_CONSENT");
    return (
      <>
        <PageHeader title="Beteiligung abschließen?" lead={lead} />
        <ConfirmAction
          title="Bitte bestätigen Sie den Abschluss der Beteiligung"
          intro="Der Abschluss kann nicht rückgängig gemacht werden."
          consequences={[
            "Die beteiligten Stellen können die Unterlagen des Falls nicht mehr öffnen und keine Stellungnahme mehr abgeben; ihre Stellungnahmen und Pakete bleiben erhalten.",
            "Der Fall geht in die Entscheidung; eine neue Beteiligung in dieser Runde ist nicht mehr möglich.",
            waiting.length > 0
              ? `Noch ohne Antwort: ${waiting.map((b) => b.agencyName).join(", ")}.`
              : "Alle Stellen haben geantwortet oder ihre Frist ist mit Fiktion abgelaufen.",
          ]}
          confirmLabel="Ja, Beteiligung jetzt abschließen"
          fields={[["intent", "close"]]}
          cancel={{ href: `/behoerde/faelle/${app.id}/beteiligung`, label: "Abbrechen" }}
        />
      </>
    );
  }

  return (
    <>
      <p className="kern-body">
        <Link className="kern-link" to={`/behoerde/faelle/${app.id}`}>
          Zurück zum Fall
        </Link>
      </p>
      <PageHeader title="Beteiligung" lead={lead} />
      <p className="kern-body">
        Status: <StatusBadge status={app.status} />
      </p>
      {notice && NOTICES[notice] ? (
        <Alert tone="success" title="Erledigt" announce>
          <p className="kern-body" data-testid="participation-notice">
            {NOTICES[notice]}
          </p>
        </Alert>
      ) : null}

      {board.length > 0 ? (
        <section className="app-section" aria-labelledby="board-title">
          <h2 className="kern-heading-medium" id="board-title">
            Beteiligte Stellen
          </h2>
          {actionData?.boardMessage ? (
            <Alert tone="danger" title="Nicht ausgeführt" announce>
              <p className="kern-body" data-testid="board-error">
                {actionData.boardMessage}
              </p>
            </Alert>
          ) : null}
          <div style={{ overflowX: "auto" }}>
            <table className="kern-table" data-testid="participation-board">
              <caption className="kern-title">Stand der Beteiligung</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">
                    Stelle
                  </th>
                  <th className="kern-table__header" scope="col">
                    Status
                  </th>
                  <th className="kern-table__header" scope="col">
                    Frist
                  </th>
                  <th className="kern-table__header" scope="col">
                    Tage
                  </th>
                  <th className="kern-table__header" scope="col">
                    Stellungnahme
                  </th>
                  <th className="kern-table__header" scope="col">
                    Aktionen
                  </th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {board.map((b) => (
                  <tr
                    className="kern-table__row"
                    key={b.id}
                    data-testid="board-row"
                    data-agency={b.agencyName}
                  >
                    <th className="kern-table__cell" scope="row">
                      {b.agencyName}
                      <br />
                      <small className="kern-body kern-body--small">
                        {b.kindLabel} · {b.documentCount} Unterlagen
                      </small>
                    </th>
                    <td className="kern-table__cell">
                      <span className={`kern-badge kern-badge--${b.stateTone}`} data-testid="board-state">
                        <span className="kern-label">{b.stateLabel}</span>
                      </span>
                    </td>
                    <td className="kern-table__cell">{formatDate(b.deadline)}</td>
                    <td className="kern-table__cell" data-testid="board-days">
                      {b.daysLeft === null ? "–" : b.daysLeft < 0 ? `${-b.daysLeft} überfällig` : b.daysLeft}
                    </td>
                    <td className="kern-table__cell" data-testid="board-statement">
                      {b.statement ? (
                        <>
                          <strong>{b.statement.outcomeLabel}</strong>
                          {b.statement.late ? (
                            <span className="kern-badge kern-badge--warning" data-testid="statement-late">
                              <span className="kern-label">nicht fristgerecht</span>
                            </span>
                          ) : null}
                          {b.statement.conditions.length > 0 ? (
                            <ul className="kern-list">
                              {b.statement.conditions.map((c, i) => (
                                // biome-ignore lint/suspicious/noArrayIndexKey: conditions are immutable and ordered
                                <li key={i}>
                                  {conditionKindLabel(c.kind)}: {c.text}
                                </li>
                              ))}
                            </ul>
                          ) : null}
                          {b.statement.reasons ? (
                            <p className="kern-body kern-body--small">{b.statement.reasons}</p>
                          ) : null}
                        </>
                      ) : b.status === "DEEMED_CONSENT" ? (
                        <span>Keine Antwort – {b.kindLabel} gilt als erteilt</span>
                      ) : b.overdue && !b.silenceIsConsent ? (
                        <span data-testid="statement-missing">
                          Keine Stellungnahme bis zum Fristende – nicht fristgerecht, keine Fiktion. Eine
                          später eingehende Stellungnahme bleibt unberücksichtigt, es sei denn, sie ist für
                          die Rechtmäßigkeit der Entscheidung von Bedeutung.
                        </span>
                      ) : (
                        "–"
                      )}
                      {b.files.length > 0 ? (
                        <ul className="kern-list" data-testid="board-files">
                          {b.files.map((f) => (
                            <li key={f.id}>
                              <a className="kern-link" href={f.href} download>
                                {f.kindLabel}
                              </a>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                    <td className="kern-table__cell">
                      {b.consentRefused ? (
                        <ConsentRefusalActions
                          participationId={b.id}
                          kind={b.kind}
                          agencyName={b.agencyName}
                          replacementBasis={proposal.consentReplacementBasis}
                          busy={busy}
                        />
                      ) : null}
                      {b.replacedAt ? (
                        <p className="kern-body kern-body--small" data-testid="consent-replaced">
                          Ersetzt am {formatDate(b.replacedAt)}: {b.replacementReasons}
                        </p>
                      ) : null}
                      {b.pendingExtensions.map((e) => (
                        <div key={e.id} data-testid="extension-request">
                          <p className="kern-body kern-body--small">
                            Fristverlängerung bis {formatDate(e.requestedDeadline)} beantragt: „{e.reason}“
                          </p>
                          <Form method="post">
                            <input type="hidden" name="extensionId" value={e.id} />
                            <div className="kern-form-input">
                              <label className="kern-label" htmlFor={`ext-${e.id}-deadline`}>
                                Neue Frist
                              </label>
                              <input
                                id={`ext-${e.id}-deadline`}
                                name="deadline"
                                type="date"
                                className="kern-form-input__input"
                                min={today}
                                defaultValue={berlinDate(new Date(e.requestedDeadline))}
                              />
                            </div>
                            <div className="kern-form-input">
                              <label className="kern-label" htmlFor={`ext-${e.id}-note`}>
                                Vermerk an die Stelle (optional)
                              </label>
                              <input
                                id={`ext-${e.id}-note`}
                                name="note"
                                className="kern-form-input__input"
                                maxLength={2000}
                              />
                            </div>
                            <IntentButton intent="grant" variant="primary" disabled={busy}>
                              Fristverlängerung gewähren
                            </IntentButton>{" "}
                            <IntentButton intent="refuse" variant="secondary" disabled={busy}>
                              Fristverlängerung ablehnen
                            </IntentButton>
                          </Form>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {anyOpen ? (
            <Form method="post" className="app-section">
              <p className="kern-body">
                Schließen Sie die Beteiligung, wenn alle Stellungnahmen vorliegen oder die Fristen abgelaufen
                sind. Die Stellen behalten ihre Stellungnahme und das Paket, können aber keine Unterlagen des
                Falls mehr öffnen.
              </p>
              <IntentButton intent="close" variant="secondary" disabled={busy}>
                Beteiligung abschließen …
              </IntentButton>
            </Form>
          ) : (
            <p className="kern-body" data-testid="participation-closed">
              Die Beteiligung ist abgeschlossen.
            </p>
          )}
        </section>
      ) : null}

      {!proposal.canStart ? (
        board.length === 0 ? (
          <Alert tone="info" title="Beteiligung noch nicht möglich">
            <p className="kern-body">
              Eine Beteiligung kann beginnen, sobald die Vollständigkeit des Antrags bestätigt ist.
            </p>
          </Alert>
        ) : null
      ) : (
        <StartForm
          // A fresh form after each start: the agencies just asked are no longer offered.
          key={board.map((b) => b.id).join(",")}
          proposal={proposal as unknown as ParticipationProposal}
          initial={actionData?.rows ?? null}
          message={actionData?.message ?? null}
          today={today}
          busy={busy}
          boardCount={board.length}
        />
      )}
    </>
  );
}
