import { test } from "node:test";
import assert from "node:assert/strict";
import { ExchangeError, NotSentError, RequestFailedError, UnknownOrderStateError } from "../../lib/errors.ts";
import { ServerClock } from "../../lib/pipeline/server_clock.ts";
import { type PipelineNotice, RequestPipeline } from "../../lib/pipeline/request_pipeline.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import type { Params } from "../../lib/types.ts";
import { combineObservers, deferIntent, type OrderObserver } from "../../lib/pipeline/order_observer.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { untouchedResultText } from "../../lib/wire/lazy_order.ts";

/** A frame sink that keeps what was sent (a socket stands here in the router). */
function sink(generation = 1) {
  const frames: { id: number; method: string }[] = [];
  return {
    generation,
    frames,
    open: true,
    send(text: string) {
      if (!this.open) return false;
      frames.push(JSON.parse(text));
      return true;
    },
  };
}

function pipeline(notices: PipelineNotice[] = [], timeoutMs = 60_000, observer?: OrderObserver) {
  return new RequestPipeline({
    encoder: new FrameEncoder({ auth: { kind: "session", apiKey: "k" } }),
    clock: new ServerClock(),
    timeoutMs,
    capacity: 64,
    rateLimitHeadroom: 0.05,
    notify: (n) => notices.push(n),
    ...(observer === undefined ? {} : { observer }),
  });
}

const PLACE = METHODS["order.place"]!;
const STATUS = METHODS["order.status"]!;
const order = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "1" } as Params;

test("RequestPipeline: answers in any order reach the right callers", async () => {
  const p = pipeline();
  const s = sink();
  const a = p.send(s, PLACE, order, "newClientOrderId", "a");
  const b = p.send(s, PLACE, order, "newClientOrderId", "b");
  const [fa, fb] = s.frames;
  p.onFrame(`{"id":${fb!.id},"status":200,"result":{"clientOrderId":"b"}}`);
  p.onFrame(`{"status":200,"result":{"clientOrderId":"a"},"id":${fa!.id}}`); // unusual key order: full parse
  assert.deepEqual(await a, { clientOrderId: "a" });
  assert.deepEqual(await b, { clientOrderId: "b" });
  assert.equal(p.inFlight, 0);
});

test("RequestPipeline: error answers map to the error tree", async () => {
  const p = pipeline();
  const s = sink();
  const rejected = p.send(s, PLACE, order, "newClientOrderId", "r");
  const unknown = p.send(s, PLACE, order, "newClientOrderId", "u");
  const readFailed = p.send(s, STATUS, { symbol: "BTCUSDT", orderId: 1 }, "", "");
  p.onFrame(`{"id":${s.frames[0]!.id},"status":400,"error":{"code":-2019,"msg":"Margin is insufficient."}}`);
  p.onFrame(`{"id":${s.frames[1]!.id},"status":503,"error":{"code":-1007,"msg":"Timeout"}}`);
  p.onFrame(`{"id":${s.frames[2]!.id},"status":503,"error":{"code":-1007,"msg":"Timeout"}}`);
  await assert.rejects(rejected, (e: unknown) => e instanceof ExchangeError && e.code === -2019);
  await assert.rejects(
    unknown,
    (e: unknown) => e instanceof UnknownOrderStateError && e.clientOrderId === "u",
  );
  await assert.rejects(readFailed, (e: unknown) => e instanceof ExchangeError && e.code === -1007);
});

test("RequestPipeline: a 5xx is an unknown outcome, but for the failures Binance documents as such", async () => {
  const p = pipeline();
  const s = sink();
  const answers: [string, boolean][] = [
    ['{"status":503,"error":{"code":-1008,"msg":"Request throttled by system-level protection."}}', false],
    ['{"status":503,"error":{"code":-1001,"msg":"Service Unavailable."}}', false],
    [
      '{"status":503,"error":{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}}',
      false,
    ],
    [
      '{"status":503,"error":{"code":-1000,"msg":"Unknown error, please check your request or try again later."}}',
      true,
    ],
    ['{"status":502,"error":{"code":-1000,"msg":"Bad gateway"}}', true],
  ];
  for (const [i, [frame, unknown]] of answers.entries()) {
    const sent = p.send(s, PLACE, order, "newClientOrderId", `c${i}`);
    p.onFrame(`{"id":${s.frames[i]!.id},${frame.slice(1)}`);
    await assert.rejects(sent, (e: unknown) => {
      assert.equal(e instanceof UnknownOrderStateError, unknown, frame);
      assert.equal(e instanceof ExchangeError, !unknown, frame);
      return true;
    });
  }
});

