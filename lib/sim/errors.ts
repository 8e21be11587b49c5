/**
 * Failures the simulator answers with, and Binance's texts for them. Handlers return a {@linkcode Failure}
 * instead of throwing: rejections are routine (1,000+ orders/s in a soak) and exceptions would capture stack
 * traces for nothing.
 *
 * @module
 */

/** A rejected request: HTTP-like status plus Binance error code and message. */
export class Failure {
  /**
   * @example
   * ```ts
   * new Failure(400, -1121, "Invalid symbol.");
   * ```
   */
  constructor(readonly status: number, readonly code: number, readonly msg: string) {}
}

/**
 * A failure with status 400 unless told otherwise.
 *
 * @example
 * ```ts
 * fail(-2011, "Unknown order sent.");
 * ```
 */
export function fail(code: number, msg: string, status = 400): Failure {
  return new Failure(status, code, msg);
}

/**
 * The error catalogue (ws-fapi.md §7). Functions take the detail that Binance puts into the text.
 *
 * @example
 * ```ts
 * E.mandatory("quantity").msg; // "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."
 * ```
 */
export const E = {
  // -1020 UNSUPPORTED_OPERATION: what the exchange answers to an unknown method is UNCONFIRMED (ws-fapi.md §2);
  // any code but the retryable -1000 family keeps a client from retrying it forever.
  unknownMethod: (method: string) =>
    fail(-1020, `This operation is not supported: unknown method '${method}'.`),
  notAuthorized: () =>
    fail(
      -1002,
      "You are not authorized to execute this request. Only Ed25519 API keys can log on to a session.",
    ),
  tooManyWeight: (limit: number) =>
    fail(-1003, `Too many requests; current limit is ${limit} request weight per 1 MINUTE.`, 429),
  banned: (until: number) => fail(-1003, `Way too many requests; IP banned until ${until}.`, 418),
  unknownStatus: () =>
    fail(
      -1007,
      "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
      503,
    ),
  throttled: () =>
    fail(
      -1008,
      "Request throttled by system-level protection. Reduce-only/close-position orders are exempt.",
    ),
  tooManyOrders: (limit: number, window: string) =>
    fail(-1015, `Too many new orders; current limit is ${limit} orders per ${window}.`, 429),
  timestampAhead: () => fail(-1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  timestampOld: () => fail(-1021, "Timestamp for this request is outside of the recvWindow."),
  badSignature: () => fail(-1022, "Signature for this request is not valid."),
  mandatory: (name: string) =>
    fail(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  eitherParam: (a: string, b: string) =>
    fail(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  unknownParam: (name: string) => fail(-1103, `An unknown parameter was sent: '${name}'.`),
  notRequired: (name: string) => fail(-1106, `Parameter '${name}' sent when not required.`),
  precision: () => fail(-1111, "Precision is over the maximum defined for this asset."),
  badTif: () => fail(-1115, "Invalid timeInForce."),
  badType: () => fail(-1116, "Invalid orderType."),
  badSide: () => fail(-1117, "Invalid side."),
  badSymbol: () => fail(-1121, "Invalid symbol."),
  noListenKey: () => fail(-1125, "This listenKey does not exist."),
  badRecvWindow: () => fail(-1131, "recvWindow must be less than 60000"),
  invalidJson: () => fail(-1135, "Invalid JSON Request"),
  badRespType: () => fail(-1136, "Invalid newOrderRespType."),
  unknownOrder: () => fail(-2011, "Unknown order sent."),
  noSuchOrder: () => fail(-2013, "Order does not exist."),
  badApiKey: () => fail(-2015, "Invalid API-key, IP, or permissions for action.", 401),
  marginInsufficient: () => fail(-2019, "Margin is insufficient."),
  wouldTrigger: () => fail(-2021, "Order would immediately trigger."),
  reduceOnlyRejected: () => fail(-2022, "ReduceOnly Order is rejected."),
  priceNegative: () => fail(-4001, "Price less than 0."),
  priceTooHigh: () => fail(-4002, "Price greater than max price."),
  qtyNegative: () => fail(-4003, "Quantity less than zero."),
  qtyTooLow: () => fail(-4004, "Quantity less than min quantity."),
  qtyTooHigh: () => fail(-4005, "Quantity greater than max quantity."),
  priceTooLow: () => fail(-4013, "Price less than min price."),
  priceTick: () => fail(-4014, "Price not increased by tick size."),
  badClientId: () => fail(-4015, "Client order id is not valid."),
  percentUp: (cap: string) => fail(-4016, `Limit price can't be higher than ${cap}.`),
  qtyStep: () => fail(-4023, "Quantity not increased by step size."),
  percentDown: (floor: string) => fail(-4024, `Limit price can't be lower than ${floor}.`),
  noPositionModeChange: () => fail(-4059, "No need to change position side."),
  positionModeOpenOrders: () => fail(-4067, "Position side cannot be changed if there exists open orders."),
  positionModePosition: () => fail(-4068, "Position side cannot be changed if there exists position."),
  positionSide: () => fail(-4061, "Order's position side does not match user's setting."),
  duplicateClientId: () => fail(-4116, "ClientOrderId is duplicated."),
  useAlgo: () =>
    fail(
      -4120,
      "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
    ),
  minNotional: (notional: string) =>
    fail(-4164, `Order's notional must be no smaller than ${notional} (unless you choose reduce only).`),
  fokUnfilled: () =>
    fail(
      -5021,
      "Due to the order could not be filled immediately, the FOK order has been rejected. " +
        "The order will not be recorded in the order history",
    ),
  postOnlyTakes: () =>
    fail(
      -5022,
      "Due to the order could not be executed as maker, the Post Only order will be rejected. " +
        "The order will not be recorded in the order history",
    ),
  onlyLimitModify: () => fail(-5025, "Only limit order is supported."),
  tooManyModifies: () => fail(-5026, "Exceed maximum modify order limit."),
  noopModify: () => fail(-5027, "No need to modify the order."),
  modifyMinNotional: (notional: string) =>
    fail(-5029, `Order's notional must be no smaller than ${notional} (unless you choose reduce only).`),
  badPriceMatch: () => fail(-5037, "Invalid price match"),
  priceMatchType: () => fail(-5038, "Price match only supports order type: LIMIT, STOP AND TAKE_PROFIT"),
  badStp: () => fail(-5039, "Invalid self trade prevention mode"),
  badGoodTillDate: () =>
    fail(
      -5040,
      "goodTillDate timestamp must be greater than current time plus 600 seconds and smaller than 253402300799000",
    ),
} as const;

/**
 * The standard message for a code, for fault injection with an arbitrary `rejectCode`.
 *
 * @example
 * ```ts
 * failureForCode(-1008).status; // 400
 * ```
 */
export function failureForCode(code: number): Failure {
  switch (code) {
    case -1008:
      return E.throttled();
    case -1007:
      return E.unknownStatus();
    case -1006:
      return fail(
        -1006,
        "An unexpected response was received from the message bus. Execution status unknown.",
        503,
      );
    case -1001:
      return fail(-1001, "Internal error; unable to process your request. Please try again.", 503);
    case -2019:
      return E.marginInsufficient();
    case -1003:
      return E.tooManyWeight(2400); // 429, as the exchange answers it
    case -1015:
      return E.tooManyOrders(300, "TEN_SECONDS");
    default:
      return fail(code, "Order rejected by simulator fault injection.");
  }
}
