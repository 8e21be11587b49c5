/**
 * The socket both stream clients keep connected, against the simulator's private stream over a real socket, with a manual clock for the rotation and backoff timers: a rotation opens the new socket before the
 * old one closes (no `onDown`, `rotated` true); a drop reports down and reconnects after the backoff; a first
 * attempt that fails stays "connecting"; close() stops everything.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamSocket, type StreamSocketState } from "../../lib/stream/_stream_socket.ts";
import { startSimulator } from "../../lib/sim/mod.ts";
import { ManualClock } from "../_manual_clock.ts";
import { waitFor } from "../router/_harness.ts";
import { HMAC_KEYS, limitOrder, TestClient } from "../sim/_helpers.ts";
import { startKey, streamPath } from "../sim/_stream.ts";

interface Log {
  ups: boolean[];
  downs: [reason: string, previous: StreamSocketState][];
  frames: number;
}

function open(url: () => string | Promise<string>, clock: ManualClock): { socket: StreamSocket; log: Log } {
  const log: Log = { ups: [], downs: [], frames: 0 };
  const socket = new StreamSocket({
    url,
    closedReason: "test over",
    onFrame: () => log.frames++,
    onUp: (rotated) => log.ups.push(rotated),
    onDown: (reason, previous) => log.downs.push([reason, previous]),
    backoffBaseMs: 100,
    backoffMaxMs: 100,
    maxAgeMs: 1_000,
    clock,
  });
  return { socket, log };
}

test("stream socket: a rotation opens the new socket first; a drop reports down and reconnects after backoff", async () => {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const clock = new ManualClock();
  const { socket, log } = open(() => `${sim.streamUrl}${streamPath(key)}`, clock);
  try {
    await socket.start();
    assert.equal(socket.state, "up");
    assert.deepEqual(log.ups, [false]);

    clock.advance(1_000); // the socket's age reaches maxAgeMs
    await waitFor(() => log.ups.length === 2, "the rotation");
    assert.deepEqual(log.ups, [false, true], "a rotation replaces a live socket");
    assert.deepEqual(log.downs, [], "a rotation is not a drop");
    assert.equal(socket.reconnects, 0);

    sim.dropStreams();
    await waitFor(() => log.downs.length === 1, "the drop");
    assert.equal(socket.state, "down");
    assert.equal(log.downs[0]![1], "up");
    assert.equal(socket.reconnects, 1);
    clock.advance(100); // the backoff
    await waitFor(() => log.ups.length === 3, "the reconnect");
    assert.equal(log.ups[2], false, "after a drop: not a rotation, events may have been missed");
    assert.equal(socket.state, "up");

    await client.signed("order.place", limitOrder());
    await waitFor(() => log.frames > 0, "the order's event on the new socket");
  } finally {
    socket.close();
    await client.close();
    await sim.close();
  }
  assert.equal(socket.state, "closed");
});

test("stream socket: a failed first attempt stays connecting, a second failure is down; close() stops retrying", async () => {
  const clock = new ManualClock();
  let attempts = 0;
  const { socket, log } = open(() => {
    attempts++;
    return Promise.reject(new Error("no key"));
  }, clock);
  await socket.start();
  assert.equal(socket.state, "connecting");
  assert.deepEqual(log.downs, [["no key", "connecting"]]);
  clock.advance(100);
  await waitFor(() => log.downs.length === 2, "the second attempt");
  assert.equal(socket.state, "down");
  assert.deepEqual(log.downs[1], ["no key", "connecting"]);
  socket.close();
  assert.equal(socket.state, "closed");
  clock.advance(10_000);
  assert.equal(attempts, 2, "no attempt after close()");
  assert.deepEqual(log.ups, []);
});
