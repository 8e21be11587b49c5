/**
 * `--help` text, generated from the settings table so it always lists every flag and variable.
 *
 * @module
 */

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
    "Control plane (JSON over HTTP, e.g. curl http://127.0.0.1:7777/health):",
    "  POST /orders            place (STOP*/TAKE_PROFIT*/TRAILING_STOP_MARKET go to algoOrder.place;",
    "                          stopPrice is sent as triggerPrice)",
    "  GET /orders?symbol=&orderId=|origClientOrderId=     order.status",
    "  PATCH /orders           order.modify",
    "  DELETE /orders?symbol=&orderId=|origClientOrderId=  order.cancel (algoId=|clientAlgoId=: algoOrder.cancel)",
    "  GET /account, /account/balance, /account/positions[?symbol=]",
    "  GET /health, GET /metrics, POST /halt, POST /resume",
    "",
  );
  return lines.join("\n");
}
