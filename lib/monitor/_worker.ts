/**
 * The monitor's thread (a Worker started by `monitor.ts`): keeps the copies the gateway's thread feeds it and
 * serves `monitor_app.ts` on its own port. Its messages are in `_messages.ts`.
 *
 * @module
 */

import { type AccountEvent, EventLog } from "../account/event_log.ts";
import { LOCAL_CODES } from "../control/errors.ts";
import { RequestGuard } from "../control/guard.ts";
import { DASHBOARD_PATHS } from "../control/dashboard/routes.ts";
import { type ControlServer, serve } from "../control/server.ts";
import { OrderListReplica } from "../orders/order_replica.ts";
import type { FromMonitor, MonitorInit, ToMonitor } from "./_messages.ts";
import { type MonitorApp, monitorApp } from "./monitor_app.ts";
import { lowerThreadPriority } from "./_thread_priority.ts";

/** A passed-on request waits this long for the gateway's answer, then gets a 504. */
const FORWARD_TIMEOUT_MS = 10_000;

const scope = globalThis as unknown as {
  postMessage(message: FromMonitor): void;
  onmessage: ((event: MessageEvent<ToMonitor>) => void) | null;
  close(): void;
};
const post = (message: FromMonitor): void => scope.postMessage(message);

const orders = new OrderListReplica();
let events: EventLog | undefined;
let app: MonitorApp | undefined;
let server: ControlServer | undefined;
let readersTimer: ReturnType<typeof setInterval> | undefined;
let nextId = 0;
const waiting = new Map<number, (response: Response) => void>();
const syncing = new Map<number, (value: undefined) => void>();

scope.onmessage = (event) => {
  const m = event.data;
  switch (m.t) {
    case "init":
      void start(m);
      break;
    case "feed": {
      orders.apply(m.ops, m.rows);
      for (const text of m.events) events?.replay(JSON.parse(text) as AccountEvent);
      break;
    }
    case "synced":
      settle(syncing, m.id, undefined);
      break;
    case "answer": {
      const body = m.status === 204 || m.status === 304 ? null : m.body;
      settle(waiting, m.id, new Response(body, { status: m.status, headers: m.headers }));
      break;
    }
    case "close":
      void stop();
      break;
  }
};

async function start(init: MonitorInit): Promise<void> {
  const priority = lowerThreadPriority(init.nice);
  events = new EventLog({ capacity: init.eventCapacity, firstId: init.firstEventId });
  const bound = { port: init.port };
  app = monitorApp({
    guard: new RequestGuard({
      port: () => bound.port,
      allowedHosts: init.allowedHosts,
      ...(init.token === undefined ? {} : { token: init.token }),
      // As on the control port: a browser opens the page without a bearer header (the page then asks for it).
      openPaths: ["/health", ...DASHBOARD_PATHS],
    }),
    orders,
    events,
    eventOptions: init.events,
    forward,
    sync,
    notice: (level, msg, fields) => post({ t: "notice", level, msg, fields }),
    now: () => performance.now(),
  });
  try {
    server = await serve({ hostname: init.hostname, port: init.port, fetch: app.fetch });
  } catch (e) {
    post({ t: "failed", error: (e as Error).message });
    return;
  }
  bound.port = server.port;
  post({ t: "listening", port: server.port, priority });
  // The readers' counts for the gateway's /health and /metrics: told when they change.
  let told = "";
  readersTimer = setInterval(() => {
    const hub = app?.hub;
    if (hub === undefined) return;
    const now = `${hub.subscribers}/${hub.dropped}`;
    if (now === told) return;
    told = now;
    post({ t: "readers", subscribers: hub.subscribers, dropped: hub.dropped });
  }, 1000);
}

/** Passes a read on to the gateway's thread and waits for its answer. */
function forward(method: string, target: string, headers: [string, string][]): Promise<Response> {
  return ask(
    waiting,
    (id) => ({ t: "request", id, method, target, headers }),
    () =>
      Response.json({ code: LOCAL_CODES.NO_ANSWER, msg: "the gateway did not answer in time" }, {
        status: 504,
      }),
  );
}

/**
 * Resolves once the gateway's thread has fed every change made before it read this request (or after the
 * forward timeout, serving what the copies hold).
 */
function sync(): Promise<void> {
  return ask(syncing, (id) => ({ t: "sync", id }), () => undefined);
}

/**
 * Posts the message `make` builds for a new id and resolves with the reply `replies` receives under that id,
 * or with `late()` after {@linkcode FORWARD_TIMEOUT_MS}.
 */
function ask<T>(
  replies: Map<number, (value: T) => void>,
  make: (id: number) => FromMonitor,
  late: () => T,
): Promise<T> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      replies.delete(id);
      resolve(late());
    }, FORWARD_TIMEOUT_MS);
    replies.set(id, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
    post(make(id));
  });
}

/** Hands `value` to the request `id` of `replies` is waiting on (none: it timed out already). */
function settle<T>(replies: Map<number, (value: T) => void>, id: number, value: T): void {
  const resolve = replies.get(id);
  replies.delete(id);
  resolve?.(value);
}

async function stop(): Promise<void> {
  clearInterval(readersTimer);
  app?.hub.close();
  await server?.close();
  post({ t: "closed" });
  scope.close();
}
