/**
 * The user data stream service (ws-fapi.md §1, §8): listenKeys (userDataStream.start / ping / stop), the
 * `/private/ws` upgrade check, the stream sockets by key, and the events every order and algo change of an
 * account produces, sent to that account's sockets whichever connection placed the order.
 *
 * - Endpoint: `/private/ws?listenKey=<key>&events=<E1>/<E2>/…` on the simulator's port (also
 *   `/private/ws/<key>`). `events` is a `/`-separated allow list; absent or empty means every event.
 *   Unknown names are accepted (they just never match). Several sockets per key are allowed.
 * - Refusal (simulator choice): a missing key is HTTP 400 `{"code":-1102,…}`; a key the account never got, or
 *   one that expired or was stopped, is HTTP 400 `{"code":-1125,"msg":"This listenKey does not exist."}`, both
 *   before the 101, so no WebSocket is opened.
 * - Expiry: a key lives 60 min after start or its last ping, on the sim clock (a timer on the injectable clock,
 *   plus a check whenever the key is used). On expiry its sockets get `listenKeyExpired` and nothing after it;
 *   they stay open (§8). userDataStream.start then hands out a new key. After userDataStream.stop the key's
 *   sockets also get nothing more, without a listenKeyExpired.
 * - Times: per account, every transaction gets `T` = max(sim clock, previous `T` + 1), so on one connection `T`
 *   and `E` rise strictly per event type (§8); `E` = `T`. An ACCOUNT_UPDATE shares its fill's `T`. Beyond
 *   1000 transactions per second on one account the stamps run ahead of the clock.
 * - `streamPaused` loses events (no replay); `listenKeyExpired` ignores the allow list but not the pause.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import type { Account } from "./accounts.ts";
import type { AlgoOrder } from "./algo.ts";
import type { SimCore } from "./core.ts";
import { mul } from "./decimal.ts";
import { E, type Failure } from "./errors.ts";
import type { OrderChange, SimOrder } from "./orders.ts";
import {
  accountUpdate,
  algoUpdate,
  fundingUpdate,
  listenKeyExpired,
  orderTradeUpdate,
} from "./stream_events.ts";
import { StreamSocket } from "./stream_socket.ts";
import type { WsConnection, WsHandlers } from "./_ws_connection.ts";
import type { HttpResponse } from "./_ws_server.ts";

/** A listenKey's life after start or ping (§8). */
export const LISTEN_KEY_MS = 60 * 60 * 1000;
/** The stream path on the simulator's port. */
export const STREAM_PATH = "/private/ws";

/**
 * What a stream upgrade asked for.
 *
 * @example
 * ```ts
 * const target: StreamTarget = { listenKey: "abc", events: new Set(["ORDER_TRADE_UPDATE"]) };
 * ```
 */
export interface StreamTarget {
  readonly listenKey: string | undefined;
  /** The allow list; undefined means every event. */
  readonly events: ReadonlySet<string> | undefined;
}

/**
 * Reads a stream upgrade's path and query; undefined when the path is not the stream's.
 *
 * @example
 * ```ts
 * parseStreamTarget("/private/ws", "listenKey=abc&events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE");
 * // { listenKey: "abc", events: Set { "ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE" } }
 * ```
 */
export function parseStreamTarget(path: string, query: string): StreamTarget | undefined {
  let key: string | undefined;
  if (path.startsWith(`${STREAM_PATH}/`)) key = decode(path.slice(STREAM_PATH.length + 1));
  else if (path !== STREAM_PATH) return undefined;
  const params = new URLSearchParams(query);
  key ??= params.get("listenKey") ?? undefined;
  const list = params.get("events");
  const events = list === null || list === "" ? undefined : new Set(list.split("/").filter((e) => e !== ""));
  return { listenKey: key === "" ? undefined : key, events };
}

/**
 * The stream service of one simulator.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const account = core.accounts.get("key")!;
 * const listenKey = core.streams.start(account, core.now()); // userDataStream.start
 * core.streams.refusal({ listenKey, events: undefined }); // undefined: the upgrade may go ahead
 * ```
 */
