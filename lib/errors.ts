/**
 * The router's error tree. Every error the library throws is a {@linkcode RouterError}; the subclasses say
 * whether the exchange answered ({@linkcode ExchangeError}), whether an order's fate is unknown
 * ({@linkcode UnknownOrderStateError}), or whether nothing was sent at all ({@linkcode NotSentError}).
 *
 * Messages never contain secrets: only codes, methods, ids and the exchange's own text.
 *
 * @module
 */

/**
 * Base class of every error thrown by the router.
 *
 * @example
 * ```ts
 * import type { PlaceOrderParams } from "./types.ts";
 * import type { Router } from "./router/router.ts";
 * declare const router: Router;
 * declare const order: PlaceOrderParams;
 * try { await router.placeOrder(order); } catch (e) { if (e instanceof RouterError) console.error(e.message); }
 * ```
 */
export class RouterError extends Error {
  /** Error name. */
  override name = "RouterError";
}

/**
 * The exchange answered the request with an error: `status` is the HTTP-like status of the response,
 * `code` and `msg` are Binance's.
 *
 * @example
 * ```ts
 * import type { Router } from "./router/router.ts";
 * declare const router: Router;
 * try { await router.cancelOrder({ symbol: "BTCUSDT", orderId: 1 }); }
 * catch (e) { if (e instanceof ExchangeError && e.code === -2011) console.log("already gone"); }
 * ```
 */
export class ExchangeError extends RouterError {
  /** Error name. */
  override name = "ExchangeError";
  /** HTTP-like status of the response frame (400, 401, 403, 418, 429, 5xx). */
  readonly status: number;
  /** Binance error code, e.g. -2011. */
  readonly code: number;
  /** Binance error message, as sent. */
  readonly msg: string;
  /** The method that failed. */
  readonly method: string;
  /** Builds the error from the exchange's answer to `method`. */
  constructor(options: { status: number; code: number; msg: string; method: string }) {
    super(`${options.method} failed: ${options.code} ${options.msg} (status ${options.status})`);
    this.status = options.status;
    this.code = options.code;
    this.msg = options.msg;
    this.method = options.method;
  }
}

/**
 * A pre-trade check refused the order before it was sent because the exchange's filters (exchangeInfo) would
 * refuse it: `code` and `msg` are what the exchange would have answered, `local` says nobody asked it. It is an
 * {@linkcode ExchangeError}, so code that handles the exchange's refusals handles these the same way.
 *
 * @example
 * ```ts
 * declare const e: unknown;
 * if (e instanceof FilterRefusedError) console.log(e.code, e.filter, e.local); // -4014 PRICE_FILTER true
 * ```
 */
export class FilterRefusedError extends ExchangeError {
  /** Error name. */
  override name = "FilterRefusedError";
  /** Always true: refused on this machine, nothing was sent. */
  readonly local = true;
  /**
   * The filter that refused: PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, PERCENT_PRICE, MIN_NOTIONAL, …, or
   * CLIENT_ORDER_ID (-4116: an order in flight, open or of unknown outcome has the client id).
   */
  readonly filter: string;
  /** Builds the error for `method`. */
  constructor(options: { code: number; msg: string; method: string; filter: string }) {
    super({ status: 400, code: options.code, msg: options.msg, method: options.method });
    this.message = `${options.method} refused locally: ${options.code} ${options.msg} (${options.filter})`;
    this.filter = options.filter;
  }
}

/**
 * A pre-trade check refused the order before it was sent because it breaks one of the trader's own risk
 * limits (`--risk FILE`, `PUT /risk`, `Router.connect({ risk })`): `limit` names it, `value` and `max` are the
 * order's value and the limit (quantities in the base asset, notionals in the quote asset, prices for the
 * price band; -1 as `value` when the limit needs a fresh mark price and there is none).
 *
 * @example
 * ```ts
 * declare const e: unknown;
 * if (e instanceof RiskLimitError) console.log(e.limit, e.value, e.max); // maxOrderQty 0.6 0.5
 * ```
 */
export class RiskLimitError extends RouterError {
  /** Error name. */
  override name = "RiskLimitError";
  /** Always -20 (the control plane's code for a risk-limit refusal). */
  readonly code = -20;
  /** Always true: refused on this machine, nothing was sent. */
  readonly local = true;
  /** The method refused. */
  readonly method: string;
  /** The limit, e.g. maxOrderQty, priceBandPct, allowedSymbols. */
  readonly limit: string;
  /** The order's value (see the class text). */
  readonly value: number;
  /** The limit's value; for `priceBandPct`, the edge of the band the price is past (lower or upper). */
  readonly max: number;
  /** Builds the error; `msg` names the limit. */
  constructor(options: { method: string; limit: string; value: number; max: number; msg: string }) {
    super(options.msg);
    this.method = options.method;
    this.limit = options.limit;
    this.value = options.value;
    this.max = options.max;
  }
}

/**
 * An order-mutating request (place, modify, cancel, algo place/cancel) whose outcome is unknown: it may or may
 * not have executed. Causes: the request timed out, the connection dropped while it was in flight, or the
 * exchange said so (-1006, -1007, 5xx). Look it up by `clientOrderId` before acting; never blindly resend.
 *
 * @example
 * ```ts
 * import type { PlaceOrderParams } from "./types.ts";
 * import type { Router } from "./router/router.ts";
 * declare const router: Router;
 * declare const order: PlaceOrderParams;
 * try { await router.placeOrder(order); }
 * catch (e) {
 *   if (e instanceof UnknownOrderStateError) await router.queryOrder({ symbol: "BTCUSDT", origClientOrderId: e.clientOrderId });
 * }
 * ```
 */
