import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { DeadManSwitch } from "../../lib/gateway/dead_man_switch.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { openGateway, tempDir } from "./_gateway.ts";
import { ManualClock } from "../_manual_clock.ts";
import { connect, HMAC_KEY, HMAC_SECRET, restingBuy, simulator, waitFor } from "../router/_harness.ts";

const signer = createHmacSigner(HMAC_SECRET);
const sign = (query: string) => signer.hex(query);

/** Every countdown call that reached the simulator's REST endpoint, with its HTTP answer. */
function recordingFetch() {
  const calls: { symbol: string; countdownTime: string; status: number }[] = [];
  const record: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const q = new URL(String(input)).searchParams;
    calls.push({
      symbol: q.get("symbol") ?? "",
      countdownTime: q.get("countdownTime") ?? "",
      status: res.status,
    });
    return res;
  };
  return { calls, fetch: record };
}

/** A switch on `sim`'s REST for the symbols `tracker` holds, in `router`'s exchange time, on the `clock`. */
function switchOn(
  sim: Awaited<ReturnType<typeof simulator>>,
  router: Awaited<ReturnType<typeof connect>>,
  tracker: OrderTracker,
  clock: ManualClock,
  rest: ReturnType<typeof recordingFetch>,
  extra: Partial<ConstructorParameters<typeof DeadManSwitch>[0]> = {},
): DeadManSwitch {
  return new DeadManSwitch({
    restUrl: sim.httpUrl,
    apiKey: HMAC_KEY,
    sign,
    countdownMs: 60_000,
    symbols: () => tracker.symbols(),
    now: () => Date.now() + router.clockOffsetMs,
    fetch: rest.fetch,
    timers: clock,
    ...extra,
  });
}

test("DeadManSwitch: start arms at once, re-arms every third of the countdown, stop disarms", async () => {
  const sim = await simulator();
  const tracker = new OrderTracker();
  const router = await connect(sim, "hmac", { observer: tracker });
  const clock = new ManualClock();
  const rest = recordingFetch();
  const errors: string[] = [];
  const dms = switchOn(sim, router, tracker, clock, rest, { onError: (s, m) => errors.push(`${s}: ${m}`) });
  try {
    await router.placeOrder(restingBuy());
    dms.start();
    await waitFor(() => dms.refreshes === 1, "the first arm");
    assert.deepEqual(dms.armed, ["BTCUSDT"]);
    assert.deepEqual(rest.calls, [{ symbol: "BTCUSDT", countdownTime: "60000", status: 200 }]);
    dms.start(); // already running: no second timer
    assert.equal(clock.pending, 1);
    assert.equal(clock.advance(19_999), 0, "no refresh before a third of the countdown");
    assert.equal(clock.advance(1), 1);
    await waitFor(() => dms.refreshes === 2, "the refresh");
    assert.equal(rest.calls.length, 2);
    assert.deepEqual(rest.calls[1], { symbol: "BTCUSDT", countdownTime: "60000", status: 200 });
    await dms.stop();
    assert.equal(clock.pending, 0, "no refresh after stop");
    assert.deepEqual(rest.calls[2], { symbol: "BTCUSDT", countdownTime: "0", status: 200 });
    assert.deepEqual(dms.armed, []);
    assert.equal(dms.refreshes, 3);
    assert.equal(dms.failures, 0);
    assert.deepEqual(errors, []);
  } finally {
    await dms.stop();
    await router.close();
    await sim.close();
  }
});

