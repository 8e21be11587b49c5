/**
 * The control plane's layers, in one process with a stub router (answers at once with a fixed ~1 KB ack), so
 * only the serving is measured: `POST /orders` to this runtime's native server (`Deno.serve`/`Bun.serve`)
 * answering a fixed ack, to a bare `node:http` server doing the same, and to the control app on three
 * servers: the native one, `node:http` (`_serve_node.ts`), and this runtime's HTTP/1.1 server over raw TCP
 * (`_serve_deno.ts` on `Deno.listen`, `_serve_bun.ts` on `Bun.listen`: what `serve` ships since 2026-12-06);
 * then the local socket (`GET /ws`) on the shipped server and on `node:http`, next to the runtime's own
 * WebSocket server answering the same message. Interleaved rounds, one request in flight; client and server
 * share the process (so no process wake-up is in these figures: see `control_plane.ts` for the cross-process
 * ones).
 *
 * Run: `deno run -A bench/control_layers.ts` or `bun bench/control_layers.ts` (`BENCH_CONTROL_ORDERS`).
 */
import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { createControlApp, type RouterApi } from "../lib/control/app.ts";
import { serve, type ServeFunction } from "../lib/control/server.ts";
import { orderLaneOf } from "../lib/control/order_lane.ts";
import { serveNode } from "../lib/control/_serve_node.ts";
import { serveDeno } from "../lib/control/_serve_deno.ts";
import { serveBun } from "../lib/control/_serve_bun.ts";
import { ackFrame, IOC_ORDER } from "./_fixtures.ts";
import { LocalSocketClient } from "./_support/gateway_process.ts";
import { type RoundTripContender, runInterleaved } from "./_support/interleave.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";
import { summarize } from "./_support/stats.ts";

const ACK_OBJECT = (JSON.parse(ackFrame(1)) as { result: unknown }).result;
const ACK = JSON.stringify(ACK_OBJECT);
const BODY = JSON.stringify(IOC_ORDER);
const stub = { placeOrder: () => Promise.resolve(ACK_OBJECT) } as unknown as RouterApi;

interface NativeServer {
  url: string;
  stop(): void;
}
interface BunRuntime {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (r: Request, server: { upgrade(r: Request): boolean }) => Response | Promise<Response> | undefined;
    websocket?: { message(ws: { send(t: string): void }, m: string | Uint8Array): void };
  }): { port: number; stop(force?: boolean): void };
}
const bun = (globalThis as { Bun?: BunRuntime }).Bun;

/** The runtime's own server: `fetch` for HTTP; with `socket`, every request is upgraded and messages answered. */
function nativeServer(fetch: (r: Request) => Response | Promise<Response>, socket?: (t: string) => string) {
  if (bun !== undefined) {
    const server = bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (r, s) =>
        socket !== undefined ? (s.upgrade(r) ? undefined : new Response("no", { status: 400 })) : fetch(r),
      ...(socket === undefined ? {} : { websocket: { message: (ws, m) => ws.send(socket(String(m))) } }),
    });
    return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) } satisfies NativeServer;
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (r) => {
    if (socket === undefined) return fetch(r);
    const { socket: ws, response } = Deno.upgradeWebSocket(r);
    ws.onmessage = (e) => ws.send(socket(String(e.data)));
    return response;
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => void server.shutdown(),
  } satisfies NativeServer;
}

