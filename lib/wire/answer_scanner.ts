/**
 * Reads the fields the hot path needs from an answer frame without `JSON.parse`: the head (`id`, `status`),
 * the error's `code` and `msg`, where the `result` object and the `rateLimits` array lie, and (separately, so
 * it can run after the caller has its answer) every `rateLimits` entry. A full parse of a 1 KB ack costs
 * 1.5 µs warm on V8 and 4–8 µs right after the event loop wakes, and builds ~30 objects the caller mostly
 * never reads.
 *
 * The scan takes only the layout Binance writes: `{"id":N,"status":N,"result":{…},"rateLimits":[…]}`, or
 * `"error":{"code":N,"msg":"…"}` in place of `result`, with a flat result object. Anything else — another key
 * order, whitespace, a nested value, a `}` inside a result string, escapes in the message, a rate-limit entry
 * in another layout — makes it return false and the caller parses the frame: the scan is a shortcut to what a
 * parse would read, never a second opinion. (The result's own fields are read by `lazy_result.ts`, which
 * refuses escapes in what it reads.) The structure is checked where the scan reads it; a frame that is not
 * JSON elsewhere is not detected, and the fields read lazily are then left out.
 *
 * @module
 */

/** Receives each `rateLimits` entry the scan reads, in order (no object is built per entry). */
export interface RateLimitSink {
  /** One entry; `type` and `interval` are the exchange's words. */
  rateLimit(type: string, interval: string, intervalNum: number, limit: number, count: number): void;
}

const HEAD = '{"id":';
const STATUS = ',"status":';
const RESULT = ',"result":{';
const ERROR = ',"error":{"code":';
const MSG = ',"msg":"';
const RATE_LIMITS = ',"rateLimits":[';
const RL_TYPE = '{"rateLimitType":"';
const RL_INTERVAL = '","interval":"';
const RL_NUM = '","intervalNum":';
const RL_LIMIT = ',"limit":';
const RL_COUNT = ',"count":';
/** Interned words, so an entry's type and interval are compared and passed on without slicing. */
const TYPES = ["REQUEST_WEIGHT", "ORDERS"];
const INTERVALS = ["SECOND", "MINUTE", "HOUR", "DAY"];

/**
 * The result of one {@linkcode AnswerScanner.scan}; the scanner reuses it for every frame.
 *
 * @example
 * ```ts
 * const scanner = new AnswerScanner();
 * if (scanner.scan('{"id":3,"status":200,"result":{"a":"b"}}')) scanner.answer.resultStart; // 30
 * ```
 */
export interface ScannedAnswer {
  id: number;
  status: number;
  /** Index of the result object's first byte after `{`, or -1 for an error answer. */
  resultStart: number;
  /** Index of the result object's closing `}`. */
  resultEnd: number;
  /** The error's code and message (0 and "" for a result). */
  code: number;
  msg: string;
  /** Index after the `[` of `rateLimits`, or -1 when the frame has none; read them with `scanRateLimits`. */
  rateLimitsStart: number;
  /** Index of the `]` that closes `rateLimits`. */
  rateLimitsEnd: number;
}

/** JSC (Bun) makes `slice` allocate and has a fast `startsWith`; V8 (Deno) the other way round. */
const JSC = (globalThis as { Bun?: unknown }).Bun !== undefined;

function sliceEquals(text: string, at: number, literal: string): boolean {
  return text.slice(at, at + literal.length) === literal;
}

function startsWithAt(text: string, at: number, literal: string): boolean {
  return text.startsWith(literal, at);
}

/**
 * Whether `text` holds `literal` at `at` — `startsWith`, done the way this runtime does fastest: on V8 a slice
 * compared with `===` costs a third of `startsWith` (not inlined there); on JSC `startsWith` is the faster.
 *
 * @example
 * ```ts
 * textAt('{"id":1}', 0, '{"id":'); // true
 * ```
 */
export const textAt: (text: string, at: number, literal: string) => boolean = JSC
  ? startsWithAt
  : sliceEquals;

/** Where the digits read by the last successful `intAt` end. */
let intEnd = 0;

/**
 * The non-negative JSON integer of at most 16 digits at `from` (its end goes to `intEnd`), or -1 when the text
 * there is not one (no digit, a leading zero, beyond 2^53). The caller checks what follows the digits.
 */
