/**
 * createControlApp over a stub router (no exchange): routing, what reaches the router, error mapping,
 * /health, /metrics, halt and resume. Requests go straight to `app.fetch`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ControlAppOptions, createControlApp, type RouterApi } from "../../lib/control/app.ts";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { ExchangeError, NotSentError } from "../../lib/errors.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { PipelineMetrics } from "../../lib/pipeline/pipeline_metrics.ts";
import type { RateLimit } from "../../lib/types.ts";
import { LIMIT_ORDER } from "./_stack.ts";

type HaltReport = Awaited<ReturnType<RouterApi["halt"]>>;

/** Records every router call (name and argument) and answers with `answer`, or fails with `failWith`. */
class StubRouter implements RouterApi {
  readonly calls: [string, unknown][] = [];
  failWith: unknown;
  connected = true;
  auth: "hmac" | "ed25519" = "hmac";
  halted: string | undefined;
  rateLimits: readonly RateLimit[] = [];
  rateLimitBlock = undefined;
  lastCredentialsRefusal = undefined;
  clockOffsetMs = 12;
  inFlight = 3;
  readonly metrics = new PipelineMetrics();
  haltReport: (reason: string) => HaltReport = (reason) => ({
    halted: true,
    reason,
    alreadyFinished: [],
    canceled: [],
    failed: [],
  });

  #call<T>(name: string, arg: unknown, answer: unknown): Promise<T> {
    this.calls.push([name, arg]);
    return this.failWith === undefined ? Promise.resolve(answer as T) : Promise.reject(this.failWith);
  }

  placeOrder: RouterApi["placeOrder"] = (p) => this.#call("placeOrder", p, { orderId: 1, status: "NEW" });
  modifyOrder: RouterApi["modifyOrder"] = (p) => this.#call("modifyOrder", p, { orderId: 1, price: p.price });
  cancelOrder: RouterApi["cancelOrder"] = (p) => this.#call("cancelOrder", p, { status: "CANCELED" });
  queryOrder: RouterApi["queryOrder"] = (p) => this.#call("queryOrder", p, { orderId: 5, status: "NEW" });
  placeAlgoOrder: RouterApi["placeAlgoOrder"] = (p) => this.#call("placeAlgoOrder", p, { algoId: 9 });
  cancelAlgoOrder: RouterApi["cancelAlgoOrder"] = (p) => this.#call("cancelAlgoOrder", p, { algoId: 9 });
  accountBalance: RouterApi["accountBalance"] = () =>
    this.#call("accountBalance", undefined, [{ asset: "USDT" }]);
  accountPositions: RouterApi["accountPositions"] = (s) => this.#call("accountPositions", s, []);
  accountStatus: RouterApi["accountStatus"] = () =>
    this.#call("accountStatus", undefined, { canTrade: true });
  halt: RouterApi["halt"] = (reason = "", options) => {
    this.halted = reason;
    if (options?.flatten === true) this.calls.push(["halt with flatten", reason]);
    return this.#call("halt", reason, this.haltReport(reason));
  };
  /** What the next flatten reports as failed, and what it leaves. */
  flattenOutcome: { failed: { side: string; quantity: string; error: string }[]; remaining: string } = {
    failed: [],
    remaining: "0",
  };
  flatten: RouterApi["flatten"] = (symbol) =>
    this.#call("flatten", symbol, {
      symbol,
      cancels: { canceled: [], failed: [] },
      position: "0.003",
      closed: [{
        clientOrderId: "lr-9",
        side: "SELL",
        quantity: "0.003",
        status: "FILLED",
        executedQty: "0.003",
      }],
      ...this.flattenOutcome,
    });
  cancelAllOpenOrders: RouterApi["cancelAllOpenOrders"] = (symbol) =>
    this.#call("cancelAllOpenOrders", symbol, {
      symbol,
      canceled: ["lr-1"],
      alreadyFinished: [],
      failed: [],
    });
  /** A hold `resume()` leaves (one that lifts itself: reconciling, shutting down). */
  keeps: string | undefined;
  resume: RouterApi["resume"] = (reason) => {
    this.calls.push(["resume", reason]);
    this.halted = this.keeps;
  };
}

