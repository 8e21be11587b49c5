/**
 * CRC-32 (IEEE) of a string's UTF-16 code units folded to bytes — enough to tell a garbled journal line from
 * a good one. Table-driven; the table is built once at load.
 *
 * @module
 */

const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

/**
 * CRC-32 of `text` as 8 lowercase hex digits. Code units above 0xff contribute both bytes.
 *
 * @example
 * ```ts
 * crc32Hex("123456789"); // "cbf43926"
 * ```
 */
export function crc32Hex(text: string): string {
  let c = -1;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    c = TABLE[(c ^ u) & 0xff]! ^ (c >>> 8);
    if (u > 0xff) c = TABLE[(c ^ (u >>> 8)) & 0xff]! ^ (c >>> 8);
  }
  return ((c ^ -1) >>> 0).toString(16).padStart(8, "0");
}
