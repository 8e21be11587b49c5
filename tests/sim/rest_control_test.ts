// The simulator's own /sim/* control routes, over HTTP on its port.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator } from "../../lib/sim/mod.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { HMAC_KEYS, limitOrder, TestClient, until } from "./_helpers.ts";

async function call(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sim.httpUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, json: await response.json() };
}

test("sim control: POST /sim/mark moves the mark and fills a resting order it crosses, partially with fillQty", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const placed = await client.signed("order.place", limitOrder({ quantity: "0.010", price: "50000" }));
    assert.equal(placed.result.status, "NEW");
    const moved = await call(sim, "POST", "/sim/mark", {
      symbol: "BTCUSDT",
      price: "49990",
      fillQty: "0.004",
    });
    assert.equal(moved.status, 200);
    assert.deepEqual(moved.json, { symbol: "BTCUSDT", markPrice: "49990.00" });
    assert.equal(sim.markPrice("BTCUSDT"), "49990.00");
    const order = (await client.signed("order.status", { symbol: "BTCUSDT", orderId: placed.result.orderId }))
      .result;
    assert.equal(order.status, "PARTIALLY_FILLED");
    assert.equal(order.executedQty, "0.004");
    const numeric = await call(sim, "POST", "/sim/mark", { symbol: "ETHUSDT", price: 2999.5 });
    assert.equal(numeric.json.markPrice, "2999.50");
  } finally {
    await client.close();
    await sim.close();
  }
});

test("sim control: bad bodies are 400s that name the problem; other paths 404, wrong verbs 405", async () => {
  const sim = await startSimulator();
  try {
    const cases: [unknown, RegExp][] = [
      ["", /JSON object body is required/],
      ["{nope", /not valid JSON/],
      [[1], /must be a JSON object/],
      [{ price: "1" }, /"symbol" is required/],
      [{ symbol: "BTCUSDT", price: "-1" }, /"price" must be a positive decimal/],
      [{ symbol: "DOGEUSDT", price: "1" }, /unknown symbol DOGEUSDT/],
      [{ symbol: "BTCUSDT", price: "1", colour: "red" }, /unknown field colour/],
      ['{"symbol":"BTCUSDT","price":"50000","price":"1"}', /^price: given more than once$/],
    ];
    for (const [body, message] of cases) {
      const answer = await call(sim, "POST", "/sim/mark", body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.json.code, -1);
      assert.match(String(answer.json.msg), message);
    }
    const twice = await call(sim, "POST", "/sim/fault", '{"kind":"-1008","count":1,"count":5}');
    assert.deepEqual([twice.status, twice.json.msg], [400, "count: given more than once"]);
    assert.deepEqual((await call(sim, "GET", "/sim/fault")).json, { faults: {} });
    const badKind = await call(sim, "POST", "/sim/fault", { kind: "meteor" });
    assert.equal(badKind.status, 400);
    assert.match(String(badKind.json.msg), /"kind" must be one of drop, silent, delay/);
    const badWalk = await call(sim, "POST", "/sim/walk", { volatility: 2 });
    assert.equal(badWalk.status, 400);
    assert.match(String(badWalk.json.msg), /volatility/);
    assert.equal((await call(sim, "POST", "/sim/nothing", {})).status, 404);
    assert.equal((await call(sim, "GET", "/sim/mark")).status, 405);
    assert.equal(sim.markPrice("BTCUSDT"), "51000.00"); // nothing above moved it
  } finally {
    await sim.close();
  }
});

test("sim control: POST /sim/walk starts the walk on the sim clock and {on:false} stops it", async () => {
  const clock = new ManualClock(Date.now());
  const sim = await startSimulator({ clock, seed: 7 });
  try {
    const started = await call(sim, "POST", "/sim/walk", { volatility: 0.005, intervalMs: 100 });
    assert.equal(started.status, 200);
    assert.deepEqual(started.json, { on: true, volatility: 0.005, intervalMs: 100 });
    const before = sim.markPrice("BTCUSDT");
    clock.advance(100);
    const after = sim.markPrice("BTCUSDT");
    assert.notEqual(after, before);
    const stopped = await call(sim, "POST", "/sim/walk", { on: false });
    assert.deepEqual(stopped.json, { on: false });
    clock.advance(1_000);
    assert.equal(sim.markPrice("BTCUSDT"), after);
    const bad = await call(sim, "POST", "/sim/walk", { on: false, volatility: 0.1 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.msg), /takes no other field/);
  } finally {
    await sim.close();
  }
});

