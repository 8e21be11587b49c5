/**
 * The durable gateway: a router plus everything that makes its safety guarantees hold, opened and closed as
 * one object. It owns the data-dir lock, the write-ahead journal, the order tracker, the reconciler (unknown
 * outcomes, and the orders a crashed run left behind, before new orders flow), the adoption of resting orders
 * the journal does not know (the exchange is the truth for them), the kill switch and the dead-man's switch.
 * The CLI and the control plane are thin users of it; so is a strategy.
 *
 * @module
 */

import { journalObserver } from "../journal/mod.ts";
import { AccountState } from "../account/account_state.ts";
import { type FillRecovery, isShortOfFills } from "../account/fill_recovery.ts";
import type { AdoptionReport, OrderAdopter } from "../account/adoption.ts";
import type { GapReconciler } from "../account/gap_reconciler.ts";
import type { OrderTracker, TrackedOrder } from "../orders/order_tracker.ts";
import type { UserStream } from "../stream/user_stream.ts";
import { Reconciler } from "../orders/reconciler.ts";
import { AccountExposure } from "../risk/account_exposure.ts";
import { combineObservers, deferIntent, type OrderObserver } from "../pipeline/order_observer.ts";
import { restQuerySigner } from "../router/_credentials.ts";
import { type HaltReport, Router, type RouterOptions } from "../router/router.ts";
import {
  DEAD_MAN_MS_RANGE,
  numberOptionProblem,
  type NumberRule,
  ROUTER_NUMBER_RULES,
  TIMER_MAX_MS,
} from "../router/number_options.ts";
import { ConnectError } from "../errors.ts";
import { type Clock, systemClock } from "../_clock.ts";
import { DeadManSwitch } from "./dead_man_switch.ts";
import { DisposalStack } from "./_disposal_stack.ts";
import { HaltKeeper } from "./_halt_file.ts";
import { FillDebts } from "./_fill_debts.ts";
import { OrderPathWarmer } from "./order_path_warmer.ts";
import {
  finishInJournal,
  journalAdopted,
  openJournal,
  reconcileRestored,
  restoreRecovered,
  watchDataDirLock,
  watchJournal,
} from "./_journal.ts";
import type { JournalHealth } from "../journal/mod.ts";
import { recordAccountEvent, startAccountAudit, startUserStream, watchDailyLoss } from "./_live.ts";
import type { AccountAudit } from "../account/account_audit.ts";
import * as startup from "./_startup.ts";
import type { GatewayEvent } from "./gateway_events.ts";
import type { RiskRefusal } from "../risk/pre_trade_guard.ts";

export type { GatewayEvent } from "./gateway_events.ts";

/** The numeric options of {@linkcode GatewayOptions} beyond the router's, and their bounds. */
const GATEWAY_NUMBER_RULES: Readonly<Record<string, NumberRule>> = {
  deadManMs: DEAD_MAN_MS_RANGE,
  history: { min: 1, max: 1_000_000, integer: true },
  reconcileTimeoutMs: { min: 1, max: TIMER_MAX_MS },
  reconcileWeightShare: { min: 0.001, max: 1 },
  warmMs: { min: 0, max: 1000 },
  auditIntervalMs: { min: 0, max: TIMER_MAX_MS },
  auditSettleMs: { min: 0, max: TIMER_MAX_MS },
  ackFollowUpMs: { min: 0, max: TIMER_MAX_MS },
  fillReadBackPauseMs: { min: 0, max: TIMER_MAX_MS },
  firstEventId: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
};

