/**
 * The gateway's configuration: read once from flags and environment, validated with zod, frozen. A bad
 * value stops the start with one line per problem, each naming the flag or variable it came from.
 *
 * Pure: it never reads `Deno.env`/`process.env` or files itself; `main.ts` passes `args` and `env` in, and
 * the Ed25519 key file is read later by whoever starts the router.
 *
 * @module
 */

import { z } from "zod";
import { mappedAppendUnsupported } from "../journal/mod.ts";
import { DEAD_MAN_MS_RANGE } from "../router/number_options.ts";
import { Secret } from "./secret.ts";
import { gatherSettings, type RawValue } from "./sources.ts";
import { type SettingKey, SETTINGS } from "./settings.ts";
import { helpText } from "./help.ts";

/** Binance USDⓈ-M Futures ws-fapi, production. */
export const PRODUCTION_WS_URL = "wss://ws-fapi.binance.com/ws-fapi/v1";
/**
 * Binance's ws-fapi host for market makers (ws-fapi.md §11): the production account through another door, so
 * an endpoint on it counts as production (its journal, REST URL and user stream).
 */
export const MARKET_MAKER_WS_HOST = "ws-fapi-mm.binance.com";
/** Binance USDⓈ-M Futures ws-fapi, testnet. */
export const TESTNET_WS_URL = "wss://testnet.binancefuture.com/ws-fapi/v1";
/** Binance USDⓈ-M REST base URL (production), used only by the dead-man's switch. */
export const PRODUCTION_REST_URL = "https://fapi.binance.com";
/** Binance USDⓈ-M REST base URL (testnet). */
export const TESTNET_REST_URL = "https://testnet.binancefuture.com";
/** Binance USDⓈ-M stream host (production): the router appends `/private/ws?…` for the user data stream. */
export const PRODUCTION_STREAM_URL = "wss://fstream.binance.com";
/** Binance USDⓈ-M stream host (testnet). */
export const TESTNET_STREAM_URL = "wss://fstream.binancefuture.com";

/** Where orders go: the embedded simulator, Binance, the Binance testnet, or an endpoint given by URL. */
export type Mode = "simulator" | "production" | "testnet" | "custom";

/** Exchange credentials. The Ed25519 key is named by path; its file is read at start. */
export type Credentials =
  | { readonly kind: "hmac"; readonly apiKey: Secret; readonly secretKey: Secret }
  | { readonly kind: "ed25519"; readonly apiKey: Secret; readonly privateKeyPath: string };

/** The validated, frozen configuration. Secrets are {@linkcode Secret}s: printing the object redacts them. */
export interface Config {
  readonly mode: Mode;
  /** ws-fapi URL; undefined in simulator mode (the simulator's URL is known once it listens). */
  readonly endpoint: string | undefined;
  readonly credentials: Credentials | undefined;
  readonly host: string;
  readonly port: number;
  /** Port of the monitor (the reads, served by a thread of their own); undefined = off. */
  readonly monitorPort: number | undefined;
  /** `nice` of the monitor's thread (0–19, Linux). */
  readonly monitorNice: number;
  readonly token: Secret | undefined;
  readonly requestTimeoutMs: number;
  readonly recvWindow: number | undefined;
  readonly dataDir: string;
  /** The journal is written through a mapping of its file (`--journal-mapped`; Bun on Linux). */
  readonly journalMapped: boolean;
  /** Finished orders, fills and account events kept in memory (each). */
  readonly history: number;
  /** The order path's warm-up interval while idle, ms; 0: off. */
  readonly warmMs: number;
  readonly logFormat: "text" | "json";
  /** Dead-man's switch countdown (ms); undefined = off. */
  readonly deadManMs: number | undefined;
  /** Time between audits of the live view (ms); 0 = off. */
  readonly auditIntervalMs: number;
  /** REST base URL for the dead-man's switch; undefined in simulator mode (the simulator's is used). */
  readonly restUrl: string | undefined;
  /**
   * User data stream host base; undefined in simulator mode (the simulator's is used) and with a custom
   * --ws-url when none was given (the router then runs without a user stream).
   */
  readonly streamUrl: string | undefined;
  /** The risk limits file (`--risk`), read and validated at start; undefined: no limits. */
  readonly riskFile: string | undefined;
  /** A plain view with every secret replaced by `[redacted]`, for banners and debugging. */
  redacted(): Record<string, unknown>;
}

/** The outcome of reading the command line: run, or print help/version and exit 0. */
export type ParsedCommandLine =
  | { readonly kind: "run"; readonly config: Config }
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "version" };

