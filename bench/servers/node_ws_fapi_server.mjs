/**
 * An independent ws-fapi server for round-trip benchmarks: Node with the `ws` package, not our simulator and
 * not our runtime, so a round trip measured against it holds no code of ours on the server side. It does what
 * the exchange does per order, and little else:
 * - `session.status` and `session.logon` (Ed25519 signature verified with node:crypto; the key is then the
 *   session's, and later signed requests may omit apiKey and signature);
 * - `order.place`: HMAC-SHA256 (or session) authentication over the sorted raw payload, the timestamp rule
 *   (§3.1 of the reference: ahead by < 1 s, behind by ≤ recvWindow), the mandatory LIMIT/MARKET params, then
 *   an answer shaped like Binance's NEW LIMIT ack (about 1 KB) with `rateLimits` whose counts roll in fixed,
 *   clock-aligned windows. The limits reported are raised (as the load simulator's are), so a benchmark of a
 *   million orders never meets the client's own rate-limit guard;
 * - anything else: 400 with -1100-style errors, like the exchange, never a crash.
 *
 * Node 20 has no TypeScript stripping, so this is plain JavaScript (checked by `deno lint`, not typed).
 *
 * Credentials come from the environment (the parent imports them from bench/_fixtures.ts, their one source):
 * `FAPI_HMAC_API_KEY`, `FAPI_HMAC_SECRET`, `FAPI_ED25519_API_KEY`, `FAPI_ED25519_PUBLIC_PEM`.
 * Prints `FAPI ws://127.0.0.1:PORT/ws-fapi/v1`; exits when stdin closes, on SIGTERM/SIGINT, or after
 * `BENCH_SERVER_MAX_SECONDS` (default 3600).
 *
 * Run: `node bench/servers/node_ws_fapi_server.mjs` (bench/_support/node_fapi_process.ts starts it).
 */
import { createHmac, createPublicKey, timingSafeEqual, verify } from "node:crypto";
import process from "node:process";
import { WebSocketServer } from "ws";

const env = process.env;
const HMAC_KEYS = new Map();
if (env.FAPI_HMAC_API_KEY && env.FAPI_HMAC_SECRET) HMAC_KEYS.set(env.FAPI_HMAC_API_KEY, env.FAPI_HMAC_SECRET);
const ED25519_KEYS = new Map();
if (env.FAPI_ED25519_API_KEY && env.FAPI_ED25519_PUBLIC_PEM) {
  ED25519_KEYS.set(env.FAPI_ED25519_API_KEY, createPublicKey(env.FAPI_ED25519_PUBLIC_PEM));
}

/** Raised limits (as the load simulator's); the counts are real. */
const LIMITS = [
  { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, ms: 60_000, limit: 1_000_000_000 },
  { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, ms: 10_000, limit: 1_000_000_000 },
  { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, ms: 60_000, limit: 1_000_000_000 },
];
const windowStart = [0, 0, 0];
const counts = [0, 0, 0];

/** Counts one request (weight 1 on REQUEST_WEIGHT, 1 on each ORDERS window when `order`) and reports all. */
function rateLimits(now, order) {
  const out = [];
  for (let i = 0; i < LIMITS.length; i++) {
    const l = LIMITS[i];
    const start = Math.floor(now / l.ms) * l.ms;
    if (start !== windowStart[i]) {
      windowStart[i] = start;
      counts[i] = 0;
    }
    if (l.rateLimitType === "REQUEST_WEIGHT" || order) counts[i]++;
    if (l.rateLimitType === "ORDERS" && !order) continue;
    out.push({
      rateLimitType: l.rateLimitType,
      interval: l.interval,
      intervalNum: l.intervalNum,
      limit: l.limit,
      count: counts[i],
    });
  }
  return out;
}

/** The signature payload: every param but `signature`, sorted, raw `key=value` joined by `&`. */
function payloadOf(params) {
  return Object.keys(params).filter((k) => k !== "signature").sort().map((k) => `${k}=${params[k]}`).join(
    "&",
  );
}

