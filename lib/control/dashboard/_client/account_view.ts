/**
 * The order, fill, position and event tables: loaded once from the lists, then kept current by `/events`.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { $, message, notice, scheduleRender, text } from "./dom.ts";
import type { StreamEvent } from "./event_stream.ts";
import { clockTime, fillTable, signedCell, SortState, trimDecimal } from "./tables.ts";

type Row = Record<string, unknown>;

const MAX_EVENTS = 200;
const MAX_FILLS = 200;
/** Finished orders kept in the table (open ones are always kept): a page left open for days stays small. */
const MAX_FINISHED_ORDERS = 500;
const OPEN_STATES = new Set(["open", "pending", "unknown"]);

const orders = new Map<string, Row>();
const fills = new Map<string, Row>();
const positions = new Map<string, Row>();
const events: { id: number | undefined; type: string; time: number; summary: string }[] = [];
let ordersView: "open" | "all" = "open";
let orderSort: SortState | undefined;

/**
 * Makes the order table's headers sort it (call once the page is there).
 *
 * @example
 * ```ts
 * initOrderTable();
 * ```
 */
export function initOrderTable(): void {
  orderSort = new SortState($<HTMLTableElement>("orders"), "updatedAt", true, renderOrders);
}

/**
 * Shows the open orders only, or every tracked order.
 *
 * @example
 * ```ts
 * showOrders("all");
 * ```
 */
export function showOrders(view: "open" | "all"): void {
  ordersView = view;
  renderOrders();
}

/**
 * Reads the order, fill and position lists (at start, and after a gap in the events).
 *
 * @example
 * ```ts
 * import type { Api } from "./api.ts";
 * declare const api: Api;
 * await loadLists(api);
 * ```
 */
export async function loadLists(api: Api): Promise<void> {
  try {
    const [o, f, p] = await Promise.all([
      api.json<Row[]>("/orders?state=all"),
      api.json<Row[]>(`/fills?limit=${MAX_FILLS}`),
      api.json<Row[]>("/positions"),
    ]);
    orders.clear();
    for (const order of o) orders.set(String(order.clientOrderId), order);
    for (const fill of f) fills.set(fillKey(fill), fill);
    positions.clear();
    for (const position of p) positions.set(positionKey(position), position);
    renderOrders();
    renderFills();
    renderPositions();
  } catch (e) {
    notice(`cannot load orders, fills and positions: ${message(e)}`);
  }
}

/**
 * Applies one event from `/events` to the tables. Returns true for the kinds that change `/health` (halt,
 * resume, connection), so the caller can read it again at once.
 *
 * @example
 * ```ts
 * import type { Api } from "./api.ts";
 * declare const api: Api;
 * applyEvent(api, { id: 1, type: "halt", data: { reason: "news" } }); // true
 * ```
 */
export function applyEvent(api: Api, e: StreamEvent): boolean {
  const d = e.data;
  let healthChanged = false;
  if (e.type === "gap") {
    void loadLists(api); // the router could not replay everything: read the lists again
  } else if (e.type === "order" && typeof d.clientOrderId === "string") {
    orders.set(d.clientOrderId, d);
    scheduleRender(renderOrders);
  } else if (e.type === "fill") {
    fills.set(fillKey(d), d);
    scheduleRender(renderFills);
  } else if (e.type === "position") {
    if (Number(d.positionAmt) === 0) positions.delete(positionKey(d));
    else positions.set(positionKey(d), d);
    scheduleRender(renderPositions);
  } else if (e.type === "halt" || e.type === "resume" || e.type === "connection") {
    healthChanged = true;
  }
  events.push({
    id: e.id,
    type: e.type,
    time: typeof d.time === "number" ? d.time : Date.now(),
    summary: summarize(e),
  });
  if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  scheduleRender(renderEvents);
  return healthChanged;
}

function renderOrders(): void {
  const finished = [...orders.values()].filter((o) => !OPEN_STATES.has(String(o.state)));
  if (finished.length > MAX_FINISHED_ORDERS) {
    finished.sort((a, b) => Number(a.updatedAt) - Number(b.updatedAt));
    for (const o of finished.slice(0, finished.length - MAX_FINISHED_ORDERS)) {
      orders.delete(String(o.clientOrderId));
    }
  }
  const list = [...orders.values()].filter((o) => ordersView === "all" || OPEN_STATES.has(String(o.state)));
  fillTable(
    $<HTMLTableElement>("orders"),
    (orderSort?.sort(list) ?? list).map((o) => [
      clockTime(o.updatedAt),
      String(o.symbol ?? ""),
      { text: String(o.side ?? ""), className: o.side === "BUY" ? "pos" : "neg" },
      String(o.type ?? ""),
      trimDecimal(o.quantity),
      trimDecimal(o.price),
      trimDecimal(o.executedQty),
      { text: String(o.status ?? o.state ?? ""), className: `state-${String(o.state)}` },
      { text: String(o.clientOrderId ?? ""), className: "mono" },
    ]),
    ordersView === "open" ? "no open orders" : "no orders yet",
  );
  text("orders-count", String(list.length));
}

