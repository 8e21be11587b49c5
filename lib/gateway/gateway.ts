/**
 * The durable gateway: a router plus everything that makes its safety guarantees hold, opened and closed as
 * one object. It owns the data-dir lock, the write-ahead journal, the order tracker, the reconciler (unknown
 * outcomes, and the orders a crashed run left behind, before new orders flow), the kill switch and the
 * dead-man's switch. The CLI and the control plane are thin users of it; so is a strategy.
 *
 * @module
 */

import { journalObserver } from "../journal/mod.ts";
import { AccountState } from "../account/account_state.ts";
import type { GapReconciler } from "../account/gap_reconciler.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import type { UserStream } from "../stream/user_stream.ts";
import { Reconciler } from "../orders/reconciler.ts";
import { combineObservers, type OrderObserver } from "../pipeline/order_observer.ts";
import { restQuerySigner } from "../router/_credentials.ts";
import { type HaltReport, Router, type RouterOptions } from "../router/router.ts";
import { DeadManSwitch } from "./dead_man_switch.ts";
import { DisposalStack } from "./_disposal_stack.ts";
import { openJournal, reconcileRestored } from "./_journal.ts";
import { recordAccountEvent, startUserStream } from "./_live.ts";
import type { GatewayEvent } from "./gateway_events.ts";

export type { GatewayEvent } from "./gateway_events.ts";

/**
 * Options for {@linkcode Gateway.open}: the router's options plus where the journal lives and the safety
 * settings. Credentials are held by the router's signers and never logged or written.
 *
 * @example
 * ```ts
 * const options: GatewayOptions = { url: "wss://ws-fapi.binance.com/ws-fapi/v1", apiKey: "key",
 *   secretKey: "secret", dataDir: "./lightning-data/production", restUrl: "https://fapi.binance.com",
 *   deadManMs: 60_000 };
 * ```
 */
export interface GatewayOptions extends Omit<RouterOptions, "onEvent"> {
  /** Directory of this exchange's journal and lock (one router per directory). Created if missing. */
  dataDir: string;
  /** Discard the journal at open: for an exchange that starts empty every run (the simulator). */
  discardJournal?: boolean;
  /**
   * User data stream host base (e.g. `wss://fstream.binance.com`): the live view of orders, fills and
   * positions. Without it the account knows only what this router's own requests tell it.
   */
  streamUrl?: string;
  /** REST base URL, for the dead-man's switch (e.g. https://fapi.binance.com). */
  restUrl?: string;
  /** Countdown of the exchange-side cancel-all, kept armed while orders are open. Off when unset. */
  deadManMs?: number;
  /** Longest wait for the orders of a crashed run to be reconciled before new orders flow. Default 60 s. */
  reconcileTimeoutMs?: number;
  /** Router and gateway events (connects, journal damage, reconciliation…); never one per order. */
  onEvent?: (event: GatewayEvent) => void;
}

/**
 * A router with the journal, tracker, reconciler, kill switch and dead-man's switch around it.
 *
 * @example
 * ```ts
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * const gateway = await Gateway.open({ url: sim.url, apiKey: "key", secretKey: "secret",
 *   dataDir: await Deno.makeTempDir(), restUrl: sim.httpUrl, deadManMs: 60_000 });
 * await gateway.reconciled; // orders a crashed run left behind are known before trading
 * await gateway.router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.002",
 *   price: "50000", timeInForce: "GTC" });
 * const report = await gateway.halt("end of session"); // stop new orders, cancel every open one
 * await gateway.close();
 * await sim.close();
 * ```
 */
export class Gateway {
  /** The order API (its `halt` is the gateway's kill switch too). */
  readonly router: Router;
  /** The live account: orders, fills, positions, balances, and the event log of every change. */
  readonly account: AccountState;
  /** The user data stream client, when a `streamUrl` was given. */
  readonly userStream: UserStream | undefined;
  /** Orders the journal restored from an earlier run (reconciled before new orders flow). */
  readonly restored: number;
  /** The dead-man's switch countdown in ms, or undefined when it is off. */
  readonly deadManMs: number | undefined;
  /** Settles with the number of restored orders still unknown once startup reconciliation ends (0: all). */
  readonly reconciled: Promise<number>;
  readonly #requestTimeoutMs: number;
  readonly #stack: DisposalStack;
  #closing: Promise<void> | undefined;

  private constructor(
    parts: GatewayParts,
    reconciled: Promise<number>,
    requestTimeoutMs: number,
    stack: DisposalStack,
  ) {
    this.router = parts.router;
    this.account = parts.account;
    this.userStream = parts.userStream;
    this.restored = parts.restored;
    this.deadManMs = parts.deadManMs;
    this.reconciled = reconciled;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#stack = stack;
  }

