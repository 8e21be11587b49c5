/**
 * The guard around the check: exchangeInfo unavailable at start (pass-through, visible), a stale mark (the
 * exchange judges PERCENT_PRICE; the filter error it answers re-reads exchangeInfo), the 15 min refresh, the
 * mark price stream, and the reject breaker that halts the router.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../_manual_clock.ts";
import type { RouterEvent } from "../../lib/router/router.ts";
import { connect, simulator, waitFor } from "../router/_harness.ts";
import { moveMark, outcome, refusedLimit } from "./_risk.ts";

const order = (price: string, quantity = "0.002") => ({
  symbol: "BTCUSDT",
  side: "BUY" as const,
  type: "LIMIT" as const,
  timeInForce: "GTC" as const,
  quantity,
  price,
});

test("guard: exchangeInfo unavailable at start: filters pass through (visible in health), limits still apply", async () => {
  const sim = await simulator();
  const events: RouterEvent[] = [];
  const router = await connect(sim, "hmac", {
    filters: { restUrl: "http://127.0.0.1:1", streamUrl: "" },
    risk: { symbols: { "*": { maxOrderQty: 0.01 } } },
    onEvent: (e) => events.push(e),
  });
  try {
    const health = router.preTrade!.health();
    assert.equal(health.filters, "unavailable");
    assert.match(health.filtersError ?? "", /exchangeInfo/);
    assert.ok(events.some((e) => e.type === "risk-filters" && e.state === "unavailable"));
    // Off the tick grid: the simulator judges it.
    assert.deepEqual(await outcome(sim, () => router.placeOrder(order("50000.15"))), {
      local: false,
      code: -4014,
    });
    await refusedLimit(sim, "maxOrderQty", () => router.placeOrder(order("50000", "0.011")));
  } finally {
    await router.close();
    await sim.close();
  }
});

test("guard: a stale mark skips PERCENT_PRICE; the exchange's filter error re-reads exchangeInfo; 15 min refresh", async () => {
  const sim = await simulator();
  const clock = new ManualClock(Date.now());
  let exchangeInfoReads = 0;
  let marksDown = false;
  const fetcher: typeof fetch = (input, init) => {
    const url = String(input);
    if (url.endsWith("/fapi/v1/exchangeInfo")) exchangeInfoReads++;
    if (marksDown && url.includes("premiumIndex")) return Promise.reject(new Error("marks down"));
    return fetch(input, init);
  };
  const router = await connect(sim, "hmac", { filters: { streamUrl: "", clock, fetch: fetcher } });
  try {
    const guard = router.preTrade!;
    assert.equal(exchangeInfoReads, 1);
    assert.equal(guard.health().freshMarks, 2);
    const cap = await outcome(sim, () => router.placeOrder(order("53550.1")));
    assert.equal(cap.local, true); // fresh mark: refused locally with -4016

    marksDown = true;
    clock.advance(10_001); // the REST fallback fails: the marks are now stale
    await waitFor(() => guard.health().staleMarks === 2, "stale marks");
    const stale = await outcome(sim, () => router.placeOrder(order("53550.1")));
    assert.deepEqual(stale, { local: false, code: -4016 }); // the exchange judged it
    await waitFor(() => exchangeInfoReads === 2, "exchangeInfo re-read after an unpredicted filter error");
    await waitFor(() => guard.health().filtersAgeMs === 0, "the re-read installed"); // and the next one scheduled

    marksDown = false;
    clock.advance(15 * 60_000);
    await waitFor(() => exchangeInfoReads === 3, "the 15 min refresh");
    await waitFor(() => guard.health().freshMarks === 2, "marks back over REST");
    assert.equal((await outcome(sim, () => router.placeOrder(order("53550.1")))).local, true);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("guard: marks follow the /market mark price stream", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    await waitFor(() => router.preTrade!.health().markStream === "up", "mark stream up");
    await moveMark(sim, router, "BTCUSDT", "60000");
    // PERCENT_PRICE now allows BUY up to 63000.
    const r = await outcome(sim, () => router.placeOrder(order("62999.9")));
    assert.equal(r.local, false);
    assert.equal((await outcome(sim, () => router.placeOrder(order("63000.1")))).local, true);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("guard: maxRejectsPerMinute exchange rejects halt the router", async () => {
  const sim = await simulator();
  const clock = new ManualClock(Date.now());
  const router = await connect(sim, "hmac", {
    filters: { streamUrl: "", clock },
    risk: { maxRejectsPerMinute: 3 },
  });
  try {
    // Reduce-only with no position: the simulator refuses (-2022); the filters cannot know.
    const reduce = { ...order("50000"), side: "SELL" as const, reduceOnly: true, price: "52000" };
    assert.deepEqual(await outcome(sim, () => router.placeOrder(reduce)), { local: false, code: -2022 });
    assert.deepEqual(await outcome(sim, () => router.placeOrder(reduce)), { local: false, code: -2022 });
    clock.advance(60_000); // the first two leave the window
    // Post-only orders that would take: the market's answer, not the strategy's error, never counted.
    sim.setMarkPrice("BTCUSDT", "50000");
    const postOnly = { ...order("50100"), timeInForce: "GTX" as const };
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await outcome(sim, () => router.placeOrder(postOnly)), { local: false, code: -5022 });
    }
    assert.deepEqual(await outcome(sim, () => router.placeOrder(reduce)), { local: false, code: -2022 });
    assert.deepEqual(await outcome(sim, () => router.placeOrder(reduce)), { local: false, code: -2022 });
    assert.equal(router.halted, undefined);
    assert.deepEqual(await outcome(sim, () => router.placeOrder(reduce)), { local: false, code: -2022 });
    await waitFor(() => router.halted !== undefined, "halt");
    assert.match(router.halted!, /maxRejectsPerMinute/);
    assert.deepEqual(router.preTrade!.usage().breakerTrips, 1);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("guard: the usage (GET /risk) lists a symbol's hedge-mode sides once it has any", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { risk: { symbols: { "*": { maxPositionQty: 1 } } } });
  try {
    const guard = router.preTrade!;
    const btc = () => (guard.usage().symbols as Record<string, Record<string, unknown>>).BTCUSDT;
    assert.equal(btc()?.hedge, undefined);
    const s = guard.check.state("BTCUSDT")!;
    s.longPosition = 3; // qtyScale 3: 0.003 LONG
    s.shortPosition = -2;
    s.openLongQty = 1;
    assert.deepEqual(btc()!.hedge, {
      longPosition: 0.003,
      shortPosition: -0.002,
      openLongQty: 0.001,
      openShortQty: 0,
    });
  } finally {
    await router.close();
    await sim.close();
  }
});

test("guard: setLimits validates as the risk file does; a bad value changes nothing (NaN would lift the limit)", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { risk: { symbols: { "*": { maxOrderQty: 0.005 } } } });
  try {
    const guard = router.preTrade!;
    for (const bad of [NaN, -5, 0]) {
      assert.throws(
        () => guard.setLimits({ symbols: { "*": { maxOrderQty: bad } } }),
        (e: unknown) => e instanceof TypeError && /^symbols\.\*\.maxOrderQty: /.test(e.message),
        String(bad),
      );
    }
    assert.throws(() => guard.setLimits({ maxRejectsPerMinute: 1.5 }), /^TypeError: maxRejectsPerMinute: /);
    assert.deepEqual(guard.check.limits, { symbols: { "*": { maxOrderQty: 0.005 } } });
    await refusedLimit(sim, "maxOrderQty", () => router.placeOrder(order("50000", "0.5")));
    guard.setLimits({ symbols: { "*": { maxOrderQty: 1 } } });
    assert.deepEqual((await outcome(sim, () => router.placeOrder(order("50000", "0.5")))).local, false);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("guard: while the router is quiet (a ban, the weight used up) exchangeInfo is not read for an unknown symbol", async () => {
  const sim = await simulator();
  let exchangeInfoReads = 0;
  const fetcher: typeof fetch = (input, init) => {
    if (String(input).endsWith("/fapi/v1/exchangeInfo")) exchangeInfoReads++;
    return fetch(input, init);
  };
  const router = await connect(sim, "hmac", { filters: { streamUrl: "", fetch: fetcher } });
  try {
    assert.equal(exchangeInfoReads, 1);
    const text =
      'HTTP 429 {"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute."}';
    router.noteRateLimit(text);
    assert.equal(router.quiet, true);
    assert.equal(await router.preTrade!.refreshFilters("order for FOOUSDT"), false);
    assert.equal(exchangeInfoReads, 1, "nothing asked while quiet");
  } finally {
    await router.close();
    await sim.close();
  }
});
