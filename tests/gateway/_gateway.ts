/** Test helpers: a gateway on the test simulator's HMAC account, in a fresh data directory. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gateway, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { HMAC_KEY, HMAC_SECRET } from "../router/_harness.ts";

/** A fresh temporary directory named after `prefix`. */
export function tempDir(prefix = "lr-gateway-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Opens a gateway on `sim` with short timeouts and backoffs; `extra` overrides any option. */
export function openGateway(
  sim: Simulator,
  dataDir: string,
  extra: Partial<GatewayOptions> = {},
): Promise<Gateway> {
  return Gateway.open({
    url: sim.url,
    apiKey: HMAC_KEY,
    secretKey: HMAC_SECRET,
    dataDir,
    requestTimeoutMs: 2000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    ...extra,
  });
}
