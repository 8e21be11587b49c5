/**
 * The account's event log: every local change (order state, fill, position, balance, connection, halt) gets
 * the next sequence number and is kept in a ring, so a reader that reconnects can ask for what it missed
 * (`since`), and live readers are called as events happen. Appending never waits on a reader: a reader is a
 * plain callback, and the SSE route that buffers per client drops a slow client instead of blocking here.
 *
 * @module
 */

/** The kinds of account events. */
export const ACCOUNT_EVENT_TYPES = [
  "order",
  "fill",
  "position",
  "balance",
  "connection",
  "halt",
  "resume",
  "risk",
  "audit",
] as const;
/** One of {@linkcode ACCOUNT_EVENT_TYPES}. */
export type AccountEventType = typeof ACCOUNT_EVENT_TYPES[number];

/**
 * One logged event. `data` is a snapshot taken when the event happened (never mutated afterwards).
 *
 * @example
 * ```ts
 * const e: AccountEvent = { id: 1, type: "halt", time: Date.now(), data: { reason: "news" } };
 * ```
 */
export interface AccountEvent {
  /** Sequence number: 1, 2, 3… without holes within one process. */
  readonly id: number;
  /** What changed. */
  readonly type: AccountEventType;
  /** Local ms when it was logged. */
  readonly time: number;
  /** The new state (an order, a fill, a position…), JSON-serialisable. */
  readonly data: unknown;
}

/**
 * A live reader. It should not throw: one that does is still called with every later event (a strategy's
 * bug must not make it deaf to fills), and its errors are reported (see the log's `onReaderError`).
 */
export type AccountEventListener = (event: AccountEvent) => void;

/**
 * What `since` found: the events after the id asked for, or a gap when the ring no longer holds them all.
 *
 * @example
 * ```ts
 * declare const log: EventLog;
 * const r = log.since(41);
 * if (r.gap) console.log(`missed events ${r.missedFrom}…${r.missedTo}`);
 * ```
 */
export type SinceResult =
  | { gap: false; events: AccountEvent[] }
  | { gap: true; missedFrom: number; missedTo: number; events: AccountEvent[] };

/** One `subscribe` call: its reader and how often it threw (reported at the 1st, 10th, 100th…). */
interface Subscription {
  readonly listener: AccountEventListener;
  throws: number;
}

/**
 * A bounded ring of account events with live readers.
 *
 * @example
 * ```ts
 * const log = new EventLog({ capacity: 10_000 });
 * const off = log.subscribe((e) => console.log(e.id, e.type));
 * log.append("halt", { reason: "news" });
 * off();
 * ```
 */
export class EventLog {
  readonly #ring: (AccountEvent | undefined)[];
  readonly #listeners = new Set<Subscription>();
  /** Readers of some types only, by type: an event calls none of the others (two order events per order). */
  readonly #byType = new Map<AccountEventType, Set<Subscription>>();
  readonly #counts = new Map<AccountEventType, number>();
  readonly #now: () => number;
  readonly #onReaderError: (error: unknown, count: number) => void;
  /** The first id this log gives out (see `firstId`). */
  readonly #firstId: number;
  #lastId: number;
  /** The oldest id the ring may hold: `firstId`, or the first id a copy replayed. */
  #base: number;
  #replayed = false;

  /**
   * `capacity` events are kept (default 10,000); `now` stamps them (default `Date.now`). `onReaderError` is
   * told when a reader throws: its 1st, 10th, 100th… error, with how many it has thrown (default: one
   * `console.error` line each); the reader is still called. `firstId` is the first event's id (default 1): a
   * gateway starts above any id an earlier run gave out, so a reader resuming across a restart is told.
   */
  constructor(
    options: {
      capacity?: number;
      now?: () => number;
      onReaderError?: (error: unknown, count: number) => void;
      firstId?: number;
    } = {},
  ) {
    this.#firstId = Math.max(1, Math.trunc(options.firstId ?? 1));
    this.#lastId = this.#firstId - 1;
    this.#base = this.#firstId;
    this.#ring = new Array(Math.max(1, options.capacity ?? 10_000));
    this.#now = options.now ?? Date.now;
    this.#onReaderError = options.onReaderError ??
      ((error, count) => console.error(`account event reader threw (${count} so far; still called):`, error));
  }

