/**
 * The monitor port: the control plane's reads for dashboards and scrapers, served by a thread of their own so
 * they never hold up an order. One event loop serves the control plane; a 5,000-order `GET /orders` is
 * megabytes to write and each `/events` reader a socket write per event, and polled at 50 Hz by a few readers
 * that doubled the orders' median round trip (bench/README.md, eighth round). Pointed at this port instead,
 * they cost the order path only a feed every {@linkcode FEED_MS}: the tracker's list operations, the changed
 * orders' JSON and the new account events, in one message (`_messages.ts`), from which the thread keeps
 * copies (`lib/orders/order_replica.ts`, an `EventLog` replayed). Before a list or a new `/events` reader it
 * asks for the feed at once (`sync`), so what it answers is as fresh as the control plane's. Every other read
 * is passed back to the control plane. A failure of the thread is logged and stops the monitor only: trading
 * goes on.
 *
 * @module
 */

import type { EventLog } from "../account/event_log.ts";
import type { EventStreamOptions } from "../control/sse.ts";
import { LOCAL_CODES } from "../control/errors.ts";
import type { MonitorHealth } from "../control/routes_status.ts";
import { baseUrl } from "../control/server.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import type { FromMonitor, MonitorRequest, ToMonitor } from "./_messages.ts";
import { FEED_MS, MonitorFeed } from "./_feed.ts";

export { FEED_MS };

/**
 * The thread's entry. `bun build --compile` gives every bundled module the bundle's root URL, and keeps the
 * worker (a second entry point, `deno task compile`) at its path from the project's root.
 */
const WORKER_URL = new URL(
  import.meta.url.endsWith("/monitor/monitor.ts") ? "./_worker.ts" : "./lib/monitor/_worker.ts",
  import.meta.url,
).href;

/** How long the thread may take to listen before the start fails. */
const START_TIMEOUT_MS = 10_000;

/** Options of {@linkcode startMonitor}. */
export interface MonitorOptions {
  /** Address and port to listen on (port 0: any free one). */
  hostname: string;
  port: number;
  /** The control plane's bearer token and extra Host names: the same rules apply on this port. */
  token?: string;
  allowedHosts?: readonly string[];
  /** The tracker whose lists `GET /orders` shows. */
  tracker: OrderTracker;
  /** The account's event log that `/events` streams, and its capacity. */
  events: EventLog;
  eventCapacity: number;
  /** `/events` tuning (timers excluded). */
  eventOptions?: Omit<EventStreamOptions, "timers">;
  /**
   * The thread's `nice` on Linux (0–19; `--monitor-nice`, 10 unless set): on busy cores the readers get the
   * CPU the gateway's thread leaves (bench/README.md, ninth round). 0 runs it at the process's priority.
   */
  nice: number;
  /** The control plane's handler: every read the monitor does not serve itself is answered by it. */
  fetch: (request: Request) => Response | Promise<Response>;
  /** Notices of the monitor's thread (dropped readers, errors), and its failure. */
  onNotice: (level: "info" | "warn" | "error", msg: string, fields: Record<string, string>) => void;
}

/** A running monitor. */
export interface Monitor {
  /** Base URL, e.g. `http://127.0.0.1:7778`. */
  readonly url: string;
  readonly port: number;
  /** Up, or failed (its thread stopped; the error is logged too). */
  health(): MonitorHealth;
  /** Stops the feed, closes the port (ending `/events` streams) and the thread. */
  close(): Promise<void>;
}

/** Starting the monitor failed (e.g. its port is taken). */
export class MonitorStartError extends Error {
  override readonly name = "MonitorStartError";
}

/**
 * Starts the monitor's thread and its feed; resolves once it listens.
 *
 * @example
 * ```ts
 * import type { EventLog } from "../account/event_log.ts";
 * import type { OrderTracker } from "../orders/order_tracker.ts";
 * declare const tracker: OrderTracker;
 * declare const events: EventLog;
 * declare const controlFetch: (request: Request) => Promise<Response>;
 * const monitor = await startMonitor({ hostname: "127.0.0.1", port: 0, nice: 10, tracker, events,
 *   eventCapacity: 10_000, fetch: controlFetch, onNotice: (level, msg) => console.error(level, msg) });
 * console.log(`${monitor.url}/metrics`);
 * await monitor.close();
 * ```
 */
