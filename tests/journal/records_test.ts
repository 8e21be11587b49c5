import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { join } from "node:path";
import { OrderJournal } from "../../lib/journal/mod.ts";
import { crc32, crc32Js, crcHex } from "../../lib/journal/_crc32.ts";
import type { Fill } from "../../lib/account/fills.ts";
import { fillJson, fillKey, fillOf } from "../../lib/journal/_fills.ts";
import { decodeLine, frameLine, intentJson } from "../../lib/journal/records.ts";
import { fill, journalFiles, journalLines, PLACE, withDir } from "./_helpers.ts";

/** Strings that JSON and UTF-8 get wrong if anything is hand-rolled: quotes, controls, non-ASCII, surrogates. */
const NASTY = 'q"b\\s/\n\r\t\u0000\u001f\u007f é € 𝄞 \ud800 lone \udc00 end';

test("crc32: the standard check value, natively and in JavaScript, on any text", () => {
  assert.equal(crcHex(crc32("123456789")), "cbf43926");
  assert.equal(crc32Js("123456789"), 0xcbf43926);
  assert.equal(crcHex(0), "00000000");
  for (const s of ["", "a", NASTY, "x".repeat(1000), '{"t":"ack"}']) assert.equal(crc32(s), crc32Js(s), s);
});

test("records: every record type round-trips through the file exactly", async () => {
  await withDir((dir) => {
    const before = Date.now();
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("c1", "order.place", { ...PLACE, reduceOnly: false, recvWindow: 5000, ratio: 0.25 });
    journal.appendAck("c1", 42, "NEW"); // the symbol comes from c1's intent
    journal.appendAck("c2", undefined, undefined);
    journal.appendAck("c2", 43, "NEW", { method: "order.modify", symbol: NASTY });
    journal.appendRejected("c3", -2019, NASTY);
    journal.appendUnknown("c4", "timeout after 5000 ms");
    journal.appendResolved("c4", "FILLED", 7);
    journal.appendResolved("c5", "NOT_FOUND");
    journal.appendIntent(NASTY, NASTY, { [NASTY]: NASTY });
    journal.appendFill(fill(7, { clientOrderId: NASTY, symbol: NASTY, commissionAsset: NASTY, maker: true }));
    journal.close();
    const after = Date.now();
    const records = journalLines(dir).map((line) => {
      const r = decodeLine(line);
      assert.ok(typeof r !== "string", `${r}: ${line}`);
      assert.ok(r.ts >= before && r.ts <= after);
      return { ...r, ts: 0 };
    });
    assert.deepEqual(records, [
      {
        t: "intent",
        ts: 0,
        cid: "c1",
        method: "order.place",
        params: { ...PLACE, reduceOnly: false, recvWindow: 5000, ratio: 0.25 },
      },
      { t: "ack", ts: 0, cid: "c1", symbol: "BTCUSDT", orderId: 42, status: "NEW" },
      { t: "ack", ts: 0, cid: "c2" },
      { t: "ack", ts: 0, cid: "c2", method: "order.modify", symbol: NASTY, orderId: 43, status: "NEW" },
      { t: "rejected", ts: 0, cid: "c3", code: -2019, msg: NASTY },
      { t: "unknown", ts: 0, cid: "c4", reason: "timeout after 5000 ms" },
      { t: "resolved", ts: 0, cid: "c4", status: "FILLED", orderId: 7 }, // c4: no intent, no symbol known
      { t: "resolved", ts: 0, cid: "c5", status: "NOT_FOUND" },
      { t: "intent", ts: 0, cid: NASTY, method: NASTY, params: { [NASTY]: NASTY } },
      {
        t: "fill",
        ts: 0,
        cid: NASTY,
        symbol: NASTY,
        orderId: 1007,
        tradeId: 7,
        side: "BUY",
        price: "50000.1",
        qty: "0.002",
        commission: "0.04",
        commissionAsset: NASTY,
        realizedProfit: "0",
        maker: true,
        time: 1_700_000_000_007,
      },
    ]);
  });
});