export class UserStreams {
  readonly #core: SimCore;
  readonly #byKey = new Map<string, Set<StreamSocket>>();
  readonly #all = new Set<StreamSocket>();
  readonly #expiryTimers = new Map<Account, unknown>();
  readonly #stamps = new Map<Account, number>();

  constructor(core: SimCore) {
    this.#core = core;
  }

  /** userDataStream.start: the live key (extended) or a new one. */
  start(account: Account, now: number): string {
    const key = this.#live(account, now) ?? randomBytes(32).toString("hex");
    account.listenKey = key;
    this.#extend(account, now);
    return key;
  }

  /** userDataStream.ping: extends the live key; undefined (-1125) when there is none or `asked` is another. */
  ping(account: Account, asked: string | undefined, now: number): string | undefined {
    const key = this.#live(account, now);
    if (key === undefined || (asked !== undefined && asked !== key)) return undefined;
    this.#extend(account, now);
    return key;
  }

  /** userDataStream.stop: the key is gone; its sockets stay open and get nothing more. */
  stop(account: Account): void {
    this.#disarm(account);
    if (account.listenKey !== undefined) this.#byKey.delete(account.listenKey);
    account.listenKey = undefined;
    account.listenKeyExpiresAt = 0;
  }

  /** Why a stream upgrade is refused (an HTTP response sent instead of the 101), or undefined to accept. */
  refusal(target: StreamTarget): HttpResponse | undefined {
    if (target.listenKey === undefined) return refused(E.mandatory("listenKey"));
    if (this.#accountOf(target.listenKey) === undefined) return refused(E.noListenKey());
    return undefined;
  }

  /** Binds an accepted stream socket (after {@linkcode refusal} said yes) to its key. */
  attach(conn: WsConnection, target: StreamTarget): WsHandlers {
    const key = target.listenKey ?? "";
    const socket = new StreamSocket(this.#core, conn, key, target.events, (s) => {
      this.#all.delete(s);
      this.#byKey.get(s.listenKey)?.delete(s);
    });
    this.#all.add(socket);
    if (this.#accountOf(key) !== undefined) {
      let sockets = this.#byKey.get(key);
      if (sockets === undefined) this.#byKey.set(key, sockets = new Set());
      sockets.add(socket);
    }
    return socket.handlers();
  }