test("RequestPipeline: after the exchange's 429, requests are held back naming it, to the end of the window that is over", async () => {
  for (
    const [code, msg, windowMs] of [
      [-1015, "Too many new orders; current limit is 300 orders per TEN_SECONDS.", 10_000],
      [-1015, "Too many new orders; current limit is 1200 orders per MINUTE.", 60_000],
      [-1003, "Too much request weight used; current limit is 2400 request weight per 1 MINUTE.", 60_000],
    ] as const
  ) {
    const p = pipeline();
    const s = sink();
    const first = p.send(s, PLACE, order, "newClientOrderId", "a");
    p.onFrame(`{"id":${s.frames[0]!.id},"status":429,"error":{"code":${code},"msg":"${msg}"}}`);
    await assert.rejects(first, (e: unknown) => e instanceof ExchangeError && e.code === code);
    await assert.rejects(p.send(s, PLACE, order, "newClientOrderId", "b"), (e: unknown) => {
      assert.ok(e instanceof NotSentError);
      const m =
        /^not sent \(rate-limit\): order\.place held back: the exchange answered 429 \((-\d+) (.*)\); retry after (.*)$/
          .exec(
            e.message,
          );
      assert.ok(m !== null, e.message);
      assert.deepEqual([Number(m[1]), m[2]], [code, msg]);
      assert.equal(Date.parse(m[3]!) % windowMs, 0, `${m[3]} ends a ${windowMs} ms window`);
      return true;
    });
    assert.equal(s.frames.length, 1, "nothing more sent");
  }
});

test("RequestPipeline: garbage, late answers, notices and events never throw", () => {
  const notices: PipelineNotice[] = [];
  const p = pipeline(notices);
  for (
    const f of [
      "",
      "garbage",
      "[]",
      '{"id":999,"status":200,"result":{}}',
      '{"event":{"e":"serverShutdown"}}',
    ]
  ) {
    p.onFrame(f);
  }
  p.onFrame('{"id":null,"status":401,"error":{"code":-2015,"msg":"Invalid API-key"}}');
  assert.deepEqual(notices.map((n) => n.type), [
    "malformed-frame",
    "malformed-frame",
    "malformed-frame",
    "late-answer",
    "server-shutdown",
    "exchange-notice",
  ]);
  assert.equal(p.metrics.malformedFrames, 3);
  assert.equal(p.metrics.lateAnswers, 1);
});

test("RequestPipeline: a lost sink fails exactly its own requests; a closed sink sends nothing", async () => {
  const p = pipeline();
  const one = sink(1);
  const two = sink(2);
  const lost = p.send(one, PLACE, order, "newClientOrderId", "lost");
  const kept = p.send(two, STATUS, { symbol: "BTCUSDT", orderId: 1 }, "", "");
  p.failSink(1);
  await assert.rejects(
    lost,
    (e: unknown) => e instanceof UnknownOrderStateError && e.reason === "disconnect",
  );
  assert.equal(p.inFlightOn(two), 1);
  p.onFrame(`{"id":${two.frames[0]!.id},"status":200,"result":{}}`);
  await kept;
  two.open = false;
  await assert.rejects(
    p.send(two, PLACE, order, "newClientOrderId", "x"),
    (e: unknown) => e instanceof NotSentError,
  );
});

