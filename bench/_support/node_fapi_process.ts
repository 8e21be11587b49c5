/**
 * Starts bench/servers/node_ws_fapi_server.mjs (Node + `ws`: a ws-fapi server that is neither our simulator
 * nor our runtime) with the benchmark accounts of bench/_fixtures.ts, and waits for its URL.
 */
import { API_KEY, ED25519_API_KEY, ED25519_PUBLIC_PEM, SECRET_KEY } from "../_fixtures.ts";
import { type Child, spawnChild } from "./children.ts";

/** A running Node ws-fapi server. */
export interface NodeFapiProcess {
  /** `ws://127.0.0.1:PORT/ws-fapi/v1`. */
  readonly url: string;
  readonly child: Child;
  stop(): Promise<void>;
}

/** Starts the server (it exits by itself after `maxSeconds`, default 3600). */
export async function startNodeFapiServer(maxSeconds = 3600): Promise<NodeFapiProcess> {
  const child = spawnChild("node ws-fapi server", "node", ["bench/servers/node_ws_fapi_server.mjs"], {
    env: {
      FAPI_HMAC_API_KEY: API_KEY,
      FAPI_HMAC_SECRET: SECRET_KEY,
      FAPI_ED25519_API_KEY: ED25519_API_KEY,
      FAPI_ED25519_PUBLIC_PEM: ED25519_PUBLIC_PEM,
      BENCH_SERVER_MAX_SECONDS: String(maxSeconds),
    },
  });
  const m = await child.waitForLine(/^FAPI (ws:\/\/\S+)$/m, 30_000);
  return { url: m[1]!, child, stop: () => child.stop() };
}
