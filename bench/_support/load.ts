/**
 * A paced HTTP order load, like a new user's strategy: `rate` orders per second, 70 % resting LIMIT orders
 * placed then cancelled once acked, 15 % MARKET (alternating sides, so no position builds up), 15 % IOC.
 * Orders start on a 10 ms tick (those due), at most `maxInFlight` (32) at once, like a strategy with a
 * connection pool: a server that falls behind gets a lower rate (reported), not a pile of connections.
 */
import { IOC_ORDER, LIMIT_ORDER } from "../_fixtures.ts";

/** Counts of a load run. */
export interface LoadCounts {
  orders: number;
  /** Orders per second achieved. */
  rate: number;
  requests: number;
  ok: number;
  failed: number;
  /** Up to 5 distinct failure texts. */
  failures: string[];
  /** Each place's round trip (request → answer), µs, in completion order. */
  placeMicros: number[];
}

/** Options of {@linkcode runOrderLoad}. */
export interface OrderLoadOptions {
  /** Base URL of the server (`http://127.0.0.1:PORT`). */
  url: string;
  rate: number;
  seconds: number;
  /**
   * Send through this local socket (`GET /ws`: place/cancel messages) instead of HTTP, to tell the HTTP
   * layer's share from the order path's.
   */
  socket?: { request(op: string, params: unknown): Promise<unknown> };
  /** Orders in progress at once (default 32). */
  maxInFlight?: number;
  /** Called about once a second (e.g. to sample memory); `orders` placed so far. */
  onSecond?: (orders: number) => void;
}

const HEADERS = { "content-type": "application/json" };
/** RESULT: the ack of an order that finished at once says so (see bench/README.md, memory). */
const RESULT = { newOrderRespType: "RESULT" } as const;

/** Runs the load; resolves once every request is answered. */
export async function runOrderLoad(options: OrderLoadOptions): Promise<LoadCounts> {
  const counts: LoadCounts = {
    orders: 0,
    rate: 0,
    requests: 0,
    ok: 0,
    failed: 0,
    failures: [],
    placeMicros: [],
  };
  const maxInFlight = options.maxInFlight ?? 32;
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const viaSocket = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> => {
    counts.requests++;
    const params = body ?? Object.fromEntries(new URL(path, "http://x").searchParams);
    try {
      const result = await options.socket!.request(method === "POST" ? "place" : "cancel", params);
      counts.ok++;
      return result as Record<string, unknown>;
    } catch (e) {
      counts.failed++;
      if (counts.failures.length < 5) counts.failures.push(String(e).slice(0, 160));
      return {};
    }
  };
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    if (options.socket !== undefined) return await viaSocket(method, path, body);
    counts.requests++;
    const res = await fetch(options.url + path, {
      method,
      headers: HEADERS,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status === 200) {
      counts.ok++;
      return JSON.parse(text);
    }
    counts.failed++;
    const why = `${method} ${path.split("?")[0]} ${res.status} ${text.slice(0, 120)}`;
    if (counts.failures.length < 5 && !counts.failures.includes(why)) counts.failures.push(why);
    return {};
  };
  const place = async (body: unknown): Promise<Record<string, unknown>> => {
    const t0 = performance.now();
    const ack = await call("POST", "/orders", body);
    counts.placeMicros.push((performance.now() - t0) * 1000);
    return ack;
  };
  const one = async (n: number) => {
    const kind = n % 20;
    try {
      if (kind < 14) {
        const ack = await place({ ...LIMIT_ORDER, price: "40000", quantity: "0.003" });
        if (typeof ack.orderId === "number") {
          await call("DELETE", `/orders?symbol=BTCUSDT&orderId=${ack.orderId}`);
        }
      } else if (kind < 17) {
        await place({
          symbol: "BTCUSDT",
          // The three MARKET orders of a block of 20 share a side, the next block's take the other: no
          // position builds up (alternating on `n` bought 2 for 1 sold, and margin ran out after ~37k orders).
          side: Math.floor(n / 20) % 2 === 0 ? "BUY" : "SELL",
          type: "MARKET",
          quantity: "0.002",
          ...RESULT,
        });
      } else {
        await place({ ...IOC_ORDER, ...RESULT });
      }
    } catch (e) {
      counts.failed++;
      if (counts.failures.length < 5) counts.failures.push(String(e));
    }
  };
  const start = performance.now();
  let nextSecond = 1000;
  while (performance.now() - start < options.seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * options.rate);
    while (counts.orders < due && pending.size < maxInFlight) track(one(counts.orders++));
    if (performance.now() - start >= nextSecond) {
      nextSecond += 1000;
      options.onSecond?.(counts.orders);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  counts.rate = counts.orders / ((performance.now() - start) / 1000);
  await Promise.all([...pending]);
  return counts;
}