function post(name: string, url: string): RoundTripContender {
  return {
    name,
    async once() {
      const res = await fetch(`${url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
      });
      const ack = await res.json() as { orderId?: number };
      if (res.status !== 200 || ack.orderId === undefined) throw new Error(`${name}: HTTP ${res.status}`);
    },
  };
}

const bound = { shipped: 0, native: 0, node: 0, http1: 0, nodeLane: 0, http1Lane: 0 };
const shippedApp = createControlApp({
  router: stub,
  mode: "bench",
  endpoint: "-",
  guard: { port: () => bound.shipped },
});
const nativeApp = createControlApp({
  router: stub,
  mode: "bench",
  endpoint: "-",
  guard: { port: () => bound.native },
});
const shipped = await serve({ hostname: "127.0.0.1", port: 0, fetch: shippedApp.fetch });
bound.shipped = shipped.port;
// The same app on each server `serve` may be: node:http, and this runtime's HTTP/1.1 server on raw TCP; each
// also with the app's raw order lane (`order_lane.ts`), which answers orders without a Request or Response.
const serveHttp1 = bun !== undefined ? serveBun : serveDeno;
const serveApp = async (serveWith: ServeFunction, key: keyof typeof bound, withLane: boolean) => {
  const app = createControlApp({
    router: stub,
    mode: "bench",
    endpoint: "-",
    guard: { port: () => bound[key] },
  });
  const lane = withLane ? orderLaneOf(app) : undefined;
  const server = await serveWith({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, lane });
  bound[key] = server.port;
  return server;
};
const onNode = await serveApp(serveNode, "node", false);
const onHttp1 = await serveApp(serveHttp1, "http1", false);
const onNodeLane = await serveApp(serveNode, "nodeLane", true);
const onHttp1Lane = await serveApp(serveHttp1, "http1Lane", true);
const onNative = nativeServer(nativeApp.fetch);
bound.native = Number(new URL(onNative.url).port);
const floor = nativeServer(async (r) => {
  await r.json();
  return new Response(ACK, { headers: { "content-type": "application/json" } });
});
const wsFloor = nativeServer(() => new Response(null), (text) => {
  const m = JSON.parse(text) as { id: number };
  return `{"id":${m.id},"status":200,"result":${ACK}}`;
});
const nodeFloor = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString());
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(ACK) });
    res.end(ACK);
  });
});
await new Promise<void>((resolve) => nodeFloor.listen(0, "127.0.0.1", resolve));
const nodeUrl = `http://127.0.0.1:${(nodeFloor.address() as AddressInfo).port}`;
const localSocket = await LocalSocketClient.connect(shipped.url);
const floorSocket = await LocalSocketClient.connect(wsFloor.url);
const nodeSocket = await LocalSocketClient.connect(onNode.url);

const names = {
  native: "layers: bare native HTTP server, fixed ack",
  node: "layers: bare node:http server, fixed ack",
  onNative: "layers: control app on the native server, stub router",
  onNode: "layers: control app on node:http, stub router",
  onHttp1: `layers: control app on ${
    bun !== undefined ? "Bun.listen" : "Deno.listen"
  } (HTTP/1.1 core), stub router`,
  onNodeLane: "layers: control app + order lane on node:http, stub router",
  onHttp1Lane: "layers: control app + order lane on the HTTP/1.1 core, stub router",
  socket: "layers: local socket (GET /ws, shipped), stub router",
  nodeSocket: "layers: local socket (GET /ws) on node:http, stub router",
  wsFloor: "layers: bare native WebSocket server, fixed ack",
};
const contenders: RoundTripContender[] = [
  post(names.native, floor.url),
  post(names.node, nodeUrl),
  post(names.onNative, onNative.url),
  post(names.onNode, onNode.url),
  post(names.onHttp1, onHttp1.url),
  post(names.onNodeLane, onNodeLane.url),
  post(names.onHttp1Lane, onHttp1Lane.url),
  { name: names.socket, once: () => localSocket.request("place", IOC_ORDER) },
  { name: names.wsFloor, once: () => floorSocket.request("place", IOC_ORDER) },
  { name: names.nodeSocket, once: () => nodeSocket.request("place", IOC_ORDER) },
];
try {
  const orders = Math.min(SIZES.controlOrders, 5000);
  const samples = await runInterleaved(contenders, { orders, round: 250, warmup: 1000, maxSeconds: 300 });
  const s = new Map([...samples].map(([name, v]) => [name, summarize(v)]));
  const results: NewResult[] = [...s].map(([name, x]) => ({
    name,
    group: "control plane (layers)",
    median: x.median,
    p99: x.p99,
    p999: x.p999,
    n: x.n,
    unit: "µs",
  }));
  const diff = (name: string, a: string, b: string, note: string): NewResult => ({
    name,
    group: "control plane (layers)",
    median: s.get(a)!.median - s.get(b)!.median,
    p99: s.get(a)!.p99 - s.get(b)!.p99,
    unit: "µs",
    note,
  });
  results.push(
    diff("layers: node:http − native server (bare)", names.node, names.native, "the server API alone"),
    diff(
      "layers: control app − bare, on node:http",
      names.onNode,
      names.node,
      "bridge + Hono + checks + JSON",
    ),
    diff(
      "layers: control app, node:http − native",
      names.onNode,
      names.onNative,
      "what node:http costs the app",
    ),
    diff(
      "layers: control app, HTTP/1.1 core − node:http",
      names.onHttp1,
      names.onNode,
      "raw TCP server instead of node:http",
    ),
    diff(
      "layers: control app, HTTP/1.1 core − native",
      names.onHttp1,
      names.onNative,
      "what the HTTP/1.1 core costs the app",
    ),
    diff(
      "layers: order lane, HTTP/1.1 core − node:http",
      names.onHttp1Lane,
      names.onNodeLane,
      "both with the raw order lane",
    ),
    diff(
      "layers: order lane on the HTTP/1.1 core − app on native",
      names.onHttp1Lane,
      names.onNative,
      "the lane's path against the native server",
    ),
    diff(
      "layers: local socket − native WebSocket floor",
      names.socket,
      names.wsFloor,
      "our WebSocket + session",
    ),
  );
  printResults(`control-plane layers, ${runtimeLabel()}, one process, stub router`, results);
  recordResults(results);
} finally {
  localSocket.close();
  floorSocket.close();
  nodeSocket.close();
  await shipped.close();
  await onNode.close();
  await onHttp1.close();
  await onNodeLane.close();
  await onHttp1Lane.close();
  floor.stop();
  onNative.stop();
  wsFloor.stop();
  nodeFloor.close();
}
process.exit(0);
