/**
 * CRC-32 (IEEE 802.3, as in zlib, PNG, `crc32(1)`) of a string's UTF-8 bytes: the checksum of each journal
 * line, so any tool can verify a line from the bytes on disk.
 *
 * The runtime's native CRC-32 is used: `Bun.hash.crc32` on Bun, `node:zlib`'s `crc32` elsewhere (Deno 2,
 * Node 22+). About 35–75 ns for an intent line against about 450 ns for the table loop below, and this runs
 * once per order before it is sent. `node:zlib` is imported only where it is used: on Bun it is one of the
 * `node:` modules whose loading cost the gateway about 6 MB of RSS (bench/README.md, seventh round). The table
 * loop is the fallback, and the reference the tests hold the native one to.
 *
 * @module
 */

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}
const encoder = new TextEncoder();

/**
 * CRC-32 of `text`'s UTF-8 bytes, in JavaScript (the fallback and the reference).
 *
 * @example
 * ```ts
 * crc32Js("123456789"); // 0xcbf43926
 * ```
 */
export function crc32Js(text: string): number {
  const bytes = encoder.encode(text);
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Bun's hashing namespace, as far as it is used here. */
type BunHash = { hash: { crc32(data: string): number } };
const bun = (globalThis as { Bun?: BunHash }).Bun;
const native: ((data: string) => number) | undefined = bun !== undefined
  ? (data) => bun.hash.crc32(data)
  : ((await import("node:zlib")) as { crc32?: (data: string) => number }).crc32;

/**
 * CRC-32 of `text`'s UTF-8 bytes, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * crc32("123456789"); // 0xcbf43926
 * ```
 */
export const crc32: (text: string) => number = typeof native === "function"
  ? (text) => native(text) >>> 0
  : crc32Js;

/** Two hex digits per byte value: `crcHex` is four lookups (number `toString(16)` costs Deno ~150 ns). */
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));

/**
 * `crc` as 8 lowercase hex digits.
 *
 * @example
 * ```ts
 * crcHex(0xcbf43926); // "cbf43926"
 * ```
 */
export function crcHex(crc: number): string {
  return BYTE_HEX[crc >>> 24]! + BYTE_HEX[(crc >>> 16) & 255]! + BYTE_HEX[(crc >>> 8) & 255]! +
    BYTE_HEX[crc & 255]!;
}
