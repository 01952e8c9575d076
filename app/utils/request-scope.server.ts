import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A memo that lives exactly as long as one HTTP request. The root loader and the route loader (and
 * an action followed by its loaders) each ask for the session; without the memo every page looked
 * the session up twice (6 of the inbox's 11 statements). server.ts opens the scope per request;
 * outside a request (tests, workers) there is no store and nothing is memoised.
 */
// server.ts (run from source) and the Remix server build (bundled) each hold their own copy of
// this module; one instance on globalThis makes the scope server.ts opens the one the build reads.
const GLOBAL_KEY = Symbol.for("bauantrag.request-scope");
const holder = globalThis as { [GLOBAL_KEY]?: AsyncLocalStorage<Map<string, Promise<unknown>>> };
holder[GLOBAL_KEY] ??= new AsyncLocalStorage<Map<string, Promise<unknown>>>();
const scope = holder[GLOBAL_KEY];

export function runInRequestScope<T>(fn: () => T): T {
  return scope.run(new Map(), fn);
}

export function memoInRequest<T>(key: string, load: () => Promise<T>): Promise<T> {
  const store = scope.getStore();
  if (!store) return load();
  let hit = store.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    store.set(key, hit);
  }
  return hit;
}

/** Drops a memoised value (after the session was created, ended or changed in this request). */
export function forgetInRequest(key: string): void {
  scope.getStore()?.delete(key);
}
