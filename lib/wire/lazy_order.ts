/**
 * The object behind a lazy order result (see `lazy_result.ts`): the fields read at the ack and where the rest
 * lies in the frame, in `#private` slots (the target has no own keys), and the Proxy traps that make it read
 * as the plain object `JSON.parse` would give. A common field is read through one `switch` on the key, with no
 * lookup. price, origQty and avgPrice (which the order tracker reads on every ack) are read from the frame
 * on their first read, without a parse; any other field parses the frame's `result` once, and from then on
 * every trap forwards to that parsed object.
 *
 * @module
 */

import { escapedIn, literalAt, read, stringAt, textAt } from "./result_fields.ts";

/** Read through the proxy: its target (so `jsonText` and the inspection hooks find it). */
const SELF = Symbol("self");
/** The value of price, origQty or avgPrice when only a parse can tell it. */
const UNSCANNED = Symbol("unscanned");
/** A field read from the frame on first need: its text, absent, or only a parse can tell. */
type Optional = string | undefined | typeof UNSCANNED;

/** Deno's and Node's/Bun's console.log hooks; inspection reads them on the target, not through the traps. */
const DENO_INSPECT: unique symbol = Symbol.for("Deno.customInspect") as never;
const NODE_INSPECT: unique symbol = Symbol.for("nodejs.util.inspect.custom") as never;
const OBJECT_PROTOTYPE: object = Object.prototype;

/** The fields an ack's scan read, and where the rest of its `result` lies in `frame`. */
export interface ScannedOrder {
  frame: string;
  /** The `result` object's body is `[start, end)`, `end` at its closing brace. */
  start: number;
  end: number;
  orderId: number;
  symbol: string;
  status: string;
  clientOrderId: string;
  executedQty: string;
  updateTime: number;
  /**
   * The keys between clientOrderId and executedQty (price, origQty, maybe avgPrice) lie in
   * `[middleFrom, middleTo)`, from the `,` after clientOrderId's value to the `,` before `"executedQty"`;
   * -1: read them with a parse. Nothing up to executedQty's value is escaped.
   */
  middleFrom: number;
  middleTo: number;
  /** After executedQty's value: the keys from there to `end` may hold an avgPrice. */
  tailFrom: number;
}

/**
 * The proxied target. Once parsed, every trap forwards to the parsed object; the target has no own keys.
 */
class LazyOrder {
  readonly #s: ScannedOrder;
  #price: Optional = UNSCANNED;
  #origQty: Optional = UNSCANNED;
  #avgPrice: Optional = UNSCANNED;
  /** Whether price, origQty and avgPrice are still to be read from the frame. */
  #middleUnread = true;
  /** The frame's `result`, parsed, once something needed more than the fields read. */
  #full: Record<string, unknown> | undefined = undefined;

  constructor(scanned: ScannedOrder) {
    this.#s = scanned;
  }