function intAt(text: string, from: number): number {
  let v = 0;
  let i = from;
  for (; i < text.length && i - from < 17; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  const n = i - from;
  if (n === 0 || n > 16 || (n > 1 && text.charCodeAt(from) === 48) || v > Number.MAX_SAFE_INTEGER) return -1;
  intEnd = i;
  return v;
}

/** A signed JSON integer (error codes are negative), or NaN. */
function signedIntAt(text: string, from: number): number {
  const negative = text.charCodeAt(from) === 45;
  const v = intAt(text, negative ? from + 1 : from);
  return v < 0 ? NaN : negative ? -v : v;
}

/**
 * Scans answer frames; one per pipeline (it holds the last frame's fields).
 *
 * @example
 * ```ts
 * const scanner = new AnswerScanner();
 * const frame = '{"id":7,"status":400,"error":{"code":-2011,"msg":"Unknown order sent."}}';
 * if (scanner.scan(frame)) console.log(scanner.answer.code, scanner.answer.msg); // -2011 Unknown order sent.
 * ```
 */
export class AnswerScanner {
  /** The fields of the last frame `scan` accepted. */
  readonly answer: ScannedAnswer = {
    id: -1,
    status: -1,
    resultStart: -1,
    resultEnd: -1,
    code: 0,
    msg: "",
    rateLimitsStart: -1,
    rateLimitsEnd: -1,
  };

  /**
   * Reads `text`; true when it has the exchange's layout, and then `answer` holds its fields (the
   * `rateLimits` entries are left for {@linkcode scanRateLimits}: off the path to the caller). False means:
   * parse the frame.
   */
  scan(text: string): boolean {
    if (!textAt(text, 0, HEAD)) return false;
    const a = this.answer;
    const id = intAt(text, HEAD.length);
    if (id < 0 || !textAt(text, intEnd, STATUS)) return false;
    const status = intAt(text, intEnd + STATUS.length);
    if (status < 0) return false;
    const at = intEnd;
    const last = text.length - 1;
    if (text.charCodeAt(last) !== 125) return false;
    let bodyEnd: number; // index of the `}` that closes the result or error object
    let rateLimitsAt = -1;
    if (textAt(text, at, RESULT)) {
      const start = at + RESULT.length;
      // The first `}` closes a flat result unless a value holds one; the marker after it shows which (no
      // string can hold `},"rateLimits":[`: its quotes would have to be escaped).
      bodyEnd = text.indexOf("}", start);
      if (bodyEnd < 0) return false;
      if (textAt(text, bodyEnd + 1, RATE_LIMITS)) rateLimitsAt = bodyEnd + 1;
      else if (bodyEnd !== last - 1) return false;
      // A flat result only: a nested object means a full parse. Escapes are the reader's to refuse (only
      // the fields it reads matter), so a backslash elsewhere costs nothing here.
      const brace = text.indexOf("{", start);
      if (brace >= 0 && brace < bodyEnd) return false;
      a.resultStart = start;
      a.resultEnd = bodyEnd;
      a.code = 0;
      a.msg = "";
    } else if (textAt(text, at, ERROR)) {
      const code = signedIntAt(text, at + ERROR.length);
      if (code !== code || !textAt(text, intEnd, MSG)) return false;
      const msgAt = intEnd + MSG.length;
      const quote = text.indexOf('"', msgAt);
      if (quote < 0 || text.charCodeAt(quote + 1) !== 125) return false;
      const backslash = text.indexOf("\\", msgAt);
      if (backslash >= 0 && backslash < quote) return false;
      bodyEnd = quote + 1;
      if (textAt(text, bodyEnd + 1, RATE_LIMITS)) rateLimitsAt = bodyEnd + 1;
      else if (bodyEnd !== last - 1) return false;
      a.resultStart = -1;
      a.resultEnd = -1;
      a.code = code;
      a.msg = text.slice(msgAt, quote);
    } else return false;
    if (rateLimitsAt >= 0) {
      if (text.charCodeAt(last - 1) !== 93) return false;
      a.rateLimitsStart = rateLimitsAt + RATE_LIMITS.length;
      a.rateLimitsEnd = last - 1;
    } else {
      a.rateLimitsStart = -1;
      a.rateLimitsEnd = -1;
    }
    a.id = id;
    a.status = status;
    return true;
  }
}

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
 * Reads `rateLimits` entries from `from` to the closing bracket at `end` (as {@linkcode ScannedAnswer} gives
 * them), reporting each to `limits` as it is read; false when an entry is not in the exchange's layout. Then
 * some entries may have been reported, and a full parse of the frame must report them all again.
 *
 * @example
 * ```ts
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
    const intervalNum = intAt(text, at + e.head.length);
    if (intervalNum < 0 || !textAt(text, intEnd, RL_LIMIT)) return false;
    const limit = intAt(text, intEnd + RL_LIMIT.length);
    if (limit < 0 || !textAt(text, intEnd, RL_COUNT)) return false;
    const count = intAt(text, intEnd + RL_COUNT.length);
    if (count < 0 || text.charCodeAt(intEnd) !== 125) return false;
    at = intEnd + 1;
    limits.rateLimit(e.type, e.interval, intervalNum, limit, count);
    if (at === end) return true;
    if (text.charCodeAt(at) !== 44) return false;
    at++;
  }
}
