import { describe, expect, it } from "vitest";
import { forgetInRequest, memoInRequest, runInRequestScope } from "./request-scope.server";

describe("request-scoped memo", () => {
  it("loads once per request and again in the next request", async () => {
    let loads = 0;
    const load = async () => ++loads;
    const first = await runInRequestScope(async () => [
      await memoInRequest("k", load),
      await memoInRequest("k", load),
    ]);
    expect(first).toEqual([1, 1]);
    const second = await runInRequestScope(() => memoInRequest("k", load));
    expect(second).toBe(2);
  });

  it("does not memoise outside a request and forgets on demand", async () => {
    let loads = 0;
    const load = async () => ++loads;
    await memoInRequest("k", load);
    await memoInRequest("k", load);
    expect(loads).toBe(2);
    const values = await runInRequestScope(async () => {
      const a = await memoInRequest("k", load);
      forgetInRequest("k");
      const b = await memoInRequest("k", load);
      return [a, b];
    });
    expect(values).toEqual([3, 4]);
  });
});
