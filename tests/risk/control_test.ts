/**
 * The control plane over a gateway with pre-trade checks: a filter refusal is a 400 with the exchange's code
 * and `local: true`, a limit refusal a 422 with code -20 and the limit's fields, nothing reaches the
 * simulator; `GET /risk` shows limits and usage (positions and open orders from the account), `PUT /risk`
 * swaps them and refuses a bad body naming its path; `/health`, `/metrics` and the `risk` event on `/events`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createControlApp } from "../../lib/control/app.ts";
import { serve } from "../../lib/control/server.ts";
import type { Gateway } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { openGateway, tempDir } from "../gateway/_gateway.ts";
import { simulator, waitFor } from "../router/_harness.ts";
import { SseClient } from "../control/_sse.ts";
import { LIMIT_ORDER } from "../control/_stack.ts";

const LIMIT = LIMIT_ORDER;

async function stack(risk: Record<string, unknown>) {
  const sim = await simulator();
  const gateway = await openGateway(sim, tempDir("lr-risk-"), {
    restUrl: sim.httpUrl,
    streamUrl: sim.streamUrl,
    risk: risk as never,
  });
  const notices: string[] = [];
  const bound = { port: 0 };
  const streams = new AbortController(); // ends open /events streams at close
  const app = createControlApp({
    signal: streams.signal,
    router: gateway.router,
    account: gateway.account,
    userStream: gateway.userStream,
    risk: gateway.router.preTrade,
    mode: "simulator",
    endpoint: sim.url,
    guard: { port: () => bound.port },
    onNotice: (_level, msg, fields) => notices.push(`${msg} ${JSON.stringify(fields)}`),
  });
  const server = await serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
  bound.port = server.port;
  const url = `http://127.0.0.1:${server.port}`;
  const call = async (method: string, path: string, json?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(json === undefined
        ? {}
        : { body: JSON.stringify(json), headers: { "content-type": "application/json" } }),
    });
    const text = await response.text();
    // deno-lint-ignore no-explicit-any
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch { /* Prometheus text */ }
    return { status: response.status, body };
  };
  const close = async () => {
    streams.abort();
    await server.close();
    await gateway.close();
    await sim.close();
  };
  return { sim, gateway, call, url, notices, close };
}

async function sentNothing(sim: Simulator, run: () => Promise<void>): Promise<void> {
  const before = sim.stats().requests;
  await run();
  assert.equal(sim.stats().requests, before, "the simulator received a request");
}

test("control: 400 local filter refusals, 422 limit refusals, metrics, health and the risk event", async () => {
  const s = await stack({ symbols: { "*": { maxOrderQty: 0.01 } } });
  try {
    const events = await SseClient.open(`${s.url}/events?types=risk`);
    await sentNothing(s.sim, async () => {
      const r = await s.call("POST", "/orders", { ...LIMIT, price: "50000.15" });
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, {
        code: -4014,
        msg: "Price not increased by tick size.",
        local: true,
        filter: "PRICE_FILTER",
      });
    });
    await sentNothing(s.sim, async () => {
      const r = await s.call("POST", "/orders", { ...LIMIT, quantity: "0.011" });
      assert.equal(r.status, 422);
      assert.equal(r.body.code, -20);
      assert.equal(r.body.local, true);
      assert.equal(r.body.limit, "maxOrderQty");
      assert.equal(r.body.value, 0.011);
      assert.equal(r.body.max, 0.01);
      assert.match(r.body.msg, /maxOrderQty/);
    });
    assert.equal((await s.call("POST", "/orders", LIMIT)).status, 200);

    const metrics = await s.call("GET", "/metrics");
    assert.match(metrics.body, /^lightning_risk_refusals_total\{kind="filter",name="PRICE_FILTER"\} 1$/m);
    assert.match(metrics.body, /^lightning_risk_refusals_total\{kind="limit",name="maxOrderQty"\} 1$/m);
    assert.match(metrics.body, /^lightning_risk_filters_loaded 1$/m);
    const health = await s.call("GET", "/health");
    assert.equal(health.body.preTrade.filters, "ok");
    assert.equal(health.body.preTrade.symbols, 2);

    await events.waitForMessages(2);
    const risk = events.parsed().map((m) => [m.event, m.data]);
    assert.equal(risk[0]![0], "risk");
    assert.deepEqual(
      (risk as [string, Record<string, unknown>][]).map(([, d]) => [d.kind, d.name, d.code]),
      [["filter", "PRICE_FILTER", -4014], ["limit", "maxOrderQty", -20]],
    );
    events.close();
    await sentNothing(s.sim, async () => {
      // -1111 is the same words for every field: `filter` says which.
      for (
        const [body, filter] of [
          [{ ...LIMIT, quantity: "0.0021" }, "quantityPrecision"],
          [{ ...LIMIT, price: "50000.001" }, "pricePrecision"],
          [{ ...LIMIT, type: "STOP", stopPrice: "49000.001" }, "triggerPricePrecision"],
          [{
            symbol: "BTCUSDT",
            side: "SELL",
            type: "TRAILING_STOP_MARKET",
            quantity: "0.002",
            callbackRate: "1",
            activationPrice: "52000.001",
          }, "activatePricePrecision"],
        ] as const
      ) {
        const refused = await s.call("POST", "/orders", body);
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.deepEqual([refused.body.code, refused.body.filter], [-1111, filter]);
      }
    });
  } finally {
    await s.close();
  }
});