/**
 * The configuration is invalid: `problems` holds one message per problem, each starting with the flag or
 * variable at fault. Never contains a secret's value.
 *
 * @example
 * ```ts
 * try { parseConfig({ args: ["--port", "x"], env: {} }); }
 * catch (e) { if (e instanceof ConfigError) console.error(e.problems[0]); } // "--port: expected a whole number…"
 * ```
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.problems = Object.freeze([...problems]);
  }
}

const LOOPBACK_V4 = /^127(?:\.\d{1,3}){3}$/;

/**
 * Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost).
 *
 * @example
 * ```ts
 * isLoopbackHost("127.0.0.1"); // true
 * isLoopbackHost("0.0.0.0"); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || h === "[::1]" || LOOPBACK_V4.test(h);
}

const integer = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, { error: `expected a whole number ${min}-${max}` }).transform(Number)
    .refine((n) => n >= min && n <= max, { error: `expected a whole number ${min}-${max}` });

/**
 * What is wrong with an API key or secret as read, in words (never quoting it): a stray newline from a copy,
 * a space inside, a non-ASCII character or too many characters; undefined if it is 1-256 visible ASCII
 * characters.
 */
function credentialTextProblem(s: string): string | undefined {
  if (s.trim() === "") return "only whitespace";
  if (/^\s|\s$/.test(s)) return "has leading or trailing whitespace (a stray space or newline?)";
  if (/\s/.test(s)) return "contains whitespace";
  if (/[^\x21-\x7e]/.test(s)) return "contains a control or non-ASCII character";
  if (s.length > 256) return "longer than 256 characters";
  return undefined;
}

const credentialText = () =>
  z.string().refine((s) => credentialTextProblem(s) === undefined, {
    error: (issue) =>
      `${credentialTextProblem(String(issue.input))}; expected 1-256 visible ASCII characters`,
  });

const FIELDS = {
  help: z.stringbool({ error: "expected true or false" }),
  version: z.stringbool({ error: "expected true or false" }),
  testnet: z.stringbool({ error: "expected true or false (or 1/0, yes/no)" }),
  wsUrl: z.string().trim().refine((s) => /^wss?:\/\/[^\s/]+/.test(s) && URL.canParse(s), {
    error: "expected a ws:// or wss:// URL",
  }),
  apiKey: credentialText(),
  secretKey: credentialText(),
  privateKeyPath: z.string().min(1),
  host: z.string().trim().regex(/^(?:\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*|[A-Za-z0-9.-]+)$/, {
    error: "expected an IP address or host name (no scheme, no port)",
  }).transform((h) => h.startsWith("[") ? h.slice(1, -1) : h),
  port: integer(0, 65535),
  monitorPort: integer(0, 65535),
  monitorNice: integer(0, 19),
  token: z.string().regex(/^[\x21-\x7e]{16,512}$/, {
    error: "expected 16-512 visible ASCII characters (no spaces)",
  }),
  requestTimeoutMs: integer(100, 600_000),
  recvWindow: integer(1, 60_000),
  dataDir: z.string().min(1, { error: "must not be empty" }),
  journalMapped: z.stringbool({ error: "expected true or false (or 1/0, yes/no)" }),
  history: integer(100, 1_000_000),
  warmMs: integer(0, 1000),
  logFormat: z.enum(["text", "json"], { error: "expected text or json" }),
  deadManMs: integer(DEAD_MAN_MS_RANGE.min, DEAD_MAN_MS_RANGE.max),
  // Checked whole first (a `1e3` names the rule below too), then the range.
  auditIntervalMs: z.string().trim().regex(/^\d+$/, {
    error: "expected 0 (off) or a whole number 1000-86400000",
  })
    .transform(Number).refine((n) => n === 0 || (n >= 1000 && n <= 86_400_000), {
      error: "expected 0 (off) or a whole number 1000-86400000",
    }),
  restUrl: z.string().trim().refine((s) => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s), {
    error: "expected an http:// or https:// URL",
  }).transform((s) => s.replace(/\/+$/, "")),
  streamUrl: z.string().trim().refine((s) => /^wss?:\/\/[^\s/]+/.test(s) && URL.canParse(s), {
    error: "expected a ws:// or wss:// URL",
  }).transform((s) => s.replace(/\/+$/, "")),
  riskFile: z.string().min(1, { error: "must not be empty" }),
} as const satisfies Record<SettingKey, z.ZodType>;

type Values = { -readonly [K in SettingKey]?: z.output<typeof FIELDS[K]> };

/**
 * The log format the command line or environment asks for (the flag wins), read on its own: for reporting
 * the configuration's other problems in it. `text` unless `json` is asked for exactly.
 *
 * @example
 * ```ts
 * requestedLogFormat(["--log-format", "json", "--port", "x"], {}); // "json"
 * requestedLogFormat([], { ROUTER_LOG_FORMAT: "json" }); // "json"
 * ```
 */
