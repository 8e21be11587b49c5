/**
 * The state cards and rate-limit bars, from one `/health` answer.
 *
 * @module
 */

import { $, text } from "./dom.ts";

/**
 * One exchange rate limit as `/health` reports it.
 *
 * @example
 * ```ts
 * const l: RateLimit = { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 2 };
 * ```
 */
export interface RateLimit {
  rateLimitType: string;
  interval: string;
  intervalNum: number;
  limit: number;
  count: number;
}

/**
 * The parts of `/health` the page shows.
 *
 * @example
 * ```ts
 * declare const h: Health;
 * h.halted; // true while new orders are refused
 * ```
 */
export interface Health {
  status: string;
  mode: string;
  endpoint: string;
  connected: boolean;
  auth: string;
  uptimeS: number;
  halted: boolean;
  haltReason: string | null;
  inFlight: number;
  clockOffsetMs: number;
  orders: { open: number; pending: number; unknown: number };
  userStream: { state: string; reason?: string; lastEventAgeMs?: number; reconnects?: number };
  rateLimits: RateLimit[];
  audit?: { state: string; audits?: number; drift?: number; lastAt?: number | null };
}

const UNIT: Readonly<Record<string, string>> = { SECOND: "s", MINUTE: "min", HOUR: "h", DAY: "d" };

/**
 * Fills the cards, the status pill, the Halt / Resume buttons and the rate limits (`headroom`: 0–1).
 *
 * @example
 * ```ts
 * declare const h: Health;
 * renderHealth(h, 0.05);
 * ```
 */
export function renderHealth(h: Health, headroom: number): void {
  const tone = h.status === "ok" ? "good" : h.status === "halted" || h.status === "degraded" ? "warn" : "bad";
  text("status-pill", h.status, tone);
  text("mode", h.mode.toUpperCase(), h.mode === "production" ? "bad" : "warn");
  text("connection", h.connected ? "connected" : "disconnected", h.connected ? "good" : "bad");
  text("endpoint", h.endpoint);
  text("auth", h.auth);
  text("clock", `${h.clockOffsetMs >= 0 ? "+" : ""}${h.clockOffsetMs} ms`);
  const stream = h.userStream;
  text("stream", stream.state, stream.state === "up" ? "good" : stream.state === "off" ? "" : "bad");
  const audit = h.audit;
  const audited = audit?.state === "on" && typeof audit.lastAt === "number"
    ? ` · audited ${Math.max(0, Math.round((Date.now() - audit.lastAt) / 1000))} s ago, drift ${
      audit.drift ?? 0
    }`
    : "";
  text(
    "stream-detail",
    (stream.state === "up"
      ? `last event ${Math.round((stream.lastEventAgeMs ?? 0) / 1000)} s ago · ${
        stream.reconnects ?? 0
      } reconnects`
      : stream.reason ?? "") + audited,
  );
  text("halted", h.halted ? "HALTED" : "no", h.halted ? "bad" : "good");
  text("halt-reason", h.haltReason ?? "orders flowing");
  text("uptime", duration(h.uptimeS));
  text("inflight", String(h.inFlight));
  text("order-counts", `${h.orders.open} open`);
  text(
    "order-detail",
    `${h.orders.pending} pending · ${h.orders.unknown} unknown`,
  );
  $<HTMLButtonElement>("halt").disabled = h.halted;
  $<HTMLButtonElement>("halt-flatten").disabled = h.halted;
  $<HTMLButtonElement>("resume").disabled = !h.halted;
  document.body.dataset.halted = String(h.halted);
  renderRateLimits(h.rateLimits, headroom);
}

function renderRateLimits(limits: readonly RateLimit[], headroom: number): void {
  const box = $("rate-limits");
  const rows = limits.map((l) => {
    const row = document.createElement("div");
    row.className = "limit";
    const share = l.limit > 0 ? l.count / l.limit : 0;
    const label = document.createElement("div");
    label.className = "limit-label";
    label.textContent = `${l.rateLimitType} / ${l.intervalNum} ${UNIT[l.interval] ?? l.interval}`;
    const value = document.createElement("div");
    value.className = "limit-value";
    value.textContent = `${l.count} / ${l.limit} · ${(share * 100).toFixed(1)}%`;
    const bar = document.createElement("div");
    bar.className = "bar";
    const fill = document.createElement("div");
    fill.className = "bar-fill";
    fill.dataset.tone = share >= 0.8 ? "bad" : share >= 0.5 ? "warn" : "good";
    fill.style.width = `${Math.min(100, share * 100)}%`;
    const reserve = document.createElement("div");
    reserve.className = "bar-reserve";
    reserve.style.left = `${(1 - headroom) * 100}%`;
    reserve.title = `cancel headroom: the last ${
      Math.round(headroom * 100)
    }% of the limit is kept for cancels`;
    bar.append(fill, reserve);
    row.append(label, value, bar);
    return row;
  });
  if (rows.length === 0) {
    const none = document.createElement("p");
    none.className = "empty";
    none.textContent = "no usage reported by the exchange yet";
    rows.push(none as HTMLDivElement);
  }
  box.replaceChildren(...rows);
  text("headroom", `cancel headroom ${Math.round(headroom * 100)}%`);
}

function duration(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m ${s % 60}s` : `${m}m ${s % 60}s`;
}