  /** The parsed result (parsed now if it was not yet). */
  full(): Record<string, unknown> {
    const parsed = this.#full;
    if (parsed !== undefined) return parsed;
    const s = this.#s;
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(s.frame.slice(s.start - 1, s.end + 1)) as Record<string, unknown>;
    } catch {
      // The scan accepted what a parse refuses: the fields it read are all there is.
      result = {
        orderId: s.orderId,
        symbol: s.symbol,
        status: s.status,
        clientOrderId: s.clientOrderId,
        executedQty: s.executedQty,
        updateTime: s.updateTime,
      };
      if (typeof this.#price === "string") result.price = this.#price;
      if (typeof this.#origQty === "string") result.origQty = this.#origQty;
      if (typeof this.#avgPrice === "string") result.avgPrice = this.#avgPrice;
    }
    this.#full = result;
    return result;
  }

  /** The frame's own `result` text while nothing has parsed it, else undefined. */
  untouchedText(): string | undefined {
    const s = this.#s;
    return this.#full === undefined ? s.frame.slice(s.start - 1, s.end + 1) : undefined;
  }

  /**
   * Reads price, origQty and avgPrice from the frame, once: each string value between clientOrderId and
   * executedQty (on the exchange's order `,"price":"…","origQty":"…"`, else key by key); a key seen twice
   * is left to a parse (it keeps the later value), as is one not there (it may follow executedQty). avgPrice,
   * absent from current acks, is absent for sure when no `"avgPrice"` follows executedQty either and nothing
   * there is escaped (a key written with escapes would parse to it).
   */
  #readMiddle(): void {
    this.#middleUnread = false;
    const { frame, middleFrom, middleTo, tailFrom, end } = this.#s;
    if (middleFrom < 0) return;
    let avgPriceSeen = false;
    if (textAt(frame, middleFrom, ',"price":')) {
      const price = stringAt(frame, middleFrom + 9, middleTo + 1);
      if (price !== undefined && textAt(frame, read.end, ',"origQty":')) {
        const origQty = stringAt(frame, read.end + 11, middleTo + 1);
        if (origQty !== undefined && read.end === middleTo) {
          this.#price = price;
          this.#origQty = origQty;
        }
      }
    }
    if (this.#price === UNSCANNED) {
      const seen = this.#walkMiddle(frame, middleFrom, middleTo);
      if (seen < 0) return;
      avgPriceSeen = seen === 1;
    }
    if (
      !avgPriceSeen && literalAt(frame, '"avgPrice"', 2, tailFrom, end) < 0 &&
      !escapedIn(frame, tailFrom, end)
    ) {
      this.#avgPrice = undefined;
    }
  }

  /**
   * Another layout: key by key from `p` to `to`, keeping each of the three seen once with a string value.
   * Returns 1 when an avgPrice key was there, 0 when not, -1 (all left to a parse) when it is not flat JSON.
   */
  #walkMiddle(frame: string, p: number, to: number): number {
    let price: Optional = UNSCANNED, origQty: Optional = UNSCANNED, avgPrice: Optional = UNSCANNED;
    let seenPrice = 0, seenOrigQty = 0, seenAvgPrice = 0;
    while (p < to) {
      if (frame.charCodeAt(p) !== 44 || frame.charCodeAt(p + 1) !== 34) return -1;
      const keyEnd = frame.indexOf('"', p + 2);
      if (keyEnd < 0 || keyEnd >= to || frame.charCodeAt(keyEnd + 1) !== 58) return -1;
      const v = keyEnd + 2;
      const keyLength = keyEnd - p - 2;
      const isPrice = keyLength === 5 && textAt(frame, p + 2, "price");
      const isOrigQty = keyLength === 7 && textAt(frame, p + 2, "origQty");
      const isAvgPrice = keyLength === 8 && textAt(frame, p + 2, "avgPrice");
      seenPrice += isPrice ? 1 : 0;
      seenOrigQty += isOrigQty ? 1 : 0;
      seenAvgPrice += isAvgPrice ? 1 : 0;
      if (frame.charCodeAt(v) === 34) {
        const q = frame.indexOf('"', v + 1);
        if (q < 0 || q >= to) return -1;
        if (isPrice) price = frame.slice(v + 1, q);
        else if (isOrigQty) origQty = frame.slice(v + 1, q);
        else if (isAvgPrice) avgPrice = frame.slice(v + 1, q);
        p = q + 1;
      } else {
        // A number, true, false or null: a key the tracker reads holding one is left to a parse.
        if (isPrice) price = UNSCANNED;
        else if (isOrigQty) origQty = UNSCANNED;
        else if (isAvgPrice) avgPrice = UNSCANNED;
        p = frame.indexOf(",", v);
        if (p < 0 || p > to) return -1;
      }
    }
    this.#price = seenPrice === 1 ? price : UNSCANNED;
    this.#origQty = seenOrigQty === 1 ? origQty : UNSCANNED;
    this.#avgPrice = seenAvgPrice === 1 ? avgPrice : UNSCANNED;
    return seenAvgPrice > 0 ? 1 : 0;
  }

  /** Deno's console.log of a lazy result (called on the target): the parsed object. */
  [DENO_INSPECT](inspect: (value: unknown, options: unknown) => string, options: unknown): string {
    return inspect(targetOf(this).full(), options);
  }

