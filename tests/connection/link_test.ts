/**
 * Link: start, dead-link detection, reconnect backoff, logon timeout and close, on a manual clock against a
 * simulator on 127.0.0.1 (real sockets; only time is simulated).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Link } from "../../lib/connection/link.ts";
import { ManualClock } from "../_manual_clock.ts";
import { simulator } from "../router/_harness.ts";
import { activeOf, linkFixture, RecordingOwner } from "./_link_owner.ts";

test("Link: start connects and prepares one socket; a second start is refused", async () => {
  const f = await linkFixture();
  try {
    const first = activeOf(f.link);
    assert.deepEqual(f.owner.prepared, [first]);
    assert.equal(first.ready, true);
    assert.deepEqual(f.owner.events, [{ type: "connected", generation: 1 }]);
    assert.equal(first.openedAt, 0, "socket times come from the injected clock");
    await assert.rejects(f.link.start(), /link already started/);
    assert.equal(f.link.reconnects, 0);
  } finally {
    await f.close();
  }
});

test("Link: a quiet socket is probed every third of deadLinkMs and dropped at deadLinkMs", async () => {
  // deadLinkMs 3000 → the watchdog looks every 500 ms.
  const f = await linkFixture({ deadLinkMs: 3000 });
  try {
    const first = activeOf(f.link);
    f.clock.advance(999);
    assert.equal(f.owner.probes.length, 0, "no probe before a third of deadLinkMs");
    f.clock.advance(1);
    assert.deepEqual(f.owner.probes, [first]);
    f.clock.advance(999);
    assert.equal(f.owner.probes.length, 1, "at most one probe per third");
    f.clock.advance(1);
    assert.equal(f.owner.probes.length, 2);
    f.clock.advance(999);
    assert.deepEqual(f.owner.lost, [], "still alive just before deadLinkMs");
    f.clock.advance(1);
    assert.deepEqual(f.owner.lost, [{ connection: first, reason: "no frame for 3000 ms" }]);
    assert.equal(first.isOpen, false);
    assert.equal(f.link.active, undefined);
    assert.deepEqual(f.owner.eventsOf("disconnected"), [
      { type: "disconnected", generation: 1, reason: "no frame for 3000 ms" },
    ]);
    await f.owner.until(() => f.owner.eventsOf("connected").length === 2, "the reconnect");
    assert.equal(activeOf(f.link).generation, 2);
    assert.equal(f.link.reconnects, 1);
  } finally {
    await f.close();
  }
});

test("Link: while quiet (an IP ban) nothing is probed, and only silence past the exchange's 3-minute pings is death", async () => {
  const f = await linkFixture({ deadLinkMs: 3000 });
  try {
    const first = activeOf(f.link);
    f.owner.banned = true;
    f.link.suspectSilence(1000); // a request's refusal is no silence, and no probe may go out for it
    f.clock.advance(10_000);
    assert.deepEqual([f.owner.probes.length, f.owner.lost.length], [0, 0], "no probe, not dropped at 3 s");
    f.clock.advance(190_000);
    assert.deepEqual(f.owner.lost.map((l) => l.reason), ["no frame for 200000 ms"]);
    assert.equal(first.isOpen, false);
  } finally {
    await f.close();
  }
});

test("Link: the end of a quiet time starts the silence count afresh, with a probe at once", async () => {
  const f = await linkFixture({ deadLinkMs: 3000 });
  try {
    const first = activeOf(f.link);
    f.owner.banned = true;
    f.clock.advance(120_000); // a two-minute ban: nothing asked, nothing heard
    f.owner.banned = false;
    f.clock.advance(500); // the next look: awake, a probe goes out, and the socket is not taken as dead
    assert.deepEqual(f.owner.probes, [first]);
    assert.equal(f.owner.lost.length, 0);
    f.clock.advance(2400);
    assert.equal(f.owner.lost.length, 0, "3 s of its own silence not reached yet");
    f.clock.advance(600);
    assert.deepEqual(f.owner.lost.map((l) => l.reason), ["no frame for 3000 ms"]);
  } finally {
    await f.close();
  }
});

test("Link: a frame from the exchange restarts the silence count", async () => {
  const f = await linkFixture({ deadLinkMs: 3000 });
  try {
    const first = activeOf(f.link);
    f.clock.advance(900);
    assert.equal(first.send('{"id":"t1","method":"session.status","params":{}}'), true);
    await f.owner.until(() => f.owner.frames.length === 1, "the answer frame");
    assert.equal(first.lastFrameAt, 900);
    f.clock.advance(1099); // t = 1999: silent for 1099 ms, but the watchdog last looked at 1500 (600 ms)
    assert.equal(f.owner.probes.length, 0);
    f.clock.advance(1); // t = 2000: silent for 1100 ms
    assert.equal(f.owner.probes.length, 1);
    f.clock.advance(1000); // t = 3000: would have been dead without the frame
    assert.deepEqual(f.owner.lost, []);
    f.clock.advance(1000); // t = 4000: silent for 3100 ms
    assert.deepEqual(f.owner.lost, [{ connection: first, reason: "no frame for 3100 ms" }]);
  } finally {
    await f.close();
  }
});

test("Link: a failed reconnect waits its backoff delay on the clock, then tries again", async () => {
  const f = await linkFixture({ deadLinkMs: 60_000, backoffBaseMs: 1000, backoffMaxMs: 1000 });
  try {
    f.owner.prepareWith = () => Promise.reject(new Error("logon refused"));
    f.sim.dropConnections();
    await f.owner.until(() => f.owner.eventsOf("reconnecting").length === 1, "the first failed attempt");
    const [failed] = f.owner.eventsOf("reconnecting");
    assert.equal(failed?.attempt, 1);
    assert.equal(failed?.error, "logon refused");
    const delayMs = failed!.delayMs;
    assert.ok(delayMs >= 500 && delayMs <= 1000, `delay ${delayMs} within [base/2, base]`);
    assert.ok(f.owner.lost.some((l) => l.reason === "prepare failed"), "the refused socket is closed");
    const at = f.clock.now();
    assert.deepEqual(f.clock.timeouts, [at + delayMs], "one timer pending: the backoff sleep");
    f.clock.advance(delayMs - 1);
    assert.deepEqual(f.clock.timeouts, [at + delayMs], "not retried before the delay");
    assert.equal(f.owner.prepared.length, 2);
    f.owner.prepareWith = () => Promise.resolve();
    f.clock.advance(1);
    await f.owner.until(() => f.link.active !== undefined, "the retry to connect");
    assert.equal(f.owner.prepared.length, 3);
    assert.equal(f.link.reconnects, 1);
    assert.deepEqual(f.owner.eventsOf("connected").map((e) => e.generation), [1, 3]);
    // The next outage starts its backoff over from the first attempt.
    f.owner.prepareWith = () => Promise.reject(new Error("logon refused again"));
    f.sim.dropConnections();
    await f.owner.until(
      () => f.owner.eventsOf("reconnecting").length === 2,
      "a failed attempt after the drop",
    );
    assert.equal(f.owner.eventsOf("reconnecting")[1]?.attempt, 1);
  } finally {
    await f.close();
  }
});

test("Link: a logon that never finishes fails start after connectTimeoutMs on the clock", async () => {
  const f = await linkFixture({ connectTimeoutMs: 2000 }, false);
  try {
    f.owner.prepareWith = () => new Promise<void>(() => {});
    let outcome = "pending";
    const started = f.link.start().then(
      () => outcome = "resolved",
      (e: Error) => outcome = e.message,
    );
    await f.owner.until(() => f.owner.prepared.length === 1, "prepare to be called");
    f.clock.advance(1999);
    assert.equal(f.clock.timeouts.length, 1, "the logon timer has not fired");
    f.clock.advance(1);
    await started;
    assert.equal(outcome, "logon timed out");
    assert.deepEqual(f.owner.lost.map((l) => l.reason), ["prepare failed"]);
    assert.equal(f.link.active, undefined);
    assert.equal(f.clock.pending, 0, "no watchdog for a link that never started");
  } finally {
    await f.close();
  }
});

test("Link: close during logon fails start; close stops the watchdog and closes every socket", async () => {
  const f = await linkFixture({}, false);
  try {
    let release = () => {};
    f.owner.prepareWith = () => new Promise<void>((resolve) => release = resolve);
    const started = f.link.start();
    await f.owner.until(() => f.owner.prepared.length === 1, "prepare to be called");
    f.link.close();
    release();
    await assert.rejects(started, /socket closed during logon/);
    assert.deepEqual(f.owner.lost.map((l) => l.reason), ["router closed"]);
    await assert.rejects(f.link.start(), /link already started/, "a closed link stays closed");
  } finally {
    await f.close();
  }
  const g = await linkFixture();
  try {
    const active = activeOf(g.link);
    assert.equal(g.clock.pending, 1, "the watchdog");
    g.link.close();
    g.link.close(); // idempotent
    assert.equal(g.clock.pending, 0);
    assert.equal(g.link.active, undefined);
    assert.deepEqual(g.owner.lost, [{ connection: active, reason: "router closed" }]);
    assert.deepEqual(g.owner.eventsOf("disconnected"), [], "closing is not a disconnect");
    assert.equal(active.send("{}"), false);
  } finally {
    await g.close();
  }
});

test("Link: close during a backoff sleep ends the reconnect loop", async () => {
  const f = await linkFixture({ backoffBaseMs: 1000, backoffMaxMs: 1000 });
  try {
    f.owner.prepareWith = () => Promise.reject(new Error("logon refused"));
    f.sim.dropConnections();
    await f.owner.until(() => f.owner.eventsOf("reconnecting").length === 1, "a failed attempt");
    f.link.close();
    assert.equal(f.clock.pending, 0, "backoff sleep and watchdog cleared");
    const attempts = f.owner.prepared.length;
    f.clock.advance(10_000);
    assert.equal(f.owner.prepared.length, attempts);
    assert.equal(f.link.active, undefined);
  } finally {
    await f.close();
  }
});

test("Link: an unreachable endpoint fails start with the host in the message", async () => {
  const sim = await simulator();
  const url = sim.url;
  await sim.close(); // nothing listens on this port any more
  const owner = new RecordingOwner();
  const link = new Link({ url, owner, clock: new ManualClock(), connectTimeoutMs: 1000 });
  try {
    await assert.rejects(link.start(), (e: Error) => {
      assert.match(e.message, /^(cannot connect to|connection to) ws:\/\/127\.0\.0\.1:\d+\/ws-fapi\/v1/);
      return true;
    });
    assert.deepEqual(owner.prepared, []);
  } finally {
    link.close();
  }
});
