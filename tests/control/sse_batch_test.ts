/**
 * `/events` batching (the hub, without a server): the events logged in one event-loop turn reach each reader
 * as one chunk (one socket write), every id once and in order — also for a reader that connects, or resumes
 * with `Last-Event-ID`, while a batch is waiting — and `batchWindowMs` holds a batch until its timer fires.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { EventLog } from "../../lib/account/event_log.ts";
import { EventHub } from "../../lib/control/sse.ts";
import { ManualClock } from "../_manual_clock.ts";

const decoder = new TextDecoder();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The ids of the SSE messages in one chunk, in order. */
function ids(chunk: Uint8Array | undefined): number[] {
  const text = decoder.decode(chunk);
  return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
}

function hub(log: EventLog, options: ConstructorParameters<typeof EventHub>[1] = {}): EventHub {
  return new EventHub(log, options, { now: () => 0, notice: () => {} });
}

test("EventHub: events of one turn go out as one chunk per reader, filtered per reader, in order", async () => {
  const log = new EventLog();
  const h = hub(log);
  const all = h.open().getReader();
  const fills = h.open({ types: ["fill"] }).getReader();
  assert.match(decoder.decode((await all.read()).value), /^: connected/);
  assert.match(decoder.decode((await fills.read()).value), /^: connected/);
  const nextAll = all.read();
  const nextFills = fills.read();
  log.append("order", { n: 1 });
  log.append("fill", { n: 2 });
  log.append("order", { n: 3 });
  log.append("fill", { n: 4 });
  assert.deepEqual(ids((await nextAll).value), [1, 2, 3, 4], "one chunk with the whole turn");
  assert.deepEqual(ids((await nextFills).value), [2, 4], "one chunk with the fills of the turn");
  // A reader that was not waiting gets what piled up as one chunk too, still in order.
  log.append("order", { n: 5 });
  await turn();
  log.append("fill", { n: 6 });
  await turn();
  assert.deepEqual(ids((await all.read()).value), [5, 6]);
  h.close();
});

test("EventHub: a reader connecting while a batch waits gets those events once (resumed) or not (live only)", async () => {
  const log = new EventLog();
  const h = hub(log);
  const first = h.open().getReader();
  await first.read(); // ": connected"
  log.append("order", { n: 1 });
  log.append("order", { n: 2 }); // the batch [1, 2] waits for the end of this turn
  const resumed = h.open({ lastEventId: 1 }).getReader(); // replays 2 from the log
  const live = h.open().getReader(); // live only: from 3 on
  await turn();
  log.append("order", { n: 3 });
  await turn();
  const got = async (r: ReadableStreamDefaultReader<Uint8Array>, n: number) => {
    const out: number[] = [];
    while (out.length < n) out.push(...ids((await r.read()).value));
    return out;
  };
  assert.deepEqual(await got(first, 3), [1, 2, 3]);
  assert.deepEqual(await got(resumed, 2), [2, 3], "2 replayed once, not again from the batch");
  assert.deepEqual(await got(live, 1), [3]);
  // Nothing more is queued for any of them: the next chunk each gets is the next event.
  log.append("halt", { n: 4 });
  for (const r of [first, resumed, live]) assert.deepEqual(ids((await r.read()).value), [4]);
  h.close();
});

test("EventHub: batchWindowMs holds the batch until its timer; close() sends what is waiting", async () => {
  const clock = new ManualClock();
  const log = new EventLog();
  const h = hub(log, { batchWindowMs: 2, timers: clock });
  const r = h.open().getReader();
  await r.read(); // ": connected"
  let chunk: Uint8Array | undefined;
  void r.read().then((x) => chunk = x.value);
  log.append("order", { n: 1 });
  await turn();
  log.append("order", { n: 2 });
  await turn();
  assert.equal(chunk, undefined, "nothing before the window ends");
  clock.advance(2);
  await turn();
  assert.deepEqual(ids(chunk), [1, 2]);
  log.append("order", { n: 3 });
  h.close(); // before the window ends: still delivered, then the stream ends
  assert.deepEqual(ids((await r.read()).value), [3]);
  assert.equal((await r.read()).done, true);
});

test("EventHub: an event that cannot be serialised is skipped and reported; the rest of its batch goes out", async () => {
  const log = new EventLog();
  const notices: string[] = [];
  const h = new EventHub(log, {}, {
    now: () => 0,
    notice: (msg, fields) => notices.push(`${msg} ${fields.id}`),
  });
  const r = h.open().getReader();
  await r.read(); // ": connected"
  const next = r.read();
  log.append("order", { n: 1 });
  log.append("halt", { n: 2n }); // a BigInt: JSON.stringify throws
  log.append("order", { n: 3 });
  assert.deepEqual(ids((await next).value), [1, 3]);
  assert.deepEqual(notices, ["events: cannot serve an event 2"]);
  h.close();
});

test("EventHub: a reader that has taken everything gets a batch larger than its queue limit whole; one that has not taken is dropped", async () => {
  // As the monitor's copy after its thread waited for a core: 1,500 events arrive in one turn.
  const log = new EventLog();
  const h = hub(log, { maxBufferedMessages: 1000 });
  const taking = h.open().getReader();
  const stalled = h.open().getReader();
  assert.match(decoder.decode((await taking.read()).value), /^: connected/);
  const dropped: string[] = [];
  stalled.closed.catch((e: Error) => dropped.push(e.message));
  const next = taking.read(); // this reader has taken everything and waits for more
  for (let i = 0; i < 1500; i++) log.append("balance", { n: i });
  const chunk = await next;
  assert.equal(ids(chunk.value).length, 1500);
  assert.deepEqual(ids(chunk.value).slice(0, 2), [1, 2]);
  await turn();
  assert.deepEqual(dropped, ["slow consumer: dropped"], "the reader that never took its head is behind");
  assert.equal(h.subscribers, 1);
  h.close();
});