function hmacValid(secret, params) {
  const want = createHmac("sha256", secret).update(payloadOf(params)).digest();
  const got = Buffer.from(String(params.signature), "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

function ed25519Valid(key, params) {
  try {
    return verify(null, Buffer.from(payloadOf(params)), key, Buffer.from(String(params.signature), "base64"));
  } catch {
    return false;
  }
}

class Refusal {
  constructor(status, code, msg) {
    this.status = status;
    this.code = code;
    this.msg = msg;
  }
}

function checkTimestamp(params, now) {
  const ts = params.timestamp;
  const recvWindow = params.recvWindow ?? 5000;
  if (typeof ts !== "number") throw new Refusal(400, -1102, "Mandatory parameter 'timestamp' was not sent.");
  if (ts >= now + 1000 || now - ts > recvWindow) {
    throw new Refusal(400, -1021, "Timestamp for this request is outside of the recvWindow.");
  }
}

/** Authenticates a signed request: its own HMAC (or Ed25519) signature, or the socket's session. */
function authenticate(socketState, params, now) {
  checkTimestamp(params, now);
  if (params.signature === undefined) {
    if (socketState.session === undefined) {
      throw new Refusal(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
    return;
  }
  const secret = HMAC_KEYS.get(params.apiKey);
  if (secret !== undefined) {
    if (!hmacValid(secret, params)) throw new Refusal(400, -1022, "Signature for this request is not valid.");
    return;
  }
  const key = ED25519_KEYS.get(params.apiKey);
  if (key === undefined) throw new Refusal(401, -2015, "Invalid API-key, IP, or permissions for action.");
  if (!ed25519Valid(key, params)) throw new Refusal(400, -1022, "Signature for this request is not valid.");
}

let nextOrderId = 8_389_765_000_000_000;

function placeOrder(params, now) {
  for (const k of ["symbol", "side", "type", "quantity"]) {
    if (typeof params[k] !== "string") {
      throw new Refusal(400, -1102, `Mandatory parameter '${k}' was not sent, was empty/null, or malformed.`);
    }
  }
  if (
    params.type === "LIMIT" && (typeof params.price !== "string" || typeof params.timeInForce !== "string")
  ) {
    throw new Refusal(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
  }
  const limit = params.type === "LIMIT";
  return {
    orderId: nextOrderId++,
    symbol: params.symbol,
    status: "NEW",
    clientOrderId: params.newClientOrderId ?? `node${nextOrderId.toString(36)}`,
    price: limit ? params.price : "0.00",
    avgPrice: "0.00",
    origQty: params.quantity,
    executedQty: "0.000",
    cumQty: "0.000",
    cumQuote: "0.00000",
    timeInForce: limit ? params.timeInForce : "GTC",
    type: params.type,
    reduceOnly: params.reduceOnly === "true",
    closePosition: false,
    side: params.side,
    positionSide: params.positionSide ?? "BOTH",
    stopPrice: "0.00",
    workingType: "CONTRACT_PRICE",
    priceProtect: false,
    origType: params.type,
    priceMatch: "NONE",
    selfTradePreventionMode: params.selfTradePreventionMode ?? "EXPIRE_MAKER",
    goodTillDate: 0,
    updateTime: now,
  };
}

function sessionResult(socketState, now) {
  return {
    apiKey: socketState.session ?? null,
    authorizedSince: socketState.authorizedSince ?? null,
    connectedSince: socketState.connectedSince,
    returnRateLimits: false,
    serverTime: now,
  };
}

/** One request frame → its answer frame (text). */
function answer(socketState, text) {
  let request;
  try {
    request = JSON.parse(text);
  } catch {
    return '{"id":null,"status":400,"error":{"code":-1135,"msg":"Invalid JSON Request"}}';
  }
  const id = request?.id ?? null;
  const params = request?.params ?? {};
  const now = Date.now();
  try {
    switch (request?.method) {
      case "order.place": {
        authenticate(socketState, params, now);
        const result = placeOrder(params, now);
        return JSON.stringify({ id, status: 200, result, rateLimits: rateLimits(now, true) });
      }
      case "session.status":
        return JSON.stringify({
          id,
          status: 200,
          result: sessionResult(socketState, now),
          rateLimits: rateLimits(now, false),
        });
      case "session.logon": {
        checkTimestamp(params, now);
        const key = ED25519_KEYS.get(params.apiKey);
        if (key === undefined || !ed25519Valid(key, params)) {
          throw new Refusal(401, -1022, "Signature for this request is not valid.");
        }
        socketState.session = params.apiKey;
        socketState.authorizedSince = now;
        return JSON.stringify({
          id,
          status: 200,
          result: sessionResult(socketState, now),
          rateLimits: rateLimits(now, false),
        });
      }
      default:
        throw new Refusal(400, -1100, `Unknown method '${String(request?.method)}'.`);
    }
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return JSON.stringify({
      id,
      status: e.status,
      error: { code: e.code, msg: e.msg },
      rateLimits: rateLimits(now, false),
    });
  }
}

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/ws-fapi/v1" });
server.on("connection", (ws) => {
  const socketState = { session: undefined, authorizedSince: undefined, connectedSince: Date.now() };
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    ws.send(answer(socketState, data.toString()));
  });
  ws.on("error", () => {});
});

await new Promise((resolve) => server.on("listening", resolve));

function exit(code) {
  clearTimeout(lifetime);
  for (const ws of server.clients) ws.terminate();
  server.close();
  process.exit(code);
}
const lifetime = setTimeout(() => exit(3), Number(env.BENCH_SERVER_MAX_SECONDS ?? 3600) * 1000);
process.on("SIGTERM", () => exit(0));
process.on("SIGINT", () => exit(0));
process.stdin.on("data", () => {});
process.stdin.on("end", () => exit(0));
process.stdout.write(`FAPI ws://127.0.0.1:${server.address().port}/ws-fapi/v1\n`);
