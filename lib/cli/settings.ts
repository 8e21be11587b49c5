/**
 * Every setting the gateway reads, in one table: its flag, its environment variable, its default and its
 * help line. The argument reader, the validator and `--help` are all driven by this table, so a setting
 * cannot exist in one of them and be missing from another.
 *
 * Credentials and the control-plane token are environment-only on purpose: flags show up in `ps` output
 * and shell history.
 *
 * @module
 */

/** Names of the settings (the keys of the raw input the validator sees). */
export type SettingKey =
  | "help"
  | "version"
  | "testnet"
  | "wsUrl"
  | "apiKey"
  | "secretKey"
  | "privateKeyPath"
  | "host"
  | "port"
  | "token"
  | "requestTimeoutMs"
  | "recvWindow"
  | "dataDir"
  | "journalMapped"
  | "history"
  | "warmMs"
  | "monitorPort"
  | "monitorNice"
  | "logFormat"
  | "deadManMs"
  | "auditIntervalMs"
  | "restUrl"
  | "streamUrl"
  | "riskFile";

/** One row of the settings table. */
export interface Setting {
  readonly key: SettingKey;
  /** Long flag, e.g. `--port`; absent for environment-only settings. */
  readonly flag?: string;
  /** Short alias, e.g. `-h`. */
  readonly short?: string;
  /** Environment variable; absent for flag-only settings. */
  readonly env?: string;
  /** A switch takes no value (`--testnet`); a value setting takes one (`--port 7777` or `--port=7777`). */
  readonly kind: "switch" | "value";
  /** Placeholder of the value in `--help`. */
  readonly arg?: string;
  /** Default, as the user would type it (shown in `--help`). */
  readonly default?: string;
  /** The value must never be printed. */
  readonly secret?: boolean;
  /** `--help` section. */
  readonly group: "General" | "Exchange" | "Control plane" | "Runtime";
  readonly help: string;
}

/**
 * The settings table.
 *
 * @example
 * ```ts
 * const port = SETTINGS.find((s) => s.key === "port"); // { flag: "--port", env: "ROUTER_PORT", ... }
 * ```
 */
