/** Shared helpers of the risk tests: a simulator, a router with pre-trade checks, and "was it sent?" probes. */
import assert from "node:assert/strict";
import { ExchangeError, FilterRefusedError, RiskLimitError } from "../../lib/errors.ts";
import type { Router } from "../../lib/router/router.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { waitFor } from "../router/_harness.ts";

/** Exchange codes of filter failures (what the local check must predict). */
export const FILTER_CODES: ReadonlySet<number> = new Set([
  -1111,
  -1115,
  -1116,
  -1121,
  -2025,
  -4002,
  -4004,
  -4005,
  -4013,
  -4014,
  -4016,
  -4023,
  -4024,
  -4045,
  -4164,
]);

/** What happened to one order: refused locally (with the error), or sent (with the sim's answer). */
export type Outcome =
  | { local: true; error: FilterRefusedError | RiskLimitError }
  | { local: false; code: number };

/** Runs `send` and reports whether it was refused locally; asserts the simulator saw exactly that. */
export async function outcome(sim: Simulator, send: () => Promise<unknown>): Promise<Outcome> {
  const before = sim.stats().requests;
  let result: Outcome;
  try {
    await send();
    result = { local: false, code: 0 };
  } catch (e) {
    if (e instanceof FilterRefusedError || e instanceof RiskLimitError) result = { local: true, error: e };
    else if (e instanceof ExchangeError) result = { local: false, code: e.code };
    else throw e;
  }
  const sent = sim.stats().requests - before;
  assert.equal(
    sent,
    result.local ? 0 : 1,
    result.local ? "a refused order reached the simulator" : "not sent",
  );
  return result;
}

/** Asserts the order passed the local check and the simulator accepted it. */
export async function accepted(sim: Simulator, send: () => Promise<unknown>): Promise<void> {
  const r = await outcome(sim, send);
  assert.deepEqual(r, { local: false, code: 0 });
}

/** Asserts the order passed the local check and reached the simulator, which did not fault a filter. */
export async function passedLocally(sim: Simulator, send: () => Promise<unknown>): Promise<number> {
  const r = await outcome(sim, send);
  assert.equal(r.local, false, r.local ? r.error.message : "");
  if (!r.local) assert.ok(!FILTER_CODES.has(r.code), `the simulator refused with filter code ${r.code}`);
  return r.local ? 0 : r.code;
}

/** Asserts a local filter refusal with `code`. */
export async function refusedFilter(
  sim: Simulator,
  code: number,
  send: () => Promise<unknown>,
): Promise<FilterRefusedError> {
  const r = await outcome(sim, send);
  assert.ok(
    r.local && r.error instanceof FilterRefusedError,
    `expected a local ${code}, got ${JSON.stringify(r)}`,
  );
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.local, true);
  return r.error;
}

/** Asserts a local limit refusal of `limit`. */
export async function refusedLimit(
  sim: Simulator,
  limit: string,
  send: () => Promise<unknown>,
): Promise<RiskLimitError> {
  const r = await outcome(sim, send);
  assert.ok(
    r.local && r.error instanceof RiskLimitError,
    `expected a local ${limit} refusal, got ${JSON.stringify(r)}`,
  );
  assert.equal(r.error.limit, limit, r.error.message);
  assert.equal(r.error.code, -20);
  return r.error;
}

/** Moves the simulator's mark and waits until the router's check has it (via the mark price stream). */
export async function moveMark(sim: Simulator, router: Router, symbol: string, price: string): Promise<void> {
  sim.setMarkPrice(symbol, price);
  const mark8 = BigInt(Math.round(Number(price) * 1e8));
  await waitFor(() => router.preTrade?.check.state(symbol)?.mark8 === mark8, `mark ${symbol} ${price}`);
}
