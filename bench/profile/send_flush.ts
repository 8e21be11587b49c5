/**
 * When does the runtime's `WebSocket.send` reach the wire? A raw floor (pre-built Ed25519-session frames)
 * against the Node ws-fapi server, with 0, 10 and 20 µs of busy JavaScript right after each `send`, in the
 * same turn, interleaved one order at a time. On Deno 2.9 the round trip grows by the full spin: the frame is
 * written only when the turn (microtasks included) is over, so every µs of work after a send — ours or the
 * caller's — is on the wire's path. On Bun 1.4 the write happens inside `send`, and work after it overlaps
 * the wire. Hence the pipeline does all its bookkeeping before `send`.
 *
 * Run: `deno run -A bench/profile/send_flush.ts` or `bun bench/profile/send_flush.ts` (`BENCH_RTT_ORDERS`).
 */
import process from "node:process";
import { startNodeFapiServer } from "../_support/node_fapi_process.ts";
import { rawFloorSocket } from "../_support/raw_floor.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import { quantile } from "../_support/stats.ts";

const SPINS_US = [0, 10, 20];
let spinUs = 0;

/** The runtime's WebSocket, spinning `spinUs` after each send. */
class SpinningWebSocket extends globalThis.WebSocket {
  override send(data: string | BufferSource | Blob): void {
    super.send(data);
    const until = performance.now() + spinUs / 1000;
    while (performance.now() < until) { /* busy, as synchronous work after a send would be */ }
  }
}
globalThis.WebSocket = SpinningWebSocket as typeof WebSocket;

const server = await startNodeFapiServer(300);
const floor = await rawFloorSocket(server.url, "ed25519-session");
const orders = Number(process.env.BENCH_RTT_ORDERS ?? 3000);
const samples = SPINS_US.map(() => new Float64Array(orders));
for (let i = 0; i < 1000; i++) {
  floor.prepare(1);
  await floor.once();
}
for (let i = 0; i < orders; i++) {
  for (let k = 0; k < SPINS_US.length; k++) {
    spinUs = SPINS_US[(k + i) % SPINS_US.length]!;
    floor.prepare(1);
    const t0 = performance.now();
    await floor.once();
    samples[SPINS_US.indexOf(spinUs)]![i] = (performance.now() - t0) * 1000;
  }
}
console.log(`\n${runtimeLabel()}: raw floor RTT with busy work right after send (medians, µs, n=${orders})`);
for (let k = 0; k < SPINS_US.length; k++) {
  console.log(
    `  ${String(SPINS_US[k]).padStart(2)} µs after send: ${quantile(samples[k]!.sort(), 0.5).toFixed(1)}`,
  );
}
floor.close();
await server.stop();
process.exit(0);
