/**
 * `lightning-router simulate`: runs only the exchange simulator (ws-fapi, the streams, its REST and the
 * `/sim/*` control routes on one port of 127.0.0.1) so existing bots and SDKs can be pointed at it. The first
 * stdout line is one JSON object with the URLs and generated keys; logs go to stderr.
 *
 * @module
 */

import { chmodSync, writeFileSync } from "node:fs";
import { type Simulator, startSimulator } from "../sim/mod.ts";
import type { SimulatorOptions } from "../sim/mod.ts";
import { simulateHelpText } from "./help.ts";
import type { ProcessRuntime } from "./process.ts";

/** What `simulate` was asked for. */
export interface SimulateOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Seed of the market model (book sizes, the mark walk): the same seed gives the same fills. */
  readonly seed: number;
  /** Mark walk: standard deviation of one step (one a second) in basis points; undefined: no walk. */
  readonly walkBps: number | undefined;
  /** Where to write a PKCS#8 PEM Ed25519 private key registered with the simulator; undefined: none. */
  readonly ed25519KeyOut: string | undefined;
  /** Hedge mode (`dualSidePosition`): orders name a side, LONG or SHORT. Default one-way. */
  readonly hedgeMode?: boolean;
}

/**
 * The first stdout line of `simulate`: where the simulator listens and the keys it accepts.
 *
 * @example
 * ```ts
 * declare const line: string; // the first line `simulate` printed
 * const access: SimulatorAccess = JSON.parse(line);
 * new WebSocket(access.wsUrl);
 * ```
 */
export interface SimulatorAccess {
  /** ws-fapi: `ws://127.0.0.1:PORT/ws-fapi/v1`. */
  readonly wsUrl: string;
  /** Stream host base: `ws://127.0.0.1:PORT` (user data stream at `/private/ws?listenKey=…`). */
  readonly streamUrl: string;
  /** REST base (and `/sim/*` control routes): `http://127.0.0.1:PORT`. */
  readonly restUrl: string;
  /** HMAC API key. */
  readonly apiKey: string;
  /** HMAC secret. */
  readonly secretKey: string;
  /** With `--ed25519-key-out`: the API key of the Ed25519 account whose private key was written. */
  readonly ed25519ApiKey?: string;
}

/** A bad `simulate` command line; the message names the flag. */
export class SimulateUsageError extends Error {}

/**
 * Reads the `simulate` flags (the arguments after the word `simulate`).
 *
 * @example
 * ```ts
 * parseSimulateArgs(["--port", "7778", "--seed", "42"]); // { kind: "run", options: { port: 7778, seed: 42, … } }
 * parseSimulateArgs(["--help"]).kind; // "help"
 * ```
 */
