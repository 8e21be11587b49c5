/**
 * A copy of the order tracker's lists kept elsewhere (the monitor's thread, `lib/monitor/`): the tracker
 * reports every change of its two lists (unfinished, finished) as the list operation it made, in its order,
 * and every record it changed; the copy replays the operations on maps of its own, so it lists the same
 * orders in the same order, and holds each one's JSON text. Nothing here knows about threads.
 *
 * @module
 */

import type { TrackedOrder, TrackedState } from "./tracked_order.ts";

/** The list operations the tracker reports, by number (they cross threads by the thousand). */
export const LIST_OPS = Object.freeze({
  /** Added to (or set again in) the unfinished list. */
  LIVE_SET: 0,
  LIVE_DELETE: 1,
  /** Added to (or set again in) the finished list. */
  FINISHED_SET: 2,
  FINISHED_DELETE: 3,
});

/** One of {@linkcode LIST_OPS}. */
export type ListOp = typeof LIST_OPS[keyof typeof LIST_OPS];

/**
 * What an order tracker tells a copy of its lists (`OrderTracker.mirrorTo`).
 *
 * @example
 * ```ts
 * const ops: unknown[] = [];
 * const mirror: TrackerMirror = { listed: (op, id) => ops.push(op, id), changed: () => {} };
 * ```
 */
export interface TrackerMirror {
  /** The tracker did `op` on `clientOrderId` in one of its lists, now. */
  listed(op: ListOp, clientOrderId: string): void;
  /** `order`'s record is new or is about to change: its JSON is to be read again (after this turn). */
  changed(order: TrackedOrder): void;
}

/** One order as the copy holds it: what a list filters on, and its JSON text. */
export interface ReplicaOrder {
  state: TrackedState;
  symbol: string;
  json: string;
}

/**
 * An order's content as it crosses over: client order id, state, symbol, JSON text.
 *
 * @example
 * ```ts
 * const row: OrderRow = ["lr-1", "open", "BTCUSDT", '{"clientOrderId":"lr-1"}'];
 * ```
 */
export type OrderRow = [clientOrderId: string, state: TrackedState, symbol: string, json: string];

/**
 * The copy: replays list operations, takes contents, and lists as `OrderTracker.list` / `listAll` do.
 *
 * @example
 * ```ts
 * const replica = new OrderListReplica();
 * replica.apply([LIST_OPS.LIVE_SET, "lr-1"], [["lr-1", "pending", "BTCUSDT", '{"clientOrderId":"lr-1"}']]);
 * replica.list().length; // 1
 * ```
 */
export class OrderListReplica {
  readonly #live = new Map<string, ReplicaOrder>();
  readonly #finished = new Map<string, ReplicaOrder>();

  /**
   * Replays `ops` (pairs of a {@linkcode ListOp} and a client order id, flat), then sets the content of each
   * row's order in whichever list holds it (a row for an order no longer listed is dropped).
   */
  apply(ops: readonly (number | string)[], rows: readonly OrderRow[]): void {
    for (let i = 0; i + 1 < ops.length; i += 2) {
      const id = ops[i + 1] as string;
      switch (ops[i]) {
        case LIST_OPS.LIVE_SET:
          if (!this.#live.has(id)) this.#live.set(id, blank());
          break; // Map.set of a key it holds keeps its place, as the tracker's does
        case LIST_OPS.LIVE_DELETE:
          this.#live.delete(id);
          break;
        case LIST_OPS.FINISHED_SET:
          if (!this.#finished.has(id)) this.#finished.set(id, blank());
          break;
        case LIST_OPS.FINISHED_DELETE:
          this.#finished.delete(id);
          break;
      }
    }
    for (const [id, state, symbol, json] of rows) {
      const o = this.#live.get(id) ?? this.#finished.get(id);
      if (o === undefined) continue;
      o.state = state;
      o.symbol = symbol;
      o.json = json;
    }
  }

  /** Orders that are not finished, optionally of one state (`"finished"`: the finished ones). */
  list(state?: TrackedState): ReplicaOrder[] {
    if (state === "finished") return [...this.#finished.values()];
    const out: ReplicaOrder[] = [];
    for (const o of this.#live.values()) if (state === undefined || o.state === state) out.push(o);
    return out;
  }

  /** Every order kept: the unfinished ones, then the finished ones, oldest first. */
  listAll(): ReplicaOrder[] {
    return [...this.#live.values(), ...this.#finished.values()];
  }

  /** Orders held, both lists. */
  get size(): number {
    return this.#live.size + this.#finished.size;
  }
}

/** An entry whose content arrives with the same batch (every add comes with its record's row). */
function blank(): ReplicaOrder {
  return { state: "pending", symbol: "", json: "null" };
}
