/**
 * The HTTP floor for the control-plane benchmark: this runtime's own HTTP server (`Deno.serve` / `Bun.serve`)
 * on 127.0.0.1 answering every POST with a fixed order ack (about 1 KB) after reading the JSON body (and a
 * DELETE with the same ack) — what any HTTP front costs before a gateway does anything — and `GET /ws` as the
 * runtime's own WebSocket server answering local-socket messages with the same ack. `bench/memory.ts`
 * also uses it as the runtime's memory floor. Prints `HTTP_FLOOR http://127.0.0.1:PORT`; exits on SIGTERM,
 * when stdin closes, or after BENCH_SERVER_MAX_SECONDS (default 3600).
 *
 * `HTTP_FLOOR_KIND=node` serves the same answers from a bare `node:http` server instead (the control plane's
 * server API), to tell its cost from the gateway's.
 *
 * Run: `deno run -A bench/servers/http_floor_server.ts` or `bun bench/servers/http_floor_server.ts`.
 */
import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { ackFrame } from "../_fixtures.ts";

const ACK = JSON.stringify((JSON.parse(ackFrame(1)) as { result: unknown }).result);

/** A local-socket message answered like the gateway would, with the fixed ack: `{"id":…,"status":200,"result":…}`. */
function socketAnswer(text: string): string {
  const message = JSON.parse(text) as { id?: unknown; params?: { symbol?: string } };
  return message.params?.symbol === undefined
    ? JSON.stringify({ id: message.id ?? null, status: 400, error: { code: -1, msg: "symbol" } })
    : `{"id":${JSON.stringify(message.id)},"status":200,"result":${ACK}}`;
}

async function answer(request: Request, server?: BunServer): Promise<Response> {
  if (new URL(request.url).pathname === "/ws") {
    // The runtime's own WebSocket server: the floor of the local order socket (GET /ws).
    if (server !== undefined) {
      return server.upgrade(request)
        ? undefined as unknown as Response
        : new Response("upgrade", { status: 400 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (e) => socket.send(socketAnswer(String(e.data)));
    return response;
  }
  // POST/PATCH read their JSON body (as the gateway must); DELETE/GET carry the order in the query.
  if (request.method === "POST" || request.method === "PATCH") {
    const body = await request.json() as { symbol?: string };
    if (body.symbol === undefined) return new Response('{"code":-1,"msg":"symbol"}', { status: 400 });
  } else if (!new URL(request.url).searchParams.has("symbol")) {
    return new Response('{"code":-1,"msg":"symbol"}', { status: 400 });
  }
  return new Response(ACK, { headers: { "content-type": "application/json" } });
}

interface BunServer {
  upgrade(request: Request): boolean;
}

interface BunServe {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (r: Request, server: BunServer) => Promise<Response>;
    websocket: { message(ws: { send(text: string): void }, message: string | Uint8Array): void };
  }): {
    port: number;
    stop(): void;
  };
}

const bun = (globalThis as { Bun?: BunServe }).Bun;
let port: number;
let stop: () => void;
if (process.env.HTTP_FLOOR_KIND === "node") {
  // The same answers from a bare `node:http` server (what the control plane is served by): its own cost.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const ok = req.method === "POST" || req.method === "PATCH"
        ? (JSON.parse(Buffer.concat(chunks).toString() || "{}") as { symbol?: string }).symbol !== undefined
        : (req.url ?? "").includes("symbol=");
      const text = ok ? ACK : '{"code":-1,"msg":"symbol"}';
      res.writeHead(ok ? 200 : 400, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  stop = () => server.close();
} else if (bun !== undefined) {
  const server = bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: answer,
    websocket: { message: (ws, message) => ws.send(socketAnswer(String(message))) },
  });
  port = server.port;
  stop = () => server.stop();
} else {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (r) => answer(r));
  port = server.addr.port;
  stop = () => void server.shutdown();
}

const lifetime = setTimeout(() => exit(3), Number(process.env.BENCH_SERVER_MAX_SECONDS ?? 3600) * 1000);
function exit(code: number): void {
  clearTimeout(lifetime);
  stop();
  process.exit(code);
}
process.on("SIGTERM", () => exit(0));
process.on("SIGINT", () => exit(0));
process.stdin.on("data", () => {});
process.stdin.on("end", () => exit(0));
process.stdout.write(`HTTP_FLOOR http://127.0.0.1:${port}\n`);
