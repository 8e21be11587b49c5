/**
 * Builds the running gateway from a {@linkcode Config}: the embedded simulator (when there are no
 * credentials), the router, and the control plane; and takes them down again in order.
 *
 * @module
 */

import { networkInterfaces } from "node:os";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createControlApp } from "../control/app.ts";
import { type ControlServer, serve } from "../control/server.ts";
import { Router, type RouterOptions } from "../router/router.ts";
import { OrderTracker } from "../orders/order_tracker.ts";
import { combineObservers } from "../pipeline/order_observer.ts";
import { journalObserver, OrderJournal } from "../journal/mod.ts";
import { lockDataDir } from "../gateway/data_dir_lock.ts";
import { Reconciler } from "../orders/reconciler.ts";
import { DeadManSwitch } from "../gateway/dead_man_switch.ts";
import { createHmacSigner } from "../signing/hmac_signer.ts";
import { Ed25519Signer } from "../signing/ed25519_signer.ts";
import { type Simulator, startSimulator } from "../sim/mod.ts";
import { banner, type BannerFacts } from "./banner.ts";
import { type Config, isLoopbackHost } from "./config.ts";
import { logRouterEvent } from "./events.ts";
import type { Logger } from "./log.ts";

/**
 * The gateway could not start; the message says what to fix and names the setting when one is at fault.
 *
 * @example
 * ```ts
 * try { await startGateway({ config, log, readTextFile }); } catch (e) { if (e instanceof StartError) exit(1); }
 * ```
 */
export class StartError extends Error {
  override name = "StartError";
}

/** Options for {@linkcode startGateway}. */
export interface GatewayOptions {
  config: Config;
  log: Logger;
  /** Reads the Ed25519 key file. */
  readTextFile: (path: string) => Promise<string>;
}

/** A running gateway. */
export interface Gateway {
  readonly router: Router;
  /** Orders this router placed that are open, pending or unknown. */
  readonly tracker: OrderTracker;
  readonly server: ControlServer;
  /** The embedded simulator, in simulator mode. */
  readonly simulator: Simulator | undefined;
  /** The ws-fapi URL the router talks to. */
  readonly endpoint: string;
  /** The start banner (text block or JSON line). */
  banner(format: "text" | "json"): string;
  /**
   * Graceful stop: halt new orders, stop accepting HTTP, let requests in flight settle (bounded by the
   * request timeout; the router fails the rest), close the exchange socket and the simulator.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the simulator (if needed), connects the router and serves the control plane.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ config, log, readTextFile: runtime.readTextFile });
 * runtime.writeStderr(gateway.banner("text"));
 * await gateway.shutdown();
 * ```
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, log } = options;
  const tracker = new OrderTracker();
  // The journal first: orders a crashed run left behind are known before anything connects.
  let journal: OrderJournal;
  let restored: number;
  // One journal per exchange: a testnet run must not reconcile production orders. The simulator's exchange
  // starts empty every run, so its journal does too.
  const journalDir = join(config.dataDir, config.mode);
  let unlock: () => void;
  try {
    unlock = lockDataDir(journalDir);
    if (config.mode === "simulator") {
      for (const f of readdirSync(journalDir)) {
        if (f !== "router.lock") rmSync(join(journalDir, f), { force: true });
      }
    }
  } catch (e) {
    throw new StartError(`--data-dir / ROUTER_DATA_DIR: ${(e as Error).message}`);
  }
  try {
    const opened = OrderJournal.open({ dir: journalDir });
    journal = opened.journal;
    const { recovery } = opened;
    for (const i of recovery.unresolved) tracker.restore(i.cid, i.method, i.params, i.ts);
    restored = recovery.unresolved.length;
    if (recovery.corrupt.length > 0) {
      const first = recovery.corrupt[0]!;
      log.warn("journal: unreadable records skipped", {
        count: String(recovery.corrupt.length),
        first: `${first.file}:${first.line} ${first.reason}`,
      });
    }
  } catch (e) {
    unlock();
    throw new StartError(`--data-dir / ROUTER_DATA_DIR: ${(e as Error).message}`);
  }
  const routerOptions: RouterOptions = {
    url: config.endpoint ?? "",
    apiKey: "",
    requestTimeoutMs: config.requestTimeoutMs,
    onEvent: (event) => logRouterEvent(log, event),
    observer: combineObservers(tracker, journalObserver(journal)),
  };
  if (config.recvWindow !== undefined) routerOptions.recvWindow = config.recvWindow;

  let simulator: Simulator | undefined;
  let restUrl = config.restUrl;
  /** Signs REST query strings (dead-man's switch): HMAC hex, or Ed25519 base64. */
  let restSign: (query: string) => string | Promise<string>;
  const creds = config.credentials;
  if (creds === undefined) {
    // Fresh random credentials per start: nothing to configure, nothing that could work elsewhere.
    const apiKey = `sim${randomHex(16)}`;
    const secretKey = randomHex(32);
    simulator = await startSimulator({ port: 0, hmacKeys: [{ apiKey, secretKey }] });
    Object.assign(routerOptions, { url: simulator.url, apiKey, secretKey });
    restUrl = simulator.httpUrl;
    const hmac = createHmacSigner(secretKey);
    restSign = (q) => hmac.hex(q);
  } else if (creds.kind === "hmac") {
    Object.assign(routerOptions, { apiKey: creds.apiKey.reveal(), secretKey: creds.secretKey.reveal() });
    const hmac = createHmacSigner(creds.secretKey.reveal());
    restSign = (q) => hmac.hex(q);
  } else {
    routerOptions.apiKey = creds.apiKey.reveal();
    routerOptions.privateKeyPem = await readPrivateKey(creds.privateKeyPath, options.readTextFile);
    const pem = routerOptions.privateKeyPem;
    let ed: Promise<Ed25519Signer> | undefined;
    restSign = async (q) => (await (ed ??= Ed25519Signer.fromPem(pem))).sign(q);
  }

