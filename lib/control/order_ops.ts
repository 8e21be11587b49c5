/**
 * The order operations of the control plane — place, modify, cancel, query — from an already parsed JSON
 * object to the router's answer. `POST/PATCH/DELETE/GET /orders` and the local socket's `place`, `modify`,
 * `cancel` and `query` messages both run these, so validation, routing to `order.*` or `algoOrder.*` and the
 * errors thrown (mapped by `errors.ts`) are one and the same.
 *
 * @module
 */

import type { Router } from "../router/router.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import type { PromptAnswer } from "../pipeline/pending_requests.ts";
import { fastPlaceRequest } from "./place_fast_path.ts";
import {
  cancelSchema,
  modifySchema,
  oneSymbolSchema,
  orderRefSchema,
  placeSchema,
  trackedOrdersSchema,
} from "./schemas.ts";
import { validate } from "./validation.ts";

/**
 * The router methods the order operations call.
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const api: OrderRouter = router;
 * ```
 */
export type OrderRouter =
  & Pick<
    Router,
    | "placeOrder"
    | "placeAlgoOrder"
    | "modifyOrder"
    | "cancelOrder"
    | "cancelAlgoOrder"
    | "queryOrder"
    | "cancelAllOpenOrders"
  >
  & Partial<Pick<Router, "answerPromptly">>;

/**
 * The order operations. Each validates its input (throwing a 400 `ControlError` that names every bad
 * field) and resolves with the exchange's answer, or rejects with the router's error.
 *
 * @example
 * ```ts
 * declare const ops: OrderOps;
 * const ack = await ops.place({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" });
 * ```
 */
export interface OrderOps {
  /** `POST /orders`: LIMIT/MARKET to `order.place`, conditional types to `algoOrder.place`. */
  place(body: Record<string, unknown>): Promise<unknown>;
  /** `PATCH /orders`: `order.modify`. */
  modify(body: Record<string, unknown>): Promise<unknown>;
  /** `DELETE /orders`: `order.cancel` or `algoOrder.cancel`. */
  cancel(params: Record<string, unknown>): Promise<unknown>;
  /** `GET /orders`: with an id, `order.status` at the exchange; without, the tracked orders from memory. */
  query(params: Record<string, unknown>): Promise<unknown>;
  /** `DELETE /orders/open`: every open order of this router on `symbol` cancelled, without halting. */
  cancelAll(params: Record<string, unknown>): Promise<unknown>;
  /**
   * Has `prompt` told of the result of what `place`, `modify` or `cancel` just returned before the router's
   * bookkeeping (`Router.answerPromptly`); false when nothing was attached (read the promise).
   */
  answerPromptly(promise: Promise<unknown>, prompt: PromptAnswer): boolean;
}

/**
 * The order operations over `router`, listing from `tracker` (none: an empty list).
 *
 * @example
 * ```ts
 * import type { Router } from "../router/router.ts";
 * declare const router: Router;
 * const ops = orderOps(router, undefined);
 * ```
 */
export function orderOps(router: OrderRouter, tracker: OrderTracker | undefined): OrderOps {
  return {
    // Not `async`: the router's own promise is the answer, so the ack reaches the caller without two more
    // microtask hops (each a few µs with the cold caches every order has). A refusal still rejects.
    place(body) {
      try {
        // The common LIMIT/MARKET shape without zod; everything else (and every error) through zod.
        const request = fastPlaceRequest(body) ?? validate(placeSchema, body);
        return request.kind === "order"
          ? router.placeOrder(request.params)
          : router.placeAlgoOrder(request.params);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    modify(body) {
      try {
        return router.modifyOrder(validate(modifySchema, body));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    cancel(params) {
      try {
        const request = validate(cancelSchema, params);
        return request.kind === "order"
          ? router.cancelOrder(request.params)
          : router.cancelAlgoOrder(request.params);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async query(params) {
      if (params.orderId === undefined && params.origClientOrderId === undefined) {
        // No id: the orders tracked (open, pending, unknown; `all` adds the recently finished), from memory.
        const { symbol, state } = validate(trackedOrdersSchema, params);
        const list = tracker === undefined ? [] : state === "all" ? tracker.listAll() : tracker.list(state);
        return symbol === undefined ? list : list.filter((o) => o.symbol === symbol);
      }
      return await router.queryOrder(validate(orderRefSchema, params));
    },
    async cancelAll(params) {
      return await router.cancelAllOpenOrders(validate(oneSymbolSchema, params).symbol);
    },
    answerPromptly(promise, prompt) {
      return router.answerPromptly?.(promise, prompt) ?? false;
    },
  };
}
