/**
 * The live-state routes over real HTTP, answered from memory: GET /orders (fills, external orders, recently
 * finished), /fills, /positions, the user stream and account counts in /health and /metrics, and the
 * simulator's POST /sim/mark.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMIT_ORDER, startStack } from "./_stack.ts";
import { feedPositions, feedTrade } from "./_sse.ts";

test("GET /orders lists executedQty, avgPrice and external; ?state=all adds finished orders", async () => {
  const s = await startStack();
  try {
    const own = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "live-own" } });
    const gone = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "live-gone" } });
    await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${gone.body.orderId}`);
    // An order placed elsewhere (web UI), partly filled, seen on the user stream only.
    feedTrade(s.account, { symbol: "ETHUSDT", clientOrderId: "web-7", qty: "0.01", price: "2900" });
    const before = s.sim.stats().requests;

    const live = await s.call("GET", "/orders");
    assert.equal(live.status, 200);
    const byId = new Map(live.body.map((o: { clientOrderId: string }) => [o.clientOrderId, o]));
    assert.deepEqual([...byId.keys()].sort(), ["live-own"], "the FILLED external order is finished");
    const o = byId.get("live-own") as Record<string, unknown>;
    assert.equal(o.orderId, own.body.orderId);
    assert.equal(o.state, "open");
    assert.equal(o.status, "NEW");
    assert.equal(Number(o.executedQty), 0);
    assert.equal(Number(o.avgPrice), 0);
    assert.equal(o.external, false);
    for (const key of ["symbol", "side", "type", "quantity", "price", "algo", "intentAt", "updatedAt"]) {
      assert.ok(key in o, key);
    }

    const all = await s.call("GET", "/orders?state=all");
    const states = Object.fromEntries(
      all.body.map((
        x: { clientOrderId: string; state: string; status: string },
      ) => [x.clientOrderId, x.status]),
    );
    assert.deepEqual(states, { "live-own": "NEW", "live-gone": "CANCELED", "web-7": "FILLED" });
    const web = all.body.find((x: { clientOrderId: string }) => x.clientOrderId === "web-7");
    assert.deepEqual([web.external, web.executedQty, web.avgPrice], [true, "0.01", "2900"]);

    const finished = await s.call("GET", "/orders?state=finished&symbol=ETHUSDT");
    assert.deepEqual(finished.body.map((x: { clientOrderId: string }) => x.clientOrderId), ["web-7"]);
    const open = await s.call("GET", "/orders?state=open&symbol=BTCUSDT");
    assert.deepEqual(open.body.map((x: { clientOrderId: string }) => x.clientOrderId), ["live-own"]);
    assert.equal(s.sim.stats().requests, before, "answered from memory: nothing sent to the exchange");

    const bad = await s.call("GET", "/orders?state=closed");
    assert.equal(bad.status, 400);
    assert.match(bad.body.msg, /^state: expected one of open, pending, unknown, finished, all$/);
  } finally {
    await s.close();
  }
});

test("GET /fills: newest first, by symbol, limit validated (1..10000, default 500)", async () => {
  const s = await startStack();
  try {
    const a = feedTrade(s.account, { symbol: "BTCUSDT", qty: "0.001" });
    const b = feedTrade(s.account, { symbol: "ETHUSDT", qty: "0.5", price: "2900" });
    const c = feedTrade(s.account, { symbol: "BTCUSDT", qty: "0.003" });
    const all = await s.call("GET", "/fills");
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.map((f: { tradeId: number }) => f.tradeId), [c, b, a]);
    assert.deepEqual(Object.keys(all.body[0]).sort(), [
      "clientOrderId",
      "commission",
      "commissionAsset",
      "maker",
      "orderId",
      "positionSide",
      "price",
      "qty",
      "realizedProfit",
      "side",
      "symbol",
      "time",
      "tradeId",
    ]);
    const btc = await s.call("GET", "/fills?symbol=BTCUSDT&limit=1");
    assert.deepEqual(btc.body.map((f: { tradeId: number }) => f.tradeId), [c]);
    for (const q of ["limit=0", "limit=10001", "limit=abc", "limit=1.5", "symbol=btcusdt", "side=BUY"]) {
      const r = await s.call("GET", `/fills?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.body.msg, new RegExp(`^(${q.split("=")[0]}:|unknown field: ${q.split("=")[0]})`), q);
    }
    for (let i = 0; i < 510; i++) feedTrade(s.account, {});
    assert.equal((await s.call("GET", "/fills")).body.length, 500, "default limit");
    assert.equal((await s.call("GET", "/fills?limit=10000")).body.length, 513);
  } finally {
    await s.close();
  }
});

test("GET /positions: non-zero by default, ?all=true for all, by symbol, exact shape", async () => {
  const s = await startStack();
  try {
    const time = Date.now();
    feedPositions(s.account, time, [
      { symbol: "BTCUSDT", amount: "0.002", entry: "50000" },
      { symbol: "ETHUSDT", amount: "0" },
    ]);
    const before = s.sim.stats().requests;
    const open = await s.call("GET", "/positions");
    assert.equal(open.status, 200);
    assert.deepEqual(open.body, [{
      symbol: "BTCUSDT",
      positionSide: "BOTH",
      positionAmt: "0.002",
      entryPrice: "50000",
      unrealizedProfit: "0.5",
      markPrice: null, // no pre-trade checks here: no marks, the exchange's own figure
      updateTime: time,
    }]);
    const all = await s.call("GET", "/positions?all=true");
    assert.deepEqual(all.body.map((p: { symbol: string }) => p.symbol), ["BTCUSDT", "ETHUSDT"]);
    assert.deepEqual((await s.call("GET", "/positions?all=true&symbol=ETHUSDT")).body.length, 1);
    assert.deepEqual((await s.call("GET", "/positions?symbol=ETHUSDT")).body, []);
    assert.equal(s.sim.stats().requests, before, "answered from memory");
    const bad = await s.call("GET", "/positions?all=yes");
    assert.equal(bad.status, 400);
    assert.match(bad.body.msg, /^all: expected true or false$/);
    // The /account/* routes still ask the exchange.
    const exchange = await s.call("GET", "/account/positions");
    assert.equal(exchange.status, 200);
    assert.ok(s.sim.stats().requests > before);
  } finally {
    await s.close();
  }
});

test("/health and /metrics: user stream state (or off), event and fill counts, gap reconciliations", async () => {
  const off = await startStack();
  try {
    const h = await off.call("GET", "/health");
    assert.deepEqual(h.body.userStream, { state: "off", reason: "no --stream-url" });
    // No stream, none to be down: no series (an alert on `lightning_user_stream_up == 0` stays quiet).
    assert.doesNotMatch(
      (await off.call("GET", "/metrics")).body,
      /lightning_user_stream|lightning_listen_key/,
    );
  } finally {
    await off.close();
  }
  const streamHealth = {
    state: "up" as const,
    lastEventAgeMs: 1234,
    reconnects: 3,
    listenKeyRenewals: 2,
    listenKeyPingOk: true,
  };
  const deadMan = {
    health: () => ({ countdownMs: 60_000, armed: ["BTCUSDT", "ETHUSDT"], refreshes: 5, failures: 1 }),
  };
  const s = await startStack({ userStream: { health: () => streamHealth }, deadMan });
  try {
    feedTrade(s.account, {});
    feedTrade(s.account, {});
    s.account.apply({
      type: "account",
      eventTime: 10,
      time: 10,
      reason: "ORDER",
      balances: [],
      positions: [{
        symbol: "BTCUSDT",
        positionSide: "BOTH",
        positionAmt: "-0.004",
        entryPrice: "50000",
        unrealizedProfit: "1.5",
      }],
    });
    s.account.events.append("connection", { link: "user-stream", type: "gap-reconciled", reason: "x" });
    const h = await s.call("GET", "/health");
    assert.equal(h.status, 200);
    assert.equal(h.body.status, "ok");
    assert.deepEqual(h.body.userStream, streamHealth);
    assert.deepEqual(h.body.events, {
      lastId: s.account.events.lastId,
      subscribers: 0,
      subscribersDropped: 0,
    });
    assert.deepEqual(h.body.fills, { total: 2 });
    const m: string = (await s.call("GET", "/metrics")).body;
    assert.match(m, /^# TYPE lightning_account_events_total counter$/m);
    assert.match(m, /^lightning_account_events_total\{type="fill"\} 2$/m);
    assert.match(m, /^lightning_account_events_total\{type="order"\} 2$/m);
    assert.match(m, /^lightning_account_events_total\{type="connection"\} 1$/m);
    assert.match(m, /^lightning_account_events_total\{type="halt"\} 0$/m);
    assert.match(m, /^lightning_fills_total 2$/m);
    assert.match(m, /^lightning_gap_reconciliations_total 1$/m);
    assert.match(m, /^lightning_user_stream_up 1$/m);
    assert.match(m, /^lightning_user_stream_reconnects_total 3$/m);
    assert.match(m, /^lightning_listen_key_renewals_total 2$/m);
    assert.match(m, /^lightning_reconnects_total 0$/m, "the ws-fapi counter keeps its name");
    assert.match(m, /^lightning_position\{symbol="BTCUSDT",side="BOTH"\} -0\.004$/m);
    assert.match(m, /^lightning_unrealized_pnl\{symbol="BTCUSDT",side="BOTH"\} 1\.5$/m);
    assert.match(m, /^lightning_user_stream_last_event_age_seconds 1\.234$/m);
    assert.match(m, /^lightning_dead_man_armed_symbols 2$/m);
    assert.match(m, /^lightning_dead_man_failures_total 1$/m);
  } finally {
    await s.close();
  }
});

test("POST /sim/mark moves the simulator's mark: crossed resting orders fill, fillQty caps each fill", async () => {
  const s = await startStack();
  try {
    const whole = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "mark-a" } });
    const part = await s.call("POST", "/orders", {
      json: { ...LIMIT_ORDER, price: "49000", quantity: "0.004", newClientOrderId: "mark-b" },
    });
    const r = await s.call("POST", "/sim/mark", { json: { symbol: "BTCUSDT", price: "49990" } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { symbol: "BTCUSDT", price: "49990" });
    const sim = (id: number) => s.sim.orders().find((o) => o.orderId === id)!;
    assert.equal(sim(whole.body.orderId).status, "FILLED");
    assert.equal(sim(part.body.orderId).status, "NEW", "49000 is not crossed by 49990");
    const partial = await s.call("POST", "/sim/mark", {
      json: { symbol: "BTCUSDT", price: "48990", fillQty: "0.001" },
    });
    assert.deepEqual(partial.body, { symbol: "BTCUSDT", price: "48990" });
    assert.equal(sim(part.body.orderId).status, "PARTIALLY_FILLED");
    assert.equal(Number(sim(part.body.orderId).executedQty), 0.001);

    const bad = async (json: unknown, field: RegExp) => {
      const res = await s.call("POST", "/sim/mark", { json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.match(res.body.msg, field, JSON.stringify(json));
    };
    await bad({ symbol: "BTCUSDT", price: "0" }, /^price: /);
    await bad({ symbol: "BTCUSDT", price: "-1" }, /^price: /);
    await bad({ symbol: "btcusdt", price: "1" }, /^symbol: /);
    await bad({ symbol: "BTCUSDT" }, /^price: required/);
    await bad({ symbol: "BTCUSDT", price: "1", fillQty: "0" }, /^fillQty: /);
    await bad({ symbol: "BTCUSDT", price: "1", side: "BUY" }, /unknown field: side/);
    await bad({ symbol: "NOPEUSDT", price: "1" }, /^simulator refused: .*NOPEUSDT/);
    assert.equal((await s.call("GET", "/sim/mark")).status, 405);
  } finally {
    await s.close();
  }
});
