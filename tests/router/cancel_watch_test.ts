/**
 * The watch over a halt's misses, on a manual clock: an order shown open again is cancelled (at most every
 * 3 s), not while its outcome is unknown, not once its halt is lifted; a cancel-all's watch ends after a minute.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CANCEL_WATCH_MS, CancelWatch } from "../../lib/router/_cancel_watch.ts";
import type { OpenOrderRef } from "../../lib/pipeline/order_observer.ts";
import { ManualClock } from "../_manual_clock.ts";

function setup() {
  const clock = new ManualClock(1_000_000);
  const open = new Map<string, OpenOrderRef>();
  const halts = new Set<string>(["news"]);
  const cancels: string[] = [];
  const watch = new CancelWatch({
    canceller: {
      cancelOrder: (ref) => {
        const cid = String((ref as { origClientOrderId?: string }).origClientOrderId);
        cancels.push(cid);
        open.delete(cid);
        return Promise.resolve({});
      },
      cancelAlgoOrder: () => Promise.resolve({}),
      queryOrder: () => Promise.resolve({ status: "CANCELED" }),
    },
    openOrders: () => [...open.values()],
    halted: (reason) => halts.has(reason),
  }, clock);
  const show = (cid: string, state = "open") =>
    open.set(cid, { clientOrderId: cid, symbol: "BTCUSDT", algo: false, state });
  return { clock, open, halts, cancels, watch, show };
}

test("CancelWatch: a halt's miss shown open is cancelled, not while unknown; watched while the halt holds", async () => {
  const { clock, halts, cancels, watch, show } = setup();
  watch.watch(["late", "lost"], "news");
  show("lost", "unknown"); // its cancel lost with the link: unknown until the reconnect's reconciliation
  clock.advance(1000);
  assert.deepEqual(cancels, [], "neither open yet");
  show("late", "unknown");
  clock.advance(1000);
  assert.deepEqual(cancels, [], "its outcome unknown: wait");
  show("late");
  clock.advance(1000);
  await Promise.resolve();
  assert.deepEqual(cancels, ["late"]);
  // Past the minute, an order still held open while the halt holds is cancelled (a link down for long).
  clock.advance(CANCEL_WATCH_MS);
  show("lost");
  clock.advance(1000);
  await Promise.resolve();
  assert.deepEqual(cancels, ["late", "lost"]);
  // Lifted: nothing more.
  watch.watch(["after"], "news");
  halts.clear();
  show("after");
  clock.advance(5000);
  assert.deepEqual(cancels, ["late", "lost"]);
  assert.equal(watch.size, 0);
  assert.equal(clock.pending, 0, "no timer left");
});

test("CancelWatch: at most one cancel per order every 3 s; a cancel-all's watch ends after a minute", async () => {
  const { clock, open, cancels, watch, show } = setup();
  watch.watch(["a"], undefined);
  show("a");
  const stuck = open.get("a")!;
  clock.advance(1000);
  await Promise.resolve();
  open.set("a", stuck); // its cancel did not take: shown open again at once
  clock.advance(1000);
  clock.advance(1000);
  assert.deepEqual(cancels, ["a"], "not again within 3 s");
  clock.advance(1000);
  await Promise.resolve();
  assert.deepEqual(cancels, ["a", "a"]);
  watch.watch(["b"], undefined);
  clock.advance(CANCEL_WATCH_MS + 1000);
  show("b");
  clock.advance(1000);
  await Promise.resolve();
  assert.ok(!cancels.includes("b"), "a cancel-all's watch is over");
  watch.stop();
});
