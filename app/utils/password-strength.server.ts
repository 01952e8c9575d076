import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as de from "@zxcvbn-ts/language-de";

/**
 * Password strength with zxcvbn-ts (German and common dictionaries, keyboard patterns, dates,
 * repeats, l33t): length alone let "1234567890" and "Passwort123" through. A password must reach
 * score 3 of 4 ("safely unguessable: moderate protection from offline slow-hash scenario"), which
 * with argon2id on the server is plenty. The German feedback of the library is passed on.
 */

export const MIN_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    translations: de.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...de.dictionary },
  });
  return factory;
}

/**
 * A German message why the password is too weak, or null when it is strong enough. `userInputs`
 * (name, e-mail address, …) count as known words: "Berta2026" is weak for Berta.
 */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  // zxcvbn's cost grows with length; beyond 100 characters nothing is guessable anyway.
  const sample = password.slice(0, 100);
  const words = userInputs.flatMap((v) => v.toLowerCase().split(/[\s@._+-]+/)).filter((w) => w.length >= 3);
  const result = zxcvbn().check(sample, words);
  if (result.score >= MIN_SCORE) return null;
  const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(
    (h): h is string => typeof h === "string" && h.length > 0,
  );
  return ["Dieses Passwort ist zu leicht zu erraten.", ...hints].join(" ");
}
