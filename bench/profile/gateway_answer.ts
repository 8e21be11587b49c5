/**
 * How long the gateway takes from the exchange's answer to writing the trader's: from the ack frame's
 * `message` event on the router's WebSocket to the control plane's first socket write after it (the HTTP
 * answer, or the local socket's answer frame). The service runs in this process as `main.ts` runs it
 * (custom-endpoint mode against the simulator in its own process); the client is this process too, and only
 * waits while that stretch runs, which is one turn of the event loop and its microtasks. Rounds of 100 IOC
 * orders over HTTP and 100 over the local socket; with `BENCH_COMPARE_LIB=<other tree>/lib`, that tree's
 * service takes every other round (a before/after in one process). Medians in µs, the first 4 rounds left
 * out.
 *
 * Run: `deno run -A bench/profile/gateway_answer.ts` or `bun bench/profile/gateway_answer.ts`
 * (`BENCH_ANSWER_ROUNDS`, default 40).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseConfig } from "../../lib/cli/config.ts";
import { createLogger } from "../../lib/cli/log.ts";
import type { Service, startService } from "../../lib/cli/service.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "../_fixtures.ts";
import { LocalSocketClient, postOrder } from "../_support/gateway_process.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import { startSimProcess } from "../_support/sim_process.ts";

const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);
const ROUNDS = Number(process.env.BENCH_ANSWER_ROUNDS ?? 40);
const SKIP = 4;

const sim = await startSimProcess();

// The router's socket stamps each message event; the first control-plane write after it ends the stretch.
let frameAt = 0;
let answerAt = 0;
class StampingWebSocket extends globalThis.WebSocket {
  override set onmessage(handler: ((e: MessageEvent) => void) | null) {
    const toSim = this.url.startsWith(sim.url.slice(0, sim.url.indexOf("/", 8)));
    super.onmessage = handler === null || !toSim ? handler : (e: MessageEvent) => {
      frameAt = performance.now();
      answerAt = 0;
      handler(e);
    };
  }
  override get onmessage(): ((e: MessageEvent) => void) | null {
    return super.onmessage;
  }
}
globalThis.WebSocket = StampingWebSocket as typeof WebSocket;

/** Patches the write of the runtime's server-side TCP sockets (the control plane's transport). */
async function stampServerWrites(): Promise<void> {
  const stamp = (original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      if (answerAt === 0 && frameAt !== 0) answerAt = performance.now();
      return original.apply(this, args);
    };
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun !== undefined) {
    // One accepted socket gives the prototype every accepted socket shares.
    const proto = await new Promise<Record<string, unknown>>((resolve) => {
      const listener = g.Bun.listen({
        hostname: "127.0.0.1",
        port: 0,
        socket: {
          open(s: object) {
            resolve(Object.getPrototypeOf(s));
            listener.stop(true);
          },
          data() {},
        },
      });
      connect(listener.port, "127.0.0.1").on("error", () => {});
    });
    proto.write = stamp(proto.write as never);
    return;
  }
  const listener = g.Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [server, client] = await Promise.all([
    listener.accept(),
    g.Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
  ]);
  const proto = Object.getPrototypeOf(server);
  proto.write = stamp(proto.write);
  server.close();
  client.close();
  listener.close();
}
await stampServerWrites();

const dirs: string[] = [];
async function open(start: typeof startService): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), "lightning-bench-answer-"));
  dirs.push(dataDir);
  const parsed = parseConfig({
    args: ["--port", "0", "--ws-url", sim.url, "--data-dir", dataDir],
    env: { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY },
  });
  if (parsed.kind !== "run") throw new Error("expected a run config");
  return await start({
    config: parsed.config,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: () => Promise.reject(new Error("no file")),
  });
}

const compareLib = process.env.BENCH_COMPARE_LIB;
const own = (await import("../../lib/cli/service.ts")).startService;
const services = [{ label: "this tree", service: await open(own) }];
if (compareLib !== undefined) {
  const other = await import(join(compareLib, "cli/service.ts")) as { startService: typeof startService };
  services.push({ label: compareLib, service: await open(other.startService) });
}
const sockets = await Promise.all(services.map((s) => LocalSocketClient.connect(s.service.server.url)));
const http = services.map(() => [] as number[]);
const local = services.map(() => [] as number[]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < services.length; turn++) {
      const k = (round + turn) % services.length;
      const url = services[k]!.service.server.url;
      for (let i = 0; i < 100; i++) {
        frameAt = answerAt = 0;
        await postOrder(url, BODY);
        if (round >= SKIP && answerAt !== 0) http[k]!.push((answerAt - frameAt) * 1000);
        frameAt = answerAt = 0;
        await sockets[k]!.request("place", ORDER);
        if (round >= SKIP && answerAt !== 0) local[k]!.push((answerAt - frameAt) * 1000);
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(1);
  console.log(
    `gateway: ack frame → answer written, ${runtimeLabel()}, µs median (${http[0]!.length} orders each)`,
  );
  services.forEach((s, k) => {
    console.log(`${s.label}: HTTP ${median(http[k]!)}, local socket ${median(local[k]!)}`);
  });
} finally {
  for (const s of sockets) s.close();
  for (const s of services) await s.service.shutdown();
  await sim.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
