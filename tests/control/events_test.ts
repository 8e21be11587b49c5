/**
 * GET /events over real HTTP: message format and order, Last-Event-ID resume, gaps, the type filter, the
 * heartbeat (manual clock), slow readers dropped without holding anyone up, the subscriber limit, and
 * unsubscribing the moment a client goes away.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMIT_ORDER, type Stack, startStack, waitFor } from "./_stack.ts";
import { feedTrade, SseClient, stalledReader } from "./_sse.ts";
import { ManualClock } from "../_manual_clock.ts";
import { SSE_HEARTBEAT_MS } from "../../lib/control/sse.ts";
import { SERVE_DEFAULTS } from "../../lib/control/server.ts";

test("/events: one message per account event, in order, with id, type and data plus time", async () => {
  const s = await startStack();
  try {
    const r = await SseClient.open(s.url + "/events");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(r.headers.get("cache-control"), "no-store");
    await r.waitForComments(1);
    assert.deepEqual(r.comments, ["connected"]);
    const placed = await s.call("POST", "/orders", { json: { ...LIMIT_ORDER, newClientOrderId: "sse-1" } });
    assert.equal(placed.status, 200);
    const tradeTime = Date.now() + 60_000; // newer than the sim's answer, so it applies to the order
    feedTrade(s.account, { clientOrderId: "sse-1", qty: "0.002", time: tradeTime });
    await waitFor(() => r.messages.some((m) => m.event === "fill"), 5000, "the fill");
    await waitFor(() => r.parsed().some((m) => m.data.status === "FILLED"), 5000, "the FILLED order");
    const got = r.parsed();
    assert.deepEqual(got.map((m) => m.id), got.map((_, i) => i + 1), "ids 1, 2, 3… without holes");
    // The order is logged first when it is sent (pending: it counts toward the exposure), then as acked.
    assert.deepEqual(got.map((m) => [m.event, m.data.status]), [
      ["order", "PENDING"],
      ["order", "NEW"],
      ["fill", undefined],
      ["order", "FILLED"],
    ]);
    assert.equal(got[0]!.data.state, "pending");
    const fill = got[2]!.data;
    assert.equal(fill.clientOrderId, "sse-1");
    assert.equal(fill.qty, "0.002");
    assert.equal(fill.time, tradeTime, "a fill keeps its trade time");
    const order = got[1]!.data;
    assert.equal(order.clientOrderId, "sse-1");
    assert.equal(typeof order.time, "number", "other events get the time they were logged");
    assert.equal(Number(order.executedQty), 0);
    assert.equal(got[3]!.data.executedQty, "0.002");
    r.close();
  } finally {
    await s.close();
  }
});

test("/events: Last-Event-ID replays what the ring still holds, then continues live", async () => {
  const s = await startStack();
  try {
    for (let i = 1; i <= 5; i++) s.account.events.append("balance", { n: i });
    const r = await SseClient.open(s.url + "/events", { "Last-Event-ID": "2" });
    await r.waitForMessages(3);
    s.account.events.append("halt", { reason: "live" });
    await r.waitForMessages(4);
    assert.deepEqual(r.parsed().map((m) => [m.id, m.event]), [
      [3, "balance"],
      [4, "balance"],
      [5, "balance"],
      [6, "halt"],
    ]);
    assert.ok(!r.messages.some((m) => m.event === "gap"), "nothing was missed: no gap");
    r.close();
    // Up to date: only live events follow.
    const current = await SseClient.open(s.url + "/events", { "Last-Event-ID": "6" });
    await current.waitForComments(1);
    s.account.events.append("resume", { removed: "live" });
    await current.waitForMessages(1);
    assert.deepEqual(current.parsed().map((m) => m.id), [7]);
    current.close();
  } finally {
    await s.close();
  }
});

test("/events: an id the ring no longer holds gets an explicit gap first, then the rest", async () => {
  const s = await startStack({ eventCapacity: 4 });
  try {
    for (let i = 1; i <= 10; i++) s.account.events.append("balance", { n: i });
    const r = await SseClient.open(s.url + "/events", { "Last-Event-ID": "1" });
    await r.waitForMessages(5);
    const [gap, ...rest] = r.parsed();
    assert.equal(gap!.event, "gap");
    assert.equal(gap!.id, undefined, "a gap carries no id (the client's last id stays)");
    assert.deepEqual(gap!.data, { reason: "evicted", lastEventId: 1, missedFrom: 2, missedTo: 6 });
    assert.deepEqual(rest.map((m) => m.id), [7, 8, 9, 10]);
    r.close();
    // An id beyond this log (a bare log, restarted, counts from 1 again): say so, replay what is kept.
    const ahead = await SseClient.open(s.url + "/events", { "Last-Event-ID": "500" });
    await ahead.waitForMessages(6);
    const msgs = ahead.parsed();
    assert.deepEqual(msgs.slice(0, 2).map((m) => [m.event, m.data.reason]), [
      ["gap", "restarted"],
      ["gap", "evicted"],
    ]);
    assert.deepEqual(msgs.slice(2).map((m) => m.id), [7, 8, 9, 10]);
    ahead.close();
  } finally {
    await s.close();
  }
});

test("/events: an id of an earlier run (below this log's first) is a restarted gap, even when this run has given out more events", async () => {
  // This run's ids start at 20,001 (a gateway's start above every earlier run's); the reader last saw 19,004.
  const s = await startStack({ firstEventId: 20_001 });
  try {
    for (let i = 1; i <= 3; i++) s.account.events.append("balance", { n: i });
    const earlier = await SseClient.open(s.url + "/events", { "Last-Event-ID": "19004" });
    await earlier.waitForMessages(4);
    const msgs = earlier.parsed();
    assert.deepEqual(msgs[0]!.data, { reason: "restarted", lastEventId: 19004 });
    assert.deepEqual(msgs.slice(1).map((m) => m.id), [20001, 20002, 20003]);
    earlier.close();
    // 0: from the start, no gap; this run's own id: what followed it.
    for (const [last, ids] of [["0", [20001, 20002, 20003]], ["20001", [20002, 20003]]] as const) {
      const r = await SseClient.open(s.url + "/events", { "Last-Event-ID": last });
      await r.waitForMessages(ids.length);
      assert.deepEqual(r.parsed().map((m) => [m.event, m.id]), ids.map((id) => ["balance", id]), last);
      r.close();
    }
  } finally {
    await s.close();
  }
});

test("/events: ?types= filters live and replayed events; bad input is a 400 naming the field", async () => {
  const s = await startStack();
  try {
    s.account.events.append("balance", { n: 1 });
    s.account.events.append("fill", { n: 2 });
    const r = await SseClient.open(s.url + "/events?types=fill,order", { "Last-Event-ID": "0" });
    await r.waitForMessages(1);
    s.account.events.append("halt", { reason: "x" });
    s.account.events.append("position", { n: 4 });
    s.account.events.append("order", { n: 5 });
    await r.waitForMessages(2);
    assert.deepEqual(r.parsed().map((m) => [m.id, m.event]), [[2, "fill"], [5, "order"]]);
    r.close();
    for (const bad of ["types=fill,bogus", "types=", "types=FILL", "foo=1"]) {
      const res = await s.call("GET", `/events?${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.code, -1);
      assert.match(
        res.body.msg,
        bad === "foo=1" ? /unknown field: foo/ : /^types: expected a comma-separated/,
      );
    }
    const badId = await s.call("GET", "/events", { headers: { "Last-Event-ID": "abc" } });
    assert.equal(badId.status, 400);
    assert.match(badId.body.msg, /^Last-Event-ID: /);
  } finally {
    await s.close();
  }
});

test("/events: a ': hb' comment every heartbeat interval (manual clock), none before", async () => {
  const clock = new ManualClock();
  const s = await startStack({ events: { timers: clock, heartbeatMs: 15_000 } });
  try {
    const r = await SseClient.open(s.url + "/events");
    await r.waitForComments(1); // "connected"
    clock.advance(14_999);
    s.account.events.append("halt", { reason: "marker" }); // delivered after anything sent before it
    await r.waitForMessages(1);
    assert.deepEqual(r.comments, ["connected"], "no heartbeat before the interval");
    clock.advance(1);
    await r.waitForComments(2);
    clock.advance(15_000);
    await r.waitForComments(3);
    assert.deepEqual(r.comments, ["connected", "hb", "hb"]);
    r.close();
    await waitFor(() => clock.pending === 0, 5000, "the heartbeat timer to stop with the last reader");
  } finally {
    await s.close();
  }
});

test("/events: a reader that stops reading is dropped; the others get every event; orders still flow", async () => {
  const clock = new ManualClock();
  const s = await startStack({
    events: { maxBufferedBytes: 256 * 1024, maxBufferedMessages: 1000, timers: clock },
    now: () => clock.now(),
  });
  try {
    const slow = await stalledReader(s.server.port);
    const fast = await SseClient.open(s.url + "/events");
    await fast.waitForComments(1);
    assert.equal((await s.call("GET", "/health")).body.events.subscribers, 2);
    const pad = "x".repeat(32 * 1024);
    let orderPlaced = false;
    let sent = 0;
    // Each event is big: the stalled socket's kernel buffers fill, then its queue, then it is dropped.
    for (; sent < 3000 && s.notices.length === 0; sent++) {
      const id = s.account.events.append("balance", { n: sent, pad });
      // The fast reader has it before the next one is written: nobody waits on the stalled reader.
      await waitFor(() => fast.messages.at(-1)?.id === String(id), 5000, `event ${id} at the fast reader`);
      if (sent === 20) {
        const placed = await s.call("POST", "/orders", { json: LIMIT_ORDER });
        assert.equal(placed.status, 200, "an order placed while a reader is stalled goes through");
        orderPlaced = true;
      }
    }
    assert.ok(orderPlaced);
    assert.deepEqual(s.notices, ["warn events: slow subscriber dropped"]);
    const health = (await s.call("GET", "/health")).body;
    assert.equal(health.events.subscribers, 1, "only the fast reader is left");
    assert.equal(health.events.subscribersDropped, 1);
    // The fast reader got every event, in order, with no hole (the order's own events included).
    const ids = fast.parsed().map((m) => m.id);
    assert.deepEqual(ids, ids.map((_, i) => i + 1));
    assert.equal(ids.length, s.account.events.lastId);
    // The dropped reader's connection is closed by the server.
    slow.socket.resume();
    await waitFor(slow.closed, 10_000, "the dropped reader's connection to close");
    fast.close();
  } finally {
    await s.close();
  }
});

test("/events: the drop notice is rate-limited (one per interval, counting the rest)", async () => {
  const clock = new ManualClock();
  const s = await startStack({
    events: {
      maxBufferedBytes: 1024,
      maxBufferedMessages: 1000,
      timers: clock,
      dropNoticeIntervalMs: 60_000,
    },
    now: () => clock.now(),
  });
  try {
    const readers = await Promise.all([1, 2, 3].map(() => stalledReader(s.server.port)));
    const pad = "y".repeat(64 * 1024);
    for (let i = 0; i < 3000 && (await subscribers(s)) > 0; i++) {
      s.account.events.append("balance", { pad });
    }
    assert.equal((await s.call("GET", "/health")).body.events.subscribersDropped, 3);
    assert.deepEqual(s.notices, ["warn events: slow subscriber dropped"], "one notice within the interval");
    for (const r of readers) r.socket.destroy();
  } finally {
    await s.close();
  }
});

test("/events: at most maxSubscribers readers; one more gets 503 with code -16", async () => {
  const s = await startStack({ events: { maxSubscribers: 2 } });
  try {
    const a = await SseClient.open(s.url + "/events");
    const b = await SseClient.open(s.url + "/events");
    const refused = await SseClient.open(s.url + "/events");
    assert.equal(refused.status, 503);
    assert.deepEqual(JSON.parse(refused.body), {
      code: -16,
      msg: "too many /events subscribers (limit 2)",
    });
    a.close();
    await waitForSubscribers(s, 1);
    const c = await SseClient.open(s.url + "/events");
    assert.equal(c.status, 200);
    b.close();
    c.close();
  } finally {
    await s.close();
  }
});

test("/events: a client going away unsubscribes at once (fetch abort, socket destroy)", async () => {
  const s = await startStack();
  try {
    const listeners = s.account.events.listeners; // the hub's one listener, whatever the number of readers
    const a = await SseClient.open(s.url + "/events");
    const b = await stalledReader(s.server.port);
    await waitForSubscribers(s, 2);
    assert.equal(s.account.events.listeners, listeners, "readers share one log listener");
    a.close();
    await waitForSubscribers(s, 1);
    b.socket.destroy();
    await waitForSubscribers(s, 0);
    assert.equal(s.account.events.listeners, listeners);
    assert.match((await s.call("GET", "/metrics")).body, /^lightning_event_subscribers 0$/m);
    // Nothing is kept for them: events appended now go nowhere, and a new reader starts clean.
    s.account.events.append("halt", { reason: "after" });
    const c = await SseClient.open(s.url + "/events");
    s.account.events.append("resume", { removed: "after" });
    await c.waitForMessages(1);
    assert.deepEqual(c.parsed().map((m) => m.event), ["resume"]);
    c.close();
  } finally {
    await s.close();
  }
});

test("/events: the guard applies (token, Origin)", async () => {
  const s = await startStack({ token: "0123456789abcdef0123" });
  try {
    const anonymous = await s.call("GET", "/events");
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, -5);
    const browser = await s.call("GET", "/events", {
      headers: { authorization: "Bearer 0123456789abcdef0123", origin: "https://evil.example" },
    });
    assert.equal(browser.status, 403);
    const ok = await SseClient.open(s.url + "/events", { authorization: "Bearer 0123456789abcdef0123" });
    assert.equal(ok.status, 200);
    ok.close();
  } finally {
    await s.close();
  }
});

async function subscribers(s: Stack): Promise<number> {
  return (await s.call("GET", "/health")).body.events.subscribers;
}

async function waitForSubscribers(s: Stack, n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await subscribers(s)) !== n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} subscribers`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("/events: the heartbeat comes well before an idle kept-alive connection would be closed", () => {
  assert.ok(
    SSE_HEARTBEAT_MS * 1.5 <= SERVE_DEFAULTS.keepAliveTimeoutMs,
    `${SSE_HEARTBEAT_MS} ms vs ${SERVE_DEFAULTS.keepAliveTimeoutMs} ms`,
  );
});
