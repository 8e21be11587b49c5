/**
 * The request `id` and `status` of a ws-fapi answer frame, read the way a hand-written client would: Binance
 * (and the simulator) write `{"id":<n>,"status":<n>,…` first, so a prefix scan finds both without parsing the
 * rest of the frame. Anything else (other key order, whitespace, a string or null id, a push event) falls
 * back to `JSON.parse`, so on a well-formed frame the scan is only a shortcut: it reads what a parse would.
 */

/** What a raw client needs from an answer; -1 where the frame has no numeric value. */
export interface AnswerHead {
  id: number;
  status: number;
}

const PREFIX = '{"id":';
const STATUS = ',"status":';
/** Longer digit runs could exceed 2^53; let JSON.parse (and its rounding) handle those rare frames. */
const MAX_DIGITS = 15;

/**
 * The index after the JSON integer's digits at `from`, or -1 when there is none the scan can take (no digit, a
 * leading zero JSON forbids, or more than MAX_DIGITS).
 */
function digitsEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from <= MAX_DIGITS) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  const n = i - from;
  if (n === 0 || n > MAX_DIGITS || (n > 1 && text.charCodeAt(from) === 48)) return -1;
  return i;
}

function digitsValue(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + (text.charCodeAt(i) - 48);
  return v;
}

function parsedHead(text: string, into: AnswerHead): AnswerHead {
  into.id = -1;
  into.status = -1;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return into;
  }
  if (typeof frame !== "object" || frame === null) return into;
  const { id, status } = frame as { id?: unknown; status?: unknown };
  if (typeof id === "number") into.id = id;
  if (typeof status === "number") into.status = status;
  return into;
}

/**
 * Fills `into` (reused by the caller, so the hot path allocates nothing) with the frame's top-level `id` and
 * `status`, -1 for either when absent or not a number.
 *
 * @example
 * ```ts
 * readAnswerHead('{"id":7,"status":200,"result":{}}', { id: 0, status: 0 }); // { id: 7, status: 200 }
 * ```
 */
export function readAnswerHead(text: string, into: AnswerHead): AnswerHead {
  if (!text.startsWith(PREFIX)) return parsedHead(text, into);
  const idFrom = PREFIX.length;
  const idTo = digitsEnd(text, idFrom);
  if (idTo < 0 || !text.startsWith(STATUS, idTo)) return parsedHead(text, into);
  const statusFrom = idTo + STATUS.length;
  const statusTo = digitsEnd(text, statusFrom);
  // The status must end at `,` or `}`: a `.` or `e` after the digits means it is not a plain integer.
  const after = statusTo < 0 ? -1 : text.charCodeAt(statusTo);
  if (after !== 44 && after !== 125) return parsedHead(text, into);
  into.id = digitsValue(text, idFrom, idTo);
  into.status = digitsValue(text, statusFrom, statusTo);
  return into;
}
