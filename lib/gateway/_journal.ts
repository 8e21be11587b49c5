/**
 * The gateway's journal side: the data-dir lock and journal opened together, the orders they restore, the
 * damage found at open (a reason to hold new orders), the journal's runtime problems (a reason to halt), and
 * the hold on new orders until the orders a crashed run left unfinished are reconciled.
 *
 * @module
 */

import { readdirSync, rmSync } from "node:fs";
import type { Timers } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { join } from "node:path";
import { DataDirError } from "../errors.ts";
import { damageReport, type JournalProblem, type JournalRecovery, OrderJournal } from "../journal/mod.ts";
import type { OrderTracker, TrackedOrder } from "../orders/order_tracker.ts";
import type { Reconciler } from "../orders/reconciler.ts";
import type { Router } from "../router/router.ts";
import { DataDirLock } from "./data_dir_lock.ts";
import type { DisposalStack } from "./_disposal_stack.ts";
import type { GatewayEvent } from "./gateway_events.ts";
import type { GatewayOptions } from "./gateway.ts";

/** What `openJournal` opened and found. */
export interface OpenedJournal {
  journal: OrderJournal;
  /** The data directory's lock, to be checked while running ({@linkcode DataDirLock.check}). */
  lock: DataDirLock;
  recovery: JournalRecovery;
  /**
   * The damage found, as one sentence without any path ("journal damaged: journal-000003.log lines 17–20
   * unreadable (kept as journal-000003.log.corrupt); 12 unfinished orders recovered, …"), or undefined. When
   * set, records may be missing: new orders must stay held until the exchange's open orders are adopted and
   * an operator resumes.
   */
  damage: string | undefined;
}

/**
 * Locks `dataDir` and opens its journal; both are undone by `stack`.
 *
 * @example
 * ```ts
 * import { DisposalStack } from "./_disposal_stack.ts";
 * const { journal, recovery, damage } = openJournal(
 *   { url: "", apiKey: "k", secretKey: "s", dataDir: "./data" },
 *   new DisposalStack(),
 *   () => {},
 * );
 * ```
 */
export function openJournal(
  options: GatewayOptions,
  stack: DisposalStack,
  emit: (event: GatewayEvent) => void,
): OpenedJournal {
  const dir = options.dataDir;
  let opened: ReturnType<typeof OrderJournal.open>;
  let lock: DataDirLock;
  try {
    lock = DataDirLock.take(dir);
    stack.defer(() => lock.release());
    if (options.discardJournal) {
      for (const f of readdirSync(dir)) if (f !== "router.lock") rmSync(join(dir, f), { force: true });
    }
    opened = OrderJournal.open(options.journalMapped === true ? { dir, mapped: true } : { dir });
  } catch (e) {
    throw new DataDirError((e as Error).message);
  }
  stack.defer(() => opened.journal.close());
  const corrupt = opened.recovery.corrupt;
  if (corrupt.length > 0) {
    const first = corrupt[0]!;
    emit({
      type: "journal-corrupt",
      count: corrupt.length,
      first: `${first.file}:${first.line} ${first.reason}`,
    });
  }
  return { ...opened, lock, damage: damageReport(opened.recovery) };
}

/**
 * Gives `tracker` the orders the journal restored: every unresolved intent, and every orphan (an order known
 * only from an outcome record, its intent unreadable) that names its symbol, so the reconciler can query it
 * by client id. Returns how many were restored. Orphans without a symbol (older records) cannot be queried:
 * the damage report names them.
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * import type { JournalRecovery } from "../journal/mod.ts";
 * declare const recovery: JournalRecovery;
 * const restored = restoreRecovered(new OrderTracker(), recovery);
 * ```
 */
export function restoreRecovered(tracker: OrderTracker, recovery: JournalRecovery): number {
  for (const i of recovery.unresolved) tracker.restore(i.cid, i.method, i.params, i.ts);
  let n = recovery.unresolved.length;
  for (const o of recovery.orphans) {
    if (o.symbol === undefined) continue;
    // The record may answer a cancel or modify: the order itself is a place (an algo one for algoOrder.*).
    const method = o.method?.startsWith("algoOrder.") ? "algoOrder.place" : "order.place";
    tracker.restore(o.cid, method, { symbol: o.symbol }, o.ts);
    n++;
  }
  return n;
}

/**
 * Records in `journal` an order the account saw finish other than by an answer to this router's own request:
 * the user data stream (an IOC or MARKET order acked NEW, then expired or filled; a resting order filled or
 * cancelled elsewhere) or a gap reconciliation. Without this the journal would hold such orders as unfinished
 * for ever: growing with every IOC, and reconciling them all at the next restart.
 *
 * Deferred to a microtask: when the change came from an answer, the journal's own observer runs right after
 * the tracker, in the same call, and records it; by the microtask the journal no longer holds the order and
 * nothing is written twice. Orders the journal does not hold (external ones) are never written.
 *
 * @example
 * ```ts
 * import { AccountState } from "../account/account_state.ts";
 * import type { OrderJournal } from "../journal/mod.ts";
 * declare const journal: OrderJournal;
 * const account = new AccountState({ onOrder: (order) => finishInJournal(journal, order) });
 * ```
 */
export function finishInJournal(journal: OrderJournal, order: Readonly<TrackedOrder>): void {
  // NOT_FOUND from a refused cancel (-2011) is an inference, not how the order ended (it may have filled
  // unseen): the follow-up's answer ends it in the journal, and a restart before that answer asks again.
  if (order.state !== "finished" || order.external || order.status === "NOT_FOUND") return;
  const { clientOrderId, status, orderId, symbol } = order;
  queueMicrotask(() => void journal.appendFinished(clientOrderId, status, orderId, { symbol }));
}

