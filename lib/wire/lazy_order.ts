/**
 * The object behind a lazy order result (see `lazy_result.ts`): where the ack frame's `result` lies, the fields
 * read from it once something needs them, in `#private` slots (the target has no own keys), and the Proxy traps
 * that make it read as the plain object `JSON.parse` would give. Nothing is read when it is made: a caller that
 * only passes the result's text on (`jsonText`, a gateway's answer) reads nothing. The common fields (orderId,
 * symbol, status, clientOrderId, executedQty, updateTime) are read together on the first need of one
 * (`_order_fields.ts`), and then through one `switch` on the key; price, origQty and avgPrice (which the order
 * tracker reads on every ack) from the frame on their first read; any other field, or a common one the read
 * could not take, parses the frame's `result` once, and from then on every trap forwards to that object.
 *
 * @module
 */

import { readOrderFields, type ScannedOrder } from "./_order_fields.ts";
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

/**
 * The proxied target, and the handle its maker keeps (`proxy`, `readFields`). Once parsed, every trap forwards
 * to the parsed object; the target has no own keys.
 *
 * @example
 * ```ts
 * const frame = '{"id":1,"status":200,"result":{"orderId":5,"symbol":"BTCUSDT","status":"NEW",' +
 *   '"clientOrderId":"a","executedQty":"0","updateTime":9}}';
 * const start = frame.indexOf('"result":{') + 10;
 * const order = LazyOrder.of(frame, start, frame.length - 2);
 * order.proxy.clientOrderId; // "a": the common fields read now, on this first need
 * ```
 */
export class LazyOrder {
  /** The object callers get: it reads as the plain object `JSON.parse` gives. */
  readonly proxy: Record<string, unknown>;
  readonly #frame: string;
  /** The `result` object's body is `[#start, #end)`, `#end` at its closing brace. */
  readonly #start: number;
  readonly #end: number;
  /** The common fields once read; null when they could not be (a parse decides), undefined before. */
  #s: ScannedOrder | null | undefined = undefined;
  #price: Optional = UNSCANNED;
  #origQty: Optional = UNSCANNED;
  #avgPrice: Optional = UNSCANNED;
  /** Whether price, origQty and avgPrice are still to be read from the frame. */
  #middleUnread = true;
  /** The frame's `result`, parsed, once something needed more than the fields read. */
  #full: Record<string, unknown> | undefined = undefined;

  private constructor(frame: string, start: number, end: number, fields: ScannedOrder | undefined) {
    this.#frame = frame;
    this.#start = start;
    this.#end = end;
    this.#s = fields;
    this.proxy = new Proxy(this, LazyOrder.handler) as unknown as Record<string, unknown>;
  }

  /**
   * The lazy result of the order `result` object whose body lies in `[start, end)` of `frame` (`end` at its
   * closing brace, as the answer scanner reports it), with nothing read yet.
   *
   * @example
   * ```ts
   * const frame = '{"orderId":5,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"a","executedQty":"0",' +
   *   '"updateTime":9}';
   * const order = LazyOrder.of(frame, 1, frame.length - 1);
   * order.readFields(); // true
   * order.proxy.status; // "NEW"
   * ```
   */
  static of(frame: string, start: number, end: number): LazyOrder {
    return new LazyOrder(frame, start, end, undefined);
  }

  /**
   * The lazy result of the same `result` object, its common fields read first; undefined when they cannot be
   * (see `readFields`).
   *
   * @example
   * ```ts
   * const frame = '{"orderId":5,"symbol":"BTCUSDT","status":"NEW","clientOrderId":"a","executedQty":"0",' +
   *   '"updateTime":9}';
   * LazyOrder.read(frame, 1, frame.length - 1)?.proxy.orderId; // 5
   * ```
   */
  static read(frame: string, start: number, end: number): LazyOrder | undefined {
    const fields = readOrderFields(frame, start, end);
    return fields === undefined ? undefined : new LazyOrder(frame, start, end, fields);
  }

  /**
   * Reads the common fields now (once); false when they cannot be read from the text (one missing, of another
   * type than the exchange sends, or escaped): then every read of them parses the result.
   */
  readFields(): boolean {
    return this.#fields() !== null;
  }

  #fields(): ScannedOrder | null {
    let s = this.#s;
    if (s === undefined) s = this.#s = readOrderFields(this.#frame, this.#start, this.#end) ?? null;
    return s;
  }

  /** The parsed result (parsed now if it was not yet). */
  full(): Record<string, unknown> {
    const parsed = this.#full;
    if (parsed !== undefined) return parsed;
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(this.#frame.slice(this.#start - 1, this.#end + 1)) as Record<string, unknown>;
    } catch {
      // The read took what a parse refuses: the fields it read are all there is.
      const s = this.#fields();
      result = s === null ? {} : {
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
    return this.#full === undefined ? this.#frame.slice(this.#start - 1, this.#end + 1) : undefined;
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
    const s = this.#fields();
    if (s === null) return;
    const frame = this.#frame;
    const end = this.#end;
    const { middleFrom, middleTo, tailFrom } = s;
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
      // Each common field by name (a keyed read of `s` would be a slower, polymorphic load); null: the read
      // refused them, and only a parse can tell. One case per field: one shared case picking the field with a
      // chain of comparisons cost Bun ~60 ns more per ack (in-process A/B, seven runs).
      switch (key) {
        case "orderId": {
          const s = t.#s ?? t.#fields();
          if (s !== null) return s.orderId;
          break;
        }
        case "status": {
          const s = t.#s ?? t.#fields();
          if (s !== null) return s.status;
          break;
        }
        case "clientOrderId": {
          const s = t.#s ?? t.#fields();
          if (s !== null) return s.clientOrderId;
          break;
        }
        case "executedQty": {
          const s = t.#s ?? t.#fields();
          if (s !== null) return s.executedQty;
          break;
        }
        case "updateTime": {
          const s = t.#s ?? t.#fields();
          if (s !== null) return s.updateTime;
          break;
        }
        case "symbol": {
          const s = t.#s ?? t.#fields();
          if (s !== null) return s.symbol;
          break;
        }
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
            if (t.#fields() !== null) return true;
            break;
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
