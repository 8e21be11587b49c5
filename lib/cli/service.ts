/**
 * The running service behind the CLI: the embedded simulator (when there are no credentials), the library
 * {@linkcode Gateway} (router, journal, reconciler, kill switch, dead-man's switch), and the control plane
 * over it; and takes them down again in order. Everything durable lives in the gateway; this file only turns
 * a {@linkcode Config} into its options and names the setting at fault when something cannot start.
 *
 * @module
 */

import { createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { createControlApp } from "../control/app.ts";
import { DeferredLane, orderLaneOf, warmOrderLane } from "../control/order_lane.ts";
import { warmLocalSocket } from "../control/local_socket.ts";
import { hiddenKey } from "../control/json_keys.ts";
import { type ControlServer, serve } from "../control/server.ts";
import { StartingPlane } from "../control/starting.ts";
import { LOOPBACK_NAMES } from "../control/guard.ts";
import { ConnectError, CredentialsError, DataDirError } from "../errors.ts";
import { Gateway, type GatewayOptions } from "../gateway/gateway.ts";
import { Ed25519Signer } from "../signing/ed25519_signer.ts";
import { type Monitor, startMonitor } from "../monitor/monitor.ts";
import type { OrderTracker } from "../orders/order_tracker.ts";
import type { Router } from "../router/router.ts";
import type { Simulator } from "../sim/mod.ts";
import { banner, type BannerFacts } from "./banner.ts";
import { type Config, ConfigError, isLoopbackHost } from "./config.ts";
import { logGatewayEvent } from "./events.ts";
import { parseRiskLimits } from "../risk/risk_schema.ts";
import type { Logger } from "./log.ts";

/**
 * The service could not start; the message says what to fix and names the setting when one is at fault.
 *
 * @example
 * ```ts
 * import type { Config } from "./config.ts";
 * import type { Logger } from "./log.ts";
 * import { runtime } from "./process.ts";
 * declare const config: Config;
 * declare const log: Logger;
 * try {
 *   await startService({ config, log, readTextFile: runtime.readTextFile });
 * } catch (e) {
 *   if (e instanceof StartError) runtime.exit(1);
 * }
 * ```
 */
export class StartError extends Error {
  override name = "StartError";
}

/** Options for {@linkcode startService}. */
export interface ServiceOptions {
  config: Config;
  log: Logger;
  /** Reads the Ed25519 key file. */
  readTextFile: (path: string) => Promise<string>;
  /** Waits `ms` (default a timer): the wait for an IP ban's end at start. */
  sleep?: (ms: number) => Promise<void>;
}

/** A running service. */
export interface Service {
  /** The durable gateway the control plane drives. */
  readonly gateway: Gateway;
  /** The gateway's router. */
  readonly router: Router;
  /** The gateway's order tracker. */
  readonly tracker: OrderTracker;
  readonly server: ControlServer;
  /** The monitor port (`--monitor-port`), when on. */
  readonly monitor: Monitor | undefined;
  /** The embedded simulator, in simulator mode. */
  readonly simulator: Simulator | undefined;
  /** The ws-fapi URL the router talks to. */
  readonly endpoint: string;
  /** The start banner (text block or JSON line). */
  banner(format: "text" | "json"): string;
  /**
   * Graceful stop: hold new orders, stop accepting HTTP, let requests in flight settle (bounded by the
   * request timeout; the router fails the rest), close the gateway and the simulator.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the simulator (if needed), opens the gateway and serves the control plane.
 *
 * @example
 * ```ts
 * import type { Config } from "./config.ts";
 * import type { Logger } from "./log.ts";
 * import { runtime } from "./process.ts";
 * declare const config: Config;
 * declare const log: Logger;
 * const service = await startService({ config, log, readTextFile: runtime.readTextFile });
 * runtime.writeStderr(service.banner("text"));
 * await service.shutdown();
 * ```
 */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, log } = options;
  const gatewayOptions: GatewayOptions = {
    url: config.endpoint ?? "",
    apiKey: "",
    // One journal per exchange: a testnet run must not reconcile production orders.
    dataDir: join(config.dataDir, config.mode),
    requestTimeoutMs: config.requestTimeoutMs,
    onEvent: (event) => logGatewayEvent(log, event),
  };
  if (config.recvWindow !== undefined) gatewayOptions.recvWindow = config.recvWindow;
  if (config.deadManMs !== undefined) gatewayOptions.deadManMs = config.deadManMs;
  gatewayOptions.auditIntervalMs = config.auditIntervalMs;
  gatewayOptions.history = config.history;
  gatewayOptions.warmMs = config.warmMs;
  if (config.journalMapped) gatewayOptions.journalMapped = true;
  if (config.restUrl !== undefined) gatewayOptions.restUrl = config.restUrl;
  if (config.streamUrl !== undefined) gatewayOptions.streamUrl = config.streamUrl;

  // A bad risk file stops the start, naming the JSON path of the bad field, before anything is opened.
  if (config.riskFile !== undefined) {
    gatewayOptions.risk = await readRiskFile(config.riskFile, options.readTextFile);
  }

  // A key file that cannot be read is a configuration error: reported before anything is bound or opened.
  const creds = config.credentials;
  const privateKeyPem = creds?.kind === "ed25519"
    ? await readPrivateKey(creds.privateKeyPath, options.readTextFile)
    : undefined;

  // Bind first: a busy port must fail before anything connects to the exchange (or starts a simulator).
  // Until the gateway is up, every request is answered 503 "starting", but a halt: taken, applied at open.
  const listening: { port?: number } = {};
  const startingPlane = new StartingPlane({
    port: () => listening.port,
    allowedHosts: exposedNames(config.host),
    ...(config.token === undefined ? {} : { token: config.token.reveal() }),
  });
  let handle: (request: Request) => Response | Promise<Response> = startingPlane.fetch;
  // The app's raw order lane, once there is an app (until then the order routes answer "starting" too).
  const lane = new DeferredLane();
  let server: ControlServer;
  try {
    server = await serve({
      hostname: config.host,
      port: config.port,
      fetch: (request) => handle(request),
      lane,
      onNotice: (msg, fields) => log.warn(msg, fields),
    });
  } catch (e) {
    throw new StartError(
      `--host/--port: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`,
    );
  }
  listening.port = server.port;
  // The monitor's port is bound once the gateway is up (it serves the gateway's state); one in use must stop
  // the start before the gateway connects, adopts and reconciles for nothing.
  if (config.monitorPort !== undefined && config.monitorPort !== 0) {
    const busy = await listenProblem(config.host, config.monitorPort);
    if (busy !== undefined) {
      await server.close();
      throw new StartError(`--monitor-port: cannot listen on ${config.host}:${config.monitorPort}: ${busy}`);
    }
  }

  let simulator: Simulator | undefined;
  let simulatorKeys: { apiKey: string; secretKey: string } | undefined;
  if (creds === undefined) {
    // Fresh random credentials per start: nothing to configure, nothing that could work elsewhere.
    const apiKey = `sim${randomHex(16)}`;
    const secretKey = randomHex(32);
    try {
      // Loaded only here: with credentials, on Bun, the simulator's code (2–3 MB of RSS) never loads.
      const { startSimulator } = await import("../sim/mod.ts");
      simulator = await startSimulator({ port: 0, hmacKeys: [{ apiKey, secretKey }] });
      simulatorKeys = { apiKey, secretKey };
    } catch (e) {
      await server.close();
      throw e;
    }
    Object.assign(gatewayOptions, {
      url: simulator.url,
      apiKey,
      secretKey,
      restUrl: simulator.httpUrl,
      streamUrl: simulator.streamUrl,
    });
    // The simulator's exchange starts empty every run, so its journal does too.
    gatewayOptions.discardJournal = true;
  } else if (creds.kind === "hmac") {
    Object.assign(gatewayOptions, { apiKey: creds.apiKey.reveal(), secretKey: creds.secretKey.reveal() });
  } else {
    gatewayOptions.apiKey = creds.apiKey.reveal();
    gatewayOptions.privateKeyPem = privateKeyPem!;
  }

  let gateway: Gateway;
  try {
    gateway = await openPastBans(gatewayOptions, log, options.sleep ?? delay, (until) => {
      startingPlane.waitForBan(until);
    });
  } catch (e) {
    await server.close();
    await simulator?.close();
    if (e instanceof DataDirError) throw new StartError(`--data-dir / ROUTER_DATA_DIR: ${e.message}`);
    if (e instanceof ConnectError) {
      // A refused key is not a connection problem: its message says what to check on its own.
      const refused = e instanceof CredentialsError;
      // The connection's own messages already name the (credential-free) URL: do not say it twice.
      const named = e.message.includes(new URL(gatewayOptions.url).host);
      throw new StartError(
        refused || named ? e.message : `cannot connect to ${gatewayOptions.url}: ${e.message}`,
      );
    }
    throw e;
  }
  const { router, tracker } = gateway;
  // Halts asked for while starting: applied before the order routes open (nothing could go out meanwhile).
  for (const halt of startingPlane.halts) {
    const report = await gateway.halt(halt.reason, { flatten: halt.flatten });
    log.warn("halt asked for while starting, applied", {
      reason: halt.reason,
      canceled: report.canceled.length,
      failed: report.failed.length,
    });
  }

  // Started once the app exists (it answers the monitor's other reads); `/health` reads its state.
  let monitor: Monitor | undefined;
  // The port is known once bound (port 0 = ephemeral); the Host check reads it per request.
  const bound = { port: server.port };
  // Ends the open `/events` streams at shutdown, so closing the server does not wait on them.
  const streams = new AbortController();
  const app = createControlApp({
    signal: streams.signal,
    router,
    tracker,
    account: gateway.account,
    userStream: gateway.userStream,
    simulator,
    risk: router.preTrade,
    mode: config.mode,
    endpoint: gatewayOptions.url,
    guard: {
      port: () => bound.port,
      allowedHosts: exposedNames(config.host),
      ...(config.token === undefined ? {} : { token: config.token.reveal() }),
    },
    onNotice: (level, msg, fields) => log[level](msg, fields),
    journalHealth: gateway.journalHealth,
    deadMan: gateway.deadMan,
    audit: gateway.audit,
    ...(config.monitorPort === undefined ? {} : { monitor: () => monitor?.health() ?? { state: "off" } }),
  });
  handle = app.fetch;
  lane.target = orderLaneOf(app);
  gateway.warmer?.add(() => warmOrderLane(server));
  gateway.warmer?.add(warmLocalSocket);

  if (config.monitorPort !== undefined) {
    try {
      monitor = await startMonitor({
        hostname: config.host,
        port: config.monitorPort,
        nice: config.monitorNice,
        allowedHosts: exposedNames(config.host),
        ...(config.token === undefined ? {} : { token: config.token.reveal() }),
        tracker,
        events: gateway.account.events,
        eventCapacity: config.history,
        fetch: app.fetch,
        onNotice: (level, msg, fields) => log[level](msg, fields),
      });
    } catch (e) {
      await stop(gateway, server, simulator, streams, undefined);
      throw new StartError(
        `--monitor-port: cannot listen on ${config.host}:${config.monitorPort}: ${(e as Error).message}`,
      );
    }
  }

  const facts: BannerFacts = {
    mode: config.mode,
    endpoint: gatewayOptions.url,
    auth: router.auth,
    controlUrl: server.url,
    ...(monitor === undefined ? {} : { monitorUrl: monitor.url }),
    tokenRequired: config.token !== undefined,
    dataDir: config.dataDir,
    deadManMs: gateway.deadManMs ?? null,
    auditIntervalMs: gateway.audit?.health().intervalMs ?? null,
    restored: gateway.restored,
    userStream: gatewayOptions.streamUrl ?? null,
  };
  // Simulator mode: show the simulator's URLs and generated keys so other clients can share the exchange.
  if (simulator !== undefined && simulatorKeys !== undefined) {
    facts.simulatorAccess = {
      wsUrl: simulator.url,
      streamUrl: simulator.streamUrl,
      restUrl: simulator.httpUrl,
      ...simulatorKeys,
    };
  }
  let stopping: Promise<void> | undefined;
  return {
    gateway,
    router,
    tracker,
    server,
    simulator,
    endpoint: gatewayOptions.url,
    banner: (format) => banner(facts, format),
    monitor,
    shutdown: () => stopping ??= stop(gateway, server, simulator, streams, monitor),
  };
}

