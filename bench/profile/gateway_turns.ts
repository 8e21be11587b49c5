/**
 * The gateway's two stretches of work per order, timed inside its process: from the trader's request read
 * off the control plane's socket to the order frame handed to the router's WebSocket (`send`), and from the
 * ack frame's `message` event on that WebSocket to the control plane's first socket write after it (the HTTP
 * answer, or the local socket's answer frame). The service runs in this process as `main.ts` runs it
 * (custom-endpoint mode against the simulator in its own process); the client is this process too, and only
 * waits while either stretch runs (a turn of the event loop and its microtasks). The read stamp is taken
 * where the runtime hands the bytes over (Deno: the settled `read`, one promise hop before the server sees
 * them; Bun: the socket's `data` handler). Rounds of 100 IOC orders over HTTP and 100 over the local socket;
 * with `BENCH_COMPARE_LIB=<other tree>/lib`, that tree's service takes every other round (a before/after in
 * one process). Medians in µs, the first 4 rounds left out.
 *
 * Run: `deno run -A bench/profile/gateway_turns.ts` or `bun bench/profile/gateway_turns.ts`
 * (`BENCH_TURNS_ROUNDS`, default 40). `BENCH_TURNS_GAP_MS` waits that long before each order (a trader's
 * pace; default 0, back to back; rounds of 50 then) and `BENCH_TURNS_WARM_MS` sets the services' `--warm-ms`
 * (the order path's warm-up while idle); the p90 is printed too. `BENCH_TURNS_SECOND_ARGS` adds this tree's
 * service with those flags (e.g. `--journal-mapped`) to the turns.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import type { Service, startService } from "../../lib/cli/service.ts";
import { IOC_ORDER } from "../_fixtures.ts";
import { LocalSocketClient, postOrder } from "../_support/gateway_process.ts";
import { startInProcess } from "../_support/in_process_gateway.ts";
import { runtimeLabel } from "../_support/runtime.ts";
import { startSimProcess } from "../_support/sim_process.ts";

const ORDER = { ...IOC_ORDER, newOrderRespType: "RESULT" } as const;
const BODY = JSON.stringify(ORDER);
const ROUNDS = Number(process.env.BENCH_TURNS_ROUNDS ?? 40);
const GAP_MS = Number(process.env.BENCH_TURNS_GAP_MS ?? 0);
const WARM_MS = process.env.BENCH_TURNS_WARM_MS;
/** `BENCH_TURNS_SECOND_ARGS="--journal-mapped"`: this tree with those flags takes turns with it too. */
const SECOND_ARGS = (process.env.BENCH_TURNS_SECOND_ARGS ?? "").split(" ").filter((a) => a !== "");
const PER_ROUND = GAP_MS > 0 ? 50 : 100;
const SKIP = 4;

const sim = await startSimProcess();

// The control plane's socket stamps each read (a request may come in two: head, then body), the router's
// socket its first send (with the read before it) and each message event; the first control-plane write
// after a message ends the answer's stretch.
let readAt = 0;
let requestAt = 0;
let sentAt = 0;
let frameAt = 0;
let answerAt = 0;
const simOrigin = sim.url.slice(0, sim.url.indexOf("/", 8));
class StampingWebSocket extends globalThis.WebSocket {
  override send(data: Parameters<WebSocket["send"]>[0]): void {
    if (sentAt === 0 && this.url.startsWith(simOrigin)) {
      sentAt = performance.now();
      requestAt = readAt;
    }
    super.send(data);
  }
  override set onmessage(handler: ((e: MessageEvent) => void) | null) {
    const toSim = this.url.startsWith(simOrigin);
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

/** Patches the reads and writes of the runtime's server-side TCP sockets (the control plane's transport). */
async function stampServerSockets(): Promise<void> {
  const stamp = (original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      if (answerAt === 0 && frameAt !== 0) answerAt = performance.now();
      return original.apply(this, args);
    };
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  if (g.Bun !== undefined) {
    const listen = g.Bun.listen;
    g.Bun.listen = (options: { socket: { data: (s: unknown, d: Uint8Array) => void } }) => {
      const data = options.socket.data;
      options.socket.data = (s, d) => {
        readAt = performance.now();
        data(s, d);
      };
      return listen.call(g.Bun, options);
    };
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
  const read = proto.read;
  proto.read = function (this: unknown, buf: Uint8Array): Promise<number | null> {
    return read.call(this, buf).then((n: number | null) => {
      if (n !== null) readAt = performance.now();
      return n;
    });
  };
  server.close();
  client.close();
  listener.close();
}
await stampServerSockets();

const dirs: string[] = [];
function open(start: typeof startService, extra: string[] = []): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), "lightning-bench-answer-"));
  dirs.push(dataDir);
  const args = [...(WARM_MS === undefined ? [] : ["--warm-ms", WARM_MS]), ...extra];
  return startInProcess(start, sim.url, dataDir, args);
}

const compareLib = process.env.BENCH_COMPARE_LIB;
const own = (await import("../../lib/cli/service.ts")).startService;
const services = [{ label: "this tree", service: await open(own) }];
if (compareLib !== undefined) {
  const other = await import(join(compareLib, "cli/service.ts")) as { startService: typeof startService };
  services.push({ label: compareLib, service: await open(other.startService) });
}
if (SECOND_ARGS.length > 0) {
  services.push({ label: `this tree, ${SECOND_ARGS.join(" ")}`, service: await open(own, SECOND_ARGS) });
}
const sockets = await Promise.all(services.map((s) => LocalSocketClient.connect(s.service.server.url)));
/** Per service: [HTTP request → send, HTTP ack → answer, local socket request → send, ack → answer]. */
const samples = services.map(() => [[], [], [], []] as number[][]);
/** Runs one order and keeps its two stretches (when both were seen) in `into`. */
async function timed(order: () => Promise<unknown>, into: number[][], at: number, keep: boolean) {
  readAt = 0;
  requestAt = sentAt = 0;
  frameAt = answerAt = 0;
  await order();
  if (!keep || requestAt === 0 || sentAt === 0 || answerAt === 0) return;
  into[at]!.push((sentAt - requestAt) * 1000);
  into[at + 1]!.push((answerAt - frameAt) * 1000);
}
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < services.length; turn++) {
      const k = (round + turn) % services.length;
      const url = services[k]!.service.server.url;
      for (let i = 0; i < PER_ROUND; i++) {
        if (GAP_MS > 0) await sleep(GAP_MS);
        await timed(() => postOrder(url, BODY), samples[k]!, 0, round >= SKIP);
        if (GAP_MS > 0) await sleep(GAP_MS);
        await timed(() => sockets[k]!.request("place", ORDER), samples[k]!, 2, round >= SKIP);
      }
    }
  }
  const at = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!.toFixed(1);
  const median = (xs: number[]) => GAP_MS > 0 ? `${at(xs, 0.5)} (p90 ${at(xs, 0.9)})` : at(xs, 0.5);
  console.log(
    `gateway: request read → frame sent + ack frame → answer written, ${runtimeLabel()}, µs median ` +
      `(${samples[0]![0]!.length} orders each)`,
  );
  services.forEach((s, k) => {
    const [httpSend, httpAnswer, localSend, localAnswer] = samples[k]!.map(median);
    console.log(`${s.label}: HTTP ${httpSend} + ${httpAnswer}, local socket ${localSend} + ${localAnswer}`);
  });
} finally {
  for (const s of sockets) s.close();
  for (const s of services) await s.service.shutdown();
  await sim.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