test("RequestPipeline: sweep times out orders as unknown and reads as failed", async () => {
  const p = pipeline([], 1);
  const s = sink();
  const o = p.send(s, PLACE, order, "newClientOrderId", "slow");
  const r = p.send(s, STATUS, { symbol: "BTCUSDT", orderId: 1 }, "", "");
  await new Promise((res) => setTimeout(res, 5));
  p.sweep();
  await assert.rejects(o, (e: unknown) => e instanceof UnknownOrderStateError && e.reason === "timeout");
  await assert.rejects(r, (e: unknown) => e instanceof RequestFailedError && e.reason === "timeout");
});

test("RequestPipeline: an intent the journal cannot write is refused, not sent, and forgotten", async () => {
  const forgotten: string[] = [];
  const p = pipeline([], 60_000, {
    intent: () => {
      throw new Error("disk full");
    },
    ack: () => {},
    rejected: () => {},
    unknown: () => {},
    notSent: (cid) => void forgotten.push(cid),
  });
  const s = sink();
  await assert.rejects(p.send(s, PLACE, order, "newClientOrderId", "j1"), (e: unknown) => {
    assert.ok(e instanceof NotSentError && e.reason === "journal");
    assert.match(e.message, /order journal cannot be written/);
    assert.doesNotMatch(
      e.message,
      /disk full/,
      "the journal's own error (with its path) stays out of answers",
    );
    return true;
  });
  assert.equal(s.frames.length, 0, "nothing left the process");
  assert.deepEqual(forgotten, ["j1"]);
  // A cancel needs no durable intent: it goes out all the same.
  void p.send(s, METHODS["order.cancel"]!, { symbol: "BTCUSDT", origClientOrderId: "j0" }, "", "j0").catch(
    () => {},
  );
  assert.equal(s.frames.length, 1, "the cancel left the process");
  assert.equal(s.frames[0]!.method, "order.cancel");
  p.failAll();
});

/** A Binance-shaped ack (reference §5.1) for request `id`, with the given result fields changed. */
function binanceAck(id: number, fields: Record<string, unknown> = {}, limitCount = 5): string {
  const result = {
    orderId: 336829446,
    symbol: "BTCUSDT",
    status: "NEW",
    clientOrderId: "lr-1",
    price: "42088.00",
    origQty: "0.100",
    executedQty: "0.000",
    cumQty: "0.000",
    timeInForce: "GTC",
    type: "LIMIT",
    reduceOnly: false,
    side: "BUY",
    updateTime: 1705385954229,
    ...fields,
  };
  const rateLimits = [
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400, count: limitCount },
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: limitCount },
    { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200, count: limitCount },
  ];
  return JSON.stringify({ id, status: 200, result, rateLimits });
}

test("RequestPipeline: scanned and parsed acks settle callers, observers and rate limits alike", async () => {
  const fields = [
    {}, // scanned
    { clientOrderId: 'q"uote' }, // an escape: parsed
    { executedQty: 0 }, // a number where Binance sends text: parsed
  ];
  for (const changed of fields) {
    const acked: unknown[] = [];
    const p = pipeline([], 60_000, {
      intent: () => {},
      ack: (cid, result) => void acked.push([cid, JSON.parse(JSON.stringify(result))]),
      rejected: () => {},
      unknown: () => {},
      notSent: () => {},
    });
    const s = sink();
    const answer = p.send(s, PLACE, order, "newClientOrderId", "lr-1");
    const frame = binanceAck(s.frames[0]!.id, changed, 7);
    p.onFrame(frame);
    const expected = (JSON.parse(frame) as { result: Record<string, unknown> }).result;
    assert.deepEqual(await answer, expected, JSON.stringify(changed));
    assert.deepEqual(acked, [["lr-1", expected]]);
    assert.deepEqual(p.limits.current.map((l) => l.count), [7, 7, 7]);
    assert.equal(p.metrics.rttCount, 1);
    assert.equal(p.inFlight, 0);
  }
});

