import { test } from "node:test";
import assert from "node:assert/strict";
import { type AccountEvent, EventLog } from "../../lib/account/event_log.ts";

test("EventLog: ids increase by one; live readers get each event once, in order", () => {
  const log = new EventLog({ capacity: 8, now: () => 42 });
  const seen: AccountEvent[] = [];
  const off = log.subscribe((e) => void seen.push(e));
  assert.equal(log.append("halt", { reason: "a" }), 1);
  assert.equal(log.append("resume", {}), 2);
  off();
  log.append("halt", { reason: "b" });
  assert.deepEqual(seen.map((e) => [e.id, e.type, e.time]), [[1, "halt", 42], [2, "resume", 42]]);
  assert.equal(log.lastId, 3);
  assert.equal(log.count("halt"), 2);
  assert.equal(log.listeners, 0);
});

test("EventLog: since() returns what a reader missed, or a gap once the ring no longer holds it", () => {
  const log = new EventLog({ capacity: 4 });
  for (let i = 0; i < 6; i++) log.append("order", { i });
  assert.deepEqual(log.since(4), { gap: false, events: log.since(4).events });
  assert.deepEqual(log.since(4).events.map((e) => e.id), [5, 6]);
  assert.deepEqual(log.since(6).events, []);
  const r = log.since(1); // 2 is gone (the ring holds 3..6)
  assert.equal(r.gap, true);
  assert.deepEqual(r.gap && [r.missedFrom, r.missedTo], [2, 2]);
  assert.deepEqual(r.events.map((e) => e.id), [3, 4, 5, 6]);
  assert.equal(log.since(2).gap, false, "3..6 are all still kept");
});

test("EventLog: a reader that throws is still called, stops no other, and its 1st, 10th… error is reported", () => {
  const reported: [string, number][] = [];
  const log = new EventLog({
    onReaderError: (e, count) => void reported.push([(e as Error).message, count]),
  });
  const seen: number[] = [];
  const thrower: number[] = [];
  log.subscribe((e) => {
    thrower.push(e.id);
    throw new Error(`bug at ${e.id}`);
  }, ["fill"]);
  log.subscribe((e) => void seen.push(e.id));
  for (let i = 0; i < 12; i++) log.append("fill", {});
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(thrower, seen);
  assert.deepEqual(reported, [["bug at 1", 1], ["bug at 10", 10]]);
  assert.equal(log.listeners, 2);
});

test("EventLog: a reader of some types is called for those only, and stops for all of them at once", () => {
  const log = new EventLog();
  const seen: string[] = [];
  const off = log.subscribe((e) => void seen.push(`${e.id} ${e.type}`), ["fill", "position"]);
  log.append("order", {});
  log.append("fill", {});
  log.append("position", {});
  assert.equal(log.listeners, 1);
  off();
  log.append("fill", {});
  assert.deepEqual(seen, ["2 fill", "3 position"]);
  assert.equal(log.listeners, 0);
});

test("EventLog: a copy that replays another log's events reads the same, resumes included", () => {
  const log = new EventLog({ capacity: 4, now: () => 7 });
  for (let i = 0; i < 6; i++) log.append("order", { i });
  const copy = new EventLog({ capacity: 4, now: () => 99 });
  const seen: number[] = [];
  copy.subscribe((e) => void seen.push(e.id));
  for (const e of log.since(0).events) copy.replay(e); // the ring holds 3..6: the copy starts at 3
  log.append("fill", { i: 6 });
  copy.replay(log.since(6).events[0]!);
  assert.deepEqual(seen, [3, 4, 5, 6, 7]);
  assert.equal(copy.lastId, 7);
  assert.deepEqual(copy.since(0), log.since(0), "the same gap and events, the source's times");
  assert.deepEqual(copy.since(5), log.since(5));
  assert.equal(copy.count("fill"), 1);
  assert.throws(() => copy.replay({ id: 9, type: "halt", time: 1, data: {} }), /event 9 replayed after 7/);
  assert.equal(copy.lastId, 7, "an event out of sequence changes nothing");
});

test("EventLog: one function subscribed twice is two subscriptions: stopping one leaves the other", () => {
  const log = new EventLog();
  const seen: string[] = [];
  const handler = (e: AccountEvent) => seen.push(`${e.type}:${e.id}`);
  const offAll = log.subscribe(handler);
  const offFills = log.subscribe(handler, ["fill"]);
  assert.equal(log.listeners, 2);
  log.append("fill", {});
  assert.deepEqual(seen, ["fill:1", "fill:1"]);
  offAll();
  assert.equal(log.listeners, 1);
  log.append("fill", {});
  log.append("order", {});
  assert.deepEqual(seen, ["fill:1", "fill:1", "fill:2"], "the fills-only subscription is still on");
  offFills();
  log.append("fill", {});
  assert.equal(seen.length, 3);
  assert.equal(log.listeners, 0);
});
