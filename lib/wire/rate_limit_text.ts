/**
 * Reads the `rateLimits` array of an answer frame without `JSON.parse`, where the answer scanner found it:
 * entry by entry ({@linkcode scanRateLimits}), or, for an array of a shape seen before, by its counts alone
 * ({@linkcode RateLimitShape}). Only Binance's entry layout is taken; anything else makes the reader return
 * false and the caller parses the frame.
 *
 * @module
 */

import { digitsAt, read, textAt } from "./result_fields.ts";

/** Receives each `rateLimits` entry the scan reads, in order (no object is built per entry). */
export interface RateLimitSink {
  /** One entry; `type` and `interval` are the exchange's words. */
  rateLimit(type: string, interval: string, intervalNum: number, limit: number, count: number): void;
}

const RL_TYPE = '{"rateLimitType":"';
const RL_INTERVAL = '","interval":"';
const RL_NUM = '","intervalNum":';
const RL_LIMIT = ',"limit":';
const RL_COUNT = ',"count":';
/** Interned words, so an entry's type and interval are compared and passed on without slicing. */
const TYPES = ["REQUEST_WEIGHT", "ORDERS"];
const INTERVALS = ["SECOND", "MINUTE", "HOUR", "DAY"];

/**
 * Every entry's text up to its intervalNum, by type and interval: `{"rateLimitType":"T","interval":"I",
 * "intervalNum":`. One comparison checks all of it; the type's first letter and the interval's pick which.
 */
const ENTRY_HEADS: readonly { type: string; interval: string; head: string }[] = TYPES.flatMap((type) =>
  INTERVALS.map((interval) => ({
    type,
    interval,
    // Flat, not a rope of concatenations: V8 would re-flatten a rope on every comparison.
    head: JSON.parse(JSON.stringify(RL_TYPE + type + RL_INTERVAL + interval + RL_NUM)) as string,
  }))
);

/** The entry head at `at`, or undefined. */
function entryHeadAt(text: string, at: number): { type: string; interval: string; head: string } | undefined {
  const t = text.charCodeAt(at + RL_TYPE.length); // R(EQUEST_WEIGHT) or O(RDERS)
  const base = t === 82 ? 0 : t === 79 ? INTERVALS.length : -1;
  if (base < 0) return undefined;
  const i = text.charCodeAt(at + RL_TYPE.length + TYPES[base === 0 ? 0 : 1]!.length + RL_INTERVAL.length);
  const k = i === 83 ? 0 : i === 77 ? 1 : i === 72 ? 2 : i === 68 ? 3 : -1; // S M H D
  if (k < 0) return undefined;
  const e = ENTRY_HEADS[base + k]!;
  return textAt(text, at, e.head) ? e : undefined;
}

/**
 * Reads `rateLimits` entries from `from` to the closing bracket at `end` (as the answer scanner gives
 * them), reporting each to `limits` as it is read; false when an entry is not in the exchange's layout. Then
 * some entries may have been reported, and a full parse of the frame must report them all again.
 *
 * @example
 * ```ts
 * import { AnswerScanner } from "./answer_scanner.ts";
 * const frame = '{"id":1,"status":200,"result":{},"rateLimits":[{"rateLimitType":"ORDERS",' +
 *   '"interval":"SECOND","intervalNum":10,"limit":300,"count":1}]}';
 * const scanner = new AnswerScanner();
 * if (scanner.scan(frame)) {
 *   scanRateLimits(frame, scanner.answer.rateLimitsStart, scanner.answer.rateLimitsEnd, {
 *     rateLimit: (type, interval, intervalNum, limit, count) => console.log(type, count), // ORDERS 1
 *   });
 * }
 * ```
 */
export function scanRateLimits(text: string, from: number, end: number, limits: RateLimitSink): boolean {
  let at = from;
  if (at === end) return true; // []
  for (;;) {
    const e = entryHeadAt(text, at);
    if (e === undefined) return false;
    const intervalNum = digitsAt(text, at + e.head.length);
    if (intervalNum < 0 || !textAt(text, read.end, RL_LIMIT)) return false;
    const limit = digitsAt(text, read.end + RL_LIMIT.length);
    if (limit < 0 || !textAt(text, read.end, RL_COUNT)) return false;
    const count = digitsAt(text, read.end + RL_COUNT.length);
    if (count < 0 || text.charCodeAt(read.end) !== 125) return false;
    at = read.end + 1;
    limits.rateLimit(e.type, e.interval, intervalNum, limit, count);
    if (at === end) return true;
    if (text.charCodeAt(at) !== 44) return false;
    at++;
  }
}

/** One `rateLimits` entry as the exchange reports it (the fields of a `RateLimit`). */
export interface RateLimitEntry {
  type: string;
  interval: string;
  intervalNum: number;
  limit: number;
  count: number;
}

/** A concatenation made flat: V8 would re-flatten a rope on every comparison. */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * The text of a `rateLimits` array with its counts left out, learned from entries {@linkcode scanRateLimits}
 * read. The answers to one method repeat the same entries with only the counts changed, so a later array of
 * this shape is read by comparing the text between its counts (one comparison per entry) and reading the
 * counts: a quarter of an entry-by-entry scan. Any other text — another entry, limit or layout — does not
 * match, and is scanned.
 *
 * @example
 * ```ts
 * const shape = new RateLimitShape([
 *   { type: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 1 },
 * ]);
 * const text = '[{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300,"count":7}]';
 * if (shape.read(text, 1, text.length - 1)) shape.counts[0]; // 7
 * ```
 */
export class RateLimitShape {
  /** The text before each entry's count: `{"rateLimitType":…,"count":`, from the second on led by `},`. */
  readonly #segments: string[];
  /** Each entry's limit, as learned. */
  readonly limits: readonly number[];
  /** The counts the last successful `read` found, in entry order. */
  readonly counts: number[];

  constructor(entries: readonly RateLimitEntry[]) {
    this.#segments = entries.map((e, k) =>
      flat(
        (k === 0 ? "" : "},") + RL_TYPE + e.type + RL_INTERVAL + e.interval + RL_NUM + e.intervalNum +
          RL_LIMIT +
          e.limit + RL_COUNT,
      )
    );
    this.limits = entries.map((e) => e.limit);
    this.counts = entries.map((e) => e.count);
  }

  /**
   * Whether the array from `from` to its closing bracket at `end` (as the answer scanner gives them)
   * has this shape; then `counts` holds its counts.
   */
  read(text: string, from: number, end: number): boolean {
    const segments = this.#segments;
    let at = from;
    for (let k = 0; k < segments.length; k++) {
      const segment = segments[k]!;
      if (!textAt(text, at, segment)) return false;
      const count = digitsAt(text, at + segment.length);
      if (count < 0) return false;
      this.counts[k] = count;
      at = read.end;
    }
    return segments.length === 0 ? at === end : at + 1 === end && text.charCodeAt(at) === 125;
  }
}
