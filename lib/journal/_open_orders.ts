/**
 * Which orders are not known to be finished, by client order id: the state the journal carries into every new
 * file (a checkpoint) and what recovery reports as unresolved. One class for both, so the live journal and a
 * restart can never disagree.
 *
 * An order is unresolved from its first intent until the journal sees it finished: an ack or reconciliation
 * with a final status (FILLED, CANCELED, EXPIRED…, or NOT_FOUND), a rejection of the place that opened it,
 * or a rejection saying the exchange holds no such order (-2011, -2013). An ack with a live status (NEW,
 * PARTIALLY_FILLED) keeps it: the order is open on the exchange, so a restarted router must know it (to list
 * it, cancel it on halt, keep the dead-man's switch armed for its symbol). An `unknown` changes nothing.
 *
 * An outcome that leaves its order open (a live or missing status, an `unknown`) for a client id with no
 * intent here makes an orphan: after a damaged intent line, the ack that follows still describes a live
 * order. Orphans are kept (as their latest such outcome, which names the symbol) and carried by checkpoints
 * like intents, until an outcome finishes them.
 *
 * Except for an order finished lately (the newest 16,384): an answer saying it is open that arrives after it
 * finished is stale, not an orphan. An IOC's or MARKET order's ack (NEW) often arrives after the user data
 * stream said it expired or filled; the order is finished, whatever the late ack says. A late answer comes
 * within the request timeout (5 s by default), so 16,384 finishes cover it at 1,000 orders/s, and minutes
 * at the exchange's own order rate limits; one that came later still would only be kept as an orphan, which
 * a restart reconciles. Each remembered order costs ~300 bytes of heap (map entry and client id): 65,536 of
 * them held ~20 MB in a long-running process (bench/README.md, memory).
 *
 * Only strings are stored (the intent JSON already built for the file), so tracking an order allocates
 * nothing beyond the map entries.
 *
 * @module
 */

import { FINAL_STATUSES as FINAL } from "../vocabulary.ts";
import { frameLine } from "./records.ts";

/** Methods that create an order, as they appear in an intent's JSON after `"method":"`. */
const PLACES = ['order.place"', 'algoOrder.place"'];
/** Rejection codes meaning the exchange does not hold the order: unknown order / order does not exist. */
const NO_SUCH_ORDER = new Set([-2011, -2013]);
/** Orders finished lately, remembered so a late answer saying one is open cannot revive it as an orphan. */
const RECENTLY_FINISHED = 16_384;

/**
 * The open-order set.
 *
 * @example
 * ```ts
 * const open = new OpenOrders();
 * open.intent("lr-1", '{"t":"intent","ts":1,"cid":"lr-1","method":"order.place","params":{}}');
 * open.outcome("lr-1", "FILLED");
 * open.size; // 0
 * ```
 */
export class OpenOrders {
  /** cid → the JSON of the intent that opened the order (its place, normally). Insertion order = first seen. */
  readonly #opened = new Map<string, string>();
  /** cid → the latest later request (cancel, modify, a duplicate place) while the order is open. */
  readonly #later = new Map<string, string>();
  /** cid → the JSON of the latest outcome that showed it open, for orders with no intent here (orphans). */
  readonly #orphans = new Map<string, string>();
  /** cid → the count at which it finished, for the newest `RECENTLY_FINISHED`; the ring holds them in order. */
  readonly #finished = new Map<string, number>();
  readonly #finishedRing: string[] = [];
  #finishedCount = 0;
  /** cid → the JSON of its `owed` record: finished orders whose fills are still to be read back. */
  readonly #owed = new Map<string, string>();

  /** Orders not known to be finished (orphans included). */
  get size(): number {
    return this.#opened.size + this.#orphans.size;
  }

  /** Whether `cid` is an order not known to be finished (an orphan included). */
  has(cid: string): boolean {
    return this.#opened.has(cid) || this.#orphans.has(cid);
  }

  /**
   * Whether an outcome with `status` (undefined: an `unknown`) for `cid` is stale: it would show the order
   * open, but the order is not held and finished lately. Such an outcome changes nothing and need not be
   * recorded.
   */
  stale(cid: string, status: string | undefined): boolean {
    return (status === undefined || !FINAL.has(status)) && this.#finished.has(cid) && !this.has(cid);
  }