const PORT = 7777;

function appWith(options: Partial<ControlAppOptions> = {}) {
  const router = new StubRouter();
  const notices: string[] = [];
  const app = createControlApp({
    router,
    mode: "simulator",
    endpoint: "ws://127.0.0.1:1/ws-fapi/v1",
    guard: { port: () => PORT },
    onNotice: (level, msg, fields) => notices.push(`${level} ${msg} ${JSON.stringify(fields)}`),
    ...options,
  });
  const call = async (
    method: string,
    path: string,
    init: { json?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${PORT}`, ...init.headers };
    let body: string | undefined;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    const res = await app.fetch(
      new Request(`http://127.0.0.1:${PORT}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      }),
    );
    const text = await res.text();
    // deno-lint-ignore no-explicit-any
    const parsed: any = (res.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return { router, notices, call };
}

test("app: order routes validate, then call the router with the parsed request", async () => {
  const { router, call } = appWith();
  const placed = await call("POST", "/orders", { json: LIMIT_ORDER });
  assert.equal(placed.status, 200);
  assert.deepEqual(placed.body, { orderId: 1, status: "NEW" });
  assert.equal(placed.headers.get("cache-control"), "no-store");
  const [name, params] = router.calls[0]!;
  assert.equal(name, "placeOrder");
  for (const [k, v] of Object.entries(LIMIT_ORDER)) {
    assert.equal((params as Record<string, unknown>)[k], v, k);
  }
  const stop = {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "STOP_MARKET",
    quantity: "0.002",
    stopPrice: "45000",
  };
  assert.deepEqual((await call("POST", "/orders", { json: stop })).body, { algoId: 9 });
  assert.equal(router.calls[1]?.[0], "placeAlgoOrder");
  assert.equal((router.calls[1]?.[1] as Record<string, unknown>).triggerPrice, "45000");
  assert.equal((await call("GET", "/orders?symbol=BTCUSDT&orderId=5")).status, 200);
  assert.deepEqual(router.calls[2], ["queryOrder", { symbol: "BTCUSDT", orderId: 5 }]);
  const modify = { symbol: "BTCUSDT", orderId: 5, side: "BUY", quantity: "0.002", price: "49990" };
  assert.deepEqual((await call("PATCH", "/orders", { json: modify })).body, { orderId: 1, price: "49990" });
  assert.equal(router.calls[3]?.[0], "modifyOrder");
  await call("DELETE", "/orders?symbol=BTCUSDT&origClientOrderId=abc");
  assert.deepEqual(router.calls[4], ["cancelOrder", { symbol: "BTCUSDT", origClientOrderId: "abc" }]);
  await call("DELETE", "/orders?algoId=9");
  assert.deepEqual(router.calls[5], ["cancelAlgoOrder", { algoId: 9 }]);
});

test("app: account routes pass their one parameter and refuse unknown ones", async () => {
  const { router, call } = appWith();
  assert.deepEqual((await call("GET", "/account")).body, { canTrade: true });
  assert.deepEqual((await call("GET", "/account/balance")).body, [{ asset: "USDT" }]);
  await call("GET", "/account/positions?symbol=ETHUSDT");
  await call("GET", "/account/positions");
  assert.deepEqual(router.calls, [
    ["accountStatus", undefined],
    ["accountBalance", undefined],
    ["accountPositions", "ETHUSDT"],
    ["accountPositions", undefined],
  ]);
  const extra = await call("GET", "/account/balance?limit=5");
  assert.equal(extra.status, 400);
  assert.equal(extra.body.code, LOCAL_CODES.INVALID_REQUEST);
  assert.equal(router.calls.length, 4, "a refused request never reaches the router");
});

test("app: bad input is refused before the router; a repeated query parameter is named", async () => {
  const { router, call } = appWith();
  const bad = await call("POST", "/orders", { json: { ...LIMIT_ORDER, quantity: -1 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, LOCAL_CODES.INVALID_REQUEST);
  assert.match(bad.body.msg, /quantity/);
  const twice = await call("GET", "/orders?symbol=BTCUSDT&orderId=1&orderId=2");
  assert.deepEqual([twice.status, twice.body], [400, {
    code: LOCAL_CODES.INVALID_REQUEST,
    msg: "orderId: given more than once",
  }]);
  const text = await call("POST", "/orders", {
    json: LIMIT_ORDER,
    headers: { "content-type": "text/plain" },
  });
  assert.equal(text.status, 415);
  assert.deepEqual(router.calls, []);
});

test("app: router errors keep their meaning over HTTP; a bug is a bare 500 and a notice", async () => {
  const { router, notices, call } = appWith();
  router.failWith = new ExchangeError({
    status: 400,
    code: -2011,
    msg: "Unknown order sent.",
    method: "order.cancel",
  });
  const rejected = await call("DELETE", "/orders?symbol=BTCUSDT&orderId=1");
  assert.deepEqual([rejected.status, rejected.body], [400, { code: -2011, msg: "Unknown order sent." }]);
  router.failWith = new NotSentError("halted", "news");
  assert.equal((await call("POST", "/orders", { json: LIMIT_ORDER })).body.code, LOCAL_CODES.HALTED);
  router.failWith = new TypeError("boom");
  const bug = await call("GET", "/account");
  assert.deepEqual([bug.status, bug.body.code], [500, LOCAL_CODES.INTERNAL]);
  assert.doesNotMatch(bug.body.msg, /boom/, "no internal detail leaks to the client");
  assert.deepEqual(notices, [
    'error control plane internal error {"path":"/account","error":"TypeError: boom"}',
  ]);
});

test("app: unknown routes are 404, known routes with the wrong method 405 with Allow", async () => {
  const { call } = appWith();
  const missing = await call("GET", "/nope");
  assert.deepEqual([missing.status, missing.body], [404, {
    code: LOCAL_CODES.NOT_FOUND,
    msg: "no route GET /nope",
  }]);
  const wrong = await call("PUT", "/orders");
  assert.equal(wrong.status, 405);
  assert.equal(wrong.body.code, LOCAL_CODES.METHOD_NOT_ALLOWED);
  assert.equal(wrong.headers.get("allow"), "GET, POST, PATCH, DELETE");
  assert.equal((await call("GET", "/halt")).headers.get("allow"), "POST");
});

test("app: the guard runs before every route", async () => {
  const { router, call } = appWith({ guard: { port: () => PORT, token: "0123456789abcdef" } });
  const foreign = await call("POST", "/orders", { json: LIMIT_ORDER, headers: { host: "evil.example" } });
  assert.equal(foreign.status, 403);
  assert.equal((await call("GET", "/account")).status, 401);
  assert.equal((await call("GET", "/health")).status, 200, "/health needs no token");
  const ok = await call("GET", "/account", { headers: { authorization: "Bearer 0123456789abcdef" } });
  assert.equal(ok.status, 200);
  assert.deepEqual(router.calls.map((c) => c[0]), ["accountStatus"]);
});

test("app: /health reports state, uptime from the injected clock, and tracked order counts", async () => {
  let nowMs = 1000;
  const tracker = new OrderTracker();
  tracker.restore("u1", "order.place", { symbol: "BTCUSDT", side: "BUY" }, 0);
  const { router, call } = appWith({ now: () => nowMs, tracker });
  nowMs += 61_500;
  const ok = await call("GET", "/health");
  assert.equal(ok.status, 200);
  assert.equal(ok.body.status, "ok");
  assert.equal(ok.body.uptimeS, 61);
  assert.deepEqual(
    [ok.body.mode, ok.body.auth, ok.body.inFlight, ok.body.clockOffsetMs, ok.body.halted, ok.body.haltReason],
    ["simulator", "hmac", 3, 12, false, null],
  );
  assert.deepEqual(ok.body.orders, { open: 0, pending: 0, unknown: 1, reconciled: 0 });
  assert.deepEqual(ok.body.deadMan, { state: "off" });
  router.halted = "news";
  const halted = await call("GET", "/health");
  assert.deepEqual([halted.status, halted.body.status, halted.body.haltReason], [200, "halted", "news"]);
  router.connected = false;
  const down = await call("GET", "/health");
  assert.deepEqual([down.status, down.body.status], [503, "disconnected"]);
});

test("app: /health shows the dead-man's switch: countdown, armed symbols, refreshes, failures", async () => {
  const view = { countdownMs: 60_000, armed: ["BTCUSDT"], refreshes: 4, failures: 1 };
  const { call } = appWith({ deadMan: { health: () => view } });
  const ok = await call("GET", "/health");
  assert.deepEqual(ok.body.deadMan, { state: "on", ...view });
});

test("app: /health and /metrics show the periodic audit: interval, audits, drift", async () => {
  const view = {
    intervalMs: 60_000,
    audits: 5,
    skipped: 1,
    drift: 2,
    lastAt: 1_700_000_000_000,
    lastDrift: 1,
    lastError: null,
  };
  const { call } = appWith({ audit: { health: () => view, run: () => Promise.resolve(undefined) } });
  assert.deepEqual((await call("GET", "/health")).body.audit, { state: "on", ...view });
  const metrics: string = (await call("GET", "/metrics")).body;
  assert.match(metrics, /^lightning_audits_total 5$/m);
  assert.match(metrics, /^lightning_audit_drift_total 2$/m);
  assert.deepEqual((await appWith().call("GET", "/health")).body.audit, { state: "off" });
});

test("app: DELETE /orders/open cancels a symbol's open orders without halting; the symbol is required", async () => {
  const { router, call } = appWith();
  const ok = await call("DELETE", "/orders/open?symbol=BTCUSDT");
  assert.deepEqual([ok.status, ok.body], [200, {
    symbol: "BTCUSDT",
    canceled: ["lr-1"],
    alreadyFinished: [],
    failed: [],
  }]);
  assert.deepEqual(router.calls, [["cancelAllOpenOrders", "BTCUSDT"]]);
  assert.equal(router.halted, undefined);
  const missing = await call("DELETE", "/orders/open");
  assert.deepEqual([missing.status, missing.body.code], [400, -1]);
  assert.match(missing.body.msg, /symbol/);
  const bad = await call("DELETE", "/orders/open?symbol=btc-usdt");
  assert.equal(bad.status, 400);
  assert.equal(router.calls.length, 1); // nothing else reached the router
});

test("app: POST /flatten closes one symbol's position; POST /halt with flatten passes it on", async () => {
  const { router, call, notices } = appWith();
  const ok = await call("POST", "/flatten", { json: { symbol: "BTCUSDT" } });
  assert.equal(ok.status, 200);
  assert.deepEqual([ok.body.symbol, ok.body.remaining, ok.body.closed[0].status], ["BTCUSDT", "0", "FILLED"]);
  assert.deepEqual(router.calls, [["flatten", "BTCUSDT"]]);
  assert.equal(notices.length, 0); // flat, nothing failed: no notice
  // A close whose outcome was unknown that filled after all: flat, a warning; a position left: an error.
  const unknown = { side: "SELL", quantity: "0.003", error: "order.place outcome unknown (timeout)" };
  router.flattenOutcome = { failed: [unknown], remaining: "0" };
  await call("POST", "/flatten", { json: { symbol: "BTCUSDT" } });
  router.flattenOutcome = { failed: [unknown], remaining: "0.003" };
  await call("POST", "/flatten", { json: { symbol: "BTCUSDT" } });
  assert.deepEqual(notices.map((n) => n.split(":")[0]), [
    "warn flatten",
    "error flatten",
  ]);
  assert.match(notices[0]!, /position is flat/);
  router.flattenOutcome = { failed: [], remaining: "0" };
  router.calls.length = 1;
  const missing = await call("POST", "/flatten", { json: {} });
  assert.deepEqual([missing.status, missing.body.code], [400, -1]);
  assert.match(missing.body.msg, /symbol/);
  assert.equal((await call("POST", "/flatten")).status, 400); // the body is required
  const halted = await call("POST", "/halt", { json: { reason: "close", flatten: true } });
  assert.equal(halted.status, 200);
  assert.deepEqual(router.calls.slice(1), [["halt with flatten", "close"], ["halt", "close"]]);
  const bad = await call("POST", "/halt", { json: { flatten: "yes" } });
  assert.deepEqual([bad.status, bad.body.code], [400, -1]);
});

test("app: POST /audit runs an audit and answers its report; link down or a gap pass → 503", async () => {
  const report = {
    at: 1,
    listed: 2,
    queried: 1,
    adopted: [],
    corrected: ["lr-1"],
    positions: ["BTCUSDT:BOTH"],
  };
  let answer: typeof report | undefined = report;
  let runs = 0;
  const health = () => ({
    intervalMs: 60_000,
    audits: runs,
    skipped: 0,
    drift: 0,
    lastAt: null,
    lastDrift: 0,
    lastError: null,
  });
  const run = () => (runs++, Promise.resolve(answer));
  const { router, call } = appWith({ audit: { health, run } });
  const ok = await call("POST", "/audit");
  assert.deepEqual([ok.status, ok.body], [200, report]);
  answer = undefined; // skipped: a gap pass runs
  const busy = await call("POST", "/audit");
  assert.deepEqual([busy.status, busy.body.code], [503, -12]);
  assert.match(busy.body.msg, /gap reconciliation is running/);
  router.connected = false;
  const down = await call("POST", "/audit");
  assert.deepEqual([down.status, down.body.code, runs], [503, -11, 2]); // not even tried
  const bad = await call("POST", "/audit", { json: { now: true } });
  assert.equal(bad.status, 400);
  assert.equal((await appWith().call("POST", "/audit")).status, 404); // no audit: no route
});

test("app: /metrics is Prometheus text built from the router's state", async () => {
  let nowMs = 0;
  const { router, call } = appWith({ now: () => nowMs });
  router.connected = false;
  nowMs = 5_000;
  const res = await call("GET", "/metrics");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.match(res.body, /^lightning_connected 0$/m);
  assert.match(res.body, /^lightning_in_flight 3$/m);
  assert.match(res.body, /^lightning_uptime_seconds 5$/m);
  assert.match(res.body, /^lightning_orders\{state="unknown"\} 0$/m);
});

test("app: halt passes the reason and answers the router's report; failed cancels are a notice", async () => {
  const { router, notices, call } = appWith();
  const res = await call("POST", "/halt", { json: { reason: "news" } });
  assert.deepEqual([res.status, res.body], [200, {
    halted: true,
    reason: "news",
    canceled: [],
    alreadyFinished: [],
    failed: [],
  }]);
  assert.deepEqual(router.calls, [["halt", "news"]]);
  assert.deepEqual(notices, []);
  router.haltReport = (reason) => ({
    halted: true,
    reason,
    alreadyFinished: [],
    canceled: ["a"],
    failed: [{ clientOrderId: "b", error: "x" }],
  });
  const bare = await call("POST", "/halt");
  assert.equal(bare.status, 200);
  assert.deepEqual(router.calls[1], ["halt", "halted via control plane"]);
  assert.deepEqual(notices, ['error halt: some cancels failed {"failed":"b"}']);
});

test("app: resume lifts every halt reason (the router reports it, the app logs nothing itself)", async () => {
  const { router, notices, call } = appWith();
  assert.deepEqual((await call("POST", "/resume")).body, { halted: false });
  assert.deepEqual(notices, []);
  router.halted = "news";
  assert.equal((await call("POST", "/resume", { json: {} })).status, 200);
  assert.equal(router.halted, undefined);
  assert.deepEqual(notices, []);
  assert.equal((await call("POST", "/resume", { json: { force: true } })).status, 400);
  assert.deepEqual(router.calls.map((c) => c[0]), ["resume", "resume"]);
  // A hold that lifts itself stays, and the answer says so.
  router.halted = router.keeps = "reconciling 3 orders from the journal";
  assert.deepEqual((await call("POST", "/resume")).body, {
    halted: true,
    reason: "reconciling 3 orders from the journal",
  });
});
