/**
 * Joining byte chunks, for the control plane's body readers and SSE writer.
 *
 * @module
 */

/**
 * The chunks as one array; a single chunk is returned as it is, without a copy.
 *
 * @example
 * ```ts
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes<T extends ArrayBufferLike>(
  chunks: readonly Uint8Array<T>[],
): Uint8Array<T | ArrayBuffer> {
  if (chunks.length === 1) return chunks[0]!;
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
