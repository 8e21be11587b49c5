/**
 * `startSimulator`: wires the shared state, the WebSocket server (127.0.0.1 only), the ws-fapi sessions and the
 * user data stream (`/private/ws`, user_stream.ts), the mark price stream (`/market/ws/…`, market_stream.ts) together, and exposes the harness controls (faults, mark
 * prices and the mark walk, shutdown notices, drops, listenKey expiry, inspection).
 *
 * @module
 */

import { SimCore } from "./core.ts";
import { parseDecimal } from "./decimal.ts";
import { MarkWalk } from "./mark_walk.ts";
import { MarkPriceStreams, parseMarketTarget } from "./market_stream.ts";
import { orderView } from "./orders.ts";
import { handleRest } from "./rest.ts";
import { Session } from "./session.ts";
import { formatPrice } from "./stream_events.ts";
import type {
  MarkMoveOptions,
  SimAlgoOrderView,
  SimOrderView,
  Simulator,
  SimulatorFaults,
  SimulatorOptions,
  SimulatorStats,
  WalkOptions,
} from "./types.ts";
import { parseStreamTarget } from "./user_stream.ts";
import { WsServer } from "./_ws_server.ts";

const HOST = "127.0.0.1";
const WS_PATH = "/ws-fapi/v1";
const MAX_MESSAGE_BYTES = 1024 * 1024;
const NOT_FOUND = { status: 404, body: '{"code":-1,"msg":"not found"}' };

class RunningSimulator implements Simulator {
  readonly url: string;
  readonly httpUrl: string;
  readonly port: number;
  readonly streamUrl: string;
  readonly #core: SimCore;
  readonly #server: WsServer;
  readonly #sessions: Set<Session>;
  #walk: MarkWalk | undefined;
  readonly #makeWalk: (options: WalkOptions) => MarkWalk;
  readonly #market: MarkPriceStreams;
  #closing: Promise<void> | undefined;

  constructor(
    core: SimCore,
    server: WsServer,
    sessions: Set<Session>,
    walk: MarkWalk | undefined,
    market: MarkPriceStreams,
    makeWalk: (options: WalkOptions) => MarkWalk,
  ) {
    this.#market = market;
    this.#makeWalk = makeWalk;
    this.#core = core;
    this.#server = server;
    this.#sessions = sessions;
    this.#walk = walk;
    this.port = server.port;
    this.url = `ws://${HOST}:${server.port}${WS_PATH}`;
    this.httpUrl = `http://${HOST}:${server.port}`;
    this.streamUrl = `ws://${HOST}:${server.port}`;
  }

  setFaults(faults: SimulatorFaults): void {
    this.#core.faults.set(faults);
  }

  faults(): SimulatorFaults {
    return this.#core.faults.current;
  }

  setWalk(walk: WalkOptions | undefined): void {
    const next = walk === undefined ? undefined : this.#makeWalk(walk); // bad options throw before the swap
    this.#walk?.stop();
    this.#walk = next;
  }

  setMarkPrice(symbol: string, price: string, options: MarkMoveOptions = {}): void {
    const spec = this.#core.specs.get(symbol);
    if (spec === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    const parsed = parseDecimal(price);
    if (parsed === undefined || parsed.decimals > 8 || parsed.units <= 0n) {
      throw new RangeError(`invalid price ${price}`);
    }
    let fillQty: bigint | undefined;
    if (options.fillQty !== undefined) {
      const qty = parseDecimal(options.fillQty);
      if (qty === undefined || qty.decimals > spec.quantityPrecision || qty.units <= 0n) {
        throw new RangeError(`invalid fillQty ${options.fillQty}`);
      }
      fillQty = qty.units;
    }
    this.#core.moveMark(symbol, parsed.units, fillQty);
    this.#market.publish();
  }

  markPrice(symbol: string): string {
    const spec = this.#core.specs.get(symbol);
    if (spec === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    return formatPrice(this.#core.exchange.marks.get(symbol) ?? 0n, spec.pricePrecision);
  }

  marks(): Record<string, string> {
    const marks: Record<string, string> = {};
    for (const symbol of this.#core.specs.keys()) marks[symbol] = this.markPrice(symbol);
    return marks;
  }

  dropStreams(): void {
    this.#core.streams.dropAll();
  }

  expireListenKeys(): void {
    this.#core.streams.expireAll();
  }

  sendShutdownNotice(): void {
    const text = JSON.stringify({ event: { e: "serverShutdown", E: this.#core.now() } });
    for (const session of this.#sessions) session.sendEvent(text);
  }

  dropConnections(): void {
    for (const session of [...this.#sessions]) session.destroy();
  }

  orders(): SimOrderView[] {
    return this.#core.exchange.all.map(orderView);
  }

  algoOrders(): SimAlgoOrderView[] {
    return this.#core.algo.views();
  }

  stats(): SimulatorStats {
    return { ...this.#core.stats };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#core.countdowns.clear();
      this.#walk?.stop();
      this.#core.funding?.stop();
      this.#core.streams.close();
      this.#market.close();
      for (const session of [...this.#sessions]) session.destroy();
      await this.#server.close();
    })();
    return this.#closing;
  }
}

/**
 * Starts a simulator on 127.0.0.1 (an ephemeral port unless `options.port` is set).
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * const ws = new WebSocket(sim.url); // ws://127.0.0.1:PORT/ws-fapi/v1
 * // … send signed order.place requests …
 * ws.close();
 * await sim.close();
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const core = await SimCore.create(options);
  const sessions = new Set<Session>();
  const market = new MarkPriceStreams(core);
  // Built first so bad walk options throw before the port is bound; the first step is a whole interval away.
  const makeWalk = (walkOptions: WalkOptions) =>
    new MarkWalk(
      walkOptions,
      core.options.seed,
      core.clock,
      core.specs,
      core.exchange.marks,
      (symbol, mark, fillQty) => {
        core.moveMark(symbol, mark, fillQty);
        market.publish();
      },
    );
  const walk = options.walk === undefined ? undefined : makeWalk(options.walk);
  // The /sim/* control routes (rest_control.ts) act on the running simulator, which exists once bound.
  const control: { simulator?: Simulator } = {};
  const server = await WsServer.listen({
    port: core.options.port,
    host: HOST,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    vetUpgrade: (info) => {
      if (info.path === WS_PATH) return undefined;
      if (parseMarketTarget(info.path, info.query) !== undefined) return undefined;
      const target = parseStreamTarget(info.path, info.query);
      return target === undefined ? NOT_FOUND : core.streams.refusal(target);
    },
    onConnection: (connection, info) => {
      const stream = info.path === WS_PATH ? undefined : parseStreamTarget(info.path, info.query);
      if (stream !== undefined) return core.streams.attach(connection, stream);
      const marketTarget = parseMarketTarget(info.path, info.query);
      if (marketTarget !== undefined) return market.attach(connection, marketTarget);
      const returnRateLimits = !/(?:^|&)returnRateLimits=false(?:&|$)/.test(info.query);
      const session = new Session(core, connection, {
        returnRateLimits,
        onClosed: (s) => sessions.delete(s),
      });
      sessions.add(session);
      return session.handlers();
    },
    onHttp: (request) => handleRest(core, request, control.simulator),
  }).catch((error: unknown) => {
    walk?.stop();
    core.funding?.stop();
    throw error;
  });
  control.simulator = new RunningSimulator(core, server, sessions, walk, market, makeWalk);
  return control.simulator;
}