export class UnknownOrderStateError extends RouterError {
  /** Error name. */
  override name = "UnknownOrderStateError";
  /** The client order id (or client algo id) of the order whose state is unknown; "" when the request had none. */
  readonly clientOrderId: string;
  /** The method that was in flight. */
  readonly method: string;
  /** Why the outcome is unknown: "timeout", "disconnect" or "exchange". */
  readonly reason: "timeout" | "disconnect" | "exchange";
  /** The exchange's code when `reason` is "exchange" (-1006, -1007, or 0 for a bare 5xx). */
  readonly code: number;
  /** Builds the error; `code` defaults to 0. */
  constructor(
    options: {
      method: string;
      clientOrderId: string;
      reason: "timeout" | "disconnect" | "exchange";
      code?: number;
    },
  ) {
    super(
      `${options.method} outcome unknown (${options.reason}${
        options.code ? ` ${options.code}` : ""
      }); reconcile clientOrderId ${options.clientOrderId || "(none)"} before acting`,
    );
    this.clientOrderId = options.clientOrderId;
    this.method = options.method;
    this.reason = options.reason;
    this.code = options.code ?? 0;
  }
}

/**
 * The request was not sent: the router is not connected, is closed, is halted, or has too many requests in
 * flight. Nothing reached the exchange, so retrying is safe.
 *
 * @example
 * ```ts
 * import type { PlaceOrderParams } from "./types.ts";
 * import type { Router } from "./router/router.ts";
 * declare const router: Router;
 * declare const order: PlaceOrderParams;
 * try { await router.placeOrder(order); } catch (e) { if (e instanceof NotSentError) console.log(e.reason); }
 * ```
 */
export class NotSentError extends RouterError {
  /** Error name. */
  override name = "NotSentError";
  /** "disconnected", "closed", "halted", "backpressure", "rate-limit" or "journal" (the intent could not be written). */
  readonly reason: "disconnected" | "closed" | "halted" | "backpressure" | "rate-limit" | "journal";
  /** Builds the error; `detail` goes into the message. */
  constructor(
    reason: "disconnected" | "closed" | "halted" | "backpressure" | "rate-limit" | "journal",
    detail: string,
  ) {
    super(`not sent (${reason}): ${detail}`);
    this.reason = reason;
  }
}

/**
 * A read-only request (status, account, session) got no answer: it timed out or the connection dropped.
 * Nothing changed on the exchange because of it; retrying is safe.
 *
 * @example
 * ```ts
 * import type { Router } from "./router/router.ts";
 * declare const router: Router;
 * try { await router.accountBalance(); } catch (e) { if (e instanceof RequestFailedError) await router.accountBalance(); }
 * ```
 */
export class RequestFailedError extends RouterError {
  /** Error name. */
  override name = "RequestFailedError";
  /** The method that failed. */
  readonly method: string;
  /** "timeout" or "disconnect". */
  readonly reason: "timeout" | "disconnect";
  /** Builds the error for `method`. */
  constructor(options: { method: string; reason: "timeout" | "disconnect" }) {
    super(`${options.method} got no answer (${options.reason})`);
    this.method = options.method;
    this.reason = options.reason;
  }
}

/**
 * The router could not connect, log on, or verified that its own signer is wrong. Raised by
 * `Router.connect`.
 *
 * @example
 * ```ts
 * import { Router, type RouterOptions } from "./router/router.ts";
 * declare const options: RouterOptions;
 * try { await Router.connect(options); } catch (e) { if (e instanceof ConnectError) Deno.exit(1); }
 * ```
 */
export class ConnectError extends RouterError {
  /** Error name. */
  override name = "ConnectError";
}

/**
 * The data directory (journal, lock) cannot be used: not writable, unreadable journal, or another router holds
 * it. Thrown by `Gateway.open`.
 *
 * @example
 * ```ts
 * import { Gateway, type GatewayOptions } from "./gateway/gateway.ts";
 * declare const options: GatewayOptions;
 * try { await Gateway.open(options); } catch (e) { if (e instanceof DataDirError) console.error(e.message); }
 * ```
 */
export class DataDirError extends RouterError {
  /** Error name. */
  override name = "DataDirError";
}

/**
 * The exchange refused the credentials (-2014 / -2015 / -1022 on the first signed request, or the Ed25519
 * logon): the message names the code and what to check, `code` and `msg` are the exchange's. A kind of
 * {@linkcode ConnectError}, so it stops the start the same way. Thrown by `Router.connect` and `Gateway.open`.
 *
 * @example
 * ```ts
 * import { Gateway, type GatewayOptions } from "./gateway/gateway.ts";
 * declare const options: GatewayOptions;
 * try { await Gateway.open(options); } catch (e) { if (e instanceof CredentialsError) console.error(e.message); }
 * ```
 */
export class CredentialsError extends ConnectError {
  /** Error name. */
  override name = "CredentialsError";
  /** The exchange's code: -2014, -2015 or -1022. */
  readonly code: number;
  /** The exchange's message. */
  readonly msg: string;
  /** Builds the error; `message` names the code and what to check. */
  constructor(message: string, refusal: { code: number; msg: string }) {
    super(message);
    this.code = refusal.code;
    this.msg = refusal.msg;
  }
}