async function stop(
  gateway: Gateway,
  server: ControlServer,
  simulator: Simulator | undefined,
  streams: AbortController,
  monitor: Monitor | undefined,
) {
  // Holds new orders at once (synchronously); HTTP requests in progress then wait on exchange answers, which
  // the router gives or times out within the request timeout.
  const closing = gateway.close();
  streams.abort();
  const closed = server.close();
  await monitor?.close();
  await closing; // fails whatever is still in flight: those HTTP requests get their 504/503 now
  await Promise.race([closed, delay(1000)]);
  await simulator?.close();
}

/**
 * The risk file named by `--risk`, read and validated. Its faults are configuration errors (exit 2, as a bad
 * flag): the file is part of the configuration, and a service manager should not restart into the same fault.
 */
async function readRiskFile(
  path: string,
  read: (path: string) => Promise<string>,
): Promise<NonNullable<GatewayOptions["risk"]>> {
  const fault = (what: string) =>
    new ConfigError([`--risk / ROUTER_RISK_FILE: ${JSON.stringify(path)}${what}`]);
  let text: string;
  try {
    text = await read(path);
  } catch (e) {
    throw fault(`: cannot read it: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fault(` is not JSON: ${(e as Error).message}`);
  }
  const hidden = hiddenKey(text, json); // a key given twice: the parse would keep the last without a word
  if (hidden !== undefined) throw fault(`: ${hidden}`);
  try {
    return parseRiskLimits(json);
  } catch (e) {
    throw fault(`: ${(e as Error).message}`);
  }
}

/** The Ed25519 key file named by `--private-key-path`: its faults are configuration errors, as the risk file's. */
async function readPrivateKey(path: string, read: (path: string) => Promise<string>): Promise<string> {
  const fault = (what: string) =>
    new ConfigError([`--private-key-path / BINANCE_PRIVATE_KEY_PATH: ${JSON.stringify(path)}${what}`]);
  let pem: string;
  try {
    pem = await read(path);
  } catch (e) {
    throw fault(`: cannot read it: ${(e as Error).message}`);
  }
  if (!pem.includes("-----BEGIN PRIVATE KEY-----")) {
    throw fault(" is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
  }
  // Imported once here: a P-256 or RSA key, or a damaged body, is the file's fault (exit 2, no restart loop),
  // not a failed connection.
  try {
    await Ed25519Signer.fromPem(pem);
  } catch (e) {
    throw fault(`: ${(e as Error).message.replace(/^Ed25519 key: /, "")}`);
  }
  return pem;
}

/**
 * Host names the control plane answers to besides the usual loopback names: the bound address, or every
 * interface address when bound to a wildcard (0.0.0.0 / ::). Beyond loopback only reachable with a token (the
 * config refuses otherwise).
 */
function exposedNames(host: string): string[] {
  // Another loopback address (127.0.0.2): still no token needed, but it is the name clients use.
  if (isLoopbackHost(host)) return LOOPBACK_NAMES.includes(host) ? [] : [host];
  if (host !== "0.0.0.0" && host !== "::") return [host];
  try {
    return Object.values(networkInterfaces()).flat().flatMap((i) => (i ? [i.address] : []));
  } catch {
    return []; // no permission to list interfaces: only loopback names then
  }
}

/** Why `host:port` cannot be listened on now (in use, no permission), or undefined when it can. */
function listenProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (e) => resolve((e as Error).message));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/** The answer while the gateway is still opening (the port is bound before it connects). */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * Opens the gateway; when the exchange has banned this IP (418, "banned until T"), waits until T and tries
 * again, instead of failing the start: a service manager restarting into the ban every few seconds would
 * send more requests into it, and Binance lengthens the bans of an IP that keeps asking. A stop signal
 * meanwhile exits as usual.
 */
async function openPastBans(
  options: GatewayOptions,
  log: Logger,
  sleep: (ms: number) => Promise<void>,
  onWait: (until: number) => void,
): Promise<Gateway> {
  for (;;) {
    try {
      return await Gateway.open(options);
    } catch (e) {
      const until = bannedUntil(e);
      if (until === undefined) throw e;
      onWait(until);
      log.warn("the exchange has banned this IP (418); waiting for the ban to end before connecting again", {
        until: new Date(until).toISOString(),
      });
      await sleep(Math.max(1000, until - Date.now() + 1000)); // a second past it: the clocks differ a little
    }
  }
}

/** The end (exchange ms) of an IP ban `error` (or its causes) names, if it names one. */
function bannedUntil(error: unknown): number | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const until = /banned until (\d{12,})/.exec(e.message);
    if (until !== null) return Number(until[1]);
  }
  return undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
