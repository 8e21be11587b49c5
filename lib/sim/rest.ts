/**
 * The few REST endpoints the simulator serves on the same port:
 * - `POST /fapi/v1/countdownCancelAll?symbol=&countdownTime=` (weight 10);
 * - `GET /fapi/v1/positionSide/dual` (weight 30) and `POST /fapi/v1/positionSide/dual?dualSidePosition=`
 *   (weight 1): the account's position mode, switched only with no position and no open order;
 * - `GET /fapi/v1/openOrders[?symbol=]` and `GET /fapi/v1/openAlgoOrders[?algoType=&symbol=&algoId=]`
 *   (weight 1 with a symbol, 40 without; rest_orders.ts);
 * - `GET /fapi/v1/ping` and `GET /fapi/v1/time` (handy for clock-offset tests);
 * - `GET /fapi/v1/exchangeInfo` and `GET /fapi/v1/premiumIndex` (public market data, rest_market.ts);
 * - `/sim/*`: the simulator's own control routes (mark, walk, faults; rest_control.ts), given `control`.
 *
 * The signed ones take `timestamp`, optional `recvWindow` and `signature`, and the key in the `X-MBX-APIKEY`
 * header; the signature covers the query string (plus any form body) exactly as sent, minus the `signature`
 * pair — REST signs the encoded string, unlike ws-fapi (ws-fapi.md §3.1). Checks run in this order: IP ban
 * (418), weight (429), API key (-2015, 401; only the configured keys exist), parameters (-1103), timestamp
 * (-1021), signature (-1022). Anything else is 404. Errors are `{code,msg}` JSON with the failure's status.
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { checkTimestamp, intParam, type Params, verifyEd25519, verifyHmac } from "./auth.ts";
import type { SimCore } from "./core.ts";
import { E, Failure } from "./errors.ts";
import { boolParam } from "./params.ts";
import { handleControl } from "./rest_control.ts";
import { handleMarketRest } from "./rest_market.ts";
import { algoOrder, openAlgoOrders, openOrders, userTrades } from "./rest_orders.ts";
import type { Simulator } from "./types.ts";
import type { HttpRequest, HttpResponse } from "./_ws_server.ts";

const COUNTDOWN_WEIGHT = 10;
const AUTH_PARAMS = ["timestamp", "recvWindow"];

/** One signed REST endpoint: its parameters, its weight, and what it does once the request is verified. */
interface SignedRoute {
  readonly params: readonly string[];
  weight(params: Params): number;
  run(core: SimCore, account: Account, params: Params): HttpResponse;
}

/** Open-order listings cost 1 for one symbol, 40 for all (Binance's "careful" rule). */
const listingWeight = (params: Params) => (params["symbol"] === undefined ? 40 : 1);

const ROUTES: Readonly<Record<string, SignedRoute>> = {
  "POST /fapi/v1/countdownCancelAll": {
    params: ["symbol", "countdownTime"],
    weight: () => COUNTDOWN_WEIGHT,
    run: countdownCancelAll,
  },
  "GET /fapi/v1/openOrders": { params: ["symbol"], weight: listingWeight, run: openOrders },
  "GET /fapi/v1/openAlgoOrders": {
    params: ["algoType", "symbol", "algoId"],
    weight: listingWeight,
    run: openAlgoOrders,
  },
  "GET /fapi/v1/algoOrder": { params: ["algoId", "clientAlgoId"], weight: () => 1, run: algoOrder },
  "GET /fapi/v1/userTrades": {
    params: ["symbol", "orderId", "startTime", "endTime", "fromId", "limit"],
    weight: () => 5,
    run: userTrades,
  },
  "GET /fapi/v1/positionSide/dual": { params: [], weight: () => 30, run: positionMode },
  "POST /fapi/v1/positionSide/dual": {
    params: ["dualSidePosition"],
    weight: () => 1,
    run: changePositionMode,
  },
};

/**
 * Answers one HTTP request.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const response = await handleRest(core, { method: "GET", path: "/fapi/v1/time", query: "", headers: {},
 *   body: "" }); // 200, {"serverTime":…}
 * ```
 */
