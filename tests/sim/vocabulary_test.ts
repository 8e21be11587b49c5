// The simulator keeps its own copy of Binance's vocabulary (it is an independent model of the exchange). These
// tests diff that copy against the router's table, so the two cannot drift apart silently: every difference
// must be one of the few listed here, each with its reason, and a listed difference that disappears fails too.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as router from "../../lib/vocabulary.ts";
import * as sim from "../../lib/sim/vocabulary.ts";
import { SIM_METHODS } from "../../lib/sim/dispatch.ts";
import type { Security as SimSecurity } from "../../lib/sim/context.ts";

const sorted = (values: readonly string[]): string[] => [...values].sort();
const minus = (a: readonly string[], b: readonly string[]): string[] =>
  sorted(a.filter((v) => !b.includes(v)));

test("vocabulary: the simulator accepts exactly the router's enum values", () => {
  const same: [string, readonly string[], readonly string[]][] = [
    ["SIDES", sim.SIDES, router.SIDES],
    ["ORDER_TYPES", sim.ORDER_TYPES, router.ORDER_TYPES],
    ["CONDITIONAL_TYPES", sim.CONDITIONAL_TYPES, router.CONDITIONAL_TYPES],
    ["ALGO_TYPES", sim.ALGO_TYPES, router.ALGO_TYPES],
    ["TIME_IN_FORCE", sim.TIME_IN_FORCE, router.TIME_IN_FORCE],
    ["PRICE_MATCH", sim.PRICE_MATCH, router.PRICE_MATCH],
    ["STP_MODES", sim.STP_MODES, router.STP_MODES],
    ["RESPONSE_TYPES", sim.RESPONSE_TYPES, router.RESPONSE_TYPES],
  ];
  for (const [name, simValues, routerValues] of same) {
    assert.deepEqual(sorted(simValues), sorted(routerValues), name);
    assert.equal(new Set(simValues).size, simValues.length, `${name}: duplicate in the simulator`);
    assert.equal(new Set(routerValues).size, routerValues.length, `${name}: duplicate in the router`);
  }
});

test("vocabulary: algo time in force differs only by what Binance takes and the router never sends", () => {
  assert.deepEqual(minus(router.ALGO_TIME_IN_FORCE, sim.ALGO_TIME_IN_FORCE), []);
  assert.deepEqual(minus(sim.ALGO_TIME_IN_FORCE, router.ALGO_TIME_IN_FORCE), ["GTE_GTC"]);
});

test("vocabulary: every status the simulator produces is one the router knows", () => {
  assert.deepEqual(minus(sim.ORDER_STATUSES, router.ORDER_STATUSES), []);
  assert.deepEqual(minus(sim.ALGO_STATUSES, router.ALGO_STATUSES), []);
});

test("vocabulary: the client order id pattern is the same, and so are its answers", () => {
  assert.equal(sim.CLIENT_ID_RE.source, router.CLIENT_ORDER_ID_PATTERN.source);
  assert.equal(sim.CLIENT_ID_RE.flags, router.CLIENT_ORDER_ID_PATTERN.flags);
  const samples = ["a", "grid-42", "A.b:c/d_e-f", "x".repeat(36), "", "x".repeat(37), "a b", "é", "a\n"];
  for (const id of samples) {
    assert.equal(sim.CLIENT_ID_RE.test(id), router.CLIENT_ORDER_ID_PATTERN.test(id), JSON.stringify(id));
  }
});

/** How the router's security maps onto the simulator's finer one. */
const SECURITY: Readonly<Record<router.MethodSecurity, readonly SimSecurity[]>> = {
  // session.logon is "signed" to the router (it carries a signature) and LOGON to the simulator.
  signed: ["SIGNED", "LOGON"],
  key: ["USER_STREAM"],
  // session.status/logout need no credentials: the router sends nothing, the simulator reads the session.
  none: ["NONE", "SESSION"],
};

/** Parameters the simulator takes and the router never sends (Binance's spot API spelling, tolerated). */
const SIM_ONLY_PARAMS: Readonly<Record<string, readonly string[]>> = {
  "userDataStream.ping": ["listenKey"],
  "userDataStream.stop": ["listenKey"],
};

test("vocabulary: the simulator answers exactly the router's methods", () => {
  assert.deepEqual(sorted(Object.keys(SIM_METHODS)), sorted(Object.keys(router.WS_METHODS)));
});

test("vocabulary: per method, the same parameters, security and ORDERS counting", () => {
  const simOnly: Record<string, string[]> = {};
  for (const [name, facts] of Object.entries(router.WS_METHODS)) {
    const simSpec = SIM_METHODS[name];
    assert.ok(simSpec !== undefined, name);
    assert.deepEqual(minus(facts.params, simSpec.params), [], `${name}: the simulator refuses these`);
    const extra = minus(simSpec.params, facts.params);
    if (extra.length > 0) simOnly[name] = extra;
    assert.ok(SECURITY[facts.security].includes(simSpec.security), `${name}: ${simSpec.security}`);
    assert.equal(simSpec.orders, facts.countsAsOrder, `${name}: ORDERS counting`);
  }
  assert.deepEqual(simOnly, SIM_ONLY_PARAMS);
});
