/**
 * The gateway's journal side: the data-dir lock and journal opened together, and the hold on new orders
 * until the orders a crashed run left unfinished are reconciled.
 *
 * @module
 */

import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DataDirError } from "../errors.ts";
import { OrderJournal } from "../journal/mod.ts";
import type { Reconciler } from "../orders/reconciler.ts";
import type { Router } from "../router/router.ts";
import { lockDataDir } from "./data_dir_lock.ts";
import type { DisposalStack } from "./_disposal_stack.ts";
import type { GatewayEvent } from "./gateway_events.ts";
import type { GatewayOptions } from "./gateway.ts";

/**
 * Locks `dataDir` and opens its journal; both are undone by `stack`.
 *
 * @example
 * ```ts
 * import { DisposalStack } from "./_disposal_stack.ts";
 * const { journal, recovery } = openJournal({ url: "", apiKey: "k", secretKey: "s", dataDir: "./data" },
 *   new DisposalStack(), () => {});
 * ```
 */
export function openJournal(
  options: GatewayOptions,
  stack: DisposalStack,
  emit: (event: GatewayEvent) => void,
) {
  const dir = options.dataDir;
  let opened: ReturnType<typeof OrderJournal.open>;
  try {
    stack.defer(lockDataDir(dir));
    if (options.discardJournal) {
      for (const f of readdirSync(dir)) if (f !== "router.lock") rmSync(join(dir, f), { force: true });
    }
    opened = OrderJournal.open({ dir });
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
  return opened;
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
  router.holdNewOrders(reason);
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