  /** Node's and Bun's console.log of a lazy result (called on the proxy): the parsed object. */
  [NODE_INSPECT](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    return inspect(targetOf(this).full(), options);
  }

  /** The proxy's traps; inside the class, so they read the target's `#private` fields. */
  static readonly handler: ProxyHandler<LazyOrder> = {
    get(t, key, receiver) {
      const parsed = t.#full;
      if (parsed !== undefined) {
        if (key === SELF) return t;
        if (key === "toJSON" && !("toJSON" in parsed)) return () => parsed;
        return parsed[key as string];
      }
      switch (key) {
        case "orderId":
          return t.#s.orderId;
        case "status":
          return t.#s.status;
        case "clientOrderId":
          return t.#s.clientOrderId;
        case "executedQty":
          return t.#s.executedQty;
        case "updateTime":
          return t.#s.updateTime;
        case "symbol":
          return t.#s.symbol;
        case "then":
          // Read by every promise resolution: never a reason to parse (an order has no `then`).
          return undefined;
        case "price":
        case "origQty":
        case "avgPrice": {
          // undefined: known to be absent.
          const value = t.#middle(key);
          if (value !== UNSCANNED) return value;
          break;
        }
        case "toJSON":
          return () => t.full();
        case SELF:
          return t;
      }
      if (typeof key === "symbol") return undefined;
      // What every plain object inherits (toString, hasOwnProperty…), without a parse.
      if (key in OBJECT_PROTOTYPE) return Reflect.get(OBJECT_PROTOTYPE, key, receiver);
      return t.full()[key];
    },
    has(t, key) {
      if (t.#full === undefined) {
        switch (key) {
          case "orderId":
          case "status":
          case "clientOrderId":
          case "executedQty":
          case "updateTime":
          case "symbol":
            return true;
          case "price":
          case "origQty":
          case "avgPrice": {
            const value = t.#middle(key);
            if (value !== UNSCANNED) return value !== undefined;
          }
        }
      }
      return key in t.full();
    },
    ownKeys: (t) => Reflect.ownKeys(t.full()),
    getOwnPropertyDescriptor: (t, key) => Reflect.getOwnPropertyDescriptor(t.full(), key),
    getPrototypeOf: () => Object.prototype,
    set: (t, key, value) => Reflect.set(t.full(), key, value),
    deleteProperty: (t, key) => Reflect.deleteProperty(t.full(), key),
    defineProperty: (t, key, descriptor) => Reflect.defineProperty(t.full(), key, descriptor),
  };

  /** price, origQty or avgPrice, read from the frame on first need. */
  #middle(key: "price" | "origQty" | "avgPrice"): Optional {
    if (this.#middleUnread) this.#readMiddle();
    return key === "price" ? this.#price : key === "origQty" ? this.#origQty : this.#avgPrice;
  }
}

/** The target behind `of`: `of` itself, or the proxy's (an inspection hook may be called with either). */
function targetOf(of: LazyOrder): LazyOrder {
  return of instanceof LazyOrder ? of : (of as unknown as { [SELF]: LazyOrder })[SELF];
}

/**
 * The order result of a scanned ack: a Proxy that reads as the plain object `JSON.parse` gives.
 *
 * @example
 * ```ts
 * declare const scanned: ScannedOrder;
 * const order = lazyOrder(scanned);
 * order.status; // scanned.status, with no parse
 * ```
 */
export function lazyOrder(scanned: ScannedOrder): Record<string, unknown> {
  return new Proxy(new LazyOrder(scanned), LazyOrder.handler) as unknown as Record<string, unknown>;
}

/**
 * The frame's own `result` text of a lazy order nothing has parsed yet; undefined for anything else.
 *
 * @example
 * ```ts
 * untouchedResultText({ a: 1 }); // undefined
 * ```
 */
export function untouchedResultText(value: object): string | undefined {
  return (value as { [SELF]?: LazyOrder })[SELF]?.untouchedText();
}