/** How often the data directory's lock is checked while running (a read of the lock file). */
const LOCK_CHECK_MS = 1000;
export type { AdoptionReport } from "../account/adoption.ts";

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
  /**
   * REST base URL (e.g. https://fapi.binance.com): the dead-man's switch, and the listing of the account's
   * open orders that are adopted at open (`adoptOpenOrders`). Without it neither runs.
   */
  restUrl?: string;
  /** Countdown of the exchange-side cancel-all, kept armed while orders are open. Off when unset. */
  deadManMs?: number;
  /**
   * Finished orders, fills and account events kept in memory, this many of each (default 10,000): what
   * `tracker.list("finished")`, `account.fills` and a resuming `account.events.since` reader can see.
   */
  history?: number;
  /**
   * New orders are held until the orders of a crashed run are reconciled, however long that takes; every
   * `reconcileTimeoutMs` (default 60 s) it still runs, a `reconcile-slow` event says how many are left.
   */
  reconcileTimeoutMs?: number;
  /** Share (0–1] of the REQUEST_WEIGHT limit reconciliation may bring the count up to. Default 0.5. */
  reconcileWeightShare?: number;
  /**
   * Every this many ms while no order is answered, run the order path's own code on a canned order
   * (`OrderPathWarmer`: build and sign, the ack's scan, the journal's intent record; nothing is sent, and
   * nothing is written to the journal: its line goes to the scratch file `journal-warm.tmp` beside it), so
   * that the next order finds it in the core's caches. Default 2; 0 turns it off.
   */
  warmMs?: number;
  /**
   * Write the order journal through a shared memory mapping of its file (`JournalOptions.mapped`; Bun on
   * Linux): no system call per record on the order's path. Default false.
   */
  journalMapped?: boolean;
  /**
   * Every this many ms, audit the live view against the exchange (open orders listed over REST, orders the
   * listing no longer shows queried, position and balance snapshots): it catches events the user stream lost
   * with its socket up. Needs `restUrl`. Default 60,000; 0 turns it off.
   */
  auditIntervalMs?: number;
  /**
   * A change younger than this is not yet called drift by an audit (its stream event may be on the way):
   * `AccountAuditOptions.settleMs`. Default 2000.
   */
  auditSettleMs?: number;
  /**
   * A MARKET, IOC or FOK order still open this long after its ack (Binance's default ACK answer says NEW; the
   * user stream normally tells how it ended) is looked up with `order.status`. Default 2000 ms.
   */
  ackFollowUpMs?: number;
  /**
   * Pause between the fill read-back's runs that follow by themselves while orders are left short of fills
   * (`FillRecoveryOptions.pauseMs`; each run asks about at most 10 orders, weight 5 each). Default 5000 ms.
   */
  fillReadBackPauseMs?: number;
  /**
   * The id of the account's first event (`/events` ids). Default: the start time in ms × 1000 + 1, above any
   * id an earlier run gave out, so `Last-Event-ID` from before a restart is answered with a `restarted` gap.
   */
  firstEventId?: number;
  /**
   * Time and timers of reconciliation (passes, pacing waits, the slow warning); its `now()` is read as the
   * exchange's time (a test shares one clock with the simulator). Default: real time plus the measured offset.
   */
  clock?: Clock;
  /** Router and gateway events (connects, journal damage, reconciliation…); never one per order. */
  onEvent?: (event: GatewayEvent) => void;
}

/**
 * The order path's warm-up interval when `warmMs` is unset: 2 ms. At one order every 5–20 ms, a warm-up every
 * 1–2 ms took a third off the gateway's own work per order; every 5 ms, a fifth (`bench/README.md`, eleventh
 * round). With the parts added in the twelfth round, 40–57 % of it, for 9–11 % of a core idle; the
 * thirteenth's scratch-file write took another 6–10 µs off the journal's intent for about 1 % more.
 *
 * @example
 * ```ts
 * DEFAULT_WARM_MS; // 2
 * ```
 */
export const DEFAULT_WARM_MS = 2;

