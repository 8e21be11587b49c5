/**
 * The few REST endpoints the simulator serves on the same port:
 * - `POST /fapi/v1/countdownCancelAll?symbol=&countdownTime=&timestamp=&signature=` (header `X-MBX-APIKEY`);
 *   the signature covers the query string (plus any form body) exactly as sent, minus the `signature` pair —
 *   REST signs the encoded string, unlike ws-fapi (ws-fapi.md §3.1);
 * - `GET /fapi/v1/ping` and `GET /fapi/v1/time` (handy for clock-offset tests).
 * Anything else is 404. Errors are `{code,msg}` JSON with the failure's status (400, or 401 for -2015).
 *
 * @module
 */

import { checkTimestamp, intParam, type Params, verifyEd25519, verifyHmac } from "./auth.ts";
import type { SimCore } from "./core.ts";
import { E, type Failure } from "./errors.ts";
import type { HttpRequest, HttpResponse } from "./_ws_server.ts";

const COUNTDOWN_WEIGHT = 10;

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
export function handleRest(core: SimCore, req: HttpRequest): HttpResponse | Promise<HttpResponse> {
  if (req.method === "GET" && req.path === "/fapi/v1/ping") return { status: 200, body: "{}" };
  if (req.method === "GET" && req.path === "/fapi/v1/time") {
    return { status: 200, body: JSON.stringify({ serverTime: core.now() }) };
  }
  if (req.method === "POST" && req.path === "/fapi/v1/countdownCancelAll") {
    return countdownCancelAll(core, req);
  }
  return { status: 404, body: JSON.stringify({ code: -1, msg: "Not found." }) };
}

function countdownCancelAll(core: SimCore, req: HttpRequest): HttpResponse | Promise<HttpResponse> {
  const now = core.now();
  const limited = core.limiter.banCheck(now) ?? core.limiter.addWeight(COUNTDOWN_WEIGHT, now);
  if (limited !== undefined) return failed(limited);
  const total = req.body.length === 0
    ? req.query
    : req.query.length === 0
    ? req.body
    : `${req.query}&${req.body}`;
  const pairs = total.split("&").filter((p) => p.length > 0);
  const params: Params = {};
  let signature: string | undefined;
  const signed: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? "" : pair.slice(eq + 1));
    if (key === "signature") signature = value;
    else {
      params[key] = value;
      signed.push(pair);
    }
  }
  const apiKey = req.headers["x-mbx-apikey"];
  if (apiKey === undefined || apiKey.length === 0) return failed(E.badApiKey());
  const account = core.accounts.get(apiKey);
  if (account === undefined) return failed(E.badApiKey());
  const late = checkTimestamp(params, now);
  if (late !== undefined) return failed(late);
  if (signature === undefined || signature.length === 0) return failed(E.mandatory("signature"));
  const payload = signed.join("&");
  const act = (): HttpResponse => {
    const symbol = params["symbol"];
    if (typeof symbol !== "string" || symbol.length === 0) return failed(E.mandatory("symbol"));
    if (!core.specs.has(symbol)) return failed(E.badSymbol());
    const countdown = intParam(params["countdownTime"]);
    if (countdown === undefined || countdown < 0) return failed(E.mandatory("countdownTime"));
    core.countdowns.arm(account, symbol, countdown);
    return { status: 200, body: JSON.stringify({ symbol, countdownTime: String(countdown) }) };
  };
  if (account.credential.kind === "hmac") {
    return verifyHmac(account.credential.secret, payload, signature) ? act() : failed(E.badSignature());
  }
  return verifyEd25519(account.credential.key, payload, signature).then((ok) =>
    ok ? act() : failed(E.badSignature())
  );
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
