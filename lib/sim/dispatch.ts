/**
 * The request pipeline for one parsed ws-fapi request, independent of sockets:
 * method look-up (-1020) → IP ban (418) → the method's early check (order.place: -4120) → unknown parameters
 * (-1103) → REQUEST_WEIGHT (429) → authentication (-2015, -1102, -1131, -1021, -1022) → injected order rejects →
 * ORDERS limits (429) → the method.
 * It returns synchronously except when an Ed25519 signature must be verified (WebCrypto is async).
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { checkTimestamp, type Params, verifySignature } from "./auth.ts";
import type { ConnState, MethodSpec } from "./context.ts";
import type { SimCore } from "./core.ts";
import { E, Failure, failureForCode } from "./errors.ts";
import { ACCOUNT_METHODS } from "./methods_account.ts";
import { MARKET_METHODS } from "./methods_market.ts";
import { SESSION_METHODS } from "./methods_session.ts";
import { TRADE_METHODS } from "./methods_trade.ts";
import { boolParam } from "./params.ts";
import type { RateLimitEntry } from "./rate_limiter.ts";

const COMMON_PARAMS = ["apiKey", "signature", "timestamp", "recvWindow", "returnRateLimits"];

interface Entry {
  readonly spec: MethodSpec;
  readonly allowed: ReadonlySet<string>;
}

/**
 * Every method the simulator answers, by name (the session, trade and account tables together).
 *
 * @example
 * ```ts
 * SIM_METHODS["order.cancel"]?.params; // ["symbol", "orderId", "origClientOrderId"]
 * ```
 */
export const SIM_METHODS: Readonly<Record<string, MethodSpec>> = {
  ...SESSION_METHODS,
  ...TRADE_METHODS,
  ...ACCOUNT_METHODS,
  ...MARKET_METHODS,
};

const METHODS = new Map<string, Entry>(
  Object.entries(SIM_METHODS).map(([name, spec]) => [
    name,
    { spec, allowed: new Set([...COMMON_PARAMS, ...spec.params]) },
  ]),
);

/**
 * A reply before the id is attached.
 *
 * @example
 * ```ts
 * const reply: Reply = { status: 400, error: { code: -1102, msg: "Mandatory parameter 'side' was not sent." } };
 * ```
 */
export interface Reply {
  readonly status: number;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly msg: string };
  readonly rateLimits?: RateLimitEntry[];
}

interface Call {
  readonly core: SimCore;
  readonly conn: ConnState;
  readonly method: string;
  readonly spec: MethodSpec;
  readonly params: Params;
  readonly now: number;
  readonly wantLimits: boolean;
  account: Account | undefined;
}

/**
 * Runs one request.
 *
 * @example
 * ```ts
 * import type { ConnState } from "./context.ts";
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * declare const conn: ConnState; // the calling session
 * const reply = dispatch(core, conn, "ticker.price", { symbol: "BTCUSDT" });
 * ```
 */
export function dispatch(
  core: SimCore,
  conn: ConnState,
  method: string,
  params: Params,
): Reply | Promise<Reply> {
  const entry = METHODS.get(method);
  if (entry === undefined) return { status: 400, error: errorOf(E.unknownMethod(method)) };
  const now = core.now();
  const flag = params["returnRateLimits"];
  const call: Call = {
    core,
    conn,
    method,
    spec: entry.spec,
    params,
    now,
    wantLimits: flag === undefined ? conn.returnRateLimits : flag === true || flag === "true",
    account: undefined,
  };
  const banned = core.limiter.banCheck(now);
  if (banned !== undefined) return reply(call, banned);
  const vetted = entry.spec.vet?.(params);
  if (vetted !== undefined) return reply(call, vetted);
  for (const key in params) if (!entry.allowed.has(key)) return reply(call, E.unknownParam(key));
  const weight = typeof entry.spec.weight === "number" ? entry.spec.weight : entry.spec.weight(params);
  const overWeight = core.limiter.addWeight(weight, now);
  if (overWeight !== undefined) return reply(call, overWeight);
  const auth = authenticate(call);
  return auth instanceof Promise ? auth.then((a) => afterAuth(call, a)) : afterAuth(call, auth);
}

