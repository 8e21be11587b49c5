/**
 * Synchronous HMAC-SHA256 in plain TypeScript, with the key pads hashed once at construction.
 *
 * Why not Web Crypto: `crypto.subtle.sign` is asynchronous and costs ~100 µs per call here, which is the whole
 * latency budget of an order. Why not `node:crypto`: 8–14 µs per HMAC on Deno. This implementation reuses one
 * preallocated message buffer and word schedule, so signing allocates only the returned hex string.
 *
 * @module
 */

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const HEX = Array.from({ length: 256 }, (_, i) => (i < 16 ? "0" : "") + i.toString(16));
const utf8 = new TextEncoder();

/** Compresses `blocks` 64-byte blocks of `bytes` (from `offset`) into `state`. `w` is scratch space. */
function compress(state: Int32Array, w: Int32Array, bytes: Uint8Array, offset: number, blocks: number): void {
  let h0 = state[0]!, h1 = state[1]!, h2 = state[2]!, h3 = state[3]!;
  let h4 = state[4]!, h5 = state[5]!, h6 = state[6]!, h7 = state[7]!;
  for (let b = 0; b < blocks; b++) {
    let p = offset + b * 64;
    for (let i = 0; i < 16; i++, p += 4) {
      w[i] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!, y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h0, bb = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

/**
 * HMAC-SHA256 keyed once, signing synchronously to lowercase hex.
 *
 * @example
 * ```ts
 * const hmac = new HmacSha256(new TextEncoder().encode("secret"));
 * hmac.hex("apiKey=k&timestamp=1"); // 64 hex chars
 * ```
 */
export class HmacSha256 {
  readonly #inner = new Int32Array(8);
  readonly #outer = new Int32Array(8);
  readonly #state = new Int32Array(8);
  readonly #w = new Int32Array(64);
  #buf = new Uint8Array(1024);
  #viewAt = 0;
  #view = this.#buf.subarray(0);
  readonly #outBlock = new Uint8Array(64);
  /** Inner state after the key pad and the whole 64-byte blocks of the fixed prefix (see `setPrefix`). */
  readonly #prefixState = new Int32Array(8);
  #prefixTail = new Uint8Array(0);
  #prefixHashed = 0;

  /** Keys the HMAC (keys longer than 64 bytes are hashed first). */
  constructor(key: Uint8Array) {
    let k = key;
    if (k.length > 64) {
      const h = new Int32Array(8);
      h.set(IV);
      k = this.#digestInto(h, k, 0);
    }
    const pad = new Uint8Array(64);
    for (const [state, fill] of [[this.#inner, 0x36], [this.#outer, 0x5c]] as const) {
      pad.fill(fill);
      for (let i = 0; i < k.length; i++) pad[i] = k[i]! ^ fill;
      state.set(IV);
      compress(state, this.#w, pad, 0, 1);
    }
    // The outer message is always 32 bytes of digest: its padding never changes.
    this.#outBlock[32] = 0x80;
    this.#outBlock[62] = (96 * 8) >>> 8;
    this.#outBlock[63] = (96 * 8) & 0xff;
    this.#prefixState.set(this.#inner);
  }

  /**
   * Fixes a prefix every `hexAfterPrefix` message starts with (`apiKey=…` in every HMAC-signed order), so its
   * whole 64-byte blocks are hashed once here instead of on every order.
   */
  setPrefix(prefix: string): void {
    const bytes = utf8.encode(prefix);
    const whole = bytes.length & ~63;
    this.#prefixState.set(this.#inner);
    if (whole > 0) compress(this.#prefixState, this.#w, bytes, 0, whole >> 6);
    this.#prefixHashed = whole;
    this.#prefixTail = bytes.slice(whole);
  }

  /** HMAC of prefix + `rest` (prefix from `setPrefix`), as lowercase hex. */
  hexAfterPrefix(rest: string): string {
    const tail = this.#prefixTail;
    const len = this.#encode(rest, tail.length);
    this.#buf.set(tail, 0);
    const state = this.#state;
    state.set(this.#prefixState);
    this.#finish(state, len, 64 + this.#prefixHashed);
    return this.#outerHex(state);
  }

  /** HMAC of the UTF-8 bytes of `message`, as 64 lowercase hex characters. */
  hex(message: string): string {
    const len = this.#encode(message, 0);
    const state = this.#state;
    state.set(this.#inner);
    this.#finish(state, len, 64);
    return this.#outerHex(state);
  }

  #outerHex(state: Int32Array): string {
    const s = this.#outer32(state);
    let out = "";
    for (let i = 0; i < 8; i++) {
      const v = s[i]!;
      out += HEX[v >>> 24]! + HEX[(v >>> 16) & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
    }
    return out;
  }

  /** HMAC of the UTF-8 bytes of `message`, as 32 bytes (a fresh array). */
  bytes(message: string): Uint8Array {
    const s = this.#sign(message);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = s[i]!;
      out[i * 4] = v >>> 24;
      out[i * 4 + 1] = v >>> 16;
      out[i * 4 + 2] = v >>> 8;
      out[i * 4 + 3] = v;
    }
    return out;
  }

  #sign(message: string): Int32Array {
    const len = this.#encode(message, 0);
    const state = this.#state;
    state.set(this.#inner);
    this.#finish(state, len, 64);
    return this.#outer32(state);
  }

  /** Runs the outer hash over the inner digest in `state`; returns `state`. */
  #outer32(state: Int32Array): Int32Array {
    const ob = this.#outBlock;
    for (let i = 0; i < 8; i++) {
      const v = state[i]!;
      ob[i * 4] = v >>> 24;
      ob[i * 4 + 1] = v >>> 16;
      ob[i * 4 + 2] = v >>> 8;
      ob[i * 4 + 3] = v;
    }
    state.set(this.#outer);
    compress(state, this.#w, ob, 0, 1);
    return state;
  }

  /**
   * Writes `message` as UTF-8 into the reusable buffer from byte `at`; returns the total byte length.
   * The view at `at` is kept, so no subarray is made per call.
   */
  #encode(message: string, at: number): number {
    if (this.#buf.length < at + message.length * 3 + 72) {
      this.#buf = new Uint8Array(at + message.length * 3 + 136);
      this.#view = this.#buf.subarray(this.#viewAt);
    }
    if (at !== this.#viewAt) {
      this.#viewAt = at;
      this.#view = this.#buf.subarray(at);
    }
    // Native UTF-8 encoding beats a charCodeAt loop 2–5× even for pure ASCII.
    return at + utf8.encodeInto(message, this.#view).written;
  }

  /** Pads the `len` bytes in the buffer (preceded by `prefix` already-hashed bytes) and compresses them. */
  #finish(state: Int32Array, len: number, prefix: number): void {
    const buf = this.#buf;
    const total = len + 9;
    const padded = (total + 63) & ~63;
    buf[len] = 0x80;
    buf.fill(0, len + 1, padded - 4);
    const bits = (len + prefix) * 8;
    buf[padded - 4] = bits >>> 24;
    buf[padded - 3] = bits >>> 16;
    buf[padded - 2] = bits >>> 8;
    buf[padded - 1] = bits;
    compress(state, this.#w, buf, 0, padded >> 6);
  }

  /** Plain SHA-256 of `data` (used only for over-long keys). */
  #digestInto(state: Int32Array, data: Uint8Array, _prefix: number): Uint8Array {
    if (this.#buf.length < data.length + 72) this.#buf = new Uint8Array(data.length + 136);
    this.#buf.set(data);
    this.#finish(state, data.length, 0);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = state[i]!;
      out[i * 4] = v >>> 24;
      out[i * 4 + 1] = v >>> 16;
      out[i * 4 + 2] = v >>> 8;
      out[i * 4 + 3] = v;
    }
    return out;
  }
}
