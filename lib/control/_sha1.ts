/**
 * SHA-1 (FIPS 180-4 §6.1) of a short text, in base64: what a WebSocket handshake's
 * `Sec-WebSocket-Accept` needs (RFC 6455 §4.2.2), once per upgrade. Written here rather than taken from
 * `node:crypto`, whose module alone costs a Bun process 4.8 MB of RSS, for this one digest; Web Crypto's
 * digest is asynchronous, and the upgrade answers synchronously. Not for anything secret: SHA-1 here only
 * proves to a client that the server read its key. `tests/control/sha1_test.ts` holds it to `node:crypto`.
 *
 * @module
 */

const W = new Int32Array(80);

/** Big-endian bytes of the five state words. */
function digestBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 5; i++) {
    out[i * 4] = h[i]! >>> 24;
    out[i * 4 + 1] = (h[i]! >>> 16) & 255;
    out[i * 4 + 2] = (h[i]! >>> 8) & 255;
    out[i * 4 + 3] = h[i]! & 255;
  }
  return out;
}

const encoder = new TextEncoder();

/**
 * The SHA-1 digest of `text`'s UTF-8 bytes, in base64.
 *
 * @example
 * ```ts
 * sha1Base64("abc"); // "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="
 * ```
 */
export function sha1Base64(text: string): string {
  const message = encoder.encode(text);
  const n = message.length;
  // The message, a 1 bit, zeros, and the bit length in the last 8 bytes of a 64-byte block.
  const blocks = Math.ceil((n + 9) / 64);
  const bytes = new Uint8Array(blocks * 64);
  bytes.set(message);
  bytes[n] = 0x80;
  const bits = n * 8;
  const end = bytes.length;
  bytes[end - 4] = bits >>> 24;
  bytes[end - 3] = (bits >>> 16) & 255;
  bytes[end - 2] = (bits >>> 8) & 255;
  bytes[end - 1] = bits & 255;
  const h = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0);
  for (let block = 0; block < end; block += 64) {
    for (let t = 0; t < 16; t++) {
      const i = block + t * 4;
      W[t] = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
    }
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
      W[t] = (x << 1) | (x >>> 31);
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!;
    for (let t = 0; t < 80; t++) {
      // The round function and constant of each 20 rounds (FIPS 180-4 §4.1.1, §4.2.1).
      const f = t < 20
        ? ((b & c) | (~b & d)) + 0x5a827999
        : t < 40
        ? (b ^ c ^ d) + 0x6ed9eba1
        : t < 60
        ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
        : (b ^ c ^ d) + 0xca62c1d6;
      const next = (((a << 5) | (a >>> 27)) + f + e + W[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
  }
  return btoa(String.fromCharCode(...digestBytes(h)));
}