/** A reduce-only or close-position order: exempt from the exchange's -1008 throttling, as its message says. */
function onlyReduces(params: Params): boolean {
  return boolParam(params, "reduceOnly", false) === true ||
    boolParam(params, "closePosition", false) === true;
}

function afterAuth(call: Call, auth: Account | Failure | undefined): Reply {
  if (auth instanceof Failure) return reply(call, auth);
  call.account = auth;
  const { core, spec } = call;
  const placing = call.method === "order.place";
  // Read first: the last rejection of a burst clears the burst's code.
  const rejectCode = core.faults.rejectCode;
  const fault = placing ? core.faults.onOrderPlace(onlyReduces(call.params)) : undefined;
  // Injected -1008 rejections are not counted against the rate limits (ws-fapi.md §6).
  if (fault === "reject") return reply(call, failureForCode(rejectCode));
  if (spec.orders && auth !== undefined) {
    const overOrders = core.limiter.addOrder(auth.orderWindows, call.now);
    if (overOrders !== undefined) return reply(call, overOrders);
  }
  const outcome = spec.run({ core, conn: call.conn, params: call.params, account: auth, now: call.now });
  if (outcome instanceof Failure) return reply(call, outcome);
  if (placing) {
    core.stats.ordersPlaced++;
    if (fault === "unknown") return reply(call, E.unknownStatus(), false);
  }
  return reply(call, outcome);
}

function authenticate(call: Call): Account | Failure | undefined | Promise<Account | Failure> {
  const { params } = call;
  switch (call.spec.security) {
    case "NONE":
    case "SESSION":
      return undefined;
    case "USER_STREAM":
      if (params["apiKey"] !== undefined) return lookup(call, params["apiKey"]);
      return sessionAccount(call) ?? E.mandatory("apiKey");
    case "LOGON": {
      const account = lookup(call, params["apiKey"]);
      if (account instanceof Failure) return account;
      if (account.credential.kind !== "ed25519") return E.notAuthorized();
      return verified(call, account);
    }
    case "SIGNED": {
      if (params["apiKey"] === undefined) {
        const account = sessionAccount(call);
        if (account === undefined) return E.mandatory("apiKey");
        return checkTimestamp(params, call.now) ?? account;
      }
      const account = lookup(call, params["apiKey"]);
      return account instanceof Failure ? account : verified(call, account);
    }
  }
}

function lookup(call: Call, apiKey: unknown): Account | Failure {
  if (typeof apiKey !== "string" || apiKey.length === 0) return E.mandatory("apiKey");
  return call.core.accounts.get(apiKey) ?? E.badApiKey();
}

function sessionAccount(call: Call): Account | undefined {
  const key = call.conn.apiKey;
  return key === undefined ? undefined : call.core.accounts.get(key);
}

function verified(call: Call, account: Account): Account | Failure | Promise<Account | Failure> {
  const late = checkTimestamp(call.params, call.now);
  if (late !== undefined) return late;
  const signature = call.params["signature"];
  if (typeof signature !== "string" || signature.length === 0) return E.mandatory("signature");
  const ok = verifySignature(account.credential, call.params);
  if (typeof ok === "boolean") return ok ? account : E.badSignature();
  return ok.then((valid) => (valid ? account : E.badSignature()));
}

function reply(call: Call, outcome: unknown, countRejected = true): Reply {
  const rateLimits = call.wantLimits
    ? call.core.limiter.entries(call.now, call.spec.orders ? call.account?.orderWindows : undefined)
    : undefined;
  if (outcome instanceof Failure) {
    if (countRejected && call.method === "order.place") call.core.stats.rejected++;
    const error = errorOf(outcome);
    return rateLimits === undefined
      ? { status: outcome.status, error }
      : { status: outcome.status, error, rateLimits };
  }
  return rateLimits === undefined
    ? { status: 200, result: outcome }
    : { status: 200, result: outcome, rateLimits };
}

function errorOf(failure: Failure): { code: number; msg: string } {
  return { code: failure.code, msg: failure.msg };
}
