import { describe, expect, it } from "vitest";
import { CASE_EVENTS } from "./case-events";
import {
  AGENCY_VISIBLE_PARTICIPATION_STATUSES,
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  type ApplicationCommand,
  AWAITING_STATEMENT_STATUSES,
  applicationCommandsFrom,
  checkApplicationTransition,
  checkParticipationTransition,
  ENDED_APPLICATION_STATUSES,
  type LifecycleActor,
  OPEN_PARTICIPATION_STATUSES,
  PARTICIPATION_STATUSES,
  PARTICIPATION_TRANSITIONS,
  type ParticipationCommand,
  WITHDRAWABLE_STATUSES,
} from "./lifecycle";

/**
 * The procedure written out independently of the tables (one line per allowed move: command,
 * from-status ("-" = creation), actor). Every other combination of command × status × actor must
 * be refused. A change to the tables that is not also made here fails this test.
 */
const ALLOWED_APPLICATION = `
create - applicant
create - authority
submit DRAFT applicant
receiveXbau DRAFT authority
receiveOffline DRAFT authority
startReview SUBMITTED authority
sendRequest SUBMITTED authority
sendRequest IN_REVIEW authority
answerRequest INCOMPLETE applicant
closeRequest INCOMPLETE authority
confirmComplete SUBMITTED authority
confirmComplete IN_REVIEW authority
startParticipation COMPLETE authority
startParticipation PARTICIPATION authority
closeParticipation PARTICIPATION authority
decide COMPLETE authority
decide PARTICIPATION authority
decide DECISION_PENDING authority
withdraw SUBMITTED applicant
withdraw IN_REVIEW applicant
withdraw INCOMPLETE applicant
withdraw COMPLETE applicant
withdraw PARTICIPATION applicant
withdraw DECISION_PENDING applicant
declareDeemedWithdrawn INCOMPLETE authority
`;

const ALLOWED_PARTICIPATION = `
request - authority
route PENDING system
cancel PENDING system
open SENT agency
answer SENT agency
answer OPENED agency
deemConsent SENT system
deemConsent OPENED system
`;

const ACTORS: LifecycleActor[] = ["applicant", "authority", "agency", "system"];

function allowedSet(text: string): Set<string> {
  return new Set(
    text
      .trim()
      .split("\n")
      .map((l) => l.trim()),
  );
}

describe("application lifecycle", () => {
  const allowed = allowedSet(ALLOWED_APPLICATION);
  const commands = Object.keys(APPLICATION_TRANSITIONS) as ApplicationCommand[];

  it("allows exactly the listed moves: every command × status × actor walked", () => {
    let walked = 0;
    const seen = new Set<string>();
    for (const command of commands) {
      for (const from of [null, ...APPLICATION_STATUSES]) {
        for (const actor of ACTORS) {
          const key = `${command} ${from ?? "-"} ${actor}`;
          const result = checkApplicationTransition(command, from, actor);
          expect(result.ok, key).toBe(allowed.has(key));
          if (result.ok) seen.add(key);
          walked++;
        }
      }
    }
    expect(walked).toBe(commands.length * (APPLICATION_STATUSES.length + 1) * ACTORS.length);
    expect([...seen].sort()).toEqual([...allowed].sort());
  });

  it("says why a move is refused: the wrong actor before the wrong state", () => {
    expect(checkApplicationTransition("decide", "DRAFT", "authority")).toEqual({
      ok: false,
      reason: "state",
    });
    expect(checkApplicationTransition("decide", "COMPLETE", "applicant")).toEqual({
      ok: false,
      reason: "actor",
    });
    expect(checkApplicationTransition("submit", "DECIDED", "agency")).toEqual({ ok: false, reason: "actor" });
  });

  it("answers 'what can happen to a case in state X'", () => {
    expect(applicationCommandsFrom("INCOMPLETE").sort()).toEqual(
      ["answerRequest", "closeRequest", "declareDeemedWithdrawn", "withdraw"].sort(),
    );
    for (const ended of ["DECIDED", "WITHDRAWN", "DEEMED_WITHDRAWN"] as const) {
      expect(applicationCommandsFrom(ended)).toEqual([]);
    }
  });

  it("derives the status sets used by queries from the tables", () => {
    expect([...ENDED_APPLICATION_STATUSES].sort()).toEqual(["DECIDED", "DEEMED_WITHDRAWN", "WITHDRAWN"]);
    expect([...WITHDRAWABLE_STATUSES].sort()).toEqual(
      ["COMPLETE", "DECISION_PENDING", "INCOMPLETE", "IN_REVIEW", "PARTICIPATION", "SUBMITTED"].sort(),
    );
  });
});

describe("participation lifecycle", () => {
  const allowed = allowedSet(ALLOWED_PARTICIPATION);
  const commands = Object.keys(PARTICIPATION_TRANSITIONS) as ParticipationCommand[];

  it("allows exactly the listed moves: every command × status × actor walked", () => {
    const seen = new Set<string>();
    for (const command of commands) {
      for (const from of [null, ...PARTICIPATION_STATUSES]) {
        for (const actor of ACTORS) {
          const key = `${command} ${from ?? "-"} ${actor}`;
          const result = checkParticipationTransition(command, from, actor);
          expect(result.ok, key).toBe(allowed.has(key));
          if (result.ok) seen.add(key);
        }
      }
    }
    expect([...seen].sort()).toEqual([...allowed].sort());
  });

  it("has one definition of 'still open', 'awaiting a statement' and 'visible to the agency'", () => {
    expect([...OPEN_PARTICIPATION_STATUSES].sort()).toEqual(["OPENED", "PENDING", "SENT"]);
    expect([...AWAITING_STATEMENT_STATUSES].sort()).toEqual(["OPENED", "SENT"]);
    expect([...AGENCY_VISIBLE_PARTICIPATION_STATUSES].sort()).toEqual(
      ["ANSWERED", "DEEMED_CONSENT", "OPENED", "SENT"].sort(),
    );
  });
});

describe("transitions and the event catalogue", () => {
  it("every event a transition records is catalogued; the ones users must hear of notify", () => {
    const all = [...Object.values(APPLICATION_TRANSITIONS), ...Object.values(PARTICIPATION_TRANSITIONS)];
    for (const t of all) {
      if (t.event === null) continue;
      expect(CASE_EVENTS[t.event], t.event).toBeDefined();
    }
    expect(CASE_EVENTS[APPLICATION_TRANSITIONS.submit.event].notifies).toBe("application.submitted");
    expect(CASE_EVENTS[PARTICIPATION_TRANSITIONS.route.event].notifies).toBe("participation.requested");
    expect(CASE_EVENTS[APPLICATION_TRANSITIONS.startReview.event].notifies).toBeNull();
  });
});
