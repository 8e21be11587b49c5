/**
 * The user data stream's listenKey upkeep against the simulator: a ping on schedule, and none while the
 * exchange has banned the IP (asking lengthens a ban) — the ping waits for the ban's end, without a failure
 * or a gap reported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { UserStream, type UserStreamNotice } from "../../lib/stream/user_stream.ts";
import { ManualClock } from "../_manual_clock.ts";
import { connect, simulator, waitFor } from "../router/_harness.ts";

test("UserStream: the listenKey ping goes out on schedule, and waits out an IP ban without a failure or a gap", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  const clock = new ManualClock(Date.now());
  let banned = false;
  let pings = 0;
  const gaps: string[] = [];
  const notices: UserStreamNotice[] = [];
  const stream = new UserStream({
    streamUrl: sim.streamUrl,
    keys: {
      startUserDataStream: () => router.startUserDataStream(),
      pingUserDataStream: () => (pings++, router.pingUserDataStream()),
    },
    onEvent: () => {},
    onGap: (why) => void gaps.push(why),
    onNotice: (n) => void notices.push(n),
    pingIntervalMs: 60_000,
    paused: () => banned,
    clock,
  });
  try {
    await stream.start();
    await waitFor(() => stream.state === "up", "the stream up");
    gaps.length = 0; // the first connect's
    clock.advance(60_000);
    await waitFor(() => pings === 1, "the scheduled ping");
    banned = true;
    clock.advance(60_000);
    clock.advance(10_000);
    clock.advance(10_000);
    assert.equal(pings, 1, "nothing asked while banned");
    banned = false;
    clock.advance(10_000);
    await waitFor(() => pings === 2, "the ping after the ban");
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(stream.health().listenKeyPingOk, true);
    assert.deepEqual(gaps, [], "a ping put off is no gap");
    assert.deepEqual(notices.filter((n) => n.type === "listen-key-ping-failed"), []);
  } finally {
    stream.close();
    router.close();
    await sim.close();
  }
});

test("UserStream: a listenKey that expired while the socket was down is asked for again after a failed connect", async () => {
  const sim = await simulator();
  const router = await connect(sim);
  const notices: UserStreamNotice[] = [];
  let gaps = 0;
  const stream = new UserStream({
    streamUrl: sim.streamUrl,
    keys: {
      startUserDataStream: () => router.startUserDataStream(),
      pingUserDataStream: () => router.pingUserDataStream(),
    },
    onEvent: () => {},
    onGap: () => void gaps++,
    onNotice: (n) => void notices.push(n),
    backoffBaseMs: 20,
    backoffMaxMs: 100,
  });
  try {
    await stream.start();
    await waitFor(() => stream.state === "up", "the stream up");
    // The socket drops, and the key expires before it is back: nobody is connected to be told.
    sim.dropStreams();
    sim.expireListenKeys();
    await waitFor(() => stream.state === "down", "the stream down");
    await waitFor(() => stream.state === "up", "the stream up again, on a new key (not at the next ping)");
    assert.equal(stream.health().listenKeyRenewals, 1);
    assert.ok(
      notices.some((n) =>
        n.type === "listen-key-renewed" && /could not connect with the old key/.test(n.reason)
      ),
      JSON.stringify(notices),
    );
    assert.ok(gaps >= 2, "the reconnect is a gap to reconcile");
  } finally {
    stream.close();
    router.close();
    await sim.close();
  }
});