export function parseSimulateArgs(
  args: readonly string[],
): { kind: "help"; text: string } | { kind: "run"; options: SimulateOptions } {
  let port = 0;
  let seed = 1;
  let walkBps: number | undefined;
  let ed25519KeyOut: string | undefined;
  let hedgeMode = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") return { kind: "help", text: simulateHelpText() };
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith("--")) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new SimulateUsageError(`${name}: a value is required`);
      return next;
    };
    switch (name) {
      case "--port":
        port = integer(name, value(), 0, 65_535);
        break;
      case "--seed":
        seed = integer(name, value(), -(2 ** 31), 2 ** 32 - 1);
        break;
      case "--walk":
        walkBps = integer(name, value(), 1, 10_000);
        break;
      case "--hedge-mode":
        if (eq > 0) throw new SimulateUsageError(`${name}: takes no value`);
        hedgeMode = true;
        break;
      case "--ed25519-key-out": {
        const path = value();
        if (path.length === 0) throw new SimulateUsageError(`${name}: a file path is required`);
        ed25519KeyOut = path;
        break;
      }
      default:
        throw new SimulateUsageError(`${arg}: unknown flag for simulate (see simulate --help)`);
    }
  }
  return { kind: "run", options: { port, seed, walkBps, ed25519KeyOut, hedgeMode } };
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new SimulateUsageError(`${name}: expected a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/**
 * Starts the simulator with fresh keys (and writes the Ed25519 private key file when asked).
 *
 * @example
 * ```ts
 * const { simulator, access } = await startSimulate({ port: 0, seed: 1, walkBps: undefined,
 *   ed25519KeyOut: undefined });
 * console.log(JSON.stringify(access));
 * await simulator.close();
 * ```
 */
export async function startSimulate(
  options: SimulateOptions,
): Promise<{ simulator: Simulator; access: SimulatorAccess }> {
  const apiKey = randomKey();
  const secretKey = randomKey();
  const simOptions: SimulatorOptions = { port: options.port, hmacKeys: [{ apiKey, secretKey }] };
  let ed25519ApiKey: string | undefined;
  let privatePem: string | undefined;
  if (options.ed25519KeyOut !== undefined) {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    privatePem = pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", pair.privateKey));
    const publicKeyPem = pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", pair.publicKey));
    ed25519ApiKey = randomKey();
    simOptions.ed25519Keys = [{ apiKey: ed25519ApiKey, publicKeyPem }];
  }
  simOptions.seed = options.seed;
  if (options.hedgeMode === true) simOptions.dualSidePosition = true;
  if (options.walkBps !== undefined) {
    simOptions.walk = { volatility: options.walkBps / 10_000, intervalMs: 1_000 };
  }
  if (options.ed25519KeyOut !== undefined && privatePem !== undefined) {
    writePrivateKey(options.ed25519KeyOut, privatePem); // before binding: a bad path fails fast
  }
  const simulator = await startSimulator(simOptions);
  const access: SimulatorAccess = {
    wsUrl: simulator.url,
    streamUrl: simulator.streamUrl,
    restUrl: simulator.httpUrl,
    apiKey,
    secretKey,
    ...(ed25519ApiKey === undefined ? {} : { ed25519ApiKey }),
  };
  return { simulator, access };
}

/**
 * The whole `simulate` command: flags, start, the JSON line, signals. Exits 2 on a bad command line, 1 when
 * the simulator cannot start, 0 after a stop signal.
 *
 * @example
 * ```ts
 * import { runtime } from "./process.ts";
 * await runSimulate(runtime, ["--port", "0"]);
 * ```
 */
export async function runSimulate(process: ProcessRuntime, args: readonly string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseSimulateArgs(args);
  } catch (e) {
    if (!(e instanceof SimulateUsageError)) throw e;
    process.writeStderr(`lightning-router simulate: ${e.message}\nSee simulate --help.`);
    return process.exit(2);
  }
  if (parsed.kind === "help") {
    process.writeStdout(parsed.text);
    return process.exit(0);
  }
  process.onFatal((error, kind) => {
    process.writeStderr(`lightning-router simulate: fatal ${kind}: ${describe(error)}`);
    process.exit(1);
  });
  let started;
  try {
    started = await startSimulate(parsed.options);
  } catch (e) {
    process.writeStderr(`lightning-router simulate: cannot start: ${describe(e)}`);
    return process.exit(1);
  }
  const { simulator, access } = started;
  let stoppingAt: number | undefined;
  process.onStopSignal((signal) => {
    if (stoppingAt !== undefined) {
      // Ctrl-C under `deno task` arrives twice (terminal and task runner): only a later one forces the exit.
      if (Date.now() - stoppingAt < 1_000) return;
      return process.exit(1);
    }
    stoppingAt = Date.now();
    process.writeStderr(`lightning-router simulate: ${signal}; stopping`);
    simulator.close().then(() => process.exit(0), () => process.exit(1));
  });
  process.writeStdout(JSON.stringify(access));
  process.writeStderr(
    `lightning-router simulate: exchange simulator on ${access.restUrl} (ws-fapi ${access.wsUrl}); ` +
      `control routes under ${access.restUrl}/sim/; Ctrl-C stops`,
  );
}

function writePrivateKey(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600); // an existing file keeps its old mode on write
  } catch (e) {
    throw new Error(`--ed25519-key-out: cannot write ${path}: ${(e as Error).message}`);
  }
}

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

/** 64 alphanumeric characters, the length of a Binance API key. */
function randomKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(64)), (b) => alphabet[b % 62]).join("");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
