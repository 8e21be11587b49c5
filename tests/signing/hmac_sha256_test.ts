import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { HmacSha256 } from "../../lib/signing/hmac_sha256.ts";
import * as v from "./_vectors.ts";

const enc = (s: string) => new TextEncoder().encode(s);

test("HmacSha256: published ws-api vector V1", () => {
  assert.equal(new HmacSha256(enc(v.V1_SECRET)).hex(v.V1_PAYLOAD), v.V1_SIGNATURE);
});

test("HmacSha256: non-ASCII symbol signed as raw UTF-8 (V1 variant)", () => {
  assert.equal(new HmacSha256(enc(v.V1_SECRET)).hex(v.V1_UNICODE_PAYLOAD), v.V1_UNICODE_SIGNATURE);
});

test("HmacSha256: session.logon payload V2 and REST payload V3", () => {
  assert.equal(new HmacSha256(enc(v.V1_SECRET)).hex(v.V2_PAYLOAD), v.V2_SIGNATURE);
  assert.equal(new HmacSha256(enc(v.V3_SECRET)).hex(v.V3_PAYLOAD), v.V3_SIGNATURE);
});

test("HmacSha256: raw ':' '/' client id (V5) differs from the percent-encoded form", () => {
  const h = new HmacSha256(enc(v.V1_SECRET));
  assert.equal(h.hex(v.V5_PAYLOAD), v.V5_SIGNATURE);
  assert.notEqual(h.hex(v.V5_PAYLOAD.replace("my:order/1", "my%3Aorder%2F1")), v.V5_SIGNATURE);
});

test("HmacSha256: matches node:crypto for every message length across block boundaries and long keys", () => {
  for (let n = 0; n < 260; n++) {
    const key = "k".repeat(n % 130) + (n % 7 === 0 ? "ü" : "");
    const msg = "a=b.c_d-e:f/g".repeat(Math.ceil(n / 13)).slice(0, n) + (n % 5 === 0 ? "€" : "");
    const h = new HmacSha256(enc(key));
    assert.equal(h.hex(msg), createHmac("sha256", key).update(msg).digest("hex"), `length ${n}`);
    // Reuse of internal buffers must not leak state between calls.
    assert.equal(h.hex(msg), createHmac("sha256", key).update(msg).digest("hex"), `again ${n}`);
  }
});

test("HmacSha256: bytes() is the binary form of hex()", () => {
  const h = new HmacSha256(enc(v.V1_SECRET));
  const hex = Array.from(h.bytes(v.V1_PAYLOAD), (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, v.V1_SIGNATURE);
});

test("HmacSha256: a pre-hashed prefix gives the same HMAC for every prefix and rest length", () => {
  const key = enc(v.V1_SECRET);
  const plain = new HmacSha256(key);
  for (let p = 0; p < 140; p += 7) {
    const prefixed = new HmacSha256(key);
    const prefix = "apiKey=" + "K".repeat(p);
    prefixed.setPrefix(prefix);
    for (let r = 0; r < 150; r += 11) {
      const rest = "&x=" + "y".repeat(r) + (r % 2 ? "é" : "");
      assert.equal(prefixed.hexAfterPrefix(rest), plain.hex(prefix + rest), `prefix ${p}, rest ${r}`);
    }
  }
});
