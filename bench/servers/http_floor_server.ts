/**
 * The HTTP floor for the control-plane benchmark: this runtime's own HTTP server (`Deno.serve` / `Bun.serve`)
 * on 127.0.0.1 answering every POST with a fixed order ack after reading the JSON body — what any HTTP
 * front costs before a gateway does anything. Prints `HTTP_FLOOR http://127.0.0.1:PORT`; exits on SIGTERM,
 * when stdin closes, or after BENCH_SERVER_MAX_SECONDS (default 3600).
 *
 * Run: `deno run -A bench/servers/http_floor_server.ts` or `bun bench/servers/http_floor_server.ts`.
 */
import process from "node:process";
import { ackFrame } from "../_fixtures.ts";

const ACK = JSON.stringify((JSON.parse(ackFrame(1)) as { result: unknown }).result);

async function answer(request: Request): Promise<Response> {
  const body = await request.json() as { symbol?: string };
  if (body.symbol === undefined) return new Response('{"code":-1,"msg":"symbol"}', { status: 400 });
  return new Response(ACK, { headers: { "content-type": "application/json" } });
}

interface BunServe {
  serve(options: { hostname: string; port: number; fetch: (r: Request) => Promise<Response> }): {
    port: number;
    stop(): void;
  };
}

const bun = (globalThis as { Bun?: BunServe }).Bun;
let port: number;
let stop: () => void;
if (bun !== undefined) {
  const server = bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });
  port = server.port;
  stop = () => server.stop();
} else {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, answer);
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
