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
import { runServerProcess, serveNative } from "./_native_server.ts";

const ACK = JSON.stringify((JSON.parse(ackFrame(1)) as { result: unknown }).result);

/** A local-socket message answered like the gateway would, with the fixed ack: `{"id":…,"status":200,"result":…}`. */
function socketAnswer(text: string): string {
  const message = JSON.parse(text) as { id?: unknown; params?: { symbol?: string } };
  return message.params?.symbol === undefined
    ? JSON.stringify({ id: message.id ?? null, status: 400, error: { code: -1, msg: "symbol" } })
    : `{"id":${JSON.stringify(message.id)},"status":200,"result":${ACK}}`;
}

async function answer(request: Request): Promise<Response> {
  // POST/PATCH read their JSON body (as the gateway must); DELETE/GET carry the order in the query.
  if (request.method === "POST" || request.method === "PATCH") {
    const body = await request.json() as { symbol?: string };
    if (body.symbol === undefined) return new Response('{"code":-1,"msg":"symbol"}', { status: 400 });
  } else if (!new URL(request.url).searchParams.has("symbol")) {
    return new Response('{"code":-1,"msg":"symbol"}', { status: 400 });
  }
  return new Response(ACK, { headers: { "content-type": "application/json" } });
}

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
} else {
  // The runtime's own server; its `GET /ws` is the floor of the local order socket.
  const server = serveNative(answer, (text, reply) => reply(socketAnswer(text)));
  port = server.port;
  stop = server.stop;
}

runServerProcess("HTTP_FLOOR", port, stop);