/** Bitwise CRC-32 of raw bytes: an independent reference, as any crc32 tool computes it. */
function crcOfBytes(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

test("records: each line is `<crc32 of the JSON bytes> <JSON>`, verifiable from the bytes on disk", async () => {
  await withDir((dir) => {
    const { journal } = OrderJournal.open({ dir, fsyncIntervalMs: 0 });
    journal.appendIntent("é-1", "order.place", { note: NASTY });
    journal.appendUnknown("é-1", NASTY);
    journal.close();
    const bytes = new Uint8Array(fs.readFileSync(join(dir, journalFiles(dir)[0]!)));
    const ascii = new TextDecoder("latin1");
    let lines = 0;
    for (let start = 0; start < bytes.length; lines++) {
      const end = bytes.indexOf(0x0a, start);
      assert.ok(end > start + 9, "every line ends with a newline");
      assert.equal(bytes[start + 8], 0x20);
      assert.equal(
        ascii.decode(bytes.subarray(start, start + 8)),
        crcOfBytes(bytes.subarray(start + 9, end)),
      );
      start = end + 1;
    }
    assert.equal(lines, 2);
  });
});

test("records: intents never hold secrets or undefined params; the router's cidKey is filled in", () => {
  const json = intentJson(1, "lr-9", "order.place", {
    ...PLACE,
    apiKey: "KEY-SECRET",
    signature: "SIG-SECRET",
    secretKey: "HMAC-SECRET",
    privateKey: "PEM-SECRET",
    price: undefined,
  }, "newClientOrderId");
  assert.ok(!/SECRET/.test(json), json);
  assert.deepEqual(JSON.parse(json), {
    t: "intent",
    ts: 1,
    cid: "lr-9",
    method: "order.place",
    params: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002", newClientOrderId: "lr-9" },
  });
  // A caller's own value for cidKey wins; an empty params object still gets the id.
  assert.deepEqual(JSON.parse(intentJson(1, "x", "m", { id: "own" }, "id")).params, { id: "own" });
  assert.deepEqual(JSON.parse(intentJson(1, "x", "m", {}, "id")).params, { id: "x" });
  assert.deepEqual(JSON.parse(intentJson(1, "x", "m", {})).params, {});
});

test("records: a fill holds exactly the Fill's fields, whatever else the object carries", () => {
  const extra = { apiKey: "KEY-SECRET", signature: "SIG-SECRET", listenKey: "LK-SECRET", raw: { x: 1 } };
  const json = fillJson(5, { ...fill(3), ...extra } as Fill);
  assert.ok(!/SECRET|raw/.test(json), json);
  const r = decodeLine(frameLine(json).trimEnd());
  assert.ok(typeof r !== "string" && r.t === "fill", String(r));
  assert.equal(r.ts, 5);
  assert.deepEqual(fillOf(r), fill(3));
  assert.equal(fillKey(fillOf(r)), "BTCUSDT:3");
  // Values of the wrong type (a caller outside the type system) still make a line that reads back.
  const odd = { ...fill(4), price: 50000, orderId: NaN, time: Infinity, maker: "yes" } as unknown as Fill;
  const o = decodeLine(frameLine(fillJson(1, odd)).trimEnd());
  assert.ok(typeof o !== "string" && o.t === "fill", String(o));
  assert.deepEqual([o.price, o.orderId, o.time, o.maker], ["50000", 0, 0, false]);
});

test("records: a non-finite number is kept as text, so the record still reads back", () => {
  const line = frameLine(intentJson(1, "n", "order.place", { a: NaN, b: -Infinity, c: 1.5, d: "null" }));
  const r = decodeLine(line.trimEnd());
  assert.ok(typeof r !== "string" && r.t === "intent", String(r));
  assert.deepEqual(r.params, { a: "NaN", b: "-Infinity", c: 1.5, d: "null" });
});

test("records: decodeLine names what is wrong with a bad line and never throws", () => {
  const good = frameLine('{"t":"unknown","ts":1,"cid":"a","reason":"r"}').trimEnd();
  assert.equal(typeof decodeLine(good), "object");
  assert.equal(decodeLine(""), "malformed line");
  assert.equal(decodeLine("garbage"), "malformed line");
  assert.equal(decodeLine(good.replace('"a"', '"b"')), "checksum mismatch");
  assert.equal(decodeLine(good.slice(0, -3)), "checksum mismatch");
  assert.equal(decodeLine(frameLine("{not json").trimEnd()), "invalid JSON");
  for (
    const json of [
      "null",
      "[1]",
      '{"t":"intent","ts":1,"cid":"a","method":"m","params":{"x":null}}',
      '{"t":"intent","ts":1,"cid":"a","method":"m"}',
      '{"t":"ack","ts":"1","cid":"a"}',
      '{"t":"rejected","ts":1,"cid":"a","code":"x","msg":""}',
      '{"t":"resolved","ts":1,"cid":"a"}',
      '{"t":"fill","ts":1,"cid":"a"}',
    ]
  ) {
    assert.equal(decodeLine(frameLine(json).trimEnd()), "not a journal record", json);
  }
});
