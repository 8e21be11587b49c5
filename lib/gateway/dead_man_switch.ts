/**
 * Dead-man's switch: keeps Binance's countdown cancel-all (`POST /fapi/v1/countdownCancelAll`) armed for every
 * symbol with open orders, refreshing it well inside its countdown. If the router dies or loses the network,
 * nobody refreshes it and the exchange cancels those orders by itself.
 *
 * The countdown endpoint exists on REST only, not on ws-fapi, so this is the one REST call the router makes;
 * it is off the order path and signs the query string as sent (REST's rule, unlike ws-fapi's sorted payload).
 *
 * @module
 */

import { unrefTimer } from "../_timers.ts";
import { type ClockHandle, monotonicClock, type Timers } from "../_clock.ts";

/** Options for {@linkcode DeadManSwitch}. */
export interface DeadManSwitchOptions {
  /** REST base URL, e.g. https://fapi.binance.com (or the simulator's http URL). */
  restUrl: string;
  /** API key, sent in the X-MBX-APIKEY header. */
  apiKey: string;
  /** Signs the query string (HMAC hex, or Ed25519 base64). */
  sign: (query: string) => string | Promise<string>;
  /** Countdown armed on the exchange, in ms. Refreshed every third of it. */
  countdownMs: number;
  /** Symbols that currently need protection (open, pending or unknown orders). */
  symbols: () => string[];
  /** Exchange time in ms. */
  now: () => number;
  /** Reports a refresh that failed (the next tick tries again; the exchange may fire if it keeps failing). */
  onError?: (symbol: string, message: string) => void;
  /** fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Schedules the refreshes (the timestamp still comes from `now`). Default: the runtime's timers. */
  timers?: Timers;
  /**
   * While true, nothing is sent (an IP ban: asking lengthens it). The countdown then runs out and the exchange
   * cancels the orders it covers, as it would for a router that died: none of them can be managed meanwhile.
   */
  paused?: () => boolean;
}

/**
 * Arms and refreshes the exchange-side countdown per symbol; disarms symbols that no longer have orders.
 *
 * @example
 * ```ts
 * import { createHmacSigner } from "../signing/hmac_signer.ts";
 * import type { OrderTracker } from "../orders/order_tracker.ts";
 * import type { Router } from "../router/router.ts";
 * declare const tracker: OrderTracker;
 * declare const router: Router;
 * const signer = createHmacSigner("secret");
 * const dms = new DeadManSwitch({ restUrl: "https://fapi.binance.com", apiKey: "key",
 *   sign: (query) => signer.hex(query), countdownMs: 60_000, symbols: () => tracker.symbols(),
 *   now: () => Date.now() + router.clockOffsetMs });
 * dms.start();
 * ```
 */
export class DeadManSwitch {
  readonly #o: DeadManSwitchOptions;
  readonly #armed = new Set<string>();
  /** Symbols whose first arm is on its way (`ensure`): asked once, not once per order. */
  readonly #arming = new Set<string>();
  readonly #fetch: typeof fetch;
  readonly #timers: Timers;
  #timer: ClockHandle | undefined;
  #refreshes = 0;
  #failures = 0;

  /** Creates the switch; nothing is armed until `start` or `tick`. */
  constructor(options: DeadManSwitchOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
    this.#timers = options.timers ?? monotonicClock;
  }

  /** Successful arm/refresh calls so far. */
  get refreshes(): number {
    return this.#refreshes;
  }

  /** Failed calls so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Symbols currently armed on the exchange. */
  get armed(): string[] {
    return [...this.#armed];
  }

  /** Starts refreshing every third of the countdown. */
  start(): void {
    if (this.#timer !== undefined) return;
    const everyMs = Math.max(100, Math.floor(this.#o.countdownMs / 3));
    this.#timer = this.#timers.setInterval(() => void this.tick(), everyMs);
    unrefTimer(this.#timer);
    void this.tick();
  }

  /** Stops refreshing and disarms every symbol (a clean shutdown should not leave a countdown running). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#armed].map((s) => this.#call(s, 0)));
  }

  /**
   * An order for `symbol` is on its way: arms its countdown now if it is not armed yet (a new symbol would
   * otherwise wait for the next refresh, up to a third of the countdown, unprotected). Off the order path:
   * the call runs in the background; a failure is reported like a refresh's, and the next tick tries again.
   */
  ensure(symbol: string): void {
    if (this.#timer === undefined || this.#armed.has(symbol) || this.#arming.has(symbol)) return;
    if (this.#o.paused?.() === true) return;
    this.#arming.add(symbol);
    void this.#call(symbol, this.#o.countdownMs).finally(() => this.#arming.delete(symbol));
  }

  /** For `/health`: the countdown, the symbols armed now, refreshes and failures so far. */
  health(): { countdownMs: number; armed: string[]; refreshes: number; failures: number } {
    return {
      countdownMs: this.#o.countdownMs,
      armed: this.armed,
      refreshes: this.#refreshes,
      failures: this.#failures,
    };
  }

  /** One refresh: arm every symbol with orders, disarm the rest that were armed. */
  async tick(): Promise<void> {
    if (this.#o.paused?.() === true) return;
    const want = new Set(this.#o.symbols());
    const calls: Promise<void>[] = [];
    for (const s of want) calls.push(this.#call(s, this.#o.countdownMs));
    for (const s of this.#armed) if (!want.has(s)) calls.push(this.#call(s, 0));
    await Promise.all(calls);
  }

  async #call(symbol: string, countdownTime: number): Promise<void> {
    const query = `symbol=${
      encodeURIComponent(symbol)
    }&countdownTime=${countdownTime}&timestamp=${this.#o.now()}`;
    try {
      const signature = encodeURIComponent(await this.#o.sign(query));
      const res = await this.#fetch(
        `${this.#o.restUrl}/fapi/v1/countdownCancelAll?${query}&signature=${signature}`,
        {
          method: "POST",
          headers: { "X-MBX-APIKEY": this.#o.apiKey },
          signal: AbortSignal.timeout(Math.max(1000, Math.floor(this.#o.countdownMs / 3))),
        },
      );
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}`);
      this.#refreshes++;
      if (countdownTime > 0) this.#armed.add(symbol);
      else this.#armed.delete(symbol);
    } catch (e) {
      this.#failures++;
      this.#o.onError?.(symbol, (e as Error).message);
    }
  }
}