  /** The exchange's observer: ORDER_TRADE_UPDATE for every change, then ACCOUNT_UPDATE after a fill. */
  orderChanged(order: SimOrder, change: OrderChange): void {
    const account = order.account;
    const now = this.#core.now();
    const sockets = this.#listeners(account, now);
    if (sockets === undefined) return;
    const time = this.#stamp(account, now);
    this.#publish(
      sockets,
      "ORDER_TRADE_UPDATE",
      () => orderTradeUpdate(order, change, time, this.#open(order)),
    );
    if (change.execution !== "TRADE") return;
    const mark = this.#core.exchange.marks.get(order.spec.symbol) ?? 0n;
    this.#publish(
      sockets,
      "ACCOUNT_UPDATE",
      () => accountUpdate(account, order.spec, mark, time, order.positionSide),
    );
  }

  /** The algo book's observer: ALGO_UPDATE on placement and cancellation. */
  algoChanged(algo: AlgoOrder): void {
    const now = this.#core.now();
    const sockets = this.#listeners(algo.account, now);
    if (sockets === undefined) return;
    const time = this.#stamp(algo.account, now);
    this.#publish(sockets, "ALGO_UPDATE", () => algoUpdate(algo, time));
  }

  /** The funding schedule's observer: ACCOUNT_UPDATE (FUNDING_FEE) with the account's new balance. */
  fundingPaid(account: Account): void {
    const now = this.#core.now();
    const sockets = this.#listeners(account, now);
    if (sockets === undefined) return;
    const time = this.#stamp(account, now);
    this.#publish(sockets, "ACCOUNT_UPDATE", () => fundingUpdate(account, time));
  }

  /** Expires every key now (its sockets get listenKeyExpired). */
  expireAll(): void {
    const now = this.#core.now();
    for (const account of this.#core.accounts.values()) this.#expire(account, now);
  }

  /** Destroys every stream socket, no close frame. */
  dropAll(): void {
    for (const socket of [...this.#all]) socket.destroy();
  }

  /** Simulator close: clears the expiry timers and drops every socket. */
  close(): void {
    for (const account of [...this.#expiryTimers.keys()]) this.#disarm(account);
    this.dropAll();
  }

  /** The account's live key, expiring it first when its time is up. */
  #live(account: Account, now: number): string | undefined {
    if (account.listenKey === undefined) return undefined;
    if (account.listenKeyExpiresAt > now) return account.listenKey;
    this.#expire(account, now);
    return undefined;
  }

  #accountOf(key: string): Account | undefined {
    const now = this.#core.now();
    for (const account of this.#core.accounts.values()) {
      if (account.listenKey === key) return this.#live(account, now) === key ? account : undefined;
    }
    return undefined;
  }

  #listeners(account: Account, now: number): ReadonlySet<StreamSocket> | undefined {
    const key = this.#live(account, now);
    const sockets = key === undefined ? undefined : this.#byKey.get(key);
    return sockets === undefined || sockets.size === 0 ? undefined : sockets;
  }

  #extend(account: Account, now: number): void {
    account.listenKeyExpiresAt = now + LISTEN_KEY_MS;
    this.#arm(account, LISTEN_KEY_MS);
  }

  #arm(account: Account, ms: number): void {
    this.#disarm(account);
    this.#expiryTimers.set(
      account,
      this.#core.clock.setTimeout(() => {
        this.#expiryTimers.delete(account);
        const now = this.#core.now();
        if (account.listenKey === undefined) return;
        if (account.listenKeyExpiresAt <= now) this.#expire(account, now);
        else this.#arm(account, account.listenKeyExpiresAt - now);
      }, ms),
    );
  }

  #disarm(account: Account): void {
    const timer = this.#expiryTimers.get(account);
    if (timer !== undefined) this.#core.clock.clearTimeout(timer);
    this.#expiryTimers.delete(account);
  }

  #expire(account: Account, now: number): void {
    const key = account.listenKey;
    if (key === undefined) return;
    this.#disarm(account);
    account.listenKey = undefined;
    account.listenKeyExpiresAt = 0;
    const sockets = this.#byKey.get(key);
    this.#byKey.delete(key);
    if (sockets === undefined || sockets.size === 0) return;
    const time = this.#stamp(account, now);
    this.#publish(sockets, "listenKeyExpired", () => listenKeyExpired(key, time));
  }

  /** The next transaction time of `account`: the sim clock, but strictly after the previous one. */
  #stamp(account: Account, now: number): number {
    const previous = this.#stamps.get(account) ?? 0;
    const time = now > previous ? now : previous + 1;
    this.#stamps.set(account, time);
    return time;
  }

  /** Serialises the event once, and only when some socket takes it. */
  #publish(sockets: ReadonlySet<StreamSocket>, type: string, build: () => unknown): void {
    let text: string | undefined;
    for (const socket of [...sockets]) {
      if (!socket.wants(type)) continue;
      if (this.#core.faults.streamPaused) {
        this.#core.stats.eventsLost++;
        continue;
      }
      text ??= JSON.stringify(build());
      socket.send(text);
    }
  }

  /** The account's open-order notional on the order's symbol, by side. */
  #open(order: SimOrder): { bid: bigint; ask: bigint } {
    let bid = 0n;
    let ask = 0n;
    for (const o of this.#core.exchange.openOrders(order.spec.symbol)) {
      if (o.account !== order.account) continue;
      const notional = mul(o.price, o.qty - o.executed);
      if (o.side === "BUY") bid += notional;
      else ask += notional;
    }
    return { bid, ask };
  }
}

function refused(failure: Failure): HttpResponse {
  return { status: failure.status, body: JSON.stringify({ code: failure.code, msg: failure.msg }) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