test("RequestPipeline: a scanned error answer rejects like a parsed one and takes its rateLimits", async () => {
  const p = pipeline();
  const s = sink();
  const rejected = p.send(s, PLACE, order, "newClientOrderId", "r");
  p.onFrame(
    `{"id":${
      s.frames[0]!.id
    },"status":400,"error":{"code":-4164,"msg":"Order's notional must be no smaller ` +
      `than 100"},"rateLimits":[{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300,` +
      `"count":9}]}`,
  );
  await assert.rejects(
    rejected,
    (e: unknown) =>
      e instanceof ExchangeError && e.code === -4164 && e.status === 400 &&
      e.message.includes("Order's notional must be no smaller than 100"),
  );
  assert.deepEqual(p.limits.current.map((l) => [l.rateLimitType, l.count]), [["ORDERS", 9]]);
});

test("RequestPipeline: a read whose result is not an order object is parsed whole", async () => {
  const p = pipeline();
  const s = sink();
  const status = p.send(s, METHODS["session.status"]!, {}, "", "");
  const result = {
    apiKey: null,
    authorizedSince: null,
    connectedSince: 1,
    returnRateLimits: false,
    serverTime: 2,
  };
  p.onFrame(JSON.stringify({ id: s.frames[0]!.id, status: 200, result }));
  assert.deepEqual(await status, result);
});

test("RequestPipeline: a request whose socket closed before the send is not counted against the limits", async () => {
  const p = pipeline();
  p.limits.update([
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 4 },
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400, count: 9 },
  ], Date.now());
  const closed = sink();
  closed.open = false;
  await assert.rejects(
    p.send(closed, PLACE, order, "newClientOrderId", "c"),
    (e: unknown) => e instanceof NotSentError && e.reason === "disconnected",
  );
  assert.deepEqual(p.limits.current.map((l) => l.count), [4, 9]);
  const open = sink();
  const sent = p.send(open, PLACE, order, "newClientOrderId", "d");
  // An order counts against ORDERS; it weighs 0 of REQUEST_WEIGHT (ws-fapi.md §4).
  assert.deepEqual(p.limits.current.map((l) => l.count), [5, 9], "a request sent is counted");
  p.onFrame(
    `{"id":${open.frames[0]!.id},"status":400,"error":{"code":-2019,"msg":"Margin is insufficient."}}`,
  );
  await assert.rejects(sent, (e: unknown) => e instanceof ExchangeError);
});

test("RequestPipeline: an ack's rateLimits count in the window of the exchange's time when it arrived", async () => {
  const clock = new ServerClock();
  const p = new RequestPipeline({
    encoder: new FrameEncoder({ auth: { kind: "session", apiKey: "k" } }),
    clock,
    timeoutMs: 60_000,
    capacity: 64,
    rateLimitHeadroom: 0,
    notify: () => {},
  });
  const s = sink();
  const full = (id: number) =>
    `{"id":${id},"status":400,"error":{"code":-2019,"msg":"Margin is insufficient."},"rateLimits":[` +
    `{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":5,"count":5}]}`;
  const first = p.send(s, PLACE, order, "newClientOrderId", "a");
  p.onFrame(full(s.frames[0]!.id));
  await assert.rejects(first);
  assert.notEqual(p.limits.check(true, false, clock.now()), undefined, "the minute is full");
  // The exchange's clock turns out to be two minutes ahead: the next report belongs to its minute, not ours.
  const sent = Date.now();
  clock.observe(sent + 120_000, sent, sent);
  assert.ok(clock.offsetMs >= 119_000);
  const second = p.send(s, METHODS["order.cancel"]!, { symbol: "BTCUSDT", orderId: 1 }, "", "");
  p.onFrame(full(s.frames[1]!.id));
  await assert.rejects(second);
  assert.notEqual(p.limits.check(true, false, clock.now()), undefined, "full in the exchange's minute");
});

test("RequestPipeline: the receive stamp passed with a frame ends its round trip", async () => {
  const p = pipeline();
  const s = sink();
  const sent = p.send(s, STATUS, { symbol: "BTCUSDT", orderId: 1 }, "", "");
  // Two seconds after the send: the overflow bucket (> 1 s), where a clock read now would not land.
  p.onFrame(`{"id":${s.frames[0]!.id},"status":200,"result":{}}`, performance.now() + 2_000);
  await sent;
  const buckets = p.metrics.rttBuckets;
  assert.equal(buckets[buckets.length - 1], 1);
  assert.ok(p.metrics.rttSumUs >= 1_999_000, String(p.metrics.rttSumUs));
});