test("sim control: -1008 and -1007 bursts hit the next order.place requests, then orders pass again", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const set = await call(sim, "POST", "/sim/fault", { kind: "-1008", count: 2 });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json.faults, { rejectNextOrders: 2, rejectCode: -1008 });
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await client.signed("order.place", limitOrder({ price: "50000" }));
      codes.push(reply.error?.code ?? reply.status);
    }
    assert.deepEqual(codes, [-1008, -1008, 200]);
    assert.equal(sim.orders().length, 1); // -1008 rejects unexecuted
    await call(sim, "POST", "/sim/fault", { kind: "-1007", count: 1 });
    const unknown = await client.signed("order.place", limitOrder({ price: "50001" }));
    assert.equal(unknown.status, 503);
    assert.equal(unknown.error?.code, -1007);
    assert.equal(sim.orders().length, 2); // -1007 executes
    assert.deepEqual(
      (await call(sim, "GET", "/sim/fault")).json,
      { faults: {} },
      "fired bursts leave nothing",
    );
    const cleared = await call(sim, "POST", "/sim/fault", { kind: "clear" });
    assert.deepEqual(cleared.json.faults, {});
  } finally {
    await client.close();
    await sim.close();
  }
});

test("sim control: drop, silent, delay and rejectEvery set the simulator's faults", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    await call(sim, "POST", "/sim/fault", { kind: "delay", ms: 30 });
    await call(sim, "POST", "/sim/fault", { kind: "rejectEvery", n: 3, code: -2019 });
    await call(sim, "POST", "/sim/fault", { kind: "silent", afterRequests: 50 });
    const set = await call(sim, "POST", "/sim/fault", { kind: "drop", afterRequests: 40, execute: true });
    assert.deepEqual(set.json.faults, {
      responseDelayMs: 30,
      rejectEveryNthOrder: 3,
      rejectCode: -2019,
      silentAfterRequests: 50,
      dropAfterRequests: 40,
      dropExecutes: true,
    });
    const off = await call(sim, "POST", "/sim/fault", { kind: "delay", ms: 0 });
    assert.equal("responseDelayMs" in (off.json.faults as object), false);
    const late = await call(sim, "POST", "/sim/fault", { kind: "placeDelay", ms: 100 });
    assert.equal((late.json.faults as { placeDelayMs?: number }).placeDelayMs, 100);
    const onTime = await call(sim, "POST", "/sim/fault", { kind: "placeDelay", ms: 0 });
    assert.equal("placeDelayMs" in (onTime.json.faults as object), false);
    assert.equal((await call(sim, "POST", "/sim/fault", { kind: "placeDelay" })).status, 400);
    // Without afterRequests, drop is immediate: every ws-fapi socket goes, with no close frame.
    await call(sim, "POST", "/sim/fault", { kind: "clear" });
    const dropped = await call(sim, "POST", "/sim/fault", { kind: "drop" });
    assert.equal(dropped.status, 200);
    const closed = await client.closed;
    assert.equal(closed.wasClean, false);
    const bad = await call(sim, "POST", "/sim/fault", { kind: "rejectEvery", n: 2, code: 5 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.msg), /negative integer/);
  } finally {
    await client.close();
    await sim.close();
  }
});

test("sim control: streamPause, streamDrop and listenKeyExpiry act on the user data stream", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  try {
    const paused = await call(sim, "POST", "/sim/fault", { kind: "streamPause", on: true });
    assert.deepEqual(paused.json.faults, { streamPaused: true });
    const resumed = await call(sim, "POST", "/sim/fault", { kind: "streamPause", on: false });
    assert.deepEqual(resumed.json.faults, {});
    const key = (await client.signed("userDataStream.start")).result.listenKey;
    const stream = new WebSocket(`${sim.streamUrl}/private/ws?listenKey=${key}`);
    const frames: string[] = [];
    stream.addEventListener("message", (e) => frames.push(String(e.data)));
    await new Promise((resolve) => stream.addEventListener("open", resolve));
    await until(() => sim.stats().streamConnections === 1);
    await call(sim, "POST", "/sim/fault", { kind: "listenKeyExpiry" });
    await until(() => frames.some((f) => f.includes("listenKeyExpired")));
    assert.equal((await client.signed("userDataStream.ping", { listenKey: key })).error?.code, -1125);
    const closed = new Promise((resolve) => stream.addEventListener("close", resolve));
    await call(sim, "POST", "/sim/fault", { kind: "streamDrop" });
    await closed;
    assert.equal(sim.stats().streamConnections, 0);
  } finally {
    await client.close();
    await sim.close();
  }
});