export async function startMonitor(options: MonitorOptions): Promise<Monitor> {
  const worker = new Worker(WORKER_URL, { type: "module" });
  const send = (message: ToMonitor): void => worker.postMessage(message);
  const feed = new MonitorFeed(options.tracker, send);
  let stopFeed = (): void => {};
  let closed: (() => void) | undefined;
  let failure: string | undefined;
  let started: { resolve: (port: number) => void; reject: (e: Error) => void } | undefined;
  const listening = new Promise<number>((resolve, reject) => started = { resolve, reject });
  let nice = 0;
  /** The thread's `/events` readers, as it last told them. */
  let readers = { subscribers: 0, subscribersDropped: 0 };
  const fail = (error: string): void => {
    failure ??= error;
    stopFeed();
    worker.terminate();
    if (started !== undefined) started.reject(new MonitorStartError(error));
    else options.onNotice("error", "monitor stopped; trading goes on", { error });
    started = undefined;
    closed?.();
  };
  worker.onmessage = (event: MessageEvent<FromMonitor>) => {
    const m = event.data;
    switch (m.t) {
      case "listening":
        if ("error" in m.priority) {
          options.onNotice("warn", "monitor thread runs at the gateway's priority", {
            error: m.priority.error,
          });
        } else nice = m.priority.nice;
        started?.resolve(m.port);
        started = undefined;
        break;
      case "failed":
        fail(m.error);
        break;
      case "request":
        void answer(options.fetch, m).then(send);
        break;
      case "sync":
        feed.flush();
        send({ t: "synced", id: m.id });
        break;
      case "notice":
        options.onNotice(m.level, m.msg, m.fields);
        break;
      case "readers":
        readers = { subscribers: m.subscribers, subscribersDropped: m.dropped };
        break;
      case "closed":
        worker.terminate();
        closed?.();
        break;
    }
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault(); // the thread's failure is the monitor's, not the gateway's
    fail(event.message);
  };
  send({
    t: "init",
    hostname: options.hostname,
    port: options.port,
    token: options.token,
    allowedHosts: [...(options.allowedHosts ?? [])],
    eventCapacity: options.eventCapacity,
    firstEventId: options.events.firstId,
    events: options.eventOptions ?? {},
    nice: options.nice,
  });
  // The copies start from the lists and the log as they are now, then follow every change.
  stopFeed = feed.attach(options.events);
  const startTimer = setTimeout(() => fail(`did not listen within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
  const port = await listening.finally(() => clearTimeout(startTimer));
  let closing: Promise<void> | undefined;
  const url = baseUrl(options.hostname, port);
  return {
    url,
    port,
    health: () =>
      failure === undefined
        ? { state: "up", url, nice, events: readers }
        : { state: "failed", url, error: failure },
    close() {
      return closing ??= new Promise<void>((resolve) => {
        stopFeed();
        if (failure !== undefined) return resolve(); // the thread is gone already
        const timer = setTimeout(() => {
          worker.terminate();
          resolve();
        }, 2_000);
        closed = () => {
          clearTimeout(timer);
          resolve();
        };
        send({ t: "close" });
      });
    },
  };
}

/** The control plane's answer to a read the monitor passed on. */
async function answer(
  fetch: (request: Request) => Response | Promise<Response>,
  m: MonitorRequest,
): Promise<ToMonitor> {
  // Host as a loopback client without a port: the monitor's thread has checked the request's own.
  const headers = new Headers(m.headers);
  headers.set("host", "127.0.0.1");
  try {
    const response = await fetch(new Request(`http://127.0.0.1${m.target}`, { method: m.method, headers }));
    return {
      t: "answer",
      id: m.id,
      status: response.status,
      headers: [...response.headers].filter(([name]) =>
        name !== "content-length" && name !== "transfer-encoding"
      ),
      body: m.method === "HEAD" ? "" : await response.text(),
    };
  } catch (e) {
    return {
      t: "answer",
      id: m.id,
      status: 500,
      headers: [["content-type", "application/json"]],
      body: JSON.stringify({ code: LOCAL_CODES.INTERNAL, msg: `internal error: ${(e as Error).message}` }),
    };
  }
}