test("RequestPipeline: a send that throws leaves the order pending until it times out as unknown", async () => {
  const p = pipeline([], 0);
  p.limits.update([
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 4 },
  ], Date.now());
  const throwing = {
    generation: 1,
    send(): boolean {
      throw new Error("socket in a bad state");
    },
  };
  const o = p.send(throwing, PLACE, order, "newClientOrderId", "t");
  assert.equal(p.inFlight, 1);
  assert.deepEqual(p.limits.current.map((l) => l.count), [5], "it may have left: counted");
  p.sweep();
  await assert.rejects(o, (e: unknown) => e instanceof UnknownOrderStateError && e.reason === "timeout");
});

test("RequestPipeline: a request refused for backpressure is not counted against the limits", async () => {
  const p = pipeline();
  p.limits.update([
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 4 },
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400, count: 9 },
  ], Date.now());
  const s = sink();
  const inFlight = Array.from({ length: 64 }, (_, k) => p.send(s, PLACE, order, "newClientOrderId", `b${k}`));
  assert.deepEqual(p.limits.current.map((l) => l.count), [68, 9]);
  await assert.rejects(
    p.send(s, PLACE, order, "newClientOrderId", "over"),
    (e: unknown) => e instanceof NotSentError && e.reason === "backpressure",
  );
  assert.deepEqual(p.limits.current.map((l) => l.count), [68, 9]);
  p.failAll();
  await Promise.allSettled(inFlight);
});

/** A pipeline whose observer is a deferred order tracker behind a journal-like observer that can refuse. */
function trackedPipeline(journal: { refuse: boolean; intents: string[] }) {
  const events: string[] = [];
  const tracked = new OrderTracker({ onChange: (o) => void events.push(`${o.clientOrderId} ${o.status}`) });
  const journalLike: OrderObserver = {
    intent: (cid) => {
      if (journal.refuse) throw new Error("disk full");
      journal.intents.push(cid);
    },
    ack: () => {},
    rejected: () => {},
    unknown: () => {},
    notSent: () => {},
  };
  const p = pipeline([], 60_000, combineObservers(deferIntent(tracked), journalLike));
  return { p, tracker: tracked, events };
}

test("RequestPipeline: a deferred tracker records the order right after the send, the journal's intent before it", async () => {
  const journal = { refuse: false, intents: [] as string[] };
  const { p, tracker, events } = trackedPipeline(journal);
  const seenAtSend: { journaled: boolean; tracked: boolean }[] = [];
  const s = {
    generation: 1,
    frames: [] as { id: number }[],
    send(text: string) {
      seenAtSend.push({
        journaled: journal.intents.includes("d1"),
        tracked: tracker.get("d1") !== undefined,
      });
      this.frames.push(JSON.parse(text));
      return true;
    },
  };
  const placed = p.send(s, PLACE, order, "newClientOrderId", "d1");
  // Before the send returned to us: the journal had the intent, the tracker did not have the order yet.
  assert.deepEqual(seenAtSend, [{ journaled: true, tracked: false }]);
  // In the same turn as the send: pending, so the next order's pre-trade check counts it.
  assert.equal(tracker.get("d1")?.state, "pending");
  p.onFrame(binanceAck(s.frames[0]!.id, { clientOrderId: "d1", status: "NEW" }));
  assert.equal((await placed as { status: string }).status, "NEW");
  assert.equal(tracker.get("d1")?.state, "open");
  assert.deepEqual(events, ["d1 PENDING", "d1 NEW"]);
});

