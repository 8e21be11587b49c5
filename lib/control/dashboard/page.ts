/**
 * The dashboard's one HTML page: a skeleton the page's script fills in (from `/health`, `/metrics`, the lists
 * and `/events`). Rendered once per process with `hono/html`, which escapes every interpolated value; the
 * page carries the process's CSRF token (in `data-csrf`) and loads only same-origin scripts and styles, so
 * its Content-Security-Policy needs no `unsafe-inline`.
 *
 * @module
 */

import { html } from "hono/html";
import { DASHBOARD_ASSETS } from "./_assets.ts";

/**
 * What the page shows before its script runs, and what that script needs.
 *
 * @example
 * ```ts
 * const facts: PageFacts = { csrfToken: "x", mode: "simulator", tokenRequired: false, rateLimitHeadroom: 0.05 };
 * ```
 */
export interface PageFacts {
  /** The per-process CSRF token the page sends back on state-changing requests. */
  csrfToken: string;
  /** "simulator", "production", "testnet" or "custom". */
  mode: string;
  /** Whether the control plane needs a bearer token (the page then asks for it). */
  tokenRequired: boolean;
  /** Share of each rate limit kept free for cancels (marked on the usage bars). */
  rateLimitHeadroom: number;
}

/**
 * The Content-Security-Policy of the page: same-origin scripts, styles and requests only, no framing, no
 * forms, no plugins.
 *
 * @example
 * ```ts
 * DASHBOARD_CSP.includes("frame-ancestors 'none'"); // true
 * ```
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** An asset's URL with its content hash, so it can be cached for a year and still never be stale. */
function asset(path: string): string {
  return `${path}?v=${DASHBOARD_ASSETS[path]?.hash ?? "0"}`;
}

/** A column: its label, or its label and the field it sorts by. */
type Column = string | readonly [label: string, sortKey: string];

/** An empty table (the script fills its body) with one header row. */
function table(id: string, columns: readonly Column[]) {
  const th = (c: Column) =>
    typeof c === "string" ? html`<th>${c}</th>` : html`<th data-key="${c[1]}">${c[0]}</th>`;
  return html`
    <table id="${id}">
      <thead>
        <tr>${columns.map(th)}</tr>
      </thead>
      <tbody></tbody>
    </table>
  `;
}

/**
 * Renders the page.
 *
 * @example
 * ```ts
 * const page = await renderDashboardPage({ csrfToken: "t", mode: "simulator", tokenRequired: false,
 *   rateLimitHeadroom: 0.05 });
 * page.startsWith("<!doctype html>"); // true
 * ```
 */
export async function renderDashboardPage(facts: PageFacts): Promise<string> {
  const card = (title: string, id: string, sub?: string) =>
    html`<div class="card"><h3>${title}</h3><div class="value" id="${id}">–</div>${
      sub === undefined ? "" : html`<div class="sub" id="${sub}"></div>`
    }</div>`;
  const page = html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>Lightning Router</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="${asset("/assets/uplot.css")}">
        <link rel="stylesheet" href="${asset("/assets/dashboard.css")}">
        <script src="${asset("/assets/uplot.js")}" defer></script>
        <script src="${asset("/assets/dashboard.js")}" defer></script>
      </head>
      <body data-csrf="${facts.csrfToken}" data-mode="${facts.mode}" data-token-required="${String(
        facts.tokenRequired,
      )}"
        data-headroom="${String(facts.rateLimitHeadroom)}">
        <header class="top">
          <div class="brand"><span class="bolt">⚡</span>Lightning Router
        <span class="badge" id="mode" data-tone="warn">${facts.mode.toUpperCase()}</span>
        <span id="status-pill">loading</span>
      </div>
          <div class="spacer"></div>
          <span class="stream-state">events: <span id="events-state">connecting</span></span>
          <button id="resume" class="ok" type="button" disabled>Resume</button>
          <button id="halt" class="danger" type="button" disabled>Halt</button>
          <button id="halt-flatten" class="danger" type="button" disabled
            title="Halt, cancel every order, and close every position with reduce-only MARKET orders">Halt + flatten</button>
        </header>
        <div id="token-bar" hidden>
          <form id="token-form">
            <label for="token-input">This router needs its bearer token (ROUTER_TOKEN):</label>
            <input id="token-input" type="password" autocomplete="off" placeholder="token">
            <button type="submit">Use token</button>
          </form>
        </div>
        <div id="notice" role="status" hidden></div>
        <main>
          <section class="cards">
        ${card("Connection", "connection", "endpoint")}
        ${card("Auth", "auth")}
        ${card("Clock offset", "clock")}
        ${card("User stream", "stream", "stream-detail")}
        ${card("Halted", "halted", "halt-reason")}
        ${card("Uptime", "uptime")}
        ${card("In flight", "inflight")}
        ${card("Orders", "order-counts", "order-detail")}
      </section>
          <section class="grid">
            <div class="panel">
              <h2>Order round trip <small>p50 / p99 per 2 s, last 15 min</small></h2>
              <div id="latency-chart" data-points="0"></div>
              <div class="foot" id="latency-last">waiting for round trips</div>
            </div>
            <div class="panel">
              <h2>Round-trip histogram <small>since start</small></h2>
              <div id="histogram-chart"></div>
              <div class="foot" id="histogram-summary"></div>
            </div>
          </section>
          <section class="grid">
            <div class="panel">
              <h2>Rate limits <small>usage of each exchange limit</small><span class="right count" id="headroom"></span></h2>
              <div id="rate-limits"></div>
            </div>
            <div class="panel">
              <h2>Positions <span class="right" id="upnl-total"></span></h2>
              ${table("positions", ["Symbol", "Side", "Amount", "Entry", "Unrealized PnL", "Updated"])}
            </div>
          </section>
          <section class="panel">
            <h2>Orders <span class="count" id="orders-count"></span>
          <span class="right">
            <button type="button" data-orders-view="open" aria-pressed="true">Open</button>
            <button type="button" data-orders-view="all" aria-pressed="false">All</button>
          </span>
        </h2>
            <div class="scroll">
              ${table("orders", [
                ["Updated", "updatedAt"],
                ["Symbol", "symbol"],
                ["Side", "side"],
                ["Type", "type"],
                ["Qty", "quantity"],
                ["Price", "price"],
                ["Filled", "executedQty"],
                ["Status", "status"],
                ["Client order id", "clientOrderId"],
              ])}
            </div>
          </section>
          <section class="grid">
            <div class="panel">
              <h2>Recent fills</h2>
              <div class="scroll">
                ${table("fills", [
                  "Time",
                  "Symbol",
                  "Side",
                  "Qty",
                  "Price",
                  "Realized",
                  "Fee",
                  "Role",
                  "Client order id",
                ])}
              </div>
            </div>
            <div class="panel">
              <h2>Events <small>last 200</small></h2>
              <div class="scroll">
                ${table("events", ["Id", "Time", "Type", "Detail"])}
              </div>
            </div>
          </section>
        </main>
      </body>
    </html>
  `;
  return String(await page).trim();
}
