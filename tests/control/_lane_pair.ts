/**
 * Harness for the raw order lane's differential test: one simulator, one Router, one control app (with a
 * token, a small body limit and a router whose `placeOrder` fails like a bug for symbol `BOOMUSDT`), served
 * once (on `node:http` unless told otherwise), with the lane switched on or off per request — so the same request, on the same port with the same
 * Host, can be answered by the lane and by the Hono app. Plus a raw HTTP/1.1 client that returns an answer's
 * exact head and body (keeping the connection's own fate: closed or not).
 */

import { Buffer } from "node:buffer";
import { connect } from "node:net";
import { Router } from "../../lib/router/router.ts";
import { AccountState } from "../../lib/account/account_state.ts";
import { type Simulator, startSimulator } from "../../lib/sim/mod.ts";
import { createControlApp, type RouterApi } from "../../lib/control/app.ts";
import { type OrderLane, orderLaneOf } from "../../lib/control/order_lane.ts";
import type { Hono } from "hono";
import type { ControlServer, ServeFunction } from "../../lib/control/server.ts";
import { serveNode } from "../../lib/control/_serve_node.ts";
import { API_KEY, SECRET_KEY } from "./_stack.ts";

export const TOKEN = "lane-token-0123456789abcdef";
export const MAX_BODY_BYTES = 1000;

export interface LanePair {
  /** The app and its lane, for calling them without a server. */
  app: Hono;
  lane: OrderLane;
  sim: Simulator;
  router: Router;
  server: ControlServer;
  /** Whether the lane is offered requests (false: every request goes to the app's `fetch`). */
  laneOn: boolean;
  /** How many requests the lane took, and how many reached the app's `fetch`. */
  taken: number;
  fetched: number;
  /** The app's and the server's notices ("level msg path"). */
  notices: string[];
  close(): Promise<void>;
}

/** Starts the pair on `serveWith` (default `node:http`, whose lane entry is `take`). */
export async function startLanePair(serveWith: ServeFunction = serveNode): Promise<LanePair> {
  const sim = await startSimulator({ hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }] });
  const account = new AccountState();
  const router = await Router.connect({
    observer: account.orders,
    url: sim.url,
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    requestTimeoutMs: 3000,
  });
  // A gateway bug behind a 500: only the order with this symbol meets it.
  const placeOrder: Router["placeOrder"] = (params) =>
    params.symbol === "BOOMUSDT" ? Promise.reject(new TypeError("boom")) : router.placeOrder(params);
  const buggy = new Proxy(router, {
    get(target, key) {
      if (key === "placeOrder") return placeOrder;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as RouterApi;
  const bound: { port?: number } = {};
  const shutdown = new AbortController();
  const pair = { laneOn: false, taken: 0, fetched: 0, notices: [] as string[] };
  const app = createControlApp({
    router: buggy,
    account,
    mode: "simulator",
    endpoint: sim.url,
    maxBodyBytes: MAX_BODY_BYTES,
    signal: shutdown.signal,
    guard: { port: () => bound.port, token: TOKEN },
    onNotice: (level, msg, fields) =>
      pair.notices.push(`${level} ${msg} ${fields.path ?? ""} ${fields.error ?? ""}`),
  });
  const lane = orderLaneOf(app)!;
  const server = await serveWith({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => {
      pair.fetched++;
      return app.fetch(request);
    },
    lane: {
      take(req, prereadBytes, reply) {
        if (!pair.laneOn) return false;
        const taken = lane.take(req, prereadBytes, reply);
        if (taken) pair.taken++;
        return taken;
      },
      answerRead(method, target, header, body, reply) {
        if (!pair.laneOn) return false;
        const taken = lane.answerRead(method, target, header, body, reply);
        if (taken) pair.taken++;
        return taken;
      },
    },
    onNotice: (msg) => pair.notices.push(`server ${msg}`),
  });
  bound.port = server.port;
  return Object.assign(pair, {
    app,
    lane,
    sim,
    router,
    server,
    async close() {
      shutdown.abort();
      await server.close();
      await router.close();
      await sim.close();
    },
  });
}

/** An answer as received: the status line, the header lines in order (without Date), the body's text. */
export interface RawAnswerSeen {
  statusLine: string;
  headers: string[];
  body: string;
  /** Whether the server closed the connection after it. */
  closed: boolean;
}

/**
 * Sends `bytes` on a new connection and reads one answer (by its Content-Length), then waits briefly to see
 * whether the server closes the connection (it closes at once when it does, with `connection: close`).
 */
export function exchange(port: number, bytes: Uint8Array | string): Promise<RawAnswerSeen> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = Buffer.alloc(0);
    let seen: Omit<RawAnswerSeen, "closed"> | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within 5 s: ${JSON.stringify(data.toString("latin1"))}`));
    }, 5000);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      if (seen === undefined) reject(new Error(`connection closed without an answer`));
      else resolve({ ...seen, closed });
    };
    socket.on("error", () => {});
    socket.on("close", () => finish(true));
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const at = data.indexOf("\r\n\r\n");
      if (at < 0 || seen !== undefined) return;
      const lines = data.subarray(0, at).toString("latin1").split("\r\n");
      const length = Number(/^content-length: (\d+)$/im.exec(lines.join("\n"))?.[1] ?? NaN);
      if (!(data.length >= at + 4 + length)) return;
      seen = {
        statusLine: lines[0]!,
        headers: lines.slice(1).filter((line) => !/^date:/i.test(line)),
        body: data.subarray(at + 4, at + 4 + length).toString("utf8"),
      };
      // The server ends a `connection: close` answer's socket itself; a kept-alive one is ours to close.
      if (!seen.headers.some((line) => /^connection: close$/i.test(line))) finish(false);
    });
    socket.on("connect", () => socket.write(bytes));
  });
}