  let router: Router;
  try {
    router = await Router.connect(routerOptions);
  } catch (e) {
    await simulator?.close();
    journal.close();
    unlock();
    throw new StartError(`cannot connect to ${routerOptions.url}: ${(e as Error).message}`);
  }

  // Unknown outcomes (timeouts, drops) are resolved against the exchange in the background, never resent.
  const reconciler = new Reconciler({
    router,
    tracker,
    recvWindowMs: config.recvWindow ?? 5000,
    sink: { resolved: (cid, status, orderId) => journal.appendResolved(cid, status, orderId) },
  });
  reconciler.start();
  if (restored > 0) {
    // Orders from the last run are reconciled before new orders are accepted (cancels still go out).
    const reason = `reconciling ${restored} orders from the journal`;
    router.halt(reason);
    log.info("journal: reconciling orders from the last run", { orders: String(restored) });
    void reconciler.settle(60_000).then((left) => {
      if (left > 0) {
        log.error("journal: orders still unknown; new orders stay halted (POST /resume to override)", {
          unknown: String(left),
        });
      } else if (router.halted === reason) {
        router.resume();
        log.info("journal: reconciled; orders resumed", { reconciled: String(tracker.resolvedTotal) });
      }
    });
  }
  // If the router dies, the exchange's countdown cancels what it left open.
  const deadMan = config.deadManMs === undefined || restUrl === undefined ? undefined : new DeadManSwitch({
    restUrl,
    apiKey: routerOptions.apiKey,
    sign: restSign,
    countdownMs: config.deadManMs,
    symbols: () => tracker.symbols(),
    now: () => Date.now() + router.clockOffsetMs,
    onError: (symbol, error) => log.warn("dead-man's switch refresh failed", { symbol, error }),
  });
  deadMan?.start();

  // The port is known once bound (port 0 = ephemeral); the Host check reads it per request.
  const bound: { port?: number } = {};
  const app = createControlApp({
    router,
    tracker,
    mode: config.mode,
    endpoint: routerOptions.url,
    guard: {
      port: () => bound.port,
      allowedHosts: exposedNames(config.host),
      ...(config.token === undefined ? {} : { token: config.token.reveal() }),
    },
    onNotice: (level, msg, fields) => log[level](msg, fields),
  });
  let server: ControlServer;
  try {
    server = await serve({ hostname: config.host, port: config.port, fetch: app.fetch });
  } catch (e) {
    reconciler.stop();
    await deadMan?.stop();
    await router.close();
    await simulator?.close();
    journal.close();
    unlock();
    throw new StartError(
      `--host/--port: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`,
    );
  }
  bound.port = server.port;

  const facts: BannerFacts = {
    mode: config.mode,
    endpoint: routerOptions.url,
    auth: router.auth,
    controlUrl: server.url,
    tokenRequired: config.token !== undefined,
    dataDir: config.dataDir,
    deadManMs: deadMan === undefined ? null : config.deadManMs ?? null,
    restored,
  };
  let stopping: Promise<void> | undefined;
  return {
    router,
    tracker,
    server,
    simulator,
    endpoint: routerOptions.url,
    banner: (format) => banner(facts, format),
    shutdown: () => {
      reconciler.stop();
      return stopping ??= stop(router, server, simulator, config.requestTimeoutMs + 1000, deadMan).finally(
        () => {
          journal.close();
          unlock();
        },
      );
    },
  };
}

async function stop(
  router: Router,
  server: ControlServer,
  simulator: Simulator | undefined,
  graceMs: number,
  deadMan: DeadManSwitch | undefined,
) {
  router.halt("shutting down");
  const closed = server.close();
  // HTTP requests in progress wait on exchange answers; the router answers or times them out within graceMs.
  const deadline = Date.now() + graceMs;
  while (router.inFlight > 0 && Date.now() < deadline) await delay(10);
  // A clean stop disarms the countdown: orders left open are the operator's choice, not a crash.
  await deadMan?.stop();
  await router.close(); // fails whatever is still in flight: those HTTP requests get their 504/503 now
  await Promise.race([closed, delay(1000)]);
  await simulator?.close();
}

async function readPrivateKey(path: string, read: (path: string) => Promise<string>): Promise<string> {
  let pem: string;
  try {
    pem = await read(path);
  } catch (e) {
    throw new StartError(
      `BINANCE_PRIVATE_KEY_PATH: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`,
    );
  }
  if (!pem.includes("-----BEGIN PRIVATE KEY-----")) {
    throw new StartError(
      `BINANCE_PRIVATE_KEY_PATH: ${
        JSON.stringify(path)
      } is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)`,
    );
  }
  return pem;
}

/**
 * Host names the control plane answers to besides loopback: the bound address, or every interface address
 * when bound to a wildcard (0.0.0.0 / ::). Only reachable with a token (the config refuses otherwise).
 */
function exposedNames(host: string): string[] {
  if (isLoopbackHost(host)) return [];
  if (host !== "0.0.0.0" && host !== "::") return [host];
  try {
    return Object.values(networkInterfaces()).flat().flatMap((i) => (i ? [i.address] : []));
  } catch {
    return []; // no permission to list interfaces: only loopback names then
  }
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