test("DeadManSwitch: a countdown left unrefreshed cancels on the exchange; a disarmed one does not", {
  timeout: 30_000,
}, async () => {
  const sim = await simulator();
  const router = await connect(sim);
  let wanted = ["BTCUSDT", "ETHUSDT"];
  const rest = recordingFetch();
  const dms = new DeadManSwitch({
    restUrl: sim.httpUrl,
    apiKey: HMAC_KEY,
    sign,
    countdownMs: 500,
    symbols: () => wanted,
    now: () => Date.now() + router.clockOffsetMs,
    fetch: rest.fetch,
  });
  const statusOf = (orderId: number) => sim.orders().find((o) => o.orderId === orderId)?.status;
  try {
    const btc = await router.placeOrder(restingBuy());
    const eth = await router.placeOrder(restingBuy({ symbol: "ETHUSDT", quantity: "0.010", price: "2900" }));
    await dms.tick();
    assert.deepEqual(dms.armed.sort(), ["BTCUSDT", "ETHUSDT"]);
    // ETHUSDT no longer needs protection: the next tick disarms it and re-arms BTCUSDT, which is therefore
    // due after ETHUSDT's original countdown. The router then "dies": nothing refreshes BTCUSDT again.
    wanted = ["BTCUSDT"];
    await dms.tick();
    assert.deepEqual(
      rest.calls.slice(2).map((c) => `${c.symbol}=${c.countdownTime} ${c.status}`).sort(),
      ["BTCUSDT=500 200", "ETHUSDT=0 200"],
    );
    assert.deepEqual(dms.armed, ["BTCUSDT"]);
    await waitFor(() => statusOf(btc.orderId) === "CANCELED", "the exchange's countdown to cancel", 10_000);
    // Had the disarm failed, ETHUSDT's earlier countdown would have fired first.
    assert.equal(statusOf(eth.orderId), "NEW");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("DeadManSwitch: a refused signature is reported, not thrown", async () => {
  const sim = await simulator();
  const errors: string[] = [];
  const dms = new DeadManSwitch({
    restUrl: sim.httpUrl,
    apiKey: HMAC_KEY,
    sign: () => "00".repeat(32),
    countdownMs: 60_000,
    symbols: () => ["BTCUSDT"],
    now: Date.now,
    onError: (s, m) => errors.push(`${s}: ${m}`),
  });
  try {
    await dms.tick();
    assert.equal(dms.failures, 1);
    assert.equal(dms.refreshes, 0);
    assert.match(errors[0]!, /BTCUSDT: HTTP 400 .*-1022/);
    assert.deepEqual(dms.armed, []);
  } finally {
    await sim.close();
  }
});

test("DeadManSwitch: ensure arms a new symbol at once, once, and only while running", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  const clock = new ManualClock();
  const rest = recordingFetch();
  const dms = new DeadManSwitch({
    restUrl: sim.httpUrl,
    apiKey: HMAC_KEY,
    sign,
    countdownMs: 60_000,
    symbols: () => [],
    now: () => Date.now() + router.clockOffsetMs,
    fetch: rest.fetch,
    timers: clock, // no refresh tick fires in this test: only ensure can arm
  });
  try {
    dms.ensure("BTCUSDT");
    assert.deepEqual(rest.calls, [], "not started: nothing armed");
    dms.start();
    await dms.tick(); // the start's tick: no symbol wanted yet
    dms.ensure("BTCUSDT");
    dms.ensure("BTCUSDT"); // a second order before the answer: no second call
    await waitFor(() => dms.armed.includes("BTCUSDT"), "BTCUSDT armed");
    dms.ensure("BTCUSDT"); // armed already
    assert.deepEqual(rest.calls, [{ symbol: "BTCUSDT", countdownTime: "60000", status: 200 }]);
    assert.deepEqual(dms.health(), { countdownMs: 60_000, armed: ["BTCUSDT"], refreshes: 1, failures: 0 });
  } finally {
    await dms.stop();
    await router.close();
    await sim.close();
  }
});

test("gateway: the first order on a symbol arms its dead-man's countdown at once, not at the next refresh", async () => {
  const sim = await simulator();
  const gateway = await openGateway(sim, tempDir("lr-deadman-"), {
    restUrl: sim.httpUrl,
    deadManMs: 60_000, // refreshes every 20 s: the wait below ends long before the first one
  });
  try {
    assert.deepEqual(gateway.deadMan?.health().armed, []);
    await gateway.router.placeOrder(restingBuy());
    await waitFor(() => gateway.deadMan!.health().armed.includes("BTCUSDT"), "BTCUSDT armed");
    assert.equal(gateway.deadMan!.health().failures, 0);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test("DeadManSwitch: while paused (an IP ban) it sends nothing; refreshes go on once the pause ends", async () => {
  const sim = await simulator();
  const tracker = new OrderTracker();
  const router = await connect(sim, "hmac", { observer: tracker });
  const clock = new ManualClock();
  const rest = recordingFetch();
  let banned = true;
  const dms = switchOn(sim, router, tracker, clock, rest, { paused: () => banned });
  try {
    await router.placeOrder(restingBuy());
    dms.start();
    dms.ensure("BTCUSDT");
    clock.advance(20_000);
    await dms.tick();
    assert.deepEqual(rest.calls, [], "nothing sent while banned");
    banned = false;
    clock.advance(20_000);
    await waitFor(() => dms.refreshes === 1, "the refresh after the ban");
    assert.deepEqual(rest.calls, [{ symbol: "BTCUSDT", countdownTime: "60000", status: 200 }]);
  } finally {
    banned = false;
    await dms.stop();
    await router.close();
    await sim.close();
  }
});

test("Router: an exchange 418 (IP banned until T) is known as a ban until T (ipBanned), not a 429's window", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    assert.equal(router.ipBanned, false);
    // Past twice the request weight: the simulator bans the IP, as Binance does.
    let banned = false;
    for (let i = 0; i < 300 && !banned; i++) {
      const r = await fetch(`${sim.httpUrl}/fapi/v1/openOrders`);
      await r.body?.cancel();
      banned = r.status === 418;
    }
    assert.ok(banned);
    await assert.rejects(router.placeOrder(restingBuy()), { status: 418 });
    assert.equal(router.ipBanned, true);
    assert.match(router.rateLimitBlock?.reason ?? "", /418/);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a ban met by a REST call of the gateway's (noteRateLimit) is the router's too: new orders refused locally", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    assert.equal(router.noteRateLimit("HTTP 400 Bad Request"), false);
    assert.equal(router.ipBanned, false);
    const until = Date.now() + router.clockOffsetMs + 60_000;
    assert.equal(
      router.noteRateLimit(
        `HTTP 418 {"code":-1003,"msg":"Way too many requests; IP banned until ${until}."}`,
      ),
      true,
    );
    assert.equal(router.ipBanned, true);
    assert.equal(router.quiet, true);
    assert.equal(router.rateLimitBlock?.until, until);
    // As for a ban the router met: new orders held until an operator resumes, and refused locally until T.
    assert.match(router.halted ?? "", /^IP banned by the exchange until /);
    const before = sim.stats().ordersPlaced;
    await assert.rejects(router.placeOrder(restingBuy()), { reason: "halted" });
    router.resume();
    await assert.rejects(router.placeOrder(restingBuy()), { reason: "rate-limit" });
    assert.equal(sim.stats().ordersPlaced, before, "nothing reached the exchange");
  } finally {
    await router.close();
    await sim.close();
  }
});

test("Router: a used-up request weight met by a REST call (429 -1003) makes the gateway quiet until the minute's end, without a ban or a hold", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  try {
    const text =
      'HTTP 429 {"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute."}';
    assert.equal(router.noteRateLimit(text), true);
    assert.deepEqual([router.quiet, router.ipBanned, router.halted], [true, false, undefined]);
    const until = router.rateLimitBlock?.until ?? 0;
    assert.equal(until % 60_000, 0, "the minute's end");
    assert.ok(until > Date.now() + router.clockOffsetMs);
  } finally {
    await router.close();
    await sim.close();
  }
});