  /** The id of the newest event (`firstId` − 1 before the first). */
  get lastId(): number {
    return this.#lastId;
  }

  /** The first id this log gives out: an id below it is another run's. */
  get firstId(): number {
    return this.#firstId;
  }

  /** Live readers now. */
  get listeners(): number {
    const some = new Set<Subscription>();
    for (const set of this.#byType.values()) for (const l of set) some.add(l);
    return this.#listeners.size + some.size;
  }

  /** Events logged so far, by type. */
  count(type: AccountEventType): number {
    return this.#counts.get(type) ?? 0;
  }

  /** Logs an event and calls every live reader with it; returns its id. */
  append(type: AccountEventType, data: unknown): number {
    const event: AccountEvent = { id: ++this.#lastId, type, time: this.#now(), data };
    this.#record(event);
    return event.id;
  }

  #record(event: AccountEvent): void {
    this.#ring[event.id % this.#ring.length] = event;
    this.#counts.set(event.type, (this.#counts.get(event.type) ?? 0) + 1);
    this.#call(this.#listeners, event);
    const some = this.#byType.get(event.type);
    if (some !== undefined) this.#call(some, event);
  }

  /** Calls each reader of `set` with `event`; one that throws breaks neither the account nor the others. */
  #call(set: Set<Subscription>, event: AccountEvent): void {
    for (const subscription of set) {
      try {
        subscription.listener(event);
      } catch (e) {
        const count = ++subscription.throws;
        if (/^10*$/.test(String(count))) {
          try {
            this.#onReaderError(e, count);
          } catch { /* the report's own failure changes nothing */ }
        }
      }
    }
  }

  /**
   * Logs `event` as another log numbered and stamped it: this log is then a copy of that one (the monitor's
   * thread, `lib/monitor/`). The first event replayed may have any id; each one after it the next id.
   */
  replay(event: AccountEvent): void {
    if (this.#replayed && event.id !== this.#lastId + 1) {
      throw new RangeError(`event ${event.id} replayed after ${this.#lastId}`);
    }
    if (!this.#replayed) this.#base = event.id;
    this.#replayed = true;
    this.#lastId = event.id;
    this.#record(event);
  }

  /**
   * Calls `listener` with every event from now on, or only with those of `types`; returns the function that
   * stops it. Each call is a subscription of its own: the same function subscribed twice (two parts of a
   * strategy sharing a handler) is called twice, and one part's stop leaves the other's subscription on.
   */
  subscribe(listener: AccountEventListener, types?: readonly AccountEventType[]): () => void {
    const subscription: Subscription = { listener, throws: 0 };
    if (types === undefined) {
      this.#listeners.add(subscription);
      return () => void this.#listeners.delete(subscription);
    }
    for (const type of types) {
      let set = this.#byType.get(type);
      if (set === undefined) this.#byType.set(type, set = new Set());
      set.add(subscription);
    }
    return () => {
      for (const type of types) this.#byType.get(type)?.delete(subscription);
    };
  }

  /** Events with an id above `lastSeen`, oldest first; a gap when some of them are no longer kept. */
  since(lastSeen: number): SinceResult {
    const oldest = Math.max(this.#base, this.#lastId - this.#ring.length + 1);
    const from = Math.max(lastSeen + 1, oldest);
    const events: AccountEvent[] = [];
    for (let id = from; id <= this.#lastId; id++) events.push(this.#ring[id % this.#ring.length]!);
    if (lastSeen + 1 >= oldest || lastSeen >= this.#lastId) return { gap: false, events };
    return { gap: true, missedFrom: lastSeen + 1, missedTo: oldest - 1, events };
  }
}
