/** The WebSocket handshake's SHA-1, against `node:crypto` and the published check values. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { sha1Base64 } from "../../lib/control/_sha1.ts";
import { acceptValue } from "../../lib/control/_ws_connection.ts";

const nodeSha1 = (text: string) => createHash("sha1").update(text).digest("base64");

test("sha1: FIPS 180 check values and RFC 6455's handshake example", () => {
  assert.equal(sha1Base64("abc"), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
  assert.equal(sha1Base64(""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  assert.equal(
    sha1Base64("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    Buffer.from("84983e441c3bd26ebaae4aa1f95129e5e54670f1", "hex").toString("base64"),
  );
  assert.equal(acceptValue("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

test("sha1: equal to node:crypto for every length across the block boundaries and for non-ASCII text", () => {
  for (let length = 0; length <= 200; length++) {
    const text = randomBytes(length).toString("latin1");
    assert.equal(sha1Base64(text), nodeSha1(text), `length ${length}`);
  }
  for (let i = 0; i < 200; i++) {
    const key = randomBytes(16).toString("base64");
    assert.equal(acceptValue(key), nodeSha1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  }
  for (const text of ["héllo", "€𝄞", "\u0000\u00ff", "x".repeat(1000)]) {
    assert.equal(sha1Base64(text), nodeSha1(text));
  }
});