export const SETTINGS: readonly Setting[] = Object.freeze(
  [
    {
      key: "help",
      flag: "--help",
      short: "-h",
      kind: "switch",
      group: "General",
      help: "Print this help and exit.",
    },
    {
      key: "version",
      flag: "--version",
      kind: "switch",
      group: "General",
      help: "Print the version and exit.",
    },
    {
      key: "apiKey",
      env: "BINANCE_API_KEY",
      kind: "value",
      secret: true,
      group: "Exchange",
      help: "API key. Without credentials the gateway runs against its embedded simulator.",
    },
    {
      key: "secretKey",
      env: "BINANCE_SECRET_KEY",
      kind: "value",
      secret: true,
      group: "Exchange",
      help: "HMAC secret: every order is HMAC-SHA256 signed.",
    },
    {
      key: "privateKeyPath",
      flag: "--private-key-path",
      env: "BINANCE_PRIVATE_KEY_PATH",
      kind: "value",
      arg: "FILE",
      group: "Exchange",
      help:
        "Ed25519 private key (PKCS#8 PEM): one session.logon, then unsigned orders. Instead of the secret.",
    },
    {
      key: "testnet",
      flag: "--testnet",
      env: "BINANCE_TESTNET",
      kind: "switch",
      group: "Exchange",
      help: "Use the futures testnet (wss://testnet.binancefuture.com/ws-fapi/v1). Env: true/false.",
    },
    {
      key: "wsUrl",
      flag: "--ws-url",
      env: "BINANCE_WS_URL",
      kind: "value",
      arg: "URL",
      group: "Exchange",
      help: "Override the ws-fapi endpoint (ws:// or wss://). Binance's market-maker endpoint " +
        "(wss://ws-fapi-mm.binance.com/ws-fapi/v1) counts as production: the same account, journal, REST URL and user stream.",
    },
    {
      key: "recvWindow",
      flag: "--recv-window",
      env: "ROUTER_RECV_WINDOW",
      kind: "value",
      arg: "MS",
      group: "Exchange",
      help: "recvWindow on signed requests, 1-60000 ms (exchange default 5000 when unset).",
    },
    {
      key: "requestTimeoutMs",
      flag: "--request-timeout-ms",
      env: "ROUTER_REQUEST_TIMEOUT_MS",
      kind: "value",
      arg: "MS",
      default: "5000",
      group: "Exchange",
      help: "Time an exchange request may take before its outcome is reported unknown (orders) or failed.",
    },
    {
      key: "deadManMs",
      flag: "--dead-man-ms",
      env: "ROUTER_DEAD_MAN_MS",
      kind: "value",
      arg: "MS",
      group: "Exchange",
      help:
        "Dead-man's switch: keep the exchange's countdown cancel-all armed at MS (5000-86400000) for every " +
        "symbol with open orders, refreshed every MS/3; if the router dies, the exchange cancels them. Off when unset.",
    },
    {
      key: "auditIntervalMs",
      flag: "--audit-interval-ms",
      env: "ROUTER_AUDIT_INTERVAL_MS",
      kind: "value",
      arg: "MS",
      default: "60000",
      group: "Exchange",
      help:
        "Audit the live view against the exchange every MS (1000-86400000; 0 = off): open orders listed over " +
        "REST, orders it no longer lists queried, position and balance snapshots. Catches events the user " +
        "stream lost with its socket up. Needs the REST URL.",
    },
    {
      key: "restUrl",
      flag: "--rest-url",
      env: "BINANCE_REST_URL",
      kind: "value",
      arg: "URL",
      group: "Exchange",
      help: "REST base URL for the dead-man's switch, the open-orders listing at start and the audits " +
        "(default: production or testnet to match the endpoint).",
    },
    {
      key: "streamUrl",
      flag: "--stream-url",
      env: "BINANCE_STREAM_URL",
      kind: "value",
      arg: "URL",
      group: "Exchange",
      help: "User data stream host base, e.g. wss://fstream.binance.com (default: production or testnet to " +
        "match the endpoint; the router appends /private/ws?…). With a custom --ws-url and no --stream-url " +
        "the router runs without a user stream (banner and /health say so).",
    },
    {
      key: "riskFile",
      flag: "--risk",
      env: "ROUTER_RISK_FILE",
      kind: "value",
      arg: "FILE",
      group: "Exchange",
      help: 'JSON file of the trader\'s risk limits (per symbol with a "*" default: maxOrderQty, ' +
        "maxOrderNotional, maxPositionQty, maxPositionNotional, maxOpenOrders, priceBandPct, maxOrdersPerSecond; " +
        "allowedSymbols, reduceOnlyMode, maxRejectsPerMinute, maxDailyLoss, flattenOnDailyLoss). Checked before " +
        "every order with the exchange's " +
        "filters; changeable with PUT /risk. A bad file stops the start and names the bad field.",
    },
    {
      key: "host",
      flag: "--host",
      env: "ROUTER_HOST",
      kind: "value",
      arg: "ADDR",
      default: "127.0.0.1",
      group: "Control plane",
      help: "Address of the HTTP control plane. A non-loopback address needs ROUTER_TOKEN.",
    },
    {
      key: "port",
      flag: "--port",
      env: "ROUTER_PORT",
      kind: "value",
      arg: "PORT",
      default: "7777",
      group: "Control plane",
      help: "Port of the HTTP control plane (0 = any free port).",
    },
    {
      key: "monitorPort",
      flag: "--monitor-port",
      env: "ROUTER_MONITOR_PORT",
      kind: "value",
      arg: "PORT",
      group: "Control plane",
      help: "Also serve the reads (GET /orders lists, /events, /metrics, /health…) on this port, from a " +
        "thread of their own, so dashboards and scrapers never hold up an order (0 = any free port). Same " +
        "host and token. Off when unset.",
    },
    {
      key: "monitorNice",
      flag: "--monitor-nice",
      env: "ROUTER_MONITOR_NICE",
      kind: "value",
      arg: "N",
      default: "10",
      group: "Control plane",
      help:
        "CPU priority (nice, 0-19) of the monitor's thread on Linux: the higher, the more the scheduler " +
        "serves the orders first when the cores are busy. 0 = the gateway's own.",
    },
    {
      key: "token",
      env: "ROUTER_TOKEN",
      kind: "value",
      secret: true,
      group: "Control plane",
      help: "Bearer token (16-512 visible ASCII characters, no spaces) required on every route but /health.",
    },
    {
      key: "dataDir",
      flag: "--data-dir",
      env: "ROUTER_DATA_DIR",
      kind: "value",
      arg: "DIR",
      default: "./lightning-data",
      group: "Runtime",
      help: "Directory for the order journal.",
    },
    {
      key: "journalMapped",
      flag: "--journal-mapped",
      env: "ROUTER_JOURNAL_MAPPED",
      kind: "switch",
      group: "Runtime",
      help: "Write the order journal through a shared memory mapping of its file, not a write system call " +
        "per record (Bun on Linux; the compiled binary): the same durability, 3-13 µs less of the gateway's " +
        "work per order, about 15 % more CPU under a steady 1,000 orders/s. The file being written ends in " +
        "NUL bytes until it is closed, so tail -f does not follow it. Env: true/false.",
    },
    {
      key: "history",
      flag: "--history",
      env: "ROUTER_HISTORY",
      kind: "value",
      arg: "N",
      default: "10000",
      group: "Runtime",
      help: "Finished orders, fills and account events kept in memory, N of each (100-1000000): what " +
        "GET /orders, GET /fills and a resuming /events reader can see. Each 10,000 of orders and events " +
        "holds about 10-20 MB of RSS.",
    },
    {
      key: "warmMs",
      flag: "--warm-ms",
      env: "ROUTER_WARM_MS",
      kind: "value",
      arg: "MS",
      default: "2",
      group: "Runtime",
      help:
        "While no order is answered, every MS (1-1000; 0 = off) run the order path's own code on a canned " +
        "order (HTTP request and local socket message, pre-trade check, build and sign, journal intent, ack " +
        "scan; nothing is sent, counted or journaled: the intent's line goes to the scratch file " +
        "journal-warm.tmp), so the next order finds it in the CPU's caches: 90-180 µs less gateway work per " +
        "order at a trader's pace, for about 10-13 % of one core while idle.",
    },
    {
      key: "logFormat",
      flag: "--log-format",
      env: "ROUTER_LOG_FORMAT",
      kind: "value",
      arg: "text|json",
      default: "text",
      group: "Runtime",
      help: "Log lines on stderr: human-readable text or JSON lines.",
    },
  ] satisfies Setting[],
);
