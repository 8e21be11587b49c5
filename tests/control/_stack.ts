/**
 * Test harness: the embedded simulator, a real Router connected to it over a socket, a live AccountState
 * (its order tracker is the router's observer; tests feed it stream events directly), and the control plane
 * served on 127.0.0.1:0 — plus small HTTP helpers (fetch, and raw HTTP for headers fetch will not send).
 */

import { connect } from "node:net";
import { Router } from "../../lib/router/router.ts";
import type { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { AccountState } from "../../lib/account/account_state.ts";
import type { EventStreamOptions } from "../../lib/control/sse.ts";
import type { JournalHealthSource, UserStreamView } from "../../lib/control/routes_status.ts";
import type { ThrottledNoticeOptions } from "../../lib/control/notice_throttle.ts";
import { type Simulator, type SimulatorFaults, startSimulator } from "../../lib/sim/mod.ts";
import { type ControlAppOptions, createControlApp } from "../../lib/control/app.ts";
import { orderLaneOf } from "../../lib/control/order_lane.ts";
import {
  type ControlServer,
  type RawAnswer,
  type RawLane,
  serve,
  type ServeOptions,
} from "../../lib/control/server.ts";

export const API_KEY = "test-api-key-0123456789";
export const SECRET_KEY = "test-secret-key-0123456789abcdef";

export const LIMIT_ORDER = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000",
  timeInForce: "GTC",
} as const;

export interface CallInit {
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

export interface Stack {
  sim: Simulator;
  router: Router;
  tracker: OrderTracker;
  /** The live account the control plane reads (`tracker` is its `orders`). */
  account: AccountState;
  server: ControlServer;
  url: string;
  notices: string[];
  /** The same notices with their fields (`source` "app" or "server"). */
  noticeLog: { source: "app" | "server"; level: string; msg: string; fields: Record<string, string> }[];
  /** Status of every answer the control app itself produced, in order (what actually reached the server). */
  served: number[];
  /** fetch against the control plane; JSON-encodes `json` and sets the content type. */
  call(method: string, path: string, init?: CallInit): Promise<CallResult>;
  close(): Promise<void>;
}

export interface StackOptions {
  token?: string;
  faults?: SimulatorFaults;
  requestTimeoutMs?: number;
  /** `/events` tuning (limits, heartbeat timers). */
  events?: EventStreamOptions;
  /** Events the account's log keeps (default 10,000). */
  eventCapacity?: number;
  /** The account log's first event id (default 1), as a gateway sets it above an earlier run's. */
  firstEventId?: number;
  /** The app's clock (uptime, notice rate limit). */
  now?: () => number;
  /** A user data stream for /health and /metrics (default none: reported off). */
  userStream?: UserStreamView;
  /** The journal's health for /health and /metrics (default none: not reported). */
  journalHealth?: JournalHealthSource;
  /** The periodic audit and the dead-man's switch as /health and /metrics read them (default: off). */
  audit?: ControlAppOptions["audit"];
  deadMan?: ControlAppOptions["deadMan"];
  /** The app's rate limit of repeated warnings (interval, clock). */
  notices?: ThrottledNoticeOptions;
  /** Serve the app's raw order lane (`order_lane.ts`) as the service does; default true. */
  lane?: boolean;
  /** Server limits and the server's own notices (they land in `notices` as "server <level> <msg>"). */
  serve?: Pick<
    ServeOptions,
    "headerTimeoutMs" | "bodyTimeoutMs" | "maxConnections" | "keepAliveTimeoutMs" | "notices"
  >;
}

/** The lane, with the status of each of its answers recorded in `served` like the app's. */
function recorded(lane: RawLane, served: number[]): RawLane {
  const record = (answer: RawAnswer) => {
    served.push(answer.status);
    return answer;
  };
  return {
    take: (req, prereadBytes, reply) => lane.take(req, prereadBytes, (answer) => reply(record(answer))),
    answerRead: (method, target, header, body, reply) =>
      lane.answerRead(method, target, header, body, (answer) => reply(record(answer))),
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator({
    hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }],
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const account = new AccountState({
    ...(options.eventCapacity === undefined ? {} : { eventCapacity: options.eventCapacity }),
    ...(options.firstEventId === undefined ? {} : { firstEventId: options.firstEventId }),
  });
  const tracker = account.orders;
  const router = await Router.connect({
    observer: tracker,
    url: sim.url,
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    requestTimeoutMs: options.requestTimeoutMs ?? 3000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
  });
  const notices: string[] = [];
  const noticeLog: Stack["noticeLog"] = [];
  const bound: { port?: number } = {};
  const shutdown = new AbortController();
  const app = createControlApp({
    router,
    account,
    simulator: sim,
    signal: shutdown.signal,
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.userStream === undefined ? {} : { userStream: options.userStream }),
    ...(options.journalHealth === undefined ? {} : { journalHealth: options.journalHealth }),
    ...(options.audit === undefined ? {} : { audit: options.audit }),
    ...(options.deadMan === undefined ? {} : { deadMan: options.deadMan }),
    ...(options.notices === undefined ? {} : { notices: options.notices }),
    mode: "simulator",
    endpoint: sim.url,
    guard: { port: () => bound.port, ...(options.token === undefined ? {} : { token: options.token }) },
    onNotice: (level, msg, fields) => {
      notices.push(`${level} ${msg}`);
      noticeLog.push({ source: "app", level, msg, fields });
    },
  });
  const served: number[] = [];
  const server = await serve({
    ...options.serve,
    onNotice: (msg, fields) => {
      notices.push(`server warn ${msg}`);
      noticeLog.push({ source: "server", level: "warn", msg, fields });
    },
    hostname: "127.0.0.1",
    port: 0,
    ...(options.lane === false ? {} : { lane: recorded(orderLaneOf(app)!, served) }),
    fetch: async (request) => {
      const response = await app.fetch(request);
      served.push(response.status);
      return response;
    },
  });
  bound.port = server.port;
  const call: Stack["call"] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(server.url + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    sim,
    router,
    tracker,
    account,
    server,
    url: server.url,
    notices,
    noticeLog,
    served,
    call,
    async close() {
      shutdown.abort(); // ends open /events streams, so the server can close
      await server.close();
      await router.close();
      await sim.close();
    },
  };
}

/** Sends one raw HTTP/1.1 request (any Host/Origin) and returns the status code and body. */
export function rawRequest(port: number, head: string, body = ""): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("raw request timed out"));
    }, 5000);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => data += chunk);
    socket.on("error", (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    });
    socket.on("connect", () => {
      const length = new TextEncoder().encode(body).length;
      const extra = body === "" ? "" : `Content-Type: application/json\r\nContent-Length: ${length}\r\n`;
      socket.write(`${head.trim()}\r\n${extra}Connection: close\r\n\r\n${body}`);
    });
  });
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
