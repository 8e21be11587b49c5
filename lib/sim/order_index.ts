/**
 * Where the exchange keeps its orders and finds them again: every order by id per symbol, the resting ones per
 * symbol in time priority, and client ids per account and symbol (unique among open orders only; a look-up by
 * client id prefers the open order, else the latest with that id).
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import type { SimOrder } from "./orders.ts";
import type { OrderRef } from "./params.ts";

/**
 * The order index of one exchange.
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * declare const account: Account;
 * const index = new OrderIndex(["BTCUSDT"]);
 * index.find(account, "BTCUSDT", { orderId: 8_000_000_000, clientOrderId: undefined }); // undefined
 * ```
 */
export class OrderIndex {
  /** Every order ever accepted, oldest first. */
  readonly all: SimOrder[] = [];
  readonly #byId = new Map<string, Map<number, SimOrder>>();
  readonly #resting = new Map<string, Map<number, SimOrder>>();
  readonly #openByClientId = new Map<string, SimOrder>();
  readonly #latestByClientId = new Map<string, SimOrder>();

  /** One book per symbol. */
  constructor(symbols: Iterable<string>) {
    for (const symbol of symbols) {
      this.#byId.set(symbol, new Map());
      this.#resting.set(symbol, new Map());
    }
  }

  /** Records a new order. */
  add(order: SimOrder): void {
    this.all.push(order);
    this.#byId.get(order.spec.symbol)?.set(order.orderId, order);
    this.#latestByClientId.set(key(order.account, order.spec.symbol, order.clientOrderId), order);
  }

  /** Resting orders of `symbol`, oldest first. */
  resting(symbol: string): Iterable<SimOrder> {
    return this.#resting.get(symbol)?.values() ?? [];
  }

  /** True while the order rests. */
  isResting(order: SimOrder): boolean {
    return this.#resting.get(order.spec.symbol)?.has(order.orderId) ?? false;
  }

  /** True when an open order of `account` on `symbol` has this client id. */
  hasOpenClientId(account: Account, symbol: string, clientOrderId: string): boolean {
    return this.#openByClientId.has(key(account, symbol, clientOrderId));
  }

  /** Puts the order on the book. */
  rest(order: SimOrder): void {
    this.#resting.get(order.spec.symbol)?.set(order.orderId, order);
    this.#openByClientId.set(key(order.account, order.spec.symbol, order.clientOrderId), order);
  }

  /** Takes the order off the book; false when it was not resting. */
  unrest(order: SimOrder): boolean {
    if (!this.#resting.get(order.spec.symbol)?.delete(order.orderId)) return false;
    this.#openByClientId.delete(key(order.account, order.spec.symbol, order.clientOrderId));
    return true;
  }

  /** The account's order named by `ref`; orderId wins, a client id prefers the open order. */
  find(account: Account, symbol: string, ref: OrderRef): SimOrder | undefined {
    if (ref.orderId !== undefined) {
      const order = this.#byId.get(symbol)?.get(ref.orderId);
      return order?.account === account ? order : undefined;
    }
    if (ref.clientOrderId === undefined) return undefined;
    const k = key(account, symbol, ref.clientOrderId);
    return this.#openByClientId.get(k) ?? this.#latestByClientId.get(k);
  }
}

function key(account: Account, symbol: string, clientOrderId: string): string {
  return `${account.apiKey}\n${symbol}\n${clientOrderId}`;
}
