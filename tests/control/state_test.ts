import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMIT_ORDER, startStack, waitFor } from "./_stack.ts";

test("GET /health reports mode, connection, auth, uptime, halt state and in-flight count", async () => {
  const s = await startStack();
  try {
    const r = await s.call("GET", "/health");
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "ok");
    assert.equal(r.body.mode, "simulator");
    assert.equal(r.body.endpoint, s.sim.url);
    assert.equal(r.body.connected, true);
    assert.equal(r.body.auth, "hmac");
    assert.equal(r.body.halted, false);
    assert.equal(r.body.haltReason, null);
    assert.equal(r.body.inFlight, 0);
    assert.equal(typeof r.body.uptimeS, "number");
    assert.equal(typeof r.body.clockOffsetMs, "number");
    assert.equal(r.headers.get("cache-control"), "no-store");
  } finally {
    await s.close();
  }
});

test("POST /halt cancels every open order, blocks new ones (503, -10), lets cancels out; /resume lifts it", async () => {
  const s = await startStack();
  try {
    const resting = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(resting.status, 200);
    const halt = await s.call("POST", "/halt", { json: { reason: "news at 14:30" } });
    assert.equal(halt.status, 200);
    assert.deepEqual(halt.body, {
      halted: true,
      reason: "news at 14:30",
      canceled: [resting.body.clientOrderId],
      alreadyFinished: [],
      failed: [],
    });
    assert.equal(s.sim.orders().find((o) => o.orderId === resting.body.orderId)?.status, "CANCELED");
    assert.deepEqual((await s.call("GET", "/orders")).body, [], "nothing left open");
    const before = s.sim.stats().requests;
    const place = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(place.status, 503);
    assert.equal(place.body.code, -10);
    assert.match(place.body.msg, /news at 14:30/);
    const modify = await s.call("PATCH", "/orders", {
      json: {
        symbol: "BTCUSDT",
        orderId: resting.body.orderId,
        side: "BUY",
        quantity: "0.002",
        price: "49000",
      },
    });
    assert.equal(modify.status, 503);
    const stop = await s.call("POST", "/orders", {
      json: { symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", quantity: "0.002", stopPrice: "45000" },
    });
    assert.equal(stop.status, 503);
    assert.equal(s.sim.stats().requests, before, "nothing was sent while halted");
    const health = await s.call("GET", "/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "halted");
    assert.equal(health.body.halted, true);
    assert.equal(health.body.haltReason, "news at 14:30");
    // Cancels still reach the exchange while halted (this one is already gone: the exchange says -2011).
    const cancel = await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${resting.body.orderId}`);
    assert.equal(cancel.status, 400);
    assert.equal(cancel.body.code, -2011);
    const resume = await s.call("POST", "/resume");
    assert.deepEqual(resume.body, { halted: false });
    assert.equal(s.router.halted, undefined);
    const again = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(again.status, 200);
  } finally {
    await s.close();
  }
});

test("POST /halt without a body uses a default reason", async () => {
  const s = await startStack();
  try {
    const r = await s.call("POST", "/halt");
    assert.equal(r.status, 200);
    assert.equal(r.body.halted, true);
    assert.equal(s.router.halted, "halted via control plane");
  } finally {
    await s.close();
  }
});

test("GET /metrics is Prometheus text with request counters, RTT histogram and rate limits", async () => {
  const s = await startStack();
  try {
    const placed = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${placed.body.orderId}`);
    await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${placed.body.orderId}`); // -2011: rejected
    const r = await s.call("GET", "/metrics");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text: string = r.body;
    assert.match(text, /^# TYPE lightning_requests_total counter$/m);
    assert.match(text, /^lightning_requests_total\{method="order\.place",outcome="ok"\} 1$/m);
    assert.match(text, /^lightning_requests_total\{method="order\.cancel",outcome="ok"\} 1$/m);
    assert.match(text, /^lightning_requests_total\{method="order\.cancel",outcome="rejected"\} 1$/m);
    assert.match(text, /^# TYPE lightning_rtt_seconds histogram$/m);
    assert.match(text, /^lightning_rtt_seconds_bucket\{le="\+Inf"\} \d+$/m);
    const count = Number(/^lightning_rtt_seconds_count (\d+)$/m.exec(text)?.[1]);
    assert.ok(count >= 3, `rtt count ${count}`);
    assert.match(text, /^lightning_reconnects_total 0$/m);
    assert.match(text, /^lightning_rate_limit_count\{type="ORDERS",interval="10s"\} \d+$/m);
    assert.match(text, /^lightning_rate_limit_limit\{type="REQUEST_WEIGHT",interval="1m"\} 2400$/m);
    assert.match(text, /^lightning_connected 1$/m);
    assert.match(text, /^lightning_halted 0$/m);
    // Buckets are cumulative and end at the total count.
    const buckets = [...text.matchAll(/^lightning_rtt_seconds_bucket\{le="[^"]+"\} (\d+)$/gm)].map((m) =>
      Number(m[1])
    );
    assert.deepEqual([...buckets].sort((a, b) => a - b), buckets);
    assert.equal(buckets.at(-1), count);
  } finally {
    await s.close();
  }
});

test("when the exchange is gone: /health 503, orders 503 (code -11), nothing thrown", async () => {
  const s = await startStack();
  try {
    await s.sim.close();
    await waitFor(() => !s.router.connected, 5000, "router to notice the drop");
    const health = await s.call("GET", "/health");
    assert.equal(health.status, 503);
    assert.equal(health.body.status, "disconnected");
    assert.equal(health.body.connected, false);
    const place = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(place.status, 503);
    assert.equal(place.body.code, -11);
    const balance = await s.call("GET", "/account/balance");
    assert.equal(balance.status, 503);
    const metrics = await s.call("GET", "/metrics");
    assert.match(metrics.body, /^lightning_connected 0$/m);
  } finally {
    await s.close();
  }
});

test("GET /orders without an id lists the tracked orders (open, pending, unknown), by symbol or state", async () => {
  const s = await startStack();
  try {
    const a = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "list-a" } });
    await s.call("POST", "/orders", {
      json: {
        symbol: "ETHUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.01",
        price: "2900",
        timeInForce: "GTC",
      },
    });
    assert.equal(a.status, 200);
    const all = await s.call("GET", "/orders");
    assert.equal(all.status, 200);
    assert.equal(all.body.length, 2);
    const btc = await s.call("GET", "/orders?symbol=BTCUSDT&state=open");
    assert.deepEqual(btc.body.map((o: { clientOrderId: string }) => o.clientOrderId), ["list-a"]);
    assert.equal(btc.body[0].orderId, a.body.orderId);
    assert.equal((await s.call("GET", "/orders?state=unknown")).body.length, 0);
    const health = await s.call("GET", "/health");
    assert.deepEqual(health.body.orders, { open: 2, pending: 0, unknown: 0, reconciled: 0 });
    const metrics = await s.call("GET", "/metrics");
    assert.match(metrics.body, /lightning_orders\{state="open"\} 2/);
    await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${a.body.orderId}`);
    assert.equal(
      (await s.call("GET", "/orders?symbol=BTCUSDT")).body.length,
      0,
      "a cancelled order is dropped",
    );
  } finally {
    await s.close();
  }
});