  /** A request for `cid` is about to leave; `json` is its intent record. */
  intent(cid: string, json: string): void {
    if (!this.#opened.has(cid) && !this.#orphans.has(cid)) {
      // A cancel or modify of an order finished lately (a cancel that crossed the stream's news of its end)
      // opens nothing: held as open, it had no answer to end it and came back at the next start. (One look-up
      // per new order; the JSON is read only for a client id that finished lately.)
      if (this.#finished.has(cid) && !isPlace(json)) return;
      this.#opened.set(cid, json);
    } else {
      // A cancel/modify, or a second place with a live order's id (the exchange rejects it with -4116):
      // neither replaces the order, and a rejection of it must not end the order.
      this.#later.set(cid, json);
    }
  }

  /**
   * An ack, an unknown outcome (`status` undefined, `json` given) or a reconciliation result with the order's
   * `status`. `json` is the record: kept when it shows an order with no intent here still open.
   */
  outcome(cid: string, status: string | undefined, json?: string): void {
    if (status !== undefined && FINAL.has(status)) this.#forget(cid);
    else if (json !== undefined && !this.#opened.has(cid) && !this.stale(cid, status)) {
      this.#orphans.set(cid, json);
    }
  }

  /** The latest request for `cid` was rejected. */
  rejected(cid: string, code: number): void {
    if (NO_SUCH_ORDER.has(code)) return this.#forget(cid);
    // Only the place that opened the order ends it by being rejected; a rejected cancel/modify leaves it.
    const opened = this.#opened.get(cid);
    if (opened !== undefined && !this.#later.has(cid) && isPlace(opened)) this.#forget(cid);
  }

  /** An order's fills are owed (`json`: its `owed` record), until `paid`. */
  owe(cid: string, json: string): void {
    this.#owed.set(cid, json);
  }

  /** The owed fills of `cid` are recorded (or given up on). */
  pay(cid: string): void {
    this.#owed.delete(cid);
  }

  /** The `owed` record JSON of each order whose fills are owed, oldest first. */
  owed(): IterableIterator<string> {
    return this.#owed.values();
  }

  /** Lines `checkpoint()` writes. */
  get checkpointRecords(): number {
    return this.#opened.size + this.#orphans.size + this.#later.size + this.#owed.size;
  }

  /**
   * The lines that rebuild this state when read back: each order's opening intent (or, for an orphan, its
   * latest outcome), then its latest request.
   */
  checkpoint(): string {
    let text = "";
    for (const map of [this.#opened, this.#orphans]) {
      for (const [cid, json] of map) {
        text += frameLine(json);
        const later = this.#later.get(cid);
        if (later !== undefined) text += frameLine(later);
      }
    }
    for (const json of this.#owed.values()) text += frameLine(json);
    return text;
  }

  /** The opening intent JSON of each open order, in first-seen order. */
  intents(): IterableIterator<string> {
    return this.#opened.values();
  }

  /** The latest outcome JSON of each orphan, in first-seen order. */
  orphans(): IterableIterator<string> {
    return this.#orphans.values();
  }

  /** `about` with the symbol of the order `cid` added, as its intent or orphan record names it, if known. */
  withSymbol<T extends { symbol?: string }>(cid: string, about: T): T {
    const json = this.#opened.get(cid) ?? this.#orphans.get(cid);
    const symbol = json === undefined ? undefined : symbolIn(json);
    return symbol === undefined ? about : { ...about, symbol };
  }

  #forget(cid: string): void {
    if (this.#opened.delete(cid) || this.#orphans.delete(cid)) {
      this.#later.delete(cid);
      this.#remember(cid);
    }
  }

  /** Keeps `cid` among the lately finished, dropping the oldest past `RECENTLY_FINISHED` (O(1)). */
  #remember(cid: string): void {
    const slot = this.#finishedCount % RECENTLY_FINISHED;
    if (this.#finishedCount >= RECENTLY_FINISHED) {
      const oldest = this.#finishedRing[slot]!;
      // Unless it finished again since (a reused client id): then the newer entry stays.
      if (this.#finished.get(oldest) === this.#finishedCount - RECENTLY_FINISHED) {
        this.#finished.delete(oldest);
      }
    }
    this.#finishedRing[slot] = cid;
    this.#finished.set(cid, this.#finishedCount++);
  }
}

/** A JSON string's value, from its opening quote (JSON escapes every quote inside, so it cannot mislead). */
const SYMBOL = /"symbol":("(?:[^"\\]|\\.)*")/;

/**
 * The `symbol` a record's JSON names (an intent's param, an outcome's own field), if any. A quoted key can
 * only be a key: quotes inside strings are escaped.
 *
 * @example
 * ```ts
 * symbolIn('{"t":"intent","ts":1,"cid":"a","method":"order.place","params":{"symbol":"BTCUSDT"}}'); // "BTCUSDT"
 * ```
 */
export function symbolIn(json: string): string | undefined {
  const m = SYMBOL.exec(json);
  if (m === null) return undefined;
  try {
    const s: unknown = JSON.parse(m[1]!);
    return typeof s === "string" ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an intent's JSON is a place. Read from the JSON (only on a rejection) rather than kept in a set
 * per order: one less hash insert on the hot path. The first `,"method":"` is the record's own (it follows
 * the quoted cid, and params come after it).
 */
function isPlace(json: string): boolean {
  const at = json.indexOf(',"method":"') + 11;
  return at > 10 && PLACES.some((m) => json.startsWith(m, at));
}