function renderFills(): void {
  const list = [...fills.values()].sort((a, b) => Number(b.time) - Number(a.time));
  for (const old of list.slice(MAX_FILLS)) fills.delete(fillKey(old));
  fillTable(
    $<HTMLTableElement>("fills"),
    list.slice(0, MAX_FILLS).map((f) => [
      clockTime(f.time),
      String(f.symbol ?? ""),
      { text: String(f.side ?? ""), className: f.side === "BUY" ? "pos" : "neg" },
      trimDecimal(f.qty),
      trimDecimal(f.price),
      signedCell(f.realizedProfit),
      `${trimDecimal(f.commission)} ${String(f.commissionAsset ?? "")}`,
      f.maker === true ? "maker" : "taker",
      { text: String(f.clientOrderId ?? ""), className: "mono" },
    ]),
    "no fills yet",
  );
}

function renderPositions(): void {
  const list = [...positions.values()].sort((a, b) => String(a.symbol).localeCompare(String(b.symbol)));
  let total = 0;
  for (const p of list) total += Number(p.unrealizedProfit) || 0;
  fillTable(
    $<HTMLTableElement>("positions"),
    list.map((p) => [
      String(p.symbol ?? ""),
      String(p.positionSide ?? ""),
      { text: trimDecimal(p.positionAmt), className: Number(p.positionAmt) >= 0 ? "pos" : "neg" },
      trimDecimal(p.entryPrice),
      signedCell(p.unrealizedProfit),
      clockTime(p.updateTime),
    ]),
    "no open positions",
  );
  const pnl = signedCell(total);
  text(
    "upnl-total",
    typeof pnl === "string" ? pnl : `uPnL ${pnl.text}`,
    total > 0 ? "good" : total < 0 ? "bad" : "",
  );
}

/**
 * Shows the event log (newest first).
 *
 * @example
 * ```ts
 * renderEvents();
 * ```
 */
export function renderEvents(): void {
  fillTable(
    $<HTMLTableElement>("events"),
    events.toReversed().map((e) => [
      e.id === undefined ? "" : String(e.id),
      clockTime(e.time),
      { text: e.type, className: `tag tag-${e.type}` },
      e.summary,
    ]),
    "waiting for events",
  );
}

function summarize(e: StreamEvent): string {
  const d = e.data;
  const s = (k: string) => trimDecimal(d[k]) || String(d[k] ?? "");
  switch (e.type) {
    case "order":
      return `${s("side")} ${s("quantity")} ${s("symbol")} ${s("type")}${
        d.price ? ` @ ${s("price")}` : ""
      } → ${s("status") || s("state")} (${s("clientOrderId")})`;
    case "fill":
      return `${s("side")} ${s("qty")} ${s("symbol")} @ ${s("price")} (${
        d.maker === true ? "maker" : "taker"
      })`;
    case "position":
      return `${s("symbol")} ${s("positionSide")} ${s("positionAmt")} @ ${s("entryPrice")} · uPnL ${
        s("unrealizedProfit")
      }`;
    case "halt":
      return `halted: ${s("reason")}`;
    case "resume":
      return "orders resumed";
    case "connection":
      return [s("link"), s("type"), d.reason === undefined ? "" : `(${s("reason")})`].filter((p) => p !== "")
        .join(" ");
    case "balance":
      return `${s("asset")} wallet ${s("walletBalance")}`;
    case "gap":
      return `missed events (${s("reason")}); lists reloaded`;
    default: {
      const { time: _time, ...rest } = d;
      const json = JSON.stringify(rest);
      return json.length > 160 ? `${json.slice(0, 157)}…` : json;
    }
  }
}

const fillKey = (f: Row) => `${String(f.symbol)}:${String(f.tradeId)}`;
const positionKey = (p: Row) => `${String(p.symbol)}:${String(p.positionSide)}`;
