/**
 * The one banner printed at start: what the gateway trades against, how it authenticates, and where its
 * control plane listens. Never shows a secret.
 *
 * @module
 */

import type { Mode } from "./config.ts";
import type { SimulatorAccess } from "./simulate.ts";

/** The gateway's version, shown in the banner and by `--version`. */
export const VERSION = "0.1.0";

/** What the banner shows. */
export interface BannerFacts {
  mode: Mode;
  endpoint: string;
  auth: "hmac" | "ed25519";
  controlUrl: string;
  /** The monitor's URL (the reads, served by a thread of their own), or absent when off. */
  monitorUrl?: string;
  tokenRequired: boolean;
  dataDir: string;
  /** Dead-man's switch countdown in ms, or null when off. */
  deadManMs?: number | null;
  /** Time between audits of the live view against the exchange (ms), or null when off. */
  auditIntervalMs?: number | null;
  /** Orders restored from the journal for reconciliation at start. */
  restored?: number;
  /** User data stream host base, or null when the router runs without one. */
  userStream?: string | null;
  /**
   * In simulator mode: where the embedded simulator listens and its generated keys, so other clients (SDKs,
   * bots) can be pointed at the same exchange. Never real credentials.
   */
  simulatorAccess?: SimulatorAccess;
}

const MODE_LINE: Readonly<Record<Mode, string>> = {
  simulator: "SIMULATOR — no real orders (embedded exchange simulator, generated credentials)",
  production: "PRODUCTION — real orders on Binance USDⓈ-M Futures",
  testnet: "TESTNET — Binance futures testnet",
  custom: "CUSTOM ENDPOINT — orders go to the URL below",
};

/**
 * The banner: a text block, or one JSON line when logs are JSON.
 *
 * @example
 * ```ts
 * import { runtime } from "./process.ts";
 * runtime.writeStderr(banner({ mode: "simulator", endpoint: "ws://127.0.0.1:7778/ws-fapi/v1", auth: "hmac",
 *   controlUrl: "http://127.0.0.1:7777", tokenRequired: false, dataDir: "./lightning-data" }, "text"));
 * ```
 */
export function banner(facts: BannerFacts, format: "text" | "json"): string {
  const control = usableUrl(facts.controlUrl);
  if (format === "json") {
    return JSON.stringify({
      ts: new Date().toISOString(),
      level: "info",
      msg: "ready",
      version: VERSION,
      ...facts,
      controlUrl: control.url,
      ...(facts.monitorUrl === undefined ? {} : { monitorUrl: usableUrl(facts.monitorUrl).url }),
      ...(control.listening === undefined ? {} : { listening: control.listening }),
      simulator: facts.mode === "simulator",
    });
  }
  const exposure = control.listening !== undefined
    ? `(listening on ${control.listening}: every interface, exposed; bearer token required)`
    : facts.tokenRequired
    ? "(bearer token required)"
    : "(no token; loopback only)";
  const rows = [
    `Lightning Router ${VERSION} ready`,
    `  mode      ${MODE_LINE[facts.mode]}`,
    `  endpoint  ${facts.endpoint}`,
    ...simulatorRows(facts.simulatorAccess),
    `  auth      ${facts.auth === "hmac" ? "hmac (every order signed)" : "ed25519 (session.logon)"}`,
    `  control   ${control.url}  ${exposure}`,
    ...(facts.monitorUrl === undefined
      ? []
      : [`  monitor   ${usableUrl(facts.monitorUrl).url}  (reads only: GET /orders, /events, /metrics…)`]),
    `  data dir  ${facts.dataDir}${
      facts.restored ? `  (${facts.restored} orders from the last run to reconcile)` : ""
    }`,
    `  stream    ${
      facts.userStream
        ? `${facts.userStream}/private (orders, fills, positions live)`
        : "OFF — no user data stream: fills and positions are not live (set --stream-url)"
    }`,
    `  dead-man  ${
      facts.deadManMs
        ? `${facts.deadManMs} ms countdown cancel-all, refreshed every ${Math.floor(facts.deadManMs / 3)} ms`
        : "off"
    }`,
    `  audit     ${
      facts.auditIntervalMs
        ? `every ${facts.auditIntervalMs / 1000} s: open orders and positions checked against the exchange`
        : "off"
    }`,
  ];
  return rows.join("\n");
}

/**
 * A URL a browser or curl on this host can open: a wildcard bind (`0.0.0.0`, `[::]`) is no address to
 * connect to, so it becomes loopback (`127.0.0.1`, `[::1]`) and `listening` names the wildcard.
 *
 * @example
 * ```ts
 * usableUrl("http://0.0.0.0:7777"); // { url: "http://127.0.0.1:7777", listening: "0.0.0.0:7777" }
 * usableUrl("http://127.0.0.1:7777"); // { url: "http://127.0.0.1:7777" }
 * ```
 */
export function usableUrl(url: string): { url: string; listening?: string } {
  const parsed = new URL(url);
  const loopback = parsed.hostname === "0.0.0.0"
    ? "127.0.0.1"
    : parsed.hostname === "[::]"
    ? "[::1]"
    : undefined;
  if (loopback === undefined) return { url };
  const listening = parsed.host;
  parsed.hostname = loopback;
  return { url: parsed.origin, listening };
}

/** The simulator's URLs and generated keys (the same as `simulate` prints), for other clients. */
function simulatorRows(access: SimulatorAccess | undefined): string[] {
  if (access === undefined) return [];
  return [
    `  sim       ws-fapi ${access.wsUrl}  streams ${access.streamUrl}  REST ${access.restUrl} (/sim/* control)`,
    `  sim keys  apiKey ${access.apiKey}  secretKey ${access.secretKey}  (generated for this run only)`,
  ];
}
