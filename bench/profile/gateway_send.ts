/**
 * How long the library `Gateway` (journal, order tracker, pre-trade check) takes from a `placeOrder` call to
 * its `WebSocket.send`, and the whole round trip, against the simulator in its own process: what runs before
 * the frame is handed to the socket. On Bun `send` writes the frame; on Deno the frame leaves once the turn is
 * over, so there the time to `send` is not the time to the wire. Rounds of 100 IOC orders; with
 * `BENCH_COMPARE_LIB=<other tree>/lib`, that tree's gateway takes every other round (a before/after in one
 * process). Medians in µs, the first 4 rounds left out.
 *
 * Run: `deno run -A bench/profile/gateway_send.ts` or `bun bench/profile/gateway_send.ts`
 * (`BENCH_SEND_ROUNDS`, default 40).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Gateway } from "../../lib/gateway/gateway.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "../_fixtures.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import { startSimProcess } from "../_support/sim_process.ts";

const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const ROUNDS = Number(process.env.BENCH_SEND_ROUNDS ?? 40);
const SKIP = 4;

// Every WebSocket's `send` stamps the time it was entered.
let sentAt = 0;
const proto = WebSocket.prototype;
const send = proto.send;
proto.send = function (this: WebSocket, data: Parameters<WebSocket["send"]>[0]) {
  sentAt = performance.now();
  return send.call(this, data);
};

const sim = await startSimProcess();
const dirs: string[] = [];
async function open(G: typeof Gateway): Promise<Gateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "lightning-bench-send-"));
  dirs.push(dataDir);
  return await G.open({
    url: sim.url,
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    dataDir,
    requestTimeoutMs: 5000,
  });
}
const compareLib = process.env.BENCH_COMPARE_LIB;
const gateways = [{ label: "this tree", gateway: await open(Gateway) }];
if (compareLib !== undefined) {
  const other = await import(join(compareLib, "gateway/gateway.ts")) as { Gateway: typeof Gateway };
  gateways.push({ label: compareLib, gateway: await open(other.Gateway) });
}
const toSend = gateways.map(() => [] as number[]);
const roundTrip = gateways.map(() => [] as number[]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < gateways.length; turn++) {
      const k = (round + turn) % gateways.length;
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        const answered = gateways[k]!.gateway.router.placeOrder(ORDER);
        const send = sentAt - t0;
        await answered;
        if (round < SKIP) continue;
        toSend[k]!.push(send * 1000);
        roundTrip[k]!.push((performance.now() - t0) * 1000);
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(1);
  console.log(`gateway placeOrder, ${runtimeLabel()}, µs median (${toSend[0]!.length} orders each)`);
  gateways.forEach((g, k) => {
    console.log(`${g.label}: call → send ${median(toSend[k]!)}, round trip ${median(roundTrip[k]!)}`);
  });
} finally {
  for (const g of gateways) await g.gateway.close();
  await sim.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
