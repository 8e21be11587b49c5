/**
 * The gateway's service started in the benchmark's own process, as `main.ts` starts it in custom-endpoint
 * mode (`--ws-url` to the simulator; no user stream), its log dropped: for benchmarks that time stages inside
 * the gateway or read its memory after forced collections.
 */
import { parseConfig } from "../../lib/cli/config.ts";
import { createLogger } from "../../lib/cli/log.ts";
import type { Service, startService } from "../../lib/cli/service.ts";
import { API_KEY, SECRET_KEY } from "../_fixtures.ts";

/**
 * Starts `start` (this tree's `startService`, or another tree's) on port 0 against `simUrl`, its journal in
 * `dataDir`, with `args` added to the command line.
 *
 * @example
 * ```ts
 * import { startService } from "../../lib/cli/service.ts";
 * const service = await startInProcess(startService, "ws://127.0.0.1:9000/ws-fapi/v1", "/tmp/gw", ["--warm-ms", "0"]);
 * await service.shutdown();
 * ```
 */
export async function startInProcess(
  start: typeof startService,
  simUrl: string,
  dataDir: string,
  args: string[] = [],
): Promise<Service> {
  const parsed = parseConfig({
    args: ["--port", "0", "--ws-url", simUrl, "--data-dir", dataDir, ...args],
    env: { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY },
  });
  if (parsed.kind !== "run") throw new Error("startInProcess: expected a run config");
  return await start({
    config: parsed.config,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: () => Promise.reject(new Error("no file")),
  });
}