  /**
   * Locks the data directory, reads the journal, connects, and starts reconciling what an earlier run left
   * unfinished (new orders are held until that is done; cancels go out). Rejects with a `DataDirError` or a
   * `ConnectError`, after undoing whatever it had set up.
   */
  static async open(options: GatewayOptions): Promise<Gateway> {
    const emit = (event: GatewayEvent) => {
      try {
        options.onEvent?.(event);
      } catch { /* an observer's bug must not break the gateway */ }
    };
    const stack = new DisposalStack();
    try {
      return await Gateway.#open(options, emit, stack);
    } catch (e) {
      await stack.dispose();
      throw e;
    }
  }

  static async #open(
    options: GatewayOptions,
    emit: (event: GatewayEvent) => void,
    stack: DisposalStack,
  ): Promise<Gateway> {
    const journal = openJournal(options, stack, emit);
    // Fills are journaled, and those of earlier runs restored before the stream can replay them: a restart
    // neither loses a fill nor counts it twice.
    const account = new AccountState({ onFill: (fill) => void journal.journal.appendFill(fill) });
    account.fills.restore(journal.recovery.fills);
    const tracker = account.orders;
    const restored = journal.recovery.unresolved;
    for (const i of restored) tracker.restore(i.cid, i.method, i.params, i.ts);

    const own = combineObservers(tracker, journalObserver(journal.journal));
    const observer: OrderObserver = options.observer === undefined
      ? own
      : combineObservers(own, options.observer);
    // Router events also become account events; a ws-fapi reconnect is a gap like a stream reconnect.
    const late: { gaps?: GapReconciler } = {};
    const onEvent = (event: GatewayEvent) => {
      recordAccountEvent(account, event);
      if (event.type === "connected" && event.generation > 1) {
        void late.gaps?.reconcile("ws-fapi reconnected");
      }
      emit(event);
    };
    const router = await Router.connect({ ...options, observer, onEvent });
    stack.defer(() => router.close());
    const userStream = startUserStream(options, router, account, onEvent, late, stack);
    if (userStream !== undefined) {
      stack.defer(() => userStream.close());
      await userStream.start(); // the first attempt, so the state shown at start is the real one
    }

    // Unknown outcomes (timeouts, drops) are resolved against the exchange in the background, never resent.
    const reconciler = new Reconciler({
      router,
      tracker,
      recvWindowMs: options.recvWindow ?? 5000,
      sink: { resolved: (cid, status, orderId) => journal.journal.appendResolved(cid, status, orderId) },
    });
    reconciler.start();
    stack.defer(() => reconciler.stop());
    const reconciled = reconcileRestored(router, reconciler, restored.length, options, emit);

    // If the router dies, the exchange's countdown cancels what it left open.
    const { restUrl, deadManMs } = options;
    if (restUrl !== undefined && deadManMs !== undefined) {
      const deadMan = new DeadManSwitch({
        restUrl,
        apiKey: options.apiKey,
        sign: restQuerySigner(options),
        countdownMs: deadManMs,
        symbols: () => tracker.symbols(),
        now: () => Date.now() + router.clockOffsetMs,
        onError: (symbol, error) => emit({ type: "dead-man-error", symbol, error }),
      });
      deadMan.start();
      // A clean stop disarms the countdown: orders left open are the operator's choice, not a crash.
      stack.defer(() => deadMan.stop());
    }
    const armed = restUrl !== undefined && deadManMs !== undefined ? deadManMs : undefined;
    const parts = { router, account, userStream, restored: restored.length, deadManMs: armed };
    return new Gateway(parts, reconciled, options.requestTimeoutMs ?? 5000, stack);
  }

  /** The account's orders (placed here or seen on the stream), as tracked. */
  get tracker(): OrderTracker {
    return this.account.orders;
  }

  /** The kill switch, as `POST /halt`: stop new orders, cancel every open order; see `Router.halt`. */
  halt(reason?: string): Promise<HaltReport> {
    return this.router.halt(reason);
  }

  /** Removes one halt reason, or all of them; see `Router.resume`. */
  resume(reason?: string): void {
    this.router.resume(reason);
  }

  /**
   * Graceful stop: hold new orders, let requests in flight settle (bounded by the request timeout; the router
   * fails the rest), disarm the dead-man's switch, close the socket and the journal, release the lock.
   */
  close(): Promise<void> {
    this.router.holdNewOrders("shutting down");
    return this.#closing ??= this.#close();
  }

  /** `await using gateway = await Gateway.open(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    const deadline = Date.now() + this.#requestTimeoutMs + 1000;
    while (this.router.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.#stack.dispose();
  }
}

interface GatewayParts {
  router: Router;
  account: AccountState;
  userStream: UserStream | undefined;
  restored: number;
  deadManMs: number | undefined;
}
