/**
 * The server layer's limits over real sockets, with short injected timeouts: a connection that never finishes
 * its headers (slowloris), a body that stalls, the connection limit, the idle timeout of a kept-alive
 * connection, malformed HTTP; and what the operator is told (one counted warning, not one line per request).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { serve } from "../../lib/control/server.ts";
import { rawRequest, startStack, waitFor } from "./_stack.ts";
import { head, openRaw, type RawConnection } from "./_raw.ts";
import { SseClient } from "./_sse.ts";
import { ManualClock } from "../_manual_clock.ts";

const TIMED_OUT = "control plane: requests not received in time (answered 408, connection closed)";

test("slowloris: half a header, or headers trickled line by line, get 408 (code -18) at the header timeout", async () => {
  const s = await startStack({ serve: { headerTimeoutMs: 300, bodyTimeoutMs: 2000 } });
  let trickle: ReturnType<typeof setInterval> | undefined;
  try {
    const port = s.server.port;
    const half = await openRaw(port, head("GET", "/health", port));
    const trickled = await openRaw(port, head("GET", "/health", port));
    let n = 0;
    trickle = setInterval(() => {
      if (!trickled.isClosed) trickled.write(`X-Line-${n++}: ${"a".repeat(10)}\r\n`);
    }, 50);
    for (const c of [half, trickled]) {
      // Bounded: without a header timeout these stay open and `closed` rejects after 5 s.
      const outcome = await c.closed;
      assert.equal(outcome.status, 408, outcome.data);
      assert.equal(outcome.body.code, LOCAL_CODES.REQUEST_TIMEOUT);
    }
    assert.ok(n >= 1, "header lines kept arriving while the timeout ran");
    assert.deepEqual(s.served, [], "the app never saw them");
    // Two requests cut: one warning (the second is counted into the next).
    assert.deepEqual(s.noticeLog.filter((x) => x.msg === TIMED_OUT).map((x) => x.fields), [
      { count: "1", total: "1" },
    ]);
    // The server still answers a complete request at once.
    assert.equal((await rawRequest(port, head("GET", "/health", port))).status, 200);
  } finally {
    clearInterval(trickle);
    await s.close();
  }
});

test("a body that stalls is cut at the body timeout: 408, the app's read fails as a 400, never a 500", async () => {
  const s = await startStack({ serve: { headerTimeoutMs: 200, bodyTimeoutMs: 400 } });
  try {
    const port = s.server.port;
    const c = await openRaw(
      port,
      head("POST", "/orders", port, ["Content-Type: application/json", "Content-Length: 100"]) +
        '\r\n{"symbol":',
    );
    const outcome = await c.closed;
    assert.equal(outcome.status, 408, outcome.data);
    assert.equal(outcome.body.code, LOCAL_CODES.REQUEST_TIMEOUT);
    await waitFor(() => s.served.length === 1, 5000, "the app's answer");
    assert.deepEqual(s.served, [400]);
    assert.ok(!s.notices.some((x) => x.startsWith("error")), s.notices.join("\n"));
  } finally {
    await s.close();
  }
});

test("connection limit: one connection over it is closed unanswered; a freed slot serves again", async () => {
  const s = await startStack({
    serve: { maxConnections: 3, headerTimeoutMs: 20_000, bodyTimeoutMs: 20_000 },
  });
  const held: RawConnection[] = [];
  try {
    const port = s.server.port;
    for (let i = 0; i < 3; i++) {
      held.push(await openRaw(port, head("GET", "/health", port), { timeoutMs: 15_000 }));
    }
    // Let the server accept the three before the fourth arrives (accept order is arrival order).
    await new Promise((r) => setTimeout(r, 100));
    const over = await openRaw(port, head("GET", "/health", port, ["Connection: close"]) + "\r\n");
    const refused = await over.closed;
    assert.equal(refused.status, 0, `no answer over the limit (got ${refused.data.slice(0, 40)})`);
    assert.ok(held.every((c) => !c.isClosed), "the three held connections are untouched");
    held.shift()!.destroy();
    // The server counts the freed slot once it has seen the close: retry (bounded) until it serves.
    const health = () => rawRequest(port, head("GET", "/health", port)).catch(() => ({ status: 0 }));
    let status = (await health()).status;
    for (const deadline = Date.now() + 5000; status !== 200 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await health()).status;
    }
    assert.equal(status, 200, "a request is served in the freed slot");
  } finally {
    for (const c of held) c.destroy();
    await s.close();
  }
});

test("a kept-alive connection is closed once idle for the keep-alive timeout", async () => {
  const s = await startStack({ serve: { keepAliveTimeoutMs: 100 } });
  try {
    const port = s.server.port;
    const c = await openRaw(port, head("GET", "/health", port) + "\r\n");
    const outcome = await c.closed; // bounded: without the timeout it stays open and this rejects after 5 s
    assert.equal(outcome.status, 200);
    assert.match(outcome.data, /^connection: keep-alive/im);
  } finally {
    await s.close();
  }
});

test("malformed HTTP gets a JSON 400 (code -1) and the connection closes", async () => {
  const s = await startStack();
  try {
    const c = await openRaw(s.server.port, "HELLO THERE\r\n\r\n");
    const outcome = await c.closed;
    assert.equal(outcome.status, 400);
    assert.deepEqual(outcome.body, { code: LOCAL_CODES.INVALID_REQUEST, msg: "malformed HTTP request" });
    assert.deepEqual(s.served, []);
  } finally {
    await s.close();
  }
});

test("serve: limits must be positive integers, and the body timeout at least the header timeout", async () => {
  const base = { hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") };
  await assert.rejects(serve({ ...base, headerTimeoutMs: 0 }), /headerTimeoutMs must be a positive integer/);
  await assert.rejects(serve({ ...base, maxConnections: 1.5 }), /maxConnections must be a positive integer/);
  await assert.rejects(
    serve({ ...base, headerTimeoutMs: 500, bodyTimeoutMs: 100 }),
    /at least headerTimeoutMs/,
  );
});

test("close: a connection still sending its headers is dropped at once; a request in progress is answered", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  let started = false;
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    headerTimeoutMs: 20_000,
    bodyTimeoutMs: 20_000,
    fetch: async () => {
      started = true;
      await gate;
      return new Response("done");
    },
  });
  try {
    const port = server.port;
    const half = await openRaw(port, head("GET", "/", port));
    const inFlight = rawRequest(port, head("GET", "/", port));
    await waitFor(() => started, 5000, "the request to reach the handler");
    const closing = server.close();
    // Bounded well below the 20 s header timeout: only close() can end it this soon.
    const dropped = await half.closed;
    assert.equal(dropped.status, 0);
    assert.equal(started, true);
    release();
    const answered = await inFlight;
    assert.equal(answered.status, 200);
    assert.equal(answered.body, "done");
    await closing;
  } finally {
    release();
    await server.close();
  }
});

test("/events: a quiet stream outlives every server timeout (they bound reading requests only)", async () => {
  // Timeouts of 50-150 ms; the stream then stays silent (manual clock: no heartbeat) for four times longer.
  const clock = new ManualClock();
  const s = await startStack({
    events: { timers: clock },
    serve: { headerTimeoutMs: 50, bodyTimeoutMs: 100, keepAliveTimeoutMs: 150 },
  });
  try {
    const r = await SseClient.open(s.url + "/events");
    await r.waitForComments(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(r.ended, false, "the stream is still open");
    s.account.events.append("halt", { reason: "late" });
    await r.waitForMessages(1);
    assert.deepEqual(r.parsed().map((m) => m.event), ["halt"]);
    r.close();
  } finally {
    await s.close();
  }
});