/**
 * Writes to `journal` the orders an adoption found open on the exchange as this router's own although the
 * journal did not know them (`AdoptionReport.recovered`): an intent made from the exchange's listing and an
 * ack with its status. From then on the journal holds them like any order it sent: a restart restores and
 * reconciles them instead of finding them lost again (and holding new orders again), and a rewrite from
 * memory keeps them. A failed write is the journal's problem to report; the orders stay tracked.
 *
 * @example
 * ```ts
 * import type { OrderJournal } from "../journal/mod.ts";
 * import type { OrderTracker } from "../orders/order_tracker.ts";
 * declare const journal: OrderJournal;
 * declare const tracker: OrderTracker;
 * journalAdopted(journal, tracker, ["lr-k3j9x2ab-m1q2-1"]);
 * ```
 */
export function journalAdopted(
  journal: OrderJournal,
  tracker: OrderTracker,
  recovered: readonly string[],
): void {
  for (const cid of recovered) {
    const o = tracker.get(cid);
    if (o === undefined || o.state === "finished") continue;
    const method = o.algo ? "algoOrder.place" : "order.place";
    const params: Record<string, string | undefined> = {
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      quantity: o.quantity,
      positionSide: o.positionSide,
      ...(o.algo ? { triggerPrice: o.price } : { price: o.price || undefined }),
      timeInForce: o.timeInForce || undefined,
    };
    try {
      journal.appendIntent(cid, method, params, o.algo ? "clientAlgoId" : "newClientOrderId");
      journal.appendAck(cid, o.orderId, o.status, { method, symbol: o.symbol });
    } catch { /* reported by the journal's own problem log */ }
  }
}

/**
 * Calls `onProblem` once with each distinct runtime problem of the journal (a failed write, fsync or
 * rotation; its file deleted, replaced or moved), at once with any seen already. `problem.problem` names the
 * file (log it); `problem.reason` names none (a halt reason, an API answer). Returns the unsubscribe.
 *
 * @example
 * ```ts
 * import type { OrderJournal } from "../journal/mod.ts";
 * import type { Router } from "../router/router.ts";
 * declare const journal: OrderJournal;
 * declare const router: Router;
 * const stop = watchJournal(journal, (p) => {
 *   console.error(p.problem);
 *   void router.halt(p.reason);
 * });
 * ```
 */
export function watchJournal(
  journal: OrderJournal,
  onProblem: (problem: JournalProblem) => void,
): () => void {
  return journal.watch(onProblem);
}

/**
 * Checks the data directory's lock every `everyMs` on `timers` (see {@linkcode DataDirLock.check}): a lock file
 * found deleted is written again and told once (`onProblem`, no hold: nothing was lost, but a second router
 * could have started meanwhile); one found holding another live router's pid is a problem that holds new
 * orders (`hold`), told once per pid: two routers writing one journal checkpoint each other's orders away.
 * Returns the stop.
 *
 * @example
 * ```ts
 * import { systemClock } from "../_clock.ts";
 * import { DataDirLock } from "./data_dir_lock.ts";
 * const stop = watchDataDirLock(DataDirLock.take("./data"), systemClock, 1000, {
 *   onProblem: (p, held) => console.error(held ? "held:" : "", p.problem),
 *   hold: (reason) => console.error("holding new orders:", reason),
 * });
 * stop();
 * ```
 */
export function watchDataDirLock(
  lock: DataDirLock,
  timers: Timers,
  everyMs: number,
  on: { onProblem: (problem: JournalProblem, held: boolean) => void; hold: (reason: string) => void },
): () => void {
  let told: number | undefined;
  const handle = unrefTimer(timers.setInterval(() => {
    const found = lock.check();
    if (found === "retaken") {
      told = undefined;
      on.onProblem({
        problem: `data directory lock ${lock.path} was deleted while running; written again`,
        reason: "data directory lock router.lock was deleted while running; written again",
      }, false);
    } else if (typeof found === "object" && found.other !== told) {
      told = found.other;
      const reason =
        `data directory in use by another router (pid ${found.other}): its lock replaced this one's`;
      on.onProblem({ problem: `${reason} (${lock.path})`, reason }, true);
      on.hold(reason);
    }
  }, everyMs));
  return () => timers.clearInterval(handle);
}

/**
 * Holds new orders until the orders restored from the journal are reconciled.
 *
 * @example
 * ```ts
 * import type { Reconciler } from "../orders/reconciler.ts";
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * declare const reconciler: Reconciler;
 * const left = await reconcileRestored(router, reconciler, 3, { url: "", apiKey: "k", dataDir: "d" }, () => {});
 * ```
 */
export function reconcileRestored(
  router: Router,
  reconciler: Reconciler,
  restored: number,
  options: GatewayOptions,
  emit: (event: GatewayEvent) => void,
): Promise<number> {
  if (restored === 0) return Promise.resolve(0);
  const reason = `reconciling ${restored} orders from the journal`;
  router.holdNewOrders(reason, { liftsItself: true }); // not by POST /resume: the picture is incomplete
  emit({ type: "reconciling", orders: restored });
  return reconciler.settle(options.reconcileTimeoutMs ?? 60_000).then((left) => {
    if (left > 0) {
      emit({ type: "reconcile-incomplete", unknown: left });
    } else {
      router.resume(reason);
      emit({ type: "reconciled", orders: restored });
    }
    return left;
  });
}
