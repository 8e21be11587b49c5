/**
 * The messages between the gateway's thread and the monitor's (`monitor.ts` ↔ `_worker.ts`): one place for
 * both sides' shapes.
 *
 * @module
 */

import type { EventStreamOptions } from "../control/sse.ts";
import type { OrderRow } from "../orders/order_replica.ts";
import type { ThreadPriority } from "./_thread_priority.ts";

/** How the monitor's thread starts: where to listen, the guard's rules, the copies' sizes. */
export interface MonitorInit {
  t: "init";
  hostname: string;
  port: number;
  /** Bearer token of the control plane (the same rules apply here). */
  token: string | undefined;
  /** Host names accepted besides loopback (the control plane's). */
  allowedHosts: string[];
  /** Events the copy of the event log keeps: the gateway's log capacity, so resuming reads the same. */
  eventCapacity: number;
  /** The gateway's log's first id: an id below it is another run's (a `restarted` gap). */
  firstEventId: number;
  /** `/events` tuning, as the control plane has it (no timers: they do not cross threads). */
  events: Omit<EventStreamOptions, "timers">;
  /** The thread's `nice` (0–19, Linux): set before it listens, so the gateway's thread comes first. */
  nice: number;
}

/**
 * What changed since the last feed: the tracker's list operations (pairs, flat), the changed orders' rows, and
 * the new account events as JSON text.
 */
export interface MonitorFeedMessage {
  t: "feed";
  ops: (number | string)[];
  rows: OrderRow[];
  events: string[];
}

/** The gateway's answer to a request the monitor passed on (`MonitorRequest`). */
export interface MonitorAnswer {
  t: "answer";
  id: number;
  status: number;
  headers: [string, string][];
  body: string;
}

/** To the monitor's thread. `synced`: every change up to the `sync` of that id has been fed (it came first). */
export type ToMonitor =
  | MonitorInit
  | MonitorFeedMessage
  | MonitorAnswer
  | { t: "synced"; id: number }
  | { t: "close" };

/** A read the monitor passes on to the gateway's control plane (everything but order lists and events). */
export interface MonitorRequest {
  t: "request";
  id: number;
  method: string;
  /** Path and query, e.g. `/metrics`. */
  target: string;
  headers: [string, string][];
}

/** From the monitor's thread. */
export type FromMonitor =
  | { t: "listening"; port: number; priority: ThreadPriority }
  | { t: "failed"; error: string }
  | MonitorRequest
  /** Feed what changed now, then answer `synced`: a read is then as fresh as the control plane's. */
  | { t: "sync"; id: number }
  | { t: "notice"; level: "info" | "warn" | "error"; msg: string; fields: Record<string, string> }
  /** The monitor's `/events` readers now and dropped since start (sent when they change, at most once a second). */
  | { t: "readers"; subscribers: number; dropped: number }
  | { t: "closed" };