test("control: GET /risk shows usage from the account; PUT /risk swaps the limits, and a bad body changes nothing", async () => {
  const s = await stack({ symbols: { BTCUSDT: { maxOpenOrders: 2, maxPositionQty: 0.01 } } });
  try {
    assert.equal((await s.call("POST", "/orders", LIMIT)).status, 200);
    const second = await s.call("POST", "/orders", { ...LIMIT, price: "50010" });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const usage = await s.call("GET", "/risk");
    assert.equal(usage.status, 200);
    assert.equal(usage.body.symbols.BTCUSDT.openOrders, 2);
    assert.equal(usage.body.symbols.BTCUSDT.openBuyQty, 0.004);
    assert.deepEqual(usage.body.symbols.BTCUSDT.limits, { maxOpenOrders: 2, maxPositionQty: 0.01 });
    await sentNothing(s.sim, async () => {
      const r = await s.call("POST", "/orders", { ...LIMIT, price: "50020" });
      assert.equal(r.status, 422);
      assert.equal(r.body.limit, "maxOpenOrders");
    });

    const bad = await s.call("PUT", "/risk", { symbols: { BTCUSDT: { maxOrderQty: -1 } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, -1);
    assert.match(bad.body.msg, /^symbols\.BTCUSDT\.maxOrderQty: /);
    assert.equal((await s.call("PUT", "/risk", { maxRejectPerMinute: 3 })).status, 400); // unknown field
    const nested = await s.call("PUT", "/risk", { symbols: { BTCUSDT: { maxOrderQty: 1, foo: 2 } } });
    assert.deepEqual([nested.status, nested.body.msg], [400, "unknown field: symbols.BTCUSDT.foo"]);
    // The limit meant in the query: the body alone (no limits at all) must not replace the limits in force.
    const queried = await fetch(`${s.url}/risk?maxDailyLoss=1`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(queried.status, 400);
    assert.match((await queried.json()).msg, /^PUT \/risk takes no query parameters \(got "maxDailyLoss"\)/);
    // A `__proto__` symbol (zod drops it without a word, which would leave `symbols` empty) is refused by name.
    const proto = await fetch(`${s.url}/risk`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"symbols":{"__proto__":{"maxOrderQty":0.001}}}',
    });
    assert.equal(proto.status, 400);
    assert.match((await proto.json()).msg, /^symbols\.__proto__: not an accepted key/);
    const twice = await fetch(`${s.url}/risk`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"symbols":{"*":{"maxOrderQty":1,"maxOrderQty":100}}}',
    });
    assert.equal(twice.status, 400);
    assert.match((await twice.json()).msg, /^symbols\.\*\.maxOrderQty: given more than once$/);
    assert.deepEqual((await s.call("GET", "/risk")).body.limits, {
      symbols: { BTCUSDT: { maxOpenOrders: 2, maxPositionQty: 0.01 } },
    });

    const next = { symbols: { "*": { maxPositionQty: 0.005 } }, maxRejectsPerMinute: 10 };
    const put = await s.call("PUT", "/risk", next);
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, next);
    assert.ok(s.notices.some((n) => n.startsWith("risk limits replaced")));
    // Now the open-order cap is gone, but the worst-case position (0.004 open + 0.002) exceeds 0.005.
    await sentNothing(s.sim, async () => {
      const r = await s.call("POST", "/orders", { ...LIMIT, price: "50020" });
      assert.equal(r.status, 422);
      assert.equal(r.body.limit, "maxPositionQty");
      assert.equal(r.body.value, 0.006);
    });
    // The short side has room: a SELL's worst case is its own side.
    const sell = await s.call("POST", "/orders", { ...LIMIT, side: "SELL", price: "52000" });
    assert.equal(sell.status, 200, JSON.stringify(sell.body));
  } finally {
    await s.close();
  }
});

