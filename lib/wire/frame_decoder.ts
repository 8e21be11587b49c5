/**
 * Reading response frames. The request id is scanned from the frame's first bytes (`{"id":123,…`, the order
 * every Binance response uses) so an ack is matched before any JSON is parsed; frames in any other shape fall
 * back to one full parse.
 *
 * @module
 */

/**
 * `scanResponseId` result for a frame whose id could not be read by scanning: parse it fully.
 *
 * @example
 * ```ts
 * declare const text: string; // a frame as received
 * declare function handle(frame: ResponseFrame | undefined): void;
 * if (scanResponseId(text) === ID_UNKNOWN) handle(parseFrame(text));
 * ```
 */
export const ID_UNKNOWN = -1;

/**
 * The numeric request id at the start of a response frame, or {@linkcode ID_UNKNOWN}.
 *
 * @example
 * ```ts
 * scanResponseId('{"id":42,"status":200,"result":{}}'); // 42
 * scanResponseId('{"event":{"e":"serverShutdown"}}');   // -1
 * ```
 */
export function scanResponseId(text: string): number {
  // '{"id":' is 6 chars; compare the distinctive ones only.
  if (
    text.charCodeAt(0) !== 123 || text.charCodeAt(2) !== 105 || text.charCodeAt(3) !== 100 ||
    text.charCodeAt(5) !== 58
  ) {
    return ID_UNKNOWN;
  }
  let id = 0;
  let i = 6;
  for (;; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    id = id * 10 + c;
  }
  return i === 6 || i > 22 ? ID_UNKNOWN : id;
}

/**
 * A parsed response or event frame.
 *
 * @example
 * ```ts
 * const frame: ResponseFrame | undefined = parseFrame('{"id":1,"status":200,"result":{}}');
 * ```
 */
export interface ResponseFrame {
  id?: string | number | null;
  status?: number;
  result?: unknown;
  error?: { code?: number; msg?: string };
  rateLimits?: unknown;
  event?: { e?: string; [field: string]: unknown };
}

/**
 * Parses a frame; returns undefined for anything that is not a JSON object (malformed frames are reported by
 * the caller, never thrown).
 *
 * @example
 * ```ts
 * parseFrame('{"id":1,"status":200,"result":{}}')?.status; // 200
 * parseFrame("garbage"); // undefined
 * ```
 */
export function parseFrame(text: string): ResponseFrame | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v as ResponseFrame : undefined;
  } catch {
    return undefined;
  }
}