export function requestedLogFormat(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): "text" | "json" {
  let asked = env.ROUTER_LOG_FORMAT;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--log-format") asked = args[i + 1];
    else if (a.startsWith("--log-format=")) asked = a.slice("--log-format=".length);
  }
  return asked?.trim() === "json" ? "json" : "text";
}

/**
 * Reads the command line and environment into a {@linkcode Config}; throws {@linkcode ConfigError} listing
 * every problem. `--help` wins over everything else (even over invalid values).
 *
 * @example
 * ```ts
 * const parsed = parseConfig({ args: ["--port", "0"], env: { ROUTER_LOG_FORMAT: "json" } });
 * if (parsed.kind === "run") parsed.config.port; // 0
 * ```
 */
export function parseConfig(options: {
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}): ParsedCommandLine {
  const { values: raw, problems: argProblems } = gatherSettings(options.args, options.env);
  if (options.args.includes("--help") || options.args.includes("-h")) {
    return { kind: "help", text: helpText() };
  }
  const problems = [...argProblems];
  const values: Values = {};
  const sources = new Map<SettingKey, string>();
  const invalid = new Set<SettingKey>();
  for (const setting of SETTINGS) {
    const given: RawValue | undefined = raw.get(setting.key);
    const text = given?.value ?? setting.default;
    if (text === undefined) continue;
    const source = given?.source ?? `${setting.flag ?? setting.env} (default)`;
    sources.set(setting.key, source);
    const result = FIELDS[setting.key].safeParse(text);
    if (result.success) {
      (values as Record<string, unknown>)[setting.key] = result.data;
    } else {
      invalid.add(setting.key);
      const why = result.error.issues[0]?.message ?? "invalid value";
      // Secrets are described by length only; everything else is quoted so the user sees what was read.
      const shown = setting.secret ? `(${text.length} characters)` : JSON.stringify(text);
      problems.push(`${source}: ${why}, got ${shown}`);
    }
  }
  if (problems.length === 0 && values.version === true) return { kind: "version" };
  // Cross-setting rules run even after a bad value, so one start attempt reports every problem.
  const config = assemble(values, sources, invalid, problems);
  if (config === undefined || problems.length > 0) throw new ConfigError(problems);
  return { kind: "run", config };
}

