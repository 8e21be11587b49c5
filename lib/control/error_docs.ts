/**
 * What each of the control plane's own error codes means, with its HTTP status: the one source of the error
 * table in `GET /openapi.json`, the README and `errors.ts`'s callers. Keyed by the names in `LOCAL_CODES`, so
 * a new code does not type-check until it is described here.
 *
 * @module
 */

import { LOCAL_CODES } from "./errors.ts";

/**
 * The documentation of one local error code.
 *
 * @example
 * ```ts
 * const doc: ErrorDoc = { code: -7, name: "NOT_FOUND", statuses: [404], when: "no such route" };
 * ```
 */
export interface ErrorDoc {
  readonly code: number;
  /** Its name in `LOCAL_CODES`. */
  readonly name: keyof typeof LOCAL_CODES;
  /** The HTTP statuses it comes with (most codes have one). */
  readonly statuses: readonly number[];
  /** When it happens (Markdown, one line). */
  readonly when: string;
}

const WHEN: Readonly<Record<keyof typeof LOCAL_CODES, { statuses: readonly number[]; when: string }>> = {
  INVALID_REQUEST: {
    statuses: [400, 431, 501],
    when:
      "validation: bad, missing, unknown or repeated field (the message names it); malformed HTTP (431: " +
      "headers too large; 501: an unknown method, methods being case-sensitive)",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    statuses: [415],
    when: "body is not `application/json`, or is sent with a Content-Encoding (gzip, br…)",
  },
  MALFORMED_JSON: { statuses: [400], when: "body is not valid JSON / not a JSON object" },
  BODY_TOO_LARGE: { statuses: [413], when: "body larger than the limit (16 KiB)" },
  UNAUTHORIZED: { statuses: [401], when: "missing or wrong bearer token" },
  FORBIDDEN: {
    statuses: [403],
    when:
      "Host not allowed (DNS rebinding) or cross-origin browser request (foreign Origin / Sec-Fetch-Site)",
  },
  NOT_FOUND: {
    statuses: [404],
    when: "no such route (`/sim/*` outside simulator mode, `/audit` with audits off)",
  },
  METHOD_NOT_ALLOWED: {
    statuses: [405],
    when: "route exists, method does not (the `Allow` header lists them)",
  },
  INCOMPLETE_BODY: {
    statuses: [400],
    when: "the body ended before its declared length (the client went away; usually nobody reads the answer)",
  },
  HALTED: { statuses: [503], when: "halted: new orders refused (cancels still allowed)" },
  DISCONNECTED: { statuses: [503], when: "not connected to the exchange (nothing was sent)" },
  BUSY: { statuses: [503], when: "too many requests in flight (nothing was sent)" },
  RATE_LIMITED: { statuses: [429], when: "the local rate-limit guard refused (nothing was sent)" },
  NO_ANSWER: {
    statuses: [504, 503],
    when: "a read-only request got no answer (timeout 504 / disconnect 503); safe to retry",
  },
  UNKNOWN_ORDER_STATE: {
    statuses: [504],
    when: "**order outcome unknown** (timeout, disconnect, -1006/-1007): the body carries `clientOrderId`; " +
      "look it up, do not resend blindly",
  },
  TOO_MANY_SUBSCRIBERS: {
    statuses: [503],
    when: "too many `/events` subscribers (64 at most; a library caller sets `maxSubscribers`)",
  },
  JOURNAL_UNAVAILABLE: {
    statuses: [507],
    when: "the order journal cannot be written: the order was **not sent**; the log has the details, " +
      "`/health` says `degraded`",
  },
  REQUEST_TIMEOUT: {
    statuses: [408],
    when:
      "the request's headers (10 s) or whole body (30 s) did not arrive in time; the connection is closed",
  },
  RISK_LIMIT: {
    statuses: [422],
    when: "a risk limit of the trader (`--risk FILE`, `PUT /risk`) refused the order: the body names it " +
      "(`limit`, `value`, `max`, `local: true`); nothing was sent",
  },
  CSRF_REJECTED: {
    statuses: [403],
    when: "a state-changing browser request without the dashboard's `X-CSRF-Token` (or with a wrong one)",
  },
  INTERNAL: { statuses: [500], when: "bug in the gateway (logged; no detail in the answer)" },
};

/**
 * Every local error code with its statuses and meaning, in code order (-1, -2, … -99).
 *
 * @example
 * ```ts
 * ERROR_DOCS.find((e) => e.code === -8)?.statuses; // [405]
 * ```
 */
export const ERROR_DOCS: readonly ErrorDoc[] = Object.freeze(
  (Object.keys(LOCAL_CODES) as (keyof typeof LOCAL_CODES)[])
    .map((name) => ({ code: LOCAL_CODES[name], name, ...WHEN[name] }))
    .sort((a, b) => b.code - a.code),
);

/**
 * When an exchange error is a 502: the one phrase the error tables share.
 *
 * @example
 * ```ts
 * EXCHANGE_5XX.startsWith("an exchange-side 5xx"); // true
 * ```
 */
export const EXCHANGE_5XX = "an exchange-side 5xx that says nothing was done (a read; an order answered " +
  '"Service Unavailable." or "Internal error; unable to process your request"; an unknown outcome is 504 -15)';

/**
 * What Binance's own error codes (≤ -1000) come back as.
 *
 * @example
 * ```ts
 * EXCHANGE_ERROR_DOC.statuses.includes(429); // true
 * ```
 */
export const EXCHANGE_ERROR_DOC = Object.freeze({
  statuses: [400, 418, 429, 502] as const,
  when: "the exchange refused: Binance's own `code` (≤ -1000) and `msg`; 429/418 mirrored, 502 for " +
    `${EXCHANGE_5XX}, 400 otherwise; with \`local: true\` the pre-trade check ` +
    "refused it with the exchange's code before sending (exchange filters; `filter` names the one, e.g. " +
    "`quantityPrecision`, `pricePrecision`, `triggerPricePrecision`, `activatePricePrecision`, `PRICE_FILTER`, " +
    "`LOT_SIZE`, `MIN_NOTIONAL`)",
});

/**
 * The doc of `code`; throws for a code that is not local.
 *
 * @example
 * ```ts
 * errorDoc(-10).name; // "HALTED"
 * ```
 */
export function errorDoc(code: number): ErrorDoc {
  const doc = ERROR_DOCS.find((e) => e.code === code);
  if (doc === undefined) throw new RangeError(`not a local error code: ${code}`);
  return doc;
}
