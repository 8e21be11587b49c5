/**
 * Link rotation: at maxConnectionAgeMs (or on demand) a fresh socket is opened and prepared before the old
 * one is retired, and the old one closes only once its in-flight requests are answered or the drain timeout
 * passes. Manual clock, simulator on 127.0.0.1.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { activeOf, linkFixture } from "./_link_owner.ts";

test("Link: rotates at maxConnectionAgeMs and drains the old socket before closing it", async () => {
  // maxConnectionAgeMs 4000 → the watchdog looks every 1000 ms.
  const f = await linkFixture({ maxConnectionAgeMs: 4000, deadLinkMs: 60_000 });
  try {
    const old = activeOf(f.link);
    f.owner.inFlight.set(old, 2);
    f.clock.advance(3999);
    assert.deepEqual(f.owner.eventsOf("rotated"), [], "no rotation before the age limit");
    assert.equal(f.owner.prepared.length, 1);
    f.clock.advance(1);
    await f.owner.until(() => f.owner.eventsOf("rotated").length === 1, "the rotation");
    assert.deepEqual(f.owner.eventsOf("rotated"), [
      { type: "rotated", generation: 2, reason: "connection age limit" },
    ]);
    const fresh = activeOf(f.link);
    assert.notEqual(fresh, old);
    assert.equal(fresh.generation, 2);
    assert.equal(fresh.openedAt, 4000);
    assert.equal(old.ready, false, "the old socket takes no new requests");
    // The drain looks every 10 ms: requests still in flight keep the old socket open.
    f.clock.advance(50);
    assert.equal(old.isOpen, true);
    assert.deepEqual(f.owner.lost, []);
    f.owner.inFlight.set(old, 0);
    f.clock.advance(10);
    assert.deepEqual(f.owner.lost, [{ connection: old, reason: "rotated out" }]);
    assert.equal(old.isOpen, false);
    assert.equal(f.link.active, fresh);
    assert.deepEqual(f.owner.eventsOf("disconnected"), [], "a rotation is not a disconnect");
    assert.equal(f.link.reconnects, 0);
    // The fresh socket's own age counts from its open.
    f.clock.advance(3939); // t = 7999
    assert.equal(f.owner.eventsOf("rotated").length, 1);
    f.clock.advance(1);
    await f.owner.until(() => f.owner.eventsOf("rotated").length === 2, "the second rotation");
    assert.equal(f.owner.eventsOf("rotated")[1]?.generation, 3);
  } finally {
    await f.close();
  }
});

test("Link: a drain that never empties ends at drainTimeoutMs", async () => {
  const f = await linkFixture({ drainTimeoutMs: 500, deadLinkMs: 60_000 });
  try {
    const old = activeOf(f.link);
    f.owner.inFlight.set(old, 1);
    await f.link.rotate("server shutdown notice");
    assert.deepEqual(f.owner.eventsOf("rotated"), [
      { type: "rotated", generation: 2, reason: "server shutdown notice" },
    ]);
    f.clock.advance(499);
    assert.equal(old.isOpen, true, "still draining just before the timeout");
    f.clock.advance(1);
    assert.deepEqual(f.owner.lost, [{ connection: old, reason: "rotated out" }]);
  } finally {
    await f.close();
  }
});

test("Link: a rotation that fails to prepare keeps the old socket and says why", async () => {
  const f = await linkFixture({ deadLinkMs: 60_000 });
  try {
    const old = activeOf(f.link);
    f.owner.prepareWith = () => Promise.reject(new Error("logon refused"));
    await f.link.rotate("test");
    assert.deepEqual(f.owner.eventsOf("rotate-failed"), [
      { type: "rotate-failed", reason: "test", error: "logon refused" },
    ]);
    assert.equal(f.link.active, old);
    assert.equal(old.ready, true);
    assert.deepEqual(f.owner.lost.map((l) => l.reason), ["prepare failed"], "only the new socket closed");
    f.owner.prepareWith = () => Promise.resolve();
    await f.link.rotate("again");
    assert.equal(activeOf(f.link).generation, 3);
  } finally {
    await f.close();
  }
});

test("Link: concurrent rotations open one socket; a closed link does not rotate", async () => {
  const f = await linkFixture({ deadLinkMs: 60_000 });
  try {
    await Promise.all([f.link.rotate("a"), f.link.rotate("b")]);
    assert.deepEqual(f.owner.eventsOf("rotated").map((e) => e.reason), ["a"]);
    assert.equal(f.owner.prepared.length, 2);
    f.link.close();
    await f.link.rotate("after close");
    assert.equal(f.owner.prepared.length, 2);
    assert.equal(f.link.active, undefined);
  } finally {
    await f.close();
  }
});
