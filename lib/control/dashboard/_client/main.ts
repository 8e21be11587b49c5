/**
 * The dashboard's script: reads `/health` (every second), `/metrics` (every 2 s: round-trip quantiles of
 * each interval, the histogram since start), the order, fill and position lists once, then follows
 * `/events` to keep them and the event log current. Halt and Resume post with the page's CSRF token.
 *
 * Bundled into `_assets.ts` by `deno task gen:assets`; the page loads it after uPlot.
 *
 * @module
 */

import { applyEvent, initOrderTable, loadLists, renderEvents, showOrders } from "./account_view.ts";
import { Api } from "./api.ts";
import { HistogramChart, LatencyChart } from "./charts.ts";
import { $, message, notice, text } from "./dom.ts";
import { followEvents, reconnectNow } from "./event_stream.ts";
import {
  bucketCounts,
  formatSeconds,
  histogramDelta,
  histogramQuantile,
  parseRttHistogram,
  type RttHistogram,
} from "./histogram.ts";
import { type Health, renderHealth } from "./status_view.ts";
import { clockTime } from "./tables.ts";

const config = document.body.dataset;
const headroom = Number(config.headroom ?? "0.05");
const api = new Api(config.csrf ?? "");
const latency = new LatencyChart($("latency-chart"));
const histogram = new HistogramChart($("histogram-chart"));
let lastRtt: RttHistogram | undefined;

async function refreshHealth(): Promise<void> {
  try {
    renderHealth(await api.json<Health>("/health", [503]), headroom);
  } catch (e) {
    text("status-pill", "unreachable", "bad");
    notice(`cannot read /health: ${message(e)}`);
  }
}

async function refreshMetrics(): Promise<void> {
  let now: RttHistogram | undefined;
  try {
    now = parseRttHistogram(await api.text("/metrics"));
  } catch (e) {
    notice(`cannot read /metrics: ${message(e)}`);
    return;
  }
  if (now === undefined) return;
  histogram.set(now.bounds, bucketCounts(now));
  const all50 = histogramQuantile(now, 0.5);
  const all99 = histogramQuantile(now, 0.99);
  text(
    "histogram-summary",
    now.count === 0
      ? "no round trips yet"
      : `${now.count} round trips · p50 ${formatSeconds(all50 ?? 0)} · p99 ${
        formatSeconds(all99 ?? 0)
      } · mean ${formatSeconds(now.sum / now.count)}`,
  );
  if (lastRtt !== undefined) {
    const d = histogramDelta(lastRtt, now);
    const p50 = histogramQuantile(d, 0.5);
    const p99 = histogramQuantile(d, 0.99);
    latency.add(Date.now() / 1000, p50, p99);
    $("latency-chart").dataset.points = String(latency.points);
    if (p50 !== undefined && p99 !== undefined) {
      text(
        "latency-last",
        `last ${clockTime(Date.now())}: p50 ${formatSeconds(p50)} · p99 ${
          formatSeconds(p99)
        } · ${d.count} round trips`,
      );
    }
  }
  lastRtt = now;
}

async function act(path: "/halt" | "/resume", flatten = false): Promise<void> {
  const button = $<HTMLButtonElement>(path === "/resume" ? "resume" : flatten ? "halt-flatten" : "halt");
  button.disabled = true;
  try {
    if (path === "/halt") {
      const report = await api.post<{
        canceled?: unknown[];
        failed?: unknown[];
        flattened?: { symbol: string; remaining: string }[];
        flattenError?: string;
      }>(path, {
        reason: flatten ? "halted and flattened from the dashboard" : "halted from the dashboard",
        ...(flatten ? { flatten: true } : {}),
      });
      const open = (report.flattened ?? []).filter((f) => f.remaining !== "0");
      const flat = flatten
        ? report.flattenError !== undefined
          ? ` · positions not listed: ${report.flattenError}`
          : ` · ${report.flattened?.length ?? 0} positions flattened${
            open.length === 0
              ? ""
              : ` · still open: ${open.map((f) => `${f.symbol} ${f.remaining}`).join(", ")}`
          }`
        : "";
      notice(
        `halted · ${report.canceled?.length ?? 0} orders canceled · ${
          report.failed?.length ?? 0
        } failed${flat}`,
        open.length > 0 || report.flattenError !== undefined,
      );
    } else {
      await api.post(path, {});
      notice("resumed");
    }
  } catch (e) {
    notice(`${path.slice(1)} failed: ${message(e)}`, true);
  }
  await refreshHealth();
}

function start(): void {
  initOrderTable();
  $("halt").addEventListener("click", () => void act("/halt"));
  $("halt-flatten").addEventListener("click", () => void act("/halt", true));
  $("resume").addEventListener("click", () => void act("/resume"));
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-orders-view]")) {
    button.addEventListener("click", () => {
      for (const b of document.querySelectorAll<HTMLButtonElement>("[data-orders-view]")) {
        b.setAttribute("aria-pressed", String(b === button));
      }
      showOrders(button.dataset.ordersView === "all" ? "all" : "open");
    });
  }
  const tokenBar = $("token-bar");
  api.onUnauthorized = () => tokenBar.hidden = false;
  $<HTMLFormElement>("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    api.token = $<HTMLInputElement>("token-input").value.trim();
    tokenBar.hidden = true;
    reconnectNow();
    void Promise.all([refreshHealth(), refreshMetrics(), loadLists(api)]);
  });
  if (config.tokenRequired === "true" && api.token === "") tokenBar.hidden = false;

  void refreshHealth();
  void refreshMetrics();
  void loadLists(api);
  renderEvents();
  setInterval(() => void refreshHealth(), 1000);
  setInterval(() => void refreshMetrics(), 2000);
  void followEvents({
    headers: () => api.headers(),
    onEvent: (e) => {
      if (applyEvent(api, e)) void refreshHealth();
    },
    onState: (state, detail) =>
      text(
        "events-state",
        state === "live" ? "live" : `reconnecting (${detail})`,
        state === "live" ? "good" : "warn",
      ),
  });
}

start();