function assemble(
  v: Values,
  sources: Map<SettingKey, string>,
  invalid: ReadonlySet<SettingKey>,
  problems: string[],
): Config | undefined {
  const name = (key: SettingKey) => sources.get(key) ?? SETTINGS.find((s) => s.key === key)!.env!;
  // A value that was given but failed validation has been reported already: for the rules below it is set
  // (a malformed secret is not also "not set").
  const given = (key: SettingKey) => v[key] !== undefined || invalid.has(key);
  let credentials: Credentials | undefined;
  if (given("apiKey")) {
    if (given("secretKey") && given("privateKeyPath")) {
      problems.push(
        `${name("secretKey")} and ${
          name("privateKeyPath")
        }: both set; give exactly one (HMAC secret or Ed25519 key file)`,
      );
    } else if (!given("secretKey") && !given("privateKeyPath")) {
      problems.push(
        `${
          name("apiKey")
        }: set, but neither BINANCE_SECRET_KEY (HMAC) nor BINANCE_PRIVATE_KEY_PATH (Ed25519) is`,
      );
    } else if (v.apiKey !== undefined && v.secretKey !== undefined) {
      credentials = { kind: "hmac", apiKey: new Secret(v.apiKey), secretKey: new Secret(v.secretKey) };
    } else if (v.apiKey !== undefined && v.privateKeyPath !== undefined) {
      credentials = { kind: "ed25519", apiKey: new Secret(v.apiKey), privateKeyPath: v.privateKeyPath };
    } // else a part was given but invalid: reported with its own message already
  } else if (given("secretKey") || given("privateKeyPath")) {
    const which = given("secretKey") ? name("secretKey") : name("privateKeyPath");
    problems.push(`${which}: set, but BINANCE_API_KEY is not`);
  }
  let mode: Mode = "simulator";
  let endpoint: string | undefined;
  if (!given("apiKey")) {
    // Without credentials only the embedded simulator makes sense: refuse flags that point elsewhere.
    if (v.testnet === true) {
      problems.push(`${name("testnet")}: needs credentials (BINANCE_API_KEY + secret or key file)`);
    }
    if (v.wsUrl !== undefined) {
      problems.push(`${name("wsUrl")}: needs credentials (BINANCE_API_KEY + secret or key file)`);
    }
  } else {
    const marketMaker = v.wsUrl !== undefined && hostOf(v.wsUrl) === MARKET_MAKER_WS_HOST;
    mode = marketMaker
      ? "production"
      : v.wsUrl !== undefined
      ? "custom"
      : v.testnet === true
      ? "testnet"
      : "production";
    if (marketMaker && v.testnet === true) {
      problems.push(
        `${name("wsUrl")}: ${MARKET_MAKER_WS_HOST} is production's; it cannot go with ${name("testnet")}`,
      );
    }
    endpoint = v.wsUrl ?? (v.testnet === true ? TESTNET_WS_URL : PRODUCTION_WS_URL);
  }
  let restUrl = v.restUrl;
  if (mode === "production") restUrl ??= PRODUCTION_REST_URL;
  if (mode === "testnet") restUrl ??= TESTNET_REST_URL;
  let streamUrl = v.streamUrl;
  if (mode === "production") streamUrl ??= PRODUCTION_STREAM_URL;
  if (mode === "testnet") streamUrl ??= TESTNET_STREAM_URL;
  if (mode === "simulator" && v.streamUrl !== undefined) {
    problems.push(`${name("streamUrl")}: needs credentials (the simulator serves its own stream)`);
  }
  if (mode === "custom" && v.deadManMs !== undefined && restUrl === undefined) {
    problems.push(`${name("deadManMs")}: with a custom --ws-url, also set --rest-url / BINANCE_REST_URL`);
  }
  const host = v.host;
  if (host !== undefined && !isLoopbackHost(host) && v.token === undefined) {
    problems.push(
      `${name("host")}: ${
        JSON.stringify(host)
      } is not a loopback address; set ROUTER_TOKEN to expose the control plane`,
    );
  }
  if (v.monitorPort !== undefined && v.monitorPort !== 0 && v.monitorPort === v.port) {
    problems.push(`${name("monitorPort")}: ${v.monitorPort} is the control plane's port; give another one`);
  }
  const mappedUnsupported = v.journalMapped === true ? mappedAppendUnsupported() : undefined;
  if (mappedUnsupported !== undefined) problems.push(`${name("journalMapped")}: ${mappedUnsupported}`);
  if (problems.length > 0 || host === undefined) return undefined;
  const token = v.token === undefined ? undefined : new Secret(v.token);
  const config: Config = {
    mode,
    endpoint,
    credentials: credentials === undefined ? undefined : Object.freeze(credentials),
    host,
    port: v.port!,
    monitorPort: v.monitorPort,
    monitorNice: v.monitorNice!,
    token,
    requestTimeoutMs: v.requestTimeoutMs!,
    recvWindow: v.recvWindow,
    dataDir: v.dataDir!,
    journalMapped: v.journalMapped === true,
    history: v.history!,
    warmMs: v.warmMs!,
    logFormat: v.logFormat!,
    deadManMs: v.deadManMs,
    auditIntervalMs: v.auditIntervalMs!,
    restUrl,
    streamUrl,
    riskFile: v.riskFile,
    redacted() {
      return {
        mode,
        endpoint: endpoint ?? "(embedded simulator)",
        auth: credentials?.kind ?? "hmac (generated simulator key)",
        apiKey: credentials === undefined ? undefined : String(credentials.apiKey),
        secretKey: credentials?.kind === "hmac" ? String(credentials.secretKey) : undefined,
        privateKeyPath: credentials?.kind === "ed25519" ? credentials.privateKeyPath : undefined,
        host,
        port: v.port,
        monitorPort: v.monitorPort ?? "(off)",
        monitorNice: v.monitorNice,
        token: token === undefined ? "(none)" : String(token),
        requestTimeoutMs: v.requestTimeoutMs,
        recvWindow: v.recvWindow ?? "(exchange default)",
        dataDir: v.dataDir,
        journalMapped: v.journalMapped === true,
        history: v.history,
        warmMs: v.warmMs === 0 ? "(off)" : v.warmMs,
        logFormat: v.logFormat,
        deadManMs: v.deadManMs ?? "(off)",
        auditIntervalMs: v.auditIntervalMs === 0 ? "(off)" : v.auditIntervalMs,
        restUrl: restUrl ?? "(simulator)",
        streamUrl: streamUrl ?? (mode === "simulator" ? "(simulator)" : "(none: no user stream)"),
        riskFile: v.riskFile ?? "(none: exchange filters only)",
      };
    },
  };
  // JSON.stringify(config) and String(config) go through the redacted view as well.
  Object.defineProperties(config, {
    toJSON: { value: () => config.redacted(), enumerable: false },
    toString: { value: () => JSON.stringify(config.redacted()), enumerable: false },
  });
  return Object.freeze(config);
}

/** The host name of `url`, or "" when it is no URL. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}
