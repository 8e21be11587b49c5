/**
 * Fault injection state shared by every connection. `setFaults` replaces the faults and resets the counters,
 * so "the Nth request" always counts from that call. Every request, order and reply is counted across the
 * whole simulator (for a single-connection test that is the same as per connection).
 *
 * @module
 */

import type { SimulatorFaults } from "./types.ts";

/** What to do with one arriving request. */
export interface RequestFault {
  /** Destroy the socket after this request (executing it first when `execute`). */
  readonly drop: boolean;
  readonly execute: boolean;
  /** Answer this request, then ignore everything on this connection. */
  readonly silentAfter: boolean;
}

const NONE: RequestFault = { drop: false, execute: false, silentAfter: false };

/**
 * Current faults and their counters.
 *
 * @example
 * ```ts
 * const faults = new FaultState();
 * faults.set({ rejectEveryNthOrder: 2 });
 * faults.onOrderPlace(); // undefined
 * faults.onOrderPlace(); // "reject"
 * ```
 */
export class FaultState {
  #faults: SimulatorFaults = {};
  #requests = 0;
  #orders = 0;
  #replies = 0;

  /** Replaces the faults and resets every counter. */
  set(faults: SimulatorFaults): void {
    this.#faults = { ...faults };
    this.#requests = 0;
    this.#orders = 0;
    this.#replies = 0;
  }

  /** Reply delay in ms (0 = none). */
  get responseDelayMs(): number {
    return this.#faults.responseDelayMs ?? 0;
  }

  /** How long the engine takes to take an `order.place`, in ms (0 = at once). */
  get placeDelayMs(): number {
    return this.#faults.placeDelayMs ?? 0;
  }

  /** Counts an arriving request and says whether a one-shot drop or silence fires on it. */
  onRequest(): RequestFault {
    const f = this.#faults;
    if (f.dropAfterRequests === undefined && f.silentAfterRequests === undefined) return NONE;
    const n = ++this.#requests;
    let drop = false;
    let silentAfter = false;
    if (f.dropAfterRequests !== undefined && n === f.dropAfterRequests) {
      drop = true;
      delete f.dropAfterRequests;
    }
    if (!drop && f.silentAfterRequests !== undefined && n === f.silentAfterRequests) {
      silentAfter = true;
      delete f.silentAfterRequests;
    }
    return drop || silentAfter ? { drop, execute: f.dropExecutes === true, silentAfter } : NONE;
  }

  /** A copy of the faults now in force (one-shot faults that fired and spent bursts are gone). */
  get current(): SimulatorFaults {
    return { ...this.#faults };
  }

  /**
   * Counts an order.place that passed authentication: reject it, answer "unknown", or neither. `onlyReduces`:
   * a reduce-only or close-position order, which Binance exempts from its -1008 throttling (the message says
   * so): an injected -1008 passes it by (and it uses up no rejection of a burst).
   */
  onOrderPlace(onlyReduces = false): "reject" | "unknown" | undefined {
    const f = this.#faults;
    const exempt = onlyReduces && (f.rejectCode ?? -1008) === -1008;
    // Bursts first: the next N orders, whatever the every-Nth counters say.
    if (!exempt && f.rejectNextOrders !== undefined && f.rejectNextOrders > 0) {
      if (--f.rejectNextOrders === 0) {
        delete f.rejectNextOrders;
        // The burst's code goes with it, unless a standing rejectEveryNthOrder still uses it.
        if (f.rejectEveryNthOrder === undefined) delete f.rejectCode;
      }
      return "reject";
    }
    if (f.unknownNextOrders !== undefined && f.unknownNextOrders > 0) {
      if (--f.unknownNextOrders === 0) delete f.unknownNextOrders;
      return "unknown";
    }
    if (f.rejectEveryNthOrder === undefined && f.unknownEveryNthOrder === undefined) return undefined;
    const n = ++this.#orders;
    if (
      !exempt && f.rejectEveryNthOrder !== undefined && f.rejectEveryNthOrder > 0 &&
      n % f.rejectEveryNthOrder === 0
    ) {
      return "reject";
    }
    if (
      f.unknownEveryNthOrder !== undefined && f.unknownEveryNthOrder > 0 && n % f.unknownEveryNthOrder === 0
    ) {
      return "unknown";
    }
    return undefined;
  }

  /** User data stream: drop events instead of delivering them. */
  get streamPaused(): boolean {
    return this.#faults.streamPaused === true;
  }

  /** User data stream: send every event frame twice. */
  get duplicateEvents(): boolean {
    return this.#faults.duplicateEvents === true;
  }

  /** User data stream: swap each pair of consecutive events to a socket. */
  get reorderEvents(): boolean {
    return this.#faults.reorderEvents === true;
  }

  /** The code injected rejections use. */
  get rejectCode(): number {
    return this.#faults.rejectCode ?? -1008;
  }

  /** Counts a reply; true when a garbage frame must precede it. */
  onReply(): boolean {
    const every = this.#faults.malformedEveryNthReply;
    if (every === undefined || every <= 0) return false;
    return ++this.#replies % every === 0;
  }
}
