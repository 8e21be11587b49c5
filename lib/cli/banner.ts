/**
 * The one banner printed at start: what the gateway trades against, how it authenticates, and where its
 * control plane listens. Never shows a secret.
 *
 * @module
 */

import type { Mode } from "./config.ts";

/** The gateway's version, shown in the banner and by `--version`. */
export const VERSION = "0.1.0";

/** What the banner shows. */
export interface BannerFacts {
  mode: Mode;
  endpoint: string;
  auth: "hmac" | "ed25519";
  controlUrl: string;
  tokenRequired: boolean;
  dataDir: string;
  /** Dead-man's switch countdown in ms, or null when off. */
  deadManMs?: number | null;
  /** Orders restored from the journal for reconciliation at start. */
  restored?: number;
  /** User data stream host base, or null when the router runs without one. */
  userStream?: string | null;
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
  if (format === "json") {
    return JSON.stringify({
      ts: new Date().toISOString(),
      level: "info",
      msg: "ready",
      version: VERSION,
      ...facts,
      simulator: facts.mode === "simulator",
    });
  }
  const rows = [
    `Lightning Router ${VERSION} ready`,
    `  mode      ${MODE_LINE[facts.mode]}`,
    `  endpoint  ${facts.endpoint}`,
    `  auth      ${facts.auth === "hmac" ? "hmac (every order signed)" : "ed25519 (session.logon)"}`,
    `  control   ${facts.controlUrl}  ${
      facts.tokenRequired ? "(bearer token required)" : "(no token; loopback only)"
    }`,
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
  ];
  return rows.join("\n");
}
