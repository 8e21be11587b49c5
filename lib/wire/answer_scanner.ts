/**
 * Reads the fields the hot path needs from an answer frame without `JSON.parse`: the head (`id`, `status`),
 * the error's `code` and `msg`, and where the `result` object and the `rateLimits` array lie (its entries are
 * read by `rate_limit_text.ts`, after the caller has its answer). A full parse of a 1 KB ack costs
 * 1.5 µs warm on V8 and 4–8 µs right after the event loop wakes, and builds ~30 objects the caller mostly
 * never reads.
 *
 * The scan takes only the layout Binance writes: `{"id":N,"status":N,"result":{…},"rateLimits":[…]}`, or
 * `"error":{"code":N,"msg":"…"}` in place of `result`, with a flat result object. Anything else — another key
 * order, whitespace, a nested value, a `}` inside a result string, escapes in the message, a rate-limit entry
 * in another layout — makes it return false and the caller parses the frame: the scan is a shortcut to what a
 * parse would read, never a second opinion. (The result's own fields are read by `_order_fields.ts`, which
 * refuses escapes in what it reads.) The structure is checked where the scan reads it; a frame that is not
 * JSON elsewhere is not detected, and the fields read lazily are then left out.
 *
 * @module
 */

import { digitsAt, read, textAt } from "./result_fields.ts";

const HEAD = '{"id":';
const STATUS = ',"status":';
const RESULT = ',"result":{';
const OK_RESULT = ',"status":200,"result":{';
const ERROR = ',"error":{"code":';
const MSG = ',"msg":"';
const RATE_LIMITS = ',"rateLimits":[';

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

/** A signed JSON integer (error codes are negative), or NaN. */
function signedIntAt(text: string, from: number): number {
  const negative = text.charCodeAt(from) === 45;
  const v = digitsAt(text, negative ? from + 1 : from);
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
   * `rateLimits` entries are left for `scanRateLimits` in `rate_limit_text.ts`: off the path to the caller). False means:
   * parse the frame.
   */
  scan(text: string): boolean {
    if (!textAt(text, 0, HEAD)) return false;
    const a = this.answer;
    const id = digitsAt(text, HEAD.length);
    if (id < 0) return false;
    const last = text.length - 1;
    if (text.charCodeAt(last) !== 125) return false;
    // A success, the common answer, is read with one comparison for its status and the result's key.
    let status = 200;
    let at = read.end; // where `,"result":{` or `,"error":{` stands
    let start = at + OK_RESULT.length; // the result's body, or -1
    if (!textAt(text, at, OK_RESULT)) {
      if (!textAt(text, at, STATUS)) return false;
      status = digitsAt(text, at + STATUS.length);
      if (status < 0) return false;
      at = read.end;
      start = textAt(text, at, RESULT) ? at + RESULT.length : -1;
    }
    let bodyEnd: number; // index of the `}` that closes the result or error object
    let rateLimitsAt = -1;
    if (start >= 0) {
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
      if (code !== code || !textAt(text, read.end, MSG)) return false;
      const msgAt = read.end + MSG.length;
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