export function handleRest(
  core: SimCore,
  req: HttpRequest,
  control?: Simulator,
): HttpResponse | Promise<HttpResponse> {
  if (req.path.startsWith("/sim/") && control !== undefined) return handleControl(control, req);
  if (req.method === "GET" && req.path === "/fapi/v1/ping") return { status: 200, body: "{}" };
  if (req.method === "GET" && req.path === "/fapi/v1/time") {
    return { status: 200, body: JSON.stringify({ serverTime: core.now() }) };
  }
  const route = ROUTES[`${req.method} ${req.path}`];
  if (route !== undefined) return signed(core, req, route);
  const market = handleMarketRest(core, req);
  if (market !== undefined) return market;
  return { status: 404, body: JSON.stringify({ code: -1, msg: "Not found." }) };
}

function signed(core: SimCore, req: HttpRequest, route: SignedRoute): HttpResponse | Promise<HttpResponse> {
  const now = core.now();
  const total = req.body.length === 0
    ? req.query
    : req.query.length === 0
    ? req.body
    : `${req.query}&${req.body}`;
  const params: Params = {};
  let signature: string | undefined;
  const signedPairs: string[] = [];
  for (const pair of total.split("&").filter((p) => p.length > 0)) {
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? "" : pair.slice(eq + 1));
    if (key === "signature") signature = value;
    else {
      params[key] = value;
      signedPairs.push(pair);
    }
  }
  const limited = core.limiter.banCheck(now) ?? core.limiter.addWeight(route.weight(params), now);
  if (limited !== undefined) return failed(limited);
  const apiKey = req.headers["x-mbx-apikey"];
  if (apiKey === undefined || apiKey.length === 0) return failed(E.badApiKey());
  const account = core.accounts.get(apiKey);
  if (account === undefined) return failed(E.badApiKey());
  for (const key in params) {
    if (!route.params.includes(key) && !AUTH_PARAMS.includes(key)) return failed(E.unknownParam(key));
  }
  const late = checkTimestamp(params, now);
  if (late !== undefined) return failed(late);
  if (signature === undefined || signature.length === 0) return failed(E.mandatory("signature"));
  const payload = signedPairs.join("&");
  const act = () => route.run(core, account, params);
  if (account.credential.kind === "hmac") {
    return verifyHmac(account.credential.secret, payload, signature) ? act() : failed(E.badSignature());
  }
  return verifyEd25519(account.credential.key, payload, signature).then((ok) =>
    ok ? act() : failed(E.badSignature())
  );
}

function countdownCancelAll(core: SimCore, account: Account, params: Params): HttpResponse {
  const symbol = params["symbol"];
  if (typeof symbol !== "string" || symbol.length === 0) return failed(E.mandatory("symbol"));
  if (!core.specs.has(symbol)) return failed(E.badSymbol());
  const countdown = intParam(params["countdownTime"]);
  if (countdown === undefined || countdown < 0) return failed(E.mandatory("countdownTime"));
  core.countdowns.arm(account, symbol, countdown);
  return { status: 200, body: JSON.stringify({ symbol, countdownTime: String(countdown) }) };
}

/** `GET /fapi/v1/positionSide/dual`: whether the account is in hedge mode. */
function positionMode(_core: SimCore, account: Account): HttpResponse {
  return { status: 200, body: JSON.stringify({ dualSidePosition: account.dualSidePosition }) };
}

/**
 * `POST /fapi/v1/positionSide/dual?dualSidePosition=true|false`: switches one-way and hedge mode, only while
 * the account has no position and no open (or pending algo) order.
 */
function changePositionMode(core: SimCore, account: Account, params: Params): HttpResponse {
  const dual = boolParam(params, "dualSidePosition", false);
  if (dual instanceof Failure) return failed(dual);
  if (params["dualSidePosition"] === undefined) return failed(E.mandatory("dualSidePosition"));
  if (dual === account.dualSidePosition) return failed(E.noPositionModeChange());
  for (const p of account.positions.values()) if (p.amount !== 0n) return failed(E.positionModePosition());
  for (const symbol of core.specs.keys()) {
    for (const o of core.exchange.openOrders(symbol)) {
      if (o.account === account) return failed(E.positionModeOpenOrders());
    }
    if (core.algo.pendingCount(account, symbol) > 0) return failed(E.positionModeOpenOrders());
  }
  account.dualSidePosition = dual;
  return { status: 200, body: JSON.stringify({ code: 200, msg: "success" }) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

function failed(failure: Failure): HttpResponse {
  return { status: failure.status, body: JSON.stringify({ code: failure.code, msg: failure.msg }) };
}
