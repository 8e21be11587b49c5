/**
 * `startSimulator`: wires the shared state, the WebSocket server (127.0.0.1 only) and the sessions together,
 * and exposes the harness controls (faults, mark prices, shutdown notices, drops, inspection).
 *
 * @module
 */

import { SimCore } from "./core.ts";
import { parseDecimal } from "./decimal.ts";
import { orderView } from "./orders.ts";
import { handleRest } from "./rest.ts";
import { Session } from "./session.ts";
import type {
  SimAlgoOrderView,
  SimOrderView,
  Simulator,
  SimulatorFaults,
  SimulatorOptions,
  SimulatorStats,
} from "./types.ts";
import { WsServer } from "./_ws_server.ts";

const HOST = "127.0.0.1";
const WS_PATH = "/ws-fapi/v1";
const MAX_MESSAGE_BYTES = 1024 * 1024;

class RunningSimulator implements Simulator {
  readonly url: string;
  readonly httpUrl: string;
  readonly port: number;
  readonly #core: SimCore;
  readonly #server: WsServer;
  readonly #sessions: Set<Session>;
  #closing: Promise<void> | undefined;

  constructor(core: SimCore, server: WsServer, sessions: Set<Session>) {
    this.#core = core;
    this.#server = server;
    this.#sessions = sessions;
    this.port = server.port;
    this.url = `ws://${HOST}:${server.port}${WS_PATH}`;
    this.httpUrl = `http://${HOST}:${server.port}`;
  }

  setFaults(faults: SimulatorFaults): void {
    this.#core.faults.set(faults);
  }

  setMarkPrice(symbol: string, price: string): void {
    if (!this.#core.specs.has(symbol)) throw new RangeError(`unknown symbol ${symbol}`);
    const parsed = parseDecimal(price);
    if (parsed === undefined || parsed.decimals > 8 || parsed.units <= 0n) {
      throw new RangeError(`invalid price ${price}`);
    }
    this.#core.exchange.setMark(symbol, parsed.units, this.#core.now());
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
  const server = await WsServer.listen({
    port: core.options.port,
    host: HOST,
    wsPath: WS_PATH,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    onConnection: (connection, info) => {
      const returnRateLimits = !/(?:^|&)returnRateLimits=false(?:&|$)/.test(info.query);
      const session = new Session(core, connection, {
        returnRateLimits,
        onClosed: (s) => sessions.delete(s),
      });
      sessions.add(session);
      return session.handlers();
    },
    onHttp: (request) => handleRest(core, request),
  });
  return new RunningSimulator(core, server, sessions);
}