test("RequestPipeline: with a deferred tracker, an order not sent (socket closed, journal refused) is still seen pending, then NOT_SENT", async () => {
  const journal = { refuse: false, intents: [] as string[] };
  const { p, tracker, events } = trackedPipeline(journal);
  const closed = sink();
  closed.open = false;
  await assert.rejects(
    p.send(closed, PLACE, order, "newClientOrderId", "n1"),
    (e: unknown) => e instanceof NotSentError && e.reason === "disconnected",
  );
  journal.refuse = true;
  const s = sink();
  await assert.rejects(
    p.send(s, PLACE, order, "newClientOrderId", "n2"),
    (e: unknown) => e instanceof NotSentError && e.reason === "journal",
  );
  assert.equal(s.frames.length, 0);
  assert.deepEqual(events, ["n1 PENDING", "n1 NOT_SENT", "n2 PENDING", "n2 NOT_SENT"]);
  assert.equal(tracker.get("n1"), undefined);
  assert.equal(tracker.get("n2"), undefined);
});

test("RequestPipeline: an observer that throws after the send does not fail an order that left", async () => {
  const p = pipeline([], 60_000, {
    intent: () => {},
    afterSend: () => {
      throw new Error("observer bug");
    },
    ack: () => {},
    rejected: () => {},
    unknown: () => {},
    notSent: () => assert.fail("the order left: not notSent"),
  });
  const s = sink();
  const placed = p.send(s, PLACE, order, "newClientOrderId", "t1");
  assert.equal(s.frames.length, 1);
  p.onFrame(binanceAck(s.frames[0]!.id, { clientOrderId: "t1" }));
  assert.equal((await placed as { clientOrderId: string }).clientOrderId, "t1");
});

test("RequestPipeline: a prompt listener is told before the result's fields are read, once, with the frame's own text", async () => {
  const seen: string[] = [];
  const observer: OrderObserver = {
    intent() {},
    ack: (_cid, result) => void seen.push(`observer ${untouchedResultText(result as object) ?? "parsed"}`),
    rejected() {},
    unknown() {},
    notSent() {},
  };
  const p = pipeline([], 60_000, observer);
  const s = sink();
  // A Binance-shaped ack whose fields the read takes, and one whose orderId comes as text: the read refuses
  // it and the frame is parsed, after the listener was told.
  const results = [
    '{"orderId":7,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"a","price":"1.0","origQty":"1",' +
    '"executedQty":"0","updateTime":5}',
    '{"orderId":"7","symbol":"BTCUSDT","status":"NEW","clientOrderId":"b","price":"1.0","origQty":"1",' +
    '"executedQty":"0","updateTime":5}',
  ];
  for (const [n, text] of results.entries()) {
    seen.length = 0;
    const placed = p.send(s, PLACE, order, "newClientOrderId", n === 0 ? "a" : "b");
    assert.equal(
      p.answerPromptly(placed, {
        answered: (result) => {
          seen.push(`prompt ${untouchedResultText(result as object) ?? "parsed"}`);
          assert.equal((result as { orderId: unknown }).orderId, n === 0 ? 7 : "7", "it reads as the parse");
        },
      }),
      true,
    );
    p.onFrame(`{"id":${s.frames[n]!.id},"status":200,"result":${text}}`);
    const resolved = await placed;
    assert.deepEqual(resolved, JSON.parse(text));
    // Told once, before the fields were read: with the frame's text even where the read then refused.
    assert.deepEqual(seen, [`prompt ${text}`, n === 0 ? `observer ${text}` : "observer parsed"], text);
  }
});

