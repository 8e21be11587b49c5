/**
 * What the benchmarks' stand-in servers share: this runtime's own HTTP server with `GET /ws` as its own
 * WebSocket server (`Bun.serve` / `Deno.serve`, no code of ours in between), and the life of a server process
 * that a benchmark starts, reads the URL of, and stops.
 *
 * @module
 */
import process from "node:process";

/** Answers one text message of a `GET /ws` socket through `reply`. */
export type SocketText = (text: string, reply: (text: string) => void) => void;

interface BunServer {
  upgrade(request: Request): boolean;
}

interface BunServe {
  serve(options: {
    hostname: string;
    port: number;
    fetch: (r: Request, server: BunServer) => Promise<Response> | Response | undefined;
    websocket: { message(ws: { send(text: string): void }, message: string | Uint8Array): void };
  }): { port: number; stop(): void };
}

/**
 * Serves `answer` on 127.0.0.1, on a free port, with this runtime's own HTTP server; `GET /ws` upgrades to
 * its own WebSocket server, whose text messages go to `onText`.
 *
 * @example
 * ```ts
 * const server = serveNative(() => Promise.resolve(new Response("ok")), (text, reply) => reply(text));
 * server.stop();
 * ```
 */
export function serveNative(
  answer: (request: Request) => Promise<Response>,
  onText: SocketText,
): { port: number; stop(): void } {
  const isWs = (request: Request) => request.method === "GET" && new URL(request.url).pathname === "/ws";
  const bun = (globalThis as { Bun?: BunServe }).Bun;
  if (bun !== undefined) {
    const server = bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (request, s) => {
        if (!isWs(request)) return answer(request);
        return s.upgrade(request) ? undefined : new Response("upgrade", { status: 400 });
      },
      websocket: { message: (ws, message) => onText(String(message), (text) => ws.send(text)) },
    });
    return { port: server.port, stop: () => server.stop() };
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    if (!isWs(request)) return answer(request);
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (e) => onText(String(e.data), (text) => socket.send(text));
    return response;
  });
  return { port: server.addr.port, stop: () => void server.shutdown() };
}

/**
 * Prints `<banner> http://127.0.0.1:<port>` for the benchmark that started this process, and runs until
 * SIGTERM or SIGINT, the end of stdin (the benchmark is gone), or BENCH_SERVER_MAX_SECONDS (default 3600,
 * exit code 3); then `stop` and exit.
 *
 * @example
 * ```ts
 * runServerProcess("HTTP_FLOOR", 8080, () => {});
 * ```
 */
export function runServerProcess(banner: string, port: number, stop: () => void): void {
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
  process.stdout.write(`${banner} http://127.0.0.1:${port}\n`);
}
