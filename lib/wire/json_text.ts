/**
 * Exact JSON text for the scalar values an order carries, without `JSON.stringify` of whole objects.
 *
 * @module
 */

/**
 * Quotes `s` as a JSON string. Plain printable ASCII without `"` or `\` (every symbol, decimal and client id)
 * is wrapped as it is; anything else goes through `JSON.stringify`, so the output is always valid JSON.
 *
 * @example
 * ```ts
 * jsonString("BTCUSDT"); // "\"BTCUSDT\""
 * jsonString('a"b');     // "\"a\\\"b\""
 * ```
 */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return JSON.stringify(s);
  }
  return '"' + s + '"';
}
