/**
 * Helpers for the market-model tests: a simulator with a client and a raw user data stream on account A, and
 * decimal arithmetic on the answers' strings (BigInt at 8 places, so no float rounding hides an error).
 *
 * @module
 */

import { type Simulator, type SimulatorOptions, startSimulator } from "../../lib/sim/mod.ts";
import { HMAC_KEYS, type Reply, signHmac, TestClient } from "./_helpers.ts";
import { RawStream, startKey, type StreamEvent, streamPath } from "./_stream.ts";

/** A simulator, a client and account A's stream. */
export interface Market {
  readonly sim: Simulator;
  readonly client: TestClient;
  readonly stream: RawStream;
  /** A request signed by account A at `timestamp` (default Date.now(); pass a manual clock's time). */
  signed(method: string, params?: Record<string, unknown>, timestamp?: number): Promise<Reply>;
  close(): Promise<void>;
}

/** Starts a simulator with `options` (HMAC accounts added), a client and account A's stream. */
export async function openMarket(options: SimulatorOptions = {}): Promise<Market> {
  const sim = await startSimulator({ hmacKeys: HMAC_KEYS, ...options });
  const client = await TestClient.open(sim.url);
  const key = await startKey(client);
  const stream = await RawStream.open(sim.port, streamPath(key));
  return {
    sim,
    client,
    stream,
    signed: (method, params = {}, timestamp) =>
      client.request(
        method,
        timestamp === undefined ? signHmac(params) : signHmac({ ...params, timestamp }),
      ),
    close: async () => {
      stream.destroy();
      await client.close();
      await sim.close();
    },
  };
}

/** `[e, x, X]` of each event. */
export const kinds = (events: StreamEvent[]): unknown[][] => events.map((e) => [e.e, e.o?.x, e.o?.X]);

/** A decimal string as units of 1e-8. */
export function units(text: string): bigint {
  const [whole = "0", frac = ""] = text.split(".");
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "")) * 100_000_000n + BigInt(frac.padEnd(8, "0").slice(0, 8)));
}

/** Units as a decimal string with exactly `decimals` places (truncated). */
export function text(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 100_000_000n;
  const frac = (abs % 100_000_000n).toString().padStart(8, "0").slice(0, decimals);
  return `${negative ? "-" : ""}${whole}${decimals > 0 ? `.${frac}` : ""}`;
}

/** price × qty in units (truncated to 1e-8). */
export const notional = (price: bigint, qty: bigint): bigint => (price * qty) / 100_000_000n;
