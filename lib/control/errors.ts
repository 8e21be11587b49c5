/**
 * How failures look over HTTP: every error is JSON `{code, msg}` with a fitting status.
 *
 * - Exchange answers keep Binance's own `code` and `msg` (codes ≤ -1000): 400 for rejects, 429/418 mirrored,
 *   502 for an exchange-side 5xx that says nothing was done (an unknown outcome is 504). A pre-trade filter
 *   refusal is answered the same way
 *   (400, the code and message the exchange would have given) plus `"local": true`: nothing was sent.
 * - The control plane's own failures use the small range -1..-99 (`LOCAL_CODES`), so a client can tell "the
 *   exchange said no" from "the gateway said no".
 *
 * What each local code means, and with which status, is in `error_docs.ts` (the source of the error tables
 * in `GET /openapi.json` and the README).
 *
 * @module
 */

import {
  ExchangeError,
  FilterRefusedError,
  NotSentError,
  RequestFailedError,
  RiskLimitError,
  UnknownOrderStateError,
} from "../errors.ts";

/**
 * The control plane's own error codes (see the module table).
 *
 * @example
 * ```ts
 * const busy = new ControlError({ status: 503, code: LOCAL_CODES.TOO_MANY_SUBSCRIBERS, msg: "too many" });
 * ```
 */
export const LOCAL_CODES = Object.freeze(
  {
    INVALID_REQUEST: -1,
    UNSUPPORTED_MEDIA_TYPE: -2,
    MALFORMED_JSON: -3,
    BODY_TOO_LARGE: -4,
    UNAUTHORIZED: -5,
    FORBIDDEN: -6,
    NOT_FOUND: -7,
    METHOD_NOT_ALLOWED: -8,
    INCOMPLETE_BODY: -9,
    HALTED: -10,
    DISCONNECTED: -11,
    BUSY: -12,
    RATE_LIMITED: -13,
    NO_ANSWER: -14,
    UNKNOWN_ORDER_STATE: -15,
    TOO_MANY_SUBSCRIBERS: -16,
    JOURNAL_UNAVAILABLE: -17,
    REQUEST_TIMEOUT: -18,
    RISK_LIMIT: -20,
    CSRF_REJECTED: -21,
    INTERNAL: -99,
  } as const,
);

/**
 * The message of a 507 (code -17): no filesystem path, no errno; the operator finds those in the log.
 *
 * @example
 * ```ts
 * JOURNAL_UNAVAILABLE_MSG.startsWith("order not sent"); // true
 * ```
 */
export const JOURNAL_UNAVAILABLE_MSG =
  "order not sent: the order journal cannot be written; see the router's log";

/** An HTTP error answer. */
export interface HttpError {
  readonly status: number;
  readonly body: { readonly code: number; readonly msg: string; readonly [extra: string]: unknown };
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An error the control plane raises itself (validation, body, auth); carries its HTTP status and code.
 *
 * @example
 * ```ts
 * throw new ControlError({ status: 400, code: LOCAL_CODES.INVALID_REQUEST, msg: "symbol: required" });
 * ```
 */
export class ControlError extends Error {
  override name = "ControlError";
  readonly status: number;
  readonly code: number;
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(options: { status: number; code: number; msg: string; headers?: Record<string, string> }) {
    super(options.msg);
    this.status = options.status;
    this.code = options.code;
    this.headers = options.headers;
  }
}

/**
 * A 400 validation error naming the field.
 *
 * @example
 * ```ts
 * throw invalid("orderId: expected a positive integer");
 * ```
 */
export function invalid(msg: string): ControlError {
  return new ControlError({ status: 400, code: LOCAL_CODES.INVALID_REQUEST, msg });
}

/**
 * Maps anything thrown while serving a request to its HTTP answer. `onInternal` sees the errors that are
 * gateway bugs (mapped to a bare 500 so no internal detail leaks to the client).
 *
 * @example
 * ```ts
 * import { NotSentError } from "../errors.ts";
 * const { status, body } = toHttpError(new NotSentError("halted", "by operator")); // 503, code -10
 * ```
 */
export function toHttpError(error: unknown, onInternal?: (error: unknown) => void): HttpError {
  if (error instanceof ControlError) {
    const base = { status: error.status, body: { code: error.code, msg: error.message } };
    return error.headers === undefined ? base : { ...base, headers: error.headers };
  }
  if (error instanceof FilterRefusedError) {
    // The exchange's code and words, and which of its filters (so which field: -1111 alone does not say).
    return { status: 400, body: { code: error.code, msg: error.msg, local: true, filter: error.filter } };
  }
  if (error instanceof RiskLimitError) {
    return {
      status: 422,
      body: {
        code: LOCAL_CODES.RISK_LIMIT,
        msg: error.message,
        local: true,
        limit: error.limit,
        value: error.value,
        max: error.max,
      },
    };
  }
  if (error instanceof ExchangeError) {
    const status = error.status === 429 || error.status === 418
      ? error.status
      : error.status >= 500
      ? 502
      : 400;
    return { status, body: { code: error.code, msg: error.msg } };
  }
  if (error instanceof NotSentError) {
    switch (error.reason) {
      case "halted":
        return { status: 503, body: { code: LOCAL_CODES.HALTED, msg: error.message } };
      case "backpressure":
        return { status: 503, body: { code: LOCAL_CODES.BUSY, msg: error.message } };
      case "rate-limit":
        return { status: 429, body: { code: LOCAL_CODES.RATE_LIMITED, msg: error.message } };
      case "journal":
        // 507: the gateway's own storage failed. The detail (a path, an errno) is in the router's log only.
        return { status: 507, body: { code: LOCAL_CODES.JOURNAL_UNAVAILABLE, msg: JOURNAL_UNAVAILABLE_MSG } };
      default:
        return { status: 503, body: { code: LOCAL_CODES.DISCONNECTED, msg: error.message } };
    }
  }
  if (error instanceof UnknownOrderStateError) {
    const body: Record<string, unknown> = {
      code: LOCAL_CODES.UNKNOWN_ORDER_STATE,
      msg: error.message,
      clientOrderId: error.clientOrderId,
      method: error.method,
      reason: error.reason,
    };
    if (error.code !== 0) body.exchangeCode = error.code;
    return { status: 504, body: body as HttpError["body"] };
  }
  if (error instanceof RequestFailedError) {
    return {
      status: error.reason === "timeout" ? 504 : 503,
      body: { code: LOCAL_CODES.NO_ANSWER, msg: error.message },
    };
  }
  onInternal?.(error);
  return { status: 500, body: { code: LOCAL_CODES.INTERNAL, msg: "internal error (logged by the gateway)" } };
}