test("RequestPipeline: a prompt listener hears a result before the observer and the caller, and only the latest send takes one", async () => {
  const seen: string[] = [];
  const observer: OrderObserver = {
    intent() {},
    ack: (cid) => void seen.push(`observer ${cid}`),
    rejected: (cid) => void seen.push(`observer rejected ${cid}`),
    unknown() {},
    notSent() {},
  };
  const p = pipeline([], 60_000, observer);
  const s = sink();
  const prompt = (name: string) => ({
    answered: (result: unknown) =>
      void seen.push(`prompt ${name} ${(result as { clientOrderId: string }).clientOrderId}`),
  });
  const answer = (n: number, cid: string) =>
    `{"id":${s.frames[n]!.id},"status":200,"result":{"orderId":${
      n + 1
    },"clientOrderId":"${cid}","status":"NEW"}}`;

  const first = p.send(s, PLACE, order, "newClientOrderId", "a");
  const second = p.send(s, PLACE, order, "newClientOrderId", "b");
  assert.equal(p.answerPromptly(first, prompt("first")), false, "not the latest send");
  assert.equal(p.answerPromptly(second, prompt("second")), true);
  assert.equal(p.answerPromptly(second, prompt("again")), false, "one listener, attached once");
  void second.then((r) => seen.push(`caller ${(r as { clientOrderId: string }).clientOrderId}`));
  p.onFrame(answer(1, "b"));
  seen.push("frame handled");
  await second;
  assert.deepEqual(seen, ["prompt second b", "observer b", "frame handled", "caller b"]);
  p.onFrame(answer(0, "a"));
  await first;
  assert.deepEqual(seen.slice(4), ["observer a"], "no listener on the first request");

  // An error answer rejects the promise; the listener hears nothing.
  seen.length = 0;
  const refused = p.send(s, PLACE, order, "newClientOrderId", "c");
  assert.equal(p.answerPromptly(refused, prompt("refused")), true);
  p.onFrame(`{"id":${s.frames[2]!.id},"status":400,"error":{"code":-2019,"msg":"Margin is insufficient."}}`);
  await assert.rejects(refused, (e: unknown) => e instanceof ExchangeError && e.code === -2019);
  assert.deepEqual(seen, ["observer rejected c"]);

  // A listener that throws keeps the answer from neither the observer nor the caller.
  seen.length = 0;
  const buggy = p.send(s, PLACE, order, "newClientOrderId", "d");
  assert.equal(
    p.answerPromptly(buggy, {
      answered: () => {
        throw new Error("listener bug");
      },
    }),
    true,
  );
  p.onFrame(answer(3, "d"));
  assert.equal(((await buggy) as { clientOrderId: string }).clientOrderId, "d");
  assert.deepEqual(seen, ["observer d"]);

  // A request that was never sent takes no listener.
  s.open = false;
  const unsent = p.send(s, PLACE, order, "newClientOrderId", "e");
  assert.equal(p.answerPromptly(unsent, prompt("unsent")), false);
  await assert.rejects(unsent, (e: unknown) => e instanceof NotSentError);
  assert.equal(p.inFlight, 0);
});

test("RequestPipeline: warm builds and signs a canned order and scans its ack, sending, counting and settling nothing", async () => {
  const seen: string[] = [];
  const observer: OrderObserver = {
    intent: (cid) => void seen.push(`intent ${cid}`),
    ack: (cid) => void seen.push(`ack ${cid}`),
    rejected() {},
    unknown() {},
    notSent() {},
  };
  const hmac = new RequestPipeline({
    encoder: new FrameEncoder({
      auth: { kind: "hmac", apiKey: "k", signer: createHmacSigner("s") },
    }),
    clock: new ServerClock(),
    timeoutMs: 60_000,
    capacity: 64,
    rateLimitHeadroom: 0.05,
    notify: () => {},
    observer,
  });
  const s = sink();
  assert.ok(hmac.warm() > 0);
  assert.ok(hmac.warm() > 0);
  assert.equal(s.frames.length, 0);
  assert.equal(hmac.inFlight, 0);
  assert.equal(hmac.metrics.rttCount, 0);
  assert.deepEqual(hmac.limits.current, []);
  assert.deepEqual(seen, []);
  // The next real request still gets the first id, and its answer still settles it.
  const placed = hmac.send(s, PLACE, order, "newClientOrderId", "real");
  assert.equal(s.frames[0]!.id, 1);
  hmac.onFrame(`{"id":1,"status":200,"result":{"orderId":5,"clientOrderId":"real","status":"NEW"}}`);
  assert.equal(((await placed) as { orderId: number }).orderId, 5);
  assert.deepEqual(seen, ["intent real", "ack real"]);
});