test("control: reduce-only orders that shrink the position pass every position limit", async () => {
  const s = await stack({ symbols: { "*": { maxPositionQty: 0.002 } } });
  const gateway: Gateway = s.gateway;
  try {
    // A MARKET BUY fills: the position (from the user data stream) is 0.002 long, at the limit.
    assert.equal(
      (await s.call("POST", "/orders", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" }))
        .status,
      200,
    );
    await waitFor(
      () => gateway.router.preTrade!.check.state("BTCUSDT")!.position === 2,
      "position from the stream",
    );
    const more = await s.call("POST", "/orders", { ...LIMIT, quantity: "0.002" });
    assert.equal(more.status, 422);
    assert.equal(more.body.value, 0.004);
    const reduce = await s.call("POST", "/orders", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.002",
      reduceOnly: true,
    });
    assert.equal(reduce.status, 200, JSON.stringify(reduce.body));
  } finally {
    await s.close();
  }
});

test("control: hedge mode: an order adding to a side meets its worst case; a close goes to the exchange", async () => {
  const s = await stack({ symbols: { "*": { maxPositionQty: 0.002 } } });
  try {
    // The user stream's first reconciliation sends requests of its own: let it end before counting.
    await waitFor(
      () =>
        s.gateway.account.events.since(0).events.some((e) =>
          e.type === "connection" && (e.data as { type?: string }).type === "gap-reconciled"
        ),
      "the user stream's first reconciliation",
    );
    await sentNothing(s.sim, async () => {
      const opens = await s.call("POST", "/orders", { ...LIMIT, quantity: "0.003", positionSide: "LONG" });
      assert.equal(opens.status, 422, JSON.stringify(opens.body));
      assert.deepEqual([opens.body.code, opens.body.limit, opens.body.value, opens.body.max], [
        -20,
        "maxPositionQty",
        0.003,
        0.002,
      ]);
    });
    // Within the limit, and a close of a side of any size: not the check's to refuse. The simulator's account
    // is in one-way mode, so it answers -4061 (position side does not match the account's setting).
    for (
      const order of [{ positionSide: "LONG" }, { side: "SELL", quantity: "0.003", positionSide: "LONG" }]
    ) {
      const before = s.sim.stats().requests;
      const r = await s.call("POST", "/orders", { ...LIMIT, ...order });
      assert.equal(s.sim.stats().requests, before + 1);
      assert.deepEqual([r.body.code, r.body.local], [-4061, undefined], JSON.stringify(r.body));
    }
  } finally {
    await s.close();
  }
});

test("control: order.modify meets the per-order and position limits (new quantity in place of the old)", async () => {
  const s = await stack({ symbols: { "*": { maxOrderQty: 0.01 } } });
  const state = s.gateway.router.preTrade!.check.state("BTCUSDT")!;
  const openBuy = (qty: number) => waitFor(() => state.openBuyQty === qty, `open BUY ${qty} (qty units)`);
  const refused = (body: Record<string, unknown>, limit: string, value: number, max: number, msg?: RegExp) =>
    sentNothing(s.sim, async () => {
      const r = await s.call("PATCH", "/orders", body);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.code, -20);
      assert.equal(r.body.local, true);
      assert.equal(r.body.limit, limit);
      assert.equal(r.body.value, value);
      assert.equal(r.body.max, max);
      if (msg !== undefined) assert.match(r.body.msg, msg);
    });
  const modified = async (body: Record<string, unknown>) => {
    const r = await s.call("PATCH", "/orders", body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  try {
    const placed = await s.call("POST", "/orders", LIMIT); // BUY 0.002 @ 50000
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    const a = { symbol: "BTCUSDT", orderId: placed.body.orderId, side: "BUY" };

    // maxOrderQty 0.01.
    await modified({ ...a, quantity: "0.010", price: "50000" });
    await refused({ ...a, quantity: "0.011", price: "50000" }, "maxOrderQty", 0.011, 0.01);

    // maxOrderNotional 500: 0.010 × 49999.9 inside, 0.010 × 50000.1 outside.
    assert.equal((await s.call("PUT", "/risk", { symbols: { "*": { maxOrderNotional: 500 } } })).status, 200);
    await modified({ ...a, quantity: "0.010", price: "49999.9" });
    await refused({ ...a, quantity: "0.010", price: "50000.1" }, "maxOrderNotional", 500.001, 500);

    // priceBandPct 2 around the mark 51000: 49980 inside, 49979.9 outside.
    assert.equal((await s.call("PUT", "/risk", { symbols: { "*": { priceBandPct: 2 } } })).status, 200);
    await modified({ ...a, quantity: "0.010", price: "49980.0" });
    await refused(
      { ...a, quantity: "0.010", price: "49979.9" },
      "priceBandPct",
      49979.9,
      49980,
      /price 49979\.90 is below the band's lower edge 49980\.00$/,
    );
    await refused(
      { ...a, quantity: "0.001", price: "52020.1" },
      "priceBandPct",
      52020.1,
      52020,
      /price 52020\.10 is above the band's upper edge 52020\.00$/,
    );

    // maxPositionQty 0.012 with another BUY 0.002 open (0.012 open in all): the modify's quantity replaces
    // the order's own 0.010, so keeping 0.010 fits (worst 0.012) and 0.011 does not (worst 0.013).
    assert.equal((await s.call("PUT", "/risk", { symbols: { "*": { maxPositionQty: 0.012 } } })).status, 200);
    assert.equal((await s.call("POST", "/orders", LIMIT)).status, 200);
    await openBuy(12);
    await modified({ ...a, quantity: "0.010", price: "49990.0" });
    await openBuy(12);
    await refused({ ...a, quantity: "0.011", price: "49990.0" }, "maxPositionQty", 0.013, 0.012);
    // Smaller is always inside.
    await modified({ ...a, quantity: "0.004", price: "49990.0" });
    await openBuy(6);
    // Over a limit lowered below what is open (worst 0.006 > 0.004), a modify that shrinks still passes:
    // it cannot raise the worst case (worst after it: 0.005).
    assert.equal((await s.call("PUT", "/risk", { symbols: { "*": { maxPositionQty: 0.004 } } })).status, 200);
    await modified({ ...a, quantity: "0.003", price: "49990.0" });
    await openBuy(5);
    await refused({ ...a, quantity: "0.004", price: "49990.0" }, "maxPositionQty", 0.006, 0.004);
  } finally {
    await s.close();
  }
});

test("GET /positions and /metrics: unrealized PnL follows the mark between fills (ACCOUNT_UPDATE does not)", async () => {
  const s = await stack({});
  try {
    s.sim.setMarkPrice("BTCUSDT", "50000");
    const placed = await s.call("POST", "/orders", { ...LIMIT, quantity: "0.004", price: "50000" });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    s.sim.setMarkPrice("BTCUSDT", "49990"); // fills at 50000: a long of 0.004
    await waitFor(() => s.gateway.account.book.positions()[0]?.positionAmt === "0.004", "the position");
    // The mark moves with no fill: the exchange sends no ACCOUNT_UPDATE; the mark stream carries the move.
    s.sim.setMarkPrice("BTCUSDT", "50250");
    await waitFor(() => s.gateway.router.preTrade!.freshMark("BTCUSDT") === 50250, "the mark", 10_000);
    const [p] = (await s.call("GET", "/positions")).body;
    assert.deepEqual([p.positionAmt, p.markPrice, p.unrealizedProfit], ["0.004", "50250", "1.00000000"]);
    assert.match(
      (await s.call("GET", "/metrics")).body,
      /^lightning_unrealized_pnl\{symbol="BTCUSDT",side="BOTH"\} 1$/m,
    );
  } finally {
    await s.close();
  }
});
