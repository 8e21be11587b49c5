/**
 * `--help` text, generated from the settings table so it always lists every flag and variable, and from the
 * control plane's OpenAPI document (via `deno task docs`) so it lists every route.
 *
 * @module
 */

import { ROUTE_LINES } from "./_routes_help.ts";
import { type Setting, SETTINGS } from "./settings.ts";

const GROUPS: readonly Setting["group"][] = ["General", "Exchange", "Control plane", "Runtime"];

/**
 * The full `--help` text.
 *
 * @example
 * ```ts
 * console.log(helpText());
 * ```
 */
export function helpText(): string {
  const lines = [
    "Lightning Router: low-latency order gateway for Binance USDⓈ-M Futures (ws-fapi).",
    "",
    "Usage: lightning-router [flags]",
    "       lightning-router simulate [--port N] [--seed S] [--walk BPS] [--hedge-mode] [--ed25519-key-out FILE]",
    "",
    "Without credentials it starts an embedded simulator (no real orders). With BINANCE_API_KEY plus",
    "BINANCE_SECRET_KEY (HMAC) or BINANCE_PRIVATE_KEY_PATH (Ed25519) it trades on Binance production,",
    "or on the testnet with --testnet. Flags win over environment variables; empty variables count as unset.",
  ];
  for (const group of GROUPS) {
    lines.push("", `${group}:`);
    for (const s of SETTINGS.filter((x) => x.group === group)) {
      const names = [
        s.short,
        s.flag === undefined ? undefined : s.kind === "value" ? `${s.flag} ${s.arg ?? "VALUE"}` : s.flag,
        s.env === undefined ? undefined : `$${s.env}`,
      ].filter((x) => x !== undefined).join(", ");
      const dflt = s.default === undefined ? "" : ` (default ${s.default})`;
      lines.push(`  ${names}`, `      ${s.help}${dflt}`);
    }
  }
  lines.push(
    "",
    "Control plane (JSON over HTTP, e.g. curl http://127.0.0.1:7777/health; the full contract, with every",
    "field and error code, is GET /openapi.json):",
    ...ROUTE_LINES,
    "",
  );
  return lines.join("\n");
}

/**
 * `simulate --help` text.
 *
 * @example
 * ```ts
 * console.log(simulateHelpText());
 * ```
 */
export function simulateHelpText(): string {
  return [
    "lightning-router simulate: run only the embedded Binance USDⓈ-M Futures simulator, so existing bots and",
    "SDKs can be pointed at it. No real orders; everything stays on 127.0.0.1.",
    "",
    "Usage: lightning-router simulate [--port N] [--seed S] [--walk BPS] [--hedge-mode] [--ed25519-key-out FILE]",
    "       deno task start simulate …   (from a clone)",
    "",
    "  --port N                 TCP port on 127.0.0.1 for ws-fapi, the streams and REST (default 0: a free one)",
    "  --seed S                 seed of the market model (default 1): the same seed gives the same fills",
    "  --walk BPS               random walk of the marks: one step a second with a standard deviation of BPS",
    "                           basis points (default off)",
    "  --hedge-mode             the account in hedge mode: orders name a side (positionSide LONG or SHORT), and",
    "                           each side is its own position (default one-way)",
    "  --ed25519-key-out FILE   also create an Ed25519 API key: its PKCS#8 PEM private key is written to FILE",
    "                           (mode 0600) and its API key printed as ed25519ApiKey",
    "",
    "The first line on stdout is one JSON object (logs go to stderr):",
    '  {"wsUrl":"ws://127.0.0.1:PORT/ws-fapi/v1","streamUrl":"ws://127.0.0.1:PORT",',
    '   "restUrl":"http://127.0.0.1:PORT","apiKey":"…","secretKey":"…"}',
    "The keys are new on every start and work only against this simulator.",
    "",
    "Control routes (JSON bodies, on restUrl):",
    "  POST /sim/mark  {symbol, price, fillQty?}             move the mark; crossed resting orders fill",
    '  POST /sim/walk  {volatility?, intervalMs?}            start the random walk; {"on":false} stops it',
    "  POST /sim/fault {kind, …}                             inject a fault: drop, silent, delay, rejectEvery,",
    "                  -1007, -1008, streamDrop, streamPause, streamDuplicate, streamReorder, listenKeyExpiry, clear",
    "  GET /sim/fault                                        the faults in force",
    "",
    "Ctrl-C, SIGTERM or SIGHUP stops it.",
    "",
  ].join("\n");
}