/**
 * A router with the journal, tracker, reconciler, kill switch and dead-man's switch around it.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * const gateway = await Gateway.open({ url: sim.url, apiKey: "key", secretKey: "secret",
 *   dataDir: mkdtempSync(join(tmpdir(), "lr-")), restUrl: sim.httpUrl, deadManMs: 60_000 });
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
  /** The journal's state: ok, or what went wrong (`reason` names no path; `problem` does, for the log). */
  readonly journalHealth: () => JournalHealth;
  /** Orders the journal restored from an earlier run (reconciled before new orders flow). */
  readonly restored: number;
  /** The dead-man's switch countdown in ms, or undefined when it is off. */
  readonly deadManMs: number | undefined;
  /** The dead-man's switch (`/health` shows its `health()`), or undefined when it is off. */
  readonly deadMan: Pick<DeadManSwitch, "health"> | undefined;
  /** The periodic audit against the exchange (`/health` shows its `health()`), or undefined when it is off. */
  readonly audit: Pick<AccountAudit, "health" | "run"> | undefined;
  /** The order path's warm-up while idle (more parts can be added), or undefined with `warmMs: 0`. */
  readonly warmer: OrderPathWarmer | undefined;
  /** Settles with the number of restored orders still unknown once startup reconciliation ends (0: all). */
  readonly reconciled: Promise<number>;
  readonly #requestTimeoutMs: number;
  readonly #stack: DisposalStack;
  readonly #adopter: OrderAdopter | undefined;
  readonly #keepAdopted: (recovered: readonly string[]) => void;
  readonly #emit: (event: GatewayEvent) => void;
  #closing: Promise<void> | undefined;

  private constructor(
    parts: GatewayParts,
    reconciled: Promise<number>,
    requestTimeoutMs: number,
    stack: DisposalStack,
  ) {
    this.#adopter = parts.adopter;
    this.#keepAdopted = parts.keepAdopted;
    this.journalHealth = parts.journalHealth;
    this.#emit = parts.emit;
    this.router = parts.router;
    this.account = parts.account;
    this.userStream = parts.userStream;
    this.restored = parts.restored;
    this.deadManMs = parts.deadManMs;
    this.deadMan = parts.deadMan;
    this.audit = parts.audit;
    this.warmer = parts.warmer;
    this.reconciled = reconciled;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#stack = stack;
  }

  /**
   * Locks the data directory, reads the journal, connects, checks that the exchange accepts the credentials,
   * adopts the open orders the journal does not know, and starts reconciling what an earlier run left
   * unfinished (new orders are held until that is done; cancels go out). Rejects with a `DataDirError` or a
   * `ConnectError` (a refused key names its code and what to check), after undoing whatever it had set up.
   */
  static async open(options: GatewayOptions): Promise<Gateway> {
    const emit = (event: GatewayEvent) => {
      try {
        options.onEvent?.(event);
      } catch { /* an observer's bug must not break the gateway */ }
    };
    // Before the data directory is touched: a bad number is the caller's mistake, named at once.
    const problem = numberOptionProblem(options, ROUTER_NUMBER_RULES) ??
      numberOptionProblem(options, GATEWAY_NUMBER_RULES);
    if (problem !== undefined) throw new ConnectError(`invalid option ${problem}`);
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
    // Parts made later that earlier callbacks reach.
    const late: {
      gaps?: GapReconciler;
      stream?: UserStream | undefined;
      fills?: FillRecovery | undefined;
      router?: Router;
    } = {};
    // The kill switch survives a restart: its reasons in force are kept in the data directory. Holds for a
    // condition (journal failure, IP ban, reconciling…) are for the next start to find again.
    const halts = new HaltKeeper(options.dataDir, (error) => emit({ type: "halt-not-kept", error }));
    // Fills are journaled, and those of earlier runs restored before the stream can replay them: a restart
    // neither loses a fill nor counts it twice.
    const account = new AccountState({
      ...(options.history === undefined
        ? {}
        : { eventCapacity: options.history, historyCapacity: options.history }),
      onFill: (fill) => {
        journal.journal.appendFill(fill);
        debts?.fill(fill);
      },
      onOrder: (order) => {
        finishInJournal(journal.journal, order);
        // Fills owed, once it finished: looked at a moment later (the stream's trades of a RESULT ack).
        debts?.later(order);
        // Executed beyond its recorded fills (a query's answer, a RESULT ack ahead of the stream): read its
        // trades back soon, so /fills and the daily loss do not wait for the next gap or audit.
        if (isShortOfFills(account, order)) late.fills?.runSoon();
      },
      // Above every id an earlier run gave out (at most a million events a second of its life): a reader
      // resuming with an id of the last run is told "restarted" rather than given this run's ids as if
      // nothing was missed.
      firstEventId: options.firstEventId ?? Date.now() * 1000 + 1,
      onReaderError: (error, count) =>
        emit({
          type: "account-reader-error",
          error: error instanceof Error ? error.message : String(error),
          count,
        }),
    });
    // Fills owed by orders that ended short of them, kept across a restart (the callbacks above use it). Only
    // with the REST host that reads trades back: without one a debt could never be paid.
    const debts = options.restUrl === undefined ? undefined : new FillDebts(journal.journal, account);
    if (debts !== undefined) stack.defer(() => debts.stop());
    account.fills.restore(journal.recovery.fills);
    account.fills.restoreDropped(journal.recovery.droppedFills);
    const tracker = account.orders;
    // Unfinished orders, including those known only from an outcome record whose intent line was damaged,
    // and finished ones whose fills the last run still owed (asked again, then their trades read back).
    const restored = restoreRecovered(tracker, journal.recovery) +
      (debts?.restore(journal.recovery.owed) ?? 0);

    // The journal's intent is durable before the frame leaves; the tracker's record follows the send.
    const own = combineObservers(
      deferIntent(tracker),
      journalObserver(journal.journal, { ours: (cid) => tracker.get(cid)?.external === false }),
    );
    const observer: OrderObserver = options.observer === undefined
      ? own
      : combineObservers(own, options.observer);
    // Router events also become account events; a ws-fapi reconnect is a gap like a stream reconnect.
    const onEvent = (event: GatewayEvent) => {
      recordAccountEvent(account, event);
      if ((event.type === "halted" || event.type === "resumed") && late.router !== undefined) {
        halts.changed(late.router);
      }
      if (event.type === "connected" && event.generation > 1) {
        void late.gaps?.reconcile("ws-fapi reconnected");
      }
      // A gap healed, or drift found: orders may have filled without their trades reaching the stream.
      if (
        event.type === "gap-reconciled" ||
        (event.type === "account-audited" && event.corrected.length + event.adopted.length > 0)
      ) void late.fills?.run();
      emit(event);
    };
    // Pre-trade checks read filters and marks from the gateway's REST and stream hosts when it has them;
    // every refusal is a `risk` account event.
    const filters = {
      ...(options.restUrl === undefined ? {} : { restUrl: options.restUrl }),
      ...(options.streamUrl === undefined ? {} : { streamUrl: options.streamUrl }),
      ...options.filters,
      onRefusal: (refusal: RiskRefusal) => {
        account.events.append("risk", refusal);
        options.filters?.onRefusal?.(refusal);
      },
    };
    const router = await Router.connect({ ...options, observer, onEvent, filters });
    stack.defer(() => router.close());
    late.router = router;
    // Halted when the last run stopped (or crashed): still halted, for the same reasons, until a resume.
    const carried = halts.restore(router);
    if (carried.length > 0) emit({ type: "halt-restored", reasons: carried });
    // While no order flows, the order path's own code runs on a canned order, so the next one finds it warm.
    const warmMs = options.warmMs ?? DEFAULT_WARM_MS;
    const warmer = warmMs > 0
      ? new OrderPathWarmer({ intervalMs: warmMs, activity: () => router.metrics.rttCount })
      : undefined;
    if (warmer !== undefined) {
      warmer.add(() => router.warm());
      warmer.add(() => journal.journal.warm());
      warmer.start();
      stack.defer(() => warmer.stop());
    }
    // Position and open-order limits see the account's live exposure (positions, open orders by symbol).
    const guard = router.preTrade;
    if (guard !== undefined) {
      // Position lines arrive while the user stream is up and its last gap is reconciled; without a stream
      // they never do, and fills no line shows count for the young-order time only (see the README).
      const exposure = new AccountExposure(guard.check, account, {
        positionsLive: () =>
          late.stream === undefined || (late.stream.health().state === "up" && late.gaps?.busy !== true),
      });
      guard.afterFilters(() => exposure.rebuild());
      tracker.onModifyRefused = (cid) => exposure.modifyRefused(cid);
      stack.defer(() => exposure.close());
      // The daily loss limit halts (and with flattenOnDailyLoss flattens) on the live PnL.
      const loss = watchDailyLoss(options, router, guard, account, emit, halts);
      stack.defer(() => loss.close());
    }
    await startup.checkCredentials(router, account); // before anything counts as started: a refused key stops here
    // A damaged journal stops trading loudly: new orders are held (the exchange's open orders are adopted
    // below) until the operator has looked and resumes. Runtime problems (a write failure, the file deleted)
    // hold new orders too; cancels keep going out, resting orders stay (the dead-man's switch covers them).
    if (journal.damage !== undefined) {
      const reason = `${journal.damage}; reconciling against the exchange; POST /resume once checked`;
      // Kept across a restart like a halt: the damaged file is set aside, so the next start would not find it.
      router.holdNewOrders(reason, { lasting: true });
      emit({ type: "journal-damaged", reason });
    }
    stack.defer(watchJournal(journal.journal, (problem) => {
      emit({ type: "journal-problem", problem: problem.problem, reason: problem.reason });
      router.holdNewOrders(`order journal: ${problem.reason}`);
    }));
    stack.defer(watchDataDirLock(journal.lock, options.clock ?? systemClock, LOCK_CHECK_MS, {
      onProblem: (p, held) => emit({ type: "data-dir-lock", problem: p.problem, reason: p.reason, held }),
      hold: (reason) => router.holdNewOrders(reason),
    }));
    const userStream = startUserStream(options, router, account, onEvent, late);
    late.stream = userStream;
    stack.defer(() => late.gaps?.stop());
    if (userStream !== undefined) {
      stack.defer(() => userStream.close());
      await userStream.start(); // the first attempt, so the state shown at start is the real one
    }

    // Unknown outcomes (timeouts, drops) are resolved against the exchange in the background, never resent,
    // paced to a share of the request weight.
    const clock = options.clock ?? systemClock;
    const sink = { resolved: journal.journal.appendResolved.bind(journal.journal) };
    const reconciler = new Reconciler({
      router,
      tracker,
      recvWindowMs: options.recvWindow ?? 5000,
      sink,
      clock,
      ...(options.clock === undefined ? {} : { serverNow: () => clock.now() }),
      ...(options.reconcileWeightShare === undefined ? {} : { weightShare: options.reconcileWeightShare }),
      ...(options.ackFollowUpMs === undefined ? {} : { ackFollowUpMs: options.ackFollowUpMs }),
      onWait: (wait) => emit({ type: "reconcile-waiting", ...wait }),
      // How a cancelled-as-gone order really ended is known: its fills, if any, are read back now.
      onInferredResolved: () => void late.fills?.run(),
    });
    // The exchange is the truth for resting orders: adopt those the journal does not know (this also settles
    // restored orders still open, without a query each). A failed listing is reported, not fatal.
    const adopter = startup.openOrderAdopter(options, router, tracker, sink.resolved);
    const adopted = await startup.adoptOpenOrders(adopter, "start", emit).catch(() => undefined);
    // Written to the journal: the next start restores them instead of finding them lost again.
    const keepAdopted = (recovered: readonly string[]) => journalAdopted(journal.journal, tracker, recovered);
    if (adopted !== undefined) keepAdopted(adopted.recovered);
    // Orders of this router the journal did not know: it lost records (or all of them). They are tracked now,
    // but what else it lost is unknown: new orders are held loudly, as for damage, until the operator resumes.
    const lost = startup.lostOrdersReason(adopted);
    if (lost !== undefined) {
      router.holdNewOrders(lost, { lasting: true }); // the records are in the journal now: kept, as damage
      emit({ type: "journal-damaged", reason: lost });
    }
    reconciler.start();
    stack.defer(() => reconciler.stop());
    // Events the stream lost with its socket up would otherwise never be noticed.
    const audit = startAccountAudit(
      options,
      router,
      account,
      adopter,
      // A gap pass is going on, or the IP is banned (asking lengthens a ban): this turn is skipped.
      () => late.gaps?.busy === true || router.quiet,
      (event) => {
        onEvent(event);
        // Changes the stream should have brought and did not: its socket may be half-open, up and silent for
        // good (no close, no error). A new one, and the gap pass after it, cost less than a view gone stale.
        if (event.type === "account-audited" && event.corrected.length + event.positions.length > 0) {
          late.stream?.reconnect("an audit found changes the user stream did not deliver");
        }
      },
    );
    if (audit !== undefined) stack.defer(() => audit.stop());
    late.fills = startup.fillRecovery(options, router, account, (event) => {
      // Trades that never add up: nothing more to wait for (the journal stops listing the debt).
      if (event.type === "fills-recovered" && event.gaveUp !== undefined) debts?.gaveUp(event.gaveUp);
      emit(event);
    });
    stack.defer(() => late.fills?.stop());
    // The hold ends when every restored order is known, however long that takes; slowness is reported.
    const hold = { ...options, reconcileTimeoutMs: Number.POSITIVE_INFINITY };
    const reconciled = reconcileRestored(router, reconciler, restored, hold, emit);
    // Orders of the last run that filled while the router was down: their trades.
    if (restored > 0) void reconciled.then(() => late.fills?.run(), () => {});
    if (restored > 0) {
      stack.defer(
        startup.warnWhileSlow(reconciled, tracker, clock, options.reconcileTimeoutMs ?? 60_000, emit),
      );
    }

    // If the router dies, the exchange's countdown cancels what it left open.
    const { restUrl, deadManMs } = options;
    const armed = restUrl !== undefined && deadManMs !== undefined ? deadManMs : undefined;
    const journalHealth = () => journal.journal.health();
    const parts: GatewayParts = {
      router,
      account,
      userStream,
      restored,
      deadManMs: armed,
      adopter,
      keepAdopted,
      emit,
      journalHealth,
      audit,
      warmer,
    };
    if (restUrl !== undefined && deadManMs !== undefined) {
      const deadMan = new DeadManSwitch({
        restUrl,
        apiKey: options.apiKey,
        sign: restQuerySigner(options),
        countdownMs: deadManMs,
        symbols: () => tracker.symbols(),
        now: () => Date.now() + router.clockOffsetMs,
        onError: (symbol, error) => {
          router.noteRateLimit(error); // a 418 (ban) or 429 -1003 (weight used up) here is the IP's too: upkeep stops asking
          emit({ type: "dead-man-error", symbol, error });
        },
        paused: () => router.quiet,
      });
      deadMan.start();
      // A clean stop disarms the countdown: orders left open are the operator's choice, not a crash.
      stack.defer(() => deadMan.stop());
      // A symbol's first order arms its countdown at once (the order is reported when it is sent).
      stack.defer(account.subscribe((e) => {
        const o = e.data as TrackedOrder;
        if (!o.external && o.state !== "finished") deadMan.ensure(o.symbol);
      }, ["order"]));
      parts.deadMan = deadMan;
    }
    // Halted by the kill switch when the last run stopped: whatever of this router still rests (a cancel lost
    // with the link, a place that landed late) is cancelled now, and watched as any halt's misses.
    for (const reason of halts.cancelling) void router.halt(reason).catch(() => {});
    return new Gateway(parts, reconciled, options.requestTimeoutMs ?? 5000, stack);
  }

  /** The account's orders (placed here or seen on the stream), as tracked. */
  get tracker(): OrderTracker {
    return this.account.orders;
  }

  /**
   * Lists the account's open orders and open algo orders on the exchange (REST, weight 40 each) and adopts
   * every one the tracker does not hold: `recovered` when its client id has this router's pattern (a lost
   * journal: halt cancels it like any of its own), else `external`. Runs at open; call it again whenever the
   * journal is in doubt. Resolves undefined (an `adopt-skipped` event) without a `restUrl`; rejects when the
   * listing fails (also reported as `adopt-skipped`).
   */
  async adoptOpenOrders(reason: string): Promise<AdoptionReport | undefined> {
    const report = await startup.adoptOpenOrders(this.#adopter, reason, this.#emit);
    if (report !== undefined) this.#keepAdopted(report.recovered);
    return report;
  }

  /**
   * The kill switch, as `POST /halt`: stop new orders, cancel every open order, and with `flatten` close every
   * position; see `Router.halt`.
   */
  halt(reason?: string, options?: { flatten?: boolean }): Promise<HaltReport> {
    return this.router.halt(reason, options);
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
    this.router.holdNewOrders("shutting down", { liftsItself: true });
    return this.#closing ??= this.#close();
  }

  /** `await using gateway = await Gateway.open(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    await this.router.settled(this.#requestTimeoutMs + 1000);
    await this.#stack.dispose();
  }
}

interface GatewayParts {
  router: Router;
  account: AccountState;
  userStream: UserStream | undefined;
  restored: number;
  deadManMs: number | undefined;
  adopter: OrderAdopter | undefined;
  /** Writes the orders an adoption recovered to the journal (`journalAdopted`). */
  keepAdopted: (recovered: readonly string[]) => void;
  emit: (event: GatewayEvent) => void;
  journalHealth: () => JournalHealth;
  deadMan?: DeadManSwitch;
  audit: AccountAudit | undefined;
  warmer: OrderPathWarmer | undefined;
}
