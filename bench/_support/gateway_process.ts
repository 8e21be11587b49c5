/**
 * The gateway (main.ts on this benchmark's runtime) in its own process, in custom-endpoint mode against a
 * simulator, with a fresh data directory; and a local-socket (`GET /ws`) client for it that sends one request
 * at a time or many.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { API_KEY, SECRET_KEY } from "../_fixtures.ts";
import { type Child, runtimeCommand, spawnChild } from "./children.ts";
import { runtimeName } from "./runtime.ts";

/** A running gateway process. */
export interface GatewayProcess {
  child: Child;
  /** `http://127.0.0.1:PORT` */
  controlUrl: string;
  /** The monitor port's URL, when the gateway runs one (`ROUTER_MONITOR_PORT` in its environment). */
  monitorUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * The `--v8-flags=…` arguments of deno.json's `start` task: what a user's Deno gateway runs with (the memory
 * benchmark gives them to the bridge floor too, so the two differ by code only).
 *
 * @example
 * ```ts
 * const flags: string[] = startTaskV8Flags(); // e.g. ["--v8-flags=--max-semi-space-size=4,…"]
 * ```
 */
export function startTaskV8Flags(): string[] {
  const config = JSON.parse(readFileSync(new URL("../../deno.json", import.meta.url), "utf8")) as {
    tasks: { start: string };
  };
  return config.tasks.start.split(" ").filter((f) => f.startsWith("--v8-flags="));
}

/**
 * Starts main.ts against `simUrl`; resolves once it printed its control URL. `BENCH_GATEWAY_FLAGS` adds
 * runtime flags (space-separated; on Deno after the start task's `--v8-flags`), e.g. `--smol` (Bun) or `--v8-flags=--max-old-space-size=64` (Deno), or
 * `--cpu-prof --cpu-prof-dir=DIR` (a profile written when it stops). `main` is the entry to run: another
 * tree's main.ts runs another version side by side (`control_plane.ts`, `BENCH_COMPARE_MAIN`). `env` adds to
 * the gateway's environment (e.g. `BINANCE_REST_URL` and `BINANCE_STREAM_URL`: the gateway as a user runs it,
 * with its user stream and audits; without them it runs in custom-endpoint mode with neither).
 */
export async function startGateway(
  simUrl: string,
  main = "main.ts",
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const runtime = runtimeName() === "bun" ? "bun" : "deno";
  const dataDir = mkdtempSync(join(tmpdir(), "lightning-bench-gateway-"));
  // On Deno, the V8 flags of `deno task start` (what a user runs), then any of `BENCH_GATEWAY_FLAGS`.
  // `BENCH_GATEWAY_BINARY`: a compiled gateway (`deno task compile`) instead of main.ts on this runtime; its
  // runtime flags were fixed when it was compiled.
  const binary = process.env.BENCH_GATEWAY_BINARY;
  const flags = [
    ...(runtime === "deno" && binary === undefined ? startTaskV8Flags() : []),
    ...(process.env.BENCH_GATEWAY_FLAGS ?? "").split(" ").filter((f) => f !== ""),
  ];
  // `BENCH_GATEWAY_ENV="K=V K=V"`: environment of the gateway alone (e.g. allocator settings).
  const extraEnv = Object.fromEntries(
    (process.env.BENCH_GATEWAY_ENV ?? "").split(" ").filter((f) => f.includes("=")).map((f) => {
      const at = f.indexOf("=");
      return [f.slice(0, at), f.slice(at + 1)];
    }),
  );
  const [cmd, args] = binary ? [binary, flags] : runtimeCommand(runtime, main, flags);
  const child = spawnChild(`gateway (${runtime})`, cmd, [...args, "--port", "0", "--data-dir", dataDir], {
    env: {
      BINANCE_WS_URL: simUrl,
      BINANCE_API_KEY: API_KEY,
      BINANCE_SECRET_KEY: SECRET_KEY,
      NO_COLOR: "1",
      ...env,
      ...extraEnv,
    },
  });
  const m = await child.waitForLine(/control\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000);
  const monitored = { ...env, ...extraEnv }.ROUTER_MONITOR_PORT !== undefined;
  const monitor = monitored
    ? await child.waitForLine(/monitor\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000)
    : undefined;
  return {
    child,
    controlUrl: m[1]!,
    monitorUrl: monitor?.[1],
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `POST /orders` with `body` to the gateway at `controlUrl`; resolves once the answer is read, throws on any
 * status but 200 (with the answer).
 *
 * @example
 * ```ts
 * await postOrder("http://127.0.0.1:7777", JSON.stringify({ symbol: "BTCUSDT" }));
 * ```
 */
export async function postOrder(controlUrl: string, body: string): Promise<void> {
  const res = await fetch(`${controlUrl}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${controlUrl}/orders: HTTP ${res.status} ${text}`);
}

/** A local-socket client: `request` resolves with the answer of that id; a non-200 answer rejects. */
export class LocalSocketClient {
  readonly #ws: WebSocket;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const answer = JSON.parse(String(e.data)) as { id: number; status: number; result?: unknown };
      const w = this.#waiting.get(answer.id);
      if (w === undefined) return;
      this.#waiting.delete(answer.id);
      if (answer.status === 200) w.resolve(answer.result);
      else w.reject(new Error(`local socket: ${String(e.data)}`));
    };
  }

  /** Connects to `${controlUrl}/ws`. */
  static connect(controlUrl: string): Promise<LocalSocketClient> {
    const ws = new WebSocket(controlUrl.replace(/^http/, "ws") + "/ws");
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new LocalSocketClient(ws));
      ws.onerror = () => reject(new Error("local socket: could not connect"));
    });
  }

  /** Sends `{id, op, params}` and resolves with the result. */
  request(op: string, params: unknown): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#ws.send(`{"id":${id},"op":"${op}","params":${JSON.stringify(params)}}`);
    });
  }

  close(): void {
    this.#ws.close();
  }
}
