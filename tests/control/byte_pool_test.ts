/**
 * The write pool (lib/control/_byte_pool.ts): what it encodes is the encoder's own bytes, at every size around
 * its limits, and no cut is ever overwritten by a later one, across many blocks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { pooledBytes, pooledUtf8 } from "../../lib/control/_byte_pool.ts";

const encoder = new TextEncoder();

test("byte pool: pooledUtf8 gives the encoder's bytes, short or long, lone surrogates as U+FFFD", () => {
  const units = ["a", "é", "币", "\u{1F680}", "\ud800", "\udc00"];
  let seed = 5;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const texts = ["", "HTTP/1.1 200 OK\r\n\r\n{}"];
  for (let i = 0; i < 400; i++) {
    let t = "";
    const n = Math.floor(random() * 300);
    for (let k = 0; k < n; k++) t += units[Math.floor(random() * units.length)];
    texts.push(t);
  }
  // Around the largest cut (16 KiB of room: 5,461 chars at 3 bytes each), and far beyond it.
  for (const n of [5_460, 5_461, 5_462, 40_000]) texts.push("币".repeat(n), "a".repeat(n));
  for (const t of texts) assert.deepEqual(pooledUtf8(t), encoder.encode(t), JSON.stringify(t.slice(0, 12)));
});

test("byte pool: cuts kept across many blocks keep their bytes", () => {
  const kept: { bytes: Uint8Array; fill: number; text?: string }[] = [];
  for (let i = 0; i < 20_000; i++) {
    if (i % 2 === 0) {
      const bytes = pooledBytes(1 + (i % 700));
      bytes.fill(i & 0xff);
      kept.push({ bytes, fill: i & 0xff });
    } else {
      const text = `answer ${i} `.repeat(1 + (i % 30));
      kept.push({ bytes: pooledUtf8(text), fill: -1, text });
    }
  }
  for (const [i, k] of kept.entries()) {
    if (k.text !== undefined) assert.equal(new TextDecoder().decode(k.bytes), k.text, `cut ${i}`);
    else assert.ok(k.bytes.every((b) => b === k.fill), `cut ${i}`);
  }
  const blocks = new Set(kept.map((k) => k.bytes.buffer));
  assert.ok(blocks.size > 50, `spread over ${blocks.size} blocks`);
});
