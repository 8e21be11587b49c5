/**
 * Embedded Binance USDⓈ-M Futures WebSocket API (ws-fapi) simulator for tests and benchmarks: a real RFC 6455
 * server on 127.0.0.1 with Binance's envelopes, signing rules, filters, error codes, rate limits, heartbeat
 * and injectable faults.
 *
 * @example
 * ```ts
 * import { startSimulator } from "./mod.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * console.log(sim.url); // ws://127.0.0.1:PORT/ws-fapi/v1
 * await sim.close();
 * ```
 *
 * @module
 */

export { startSimulator } from "./simulator.ts";
export type {
  BookOptions,
  FundingOptions,
  MarkMoveOptions,
  SimAlgoOrderView,
  SimOrderView,
  Simulator,
  SimulatorClock,
  SimulatorFaults,
  SimulatorOptions,
  SimulatorStats,
  WalkOptions,
} from "./types.ts";
