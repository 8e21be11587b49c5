/**
 * Starts the bridge floor (`bench/servers/bridge_floor_server.ts`): a plain HTTP → ws-fapi bridge of none of
 * this project's code, in its own process of this runtime, to the exchange at `wsUrl`.
 *
 * @module
 */
import { type Child, runtimeCommand, spawnChild } from "./children.ts";
import { runtimeName } from "./runtime.ts";

/**
 * Starts the bridge floor against `wsUrl`, with runtime `flags` (e.g. Deno's `--v8-flags=…`); resolves with its
 * process and base URL once it listens.
 *
 * @example
 * ```ts
 * const bridge = await startBridgeFloor("ws://127.0.0.1:9000/ws-fapi/v1");
 * await bridge.child.stop();
 * ```
 */
export async function startBridgeFloor(
  wsUrl: string,
  flags: string[] = [],
): Promise<{ child: Child; url: string }> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const [cmd, args] = runtimeCommand(runtime, "bench/servers/bridge_floor_server.ts", flags);
  const child = spawnChild(`bridge floor (${runtime})`, cmd, args, { env: { BRIDGE_WS_URL: wsUrl } });
  const m = await child.waitForLine(/^BRIDGE_FLOOR (http:\/\/127\.0\.0\.1:\d+)$/m, 30_000);
  return { child, url: m[1]! };
}
