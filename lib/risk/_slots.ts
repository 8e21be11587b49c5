/**
 * The slots of a symbol's packed numbers (`SymbolState.k`, one Float64Array): everything the per-order check
 * reads, side by side in the order the check reads them, so an order touches a few adjacent cache lines
 * instead of a dozen objects and boxed numbers. Written only when filters, limits, a mark or the exposure
 * change; the objects they come from stay the source of truth (messages, `GET /risk`). An exchange rule that
 * is off is packed so that it never fails (max Infinity, tick and step 1). The check reads the slots as
 * literal indices with the slot's name in a comment: in a round trip it runs in V8's mid tier (Maglev), where
 * a named import costs a load from the module's binding per use, and a literal costs nothing.
 *
 * @module
 */

// Exchange filters (from SymbolFilters).
/** 1 when the symbol is TRADING. */
export const TRADING = 0;
/** Bits of ORDER_TYPE_BITS. */
export const ORDER_TYPES = 1;
/** Bits of TIF_BITS. */
export const TIME_IN_FORCE = 2;
/** 10^(qtyScale − quantityPrecision): a quantity must be a multiple (1: no rule). */
export const QTY_DIV = 3;
/** 10^(priceScale − pricePrecision): a price must be a multiple (1: no rule). */
export const PRICE_DIV = 4;
export const MIN_PRICE = 5;
export const MAX_PRICE = 6;
export const TICK_SIZE = 7;
export const MIN_QTY = 8;
export const MAX_QTY = 9;
export const STEP_SIZE = 10;
export const MARKET_MIN_QTY = 11;
export const MARKET_MAX_QTY = 12;
export const MARKET_STEP_SIZE = 13;
export const MIN_NOTIONAL = 14;
export const MAX_NUM_ORDERS = 15;
export const MAX_NUM_ALGO_ORDERS = 16;
export const PRICE_SCALE = 17;
export const QTY_SCALE = 18;
// Derived from the mark (SymbolState).
/** Local ms of the latest mark (-Infinity before any). */
export const MARK_AT = 19;
export const BUY_CAP = 20;
export const SELL_FLOOR = 21;
export const MARKET_MIN_NOTIONAL_QTY = 22;
export const MARK_PRICE = 23;
export const BAND_HIGH = 24;
export const BAND_LOW = 25;
// The trader's limits (from SymbolLimits; Infinity: none).
export const L_MAX_ORDER_QTY = 26;
export const L_MAX_ORDER_NOTIONAL = 27;
export const L_PRICE_BAND_PCT = 28;
export const L_MAX_POSITION_QTY = 29;
export const L_MAX_POSITION_NOTIONAL = 30;
export const L_MAX_OPEN_ORDERS = 31;
export const L_MAX_ORDERS_PER_SECOND = 32;
// The account's exposure (AccountExposure).
export const POSITION = 33;
export const OPEN_BUY_QTY = 34;
export const OPEN_SELL_QTY = 35;
export const OPEN_ORDERS = 36;
export const OPEN_ALGO_ORDERS = 37;
// Derived from the limits and the global settings (SymbolState.setGlobals), so an order reads no Set.
/** 1 when any of the trader's limits applies to the symbol (else the check skips them all). */
export const L_ANY = 38;
/** 1 when `allowedSymbols` is unset or lists the symbol. */
export const L_ALLOWED = 39;
/** 1 when `reduceOnlyMode` is on. */
export const L_REDUCE_ONLY_MODE = 40;
/** Number of slots. */
export const SLOTS = 41;
