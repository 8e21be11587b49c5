/**
 * The bridge floor for the control-plane benchmark: the least any HTTP-to-ws-fapi gateway does, written
 * plainly with none of this project's code. This runtime's own HTTP server (`Deno.serve` / `Bun.serve`) on
 * 127.0.0.1 reads a `POST` JSON order, signs it (sorted `key=value` payload, HMAC-SHA256 from `node:crypto`),
 * sends it as `order.place` over this runtime's own `WebSocket` to the exchange at `BRIDGE_WS_URL`, and
 * answers with the exchange's `result` when the answer with that id comes; `DELETE /orders?…` does the same
 * with `order.cancel` (so the memory benchmark's place-then-cancel load runs through it too). `GET /ws` does
 * the same for local-socket messages (`{"id":…,"op":"place"|"cancel","params":{…}}` →
 * `{"id":…,"status":…,"result"|"error":…}`) over this runtime's own WebSocket server. No validation, no
 * checks, no journal, no order state, no metrics.
 *
 * Standing between the same client and the same simulator as the gateway, it shows what the topology costs on
 * its own — a second process, a second loopback hop, one more wake-up — so what the gateway costs above it is
 * what its own work costs.
 *
 * Prints `BRIDGE_FLOOR http://127.0.0.1:PORT`; exits on SIGTERM, when stdin closes, or after
 * BENCH_SERVER_MAX_SECONDS (default 3600).
 *
 * Run: `BRIDGE_WS_URL=ws://… deno run -A bench/servers/bridge_floor_server.ts` (or `bun …`).
 */
import { createHmac } from "node:crypto";
import process from "node:process";
import { API_KEY, SECRET_KEY } from "../_fixtures.ts";
import { runServerProcess, serveNative } from "./_native_server.ts";

type Answer = (status: number, text: string) => void;

const url = process.env.BRIDGE_WS_URL;
if (url === undefined) throw new Error("BRIDGE_WS_URL is not set");
const socket = new WebSocket(url);
await new Promise<void>((resolve, reject) => {
  socket.onopen = () => resolve();
  socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
});

const waiting = new Map<number, Answer>();
const run = Math.random().toString(36).slice(2, 8);
let nextId = 0;

socket.onmessage = (event) => {
  const frame = JSON.parse(String(event.data)) as {
    id?: number;
    status?: number;
    result?: unknown;
    error?: unknown;
  };
  const answer = waiting.get(frame.id ?? -1);
  if (answer === undefined) return;
  waiting.delete(frame.id!);
  answer(frame.status ?? 500, JSON.stringify(frame.status === 200 ? frame.result : frame.error));
};

/**
 * Signs and sends one `order.place` (`cancel` false) or `order.cancel`; `answer` gets the exchange's status
 * and its result (or error) as JSON text.
 */
function send(cancel: boolean, order: Record<string, unknown>, answer: Answer): void {
  const id = ++nextId;
  const params: Record<string, unknown> = {
    ...order,
    ...(cancel ? {} : { newClientOrderId: `bf-${run}-${id}` }),
    apiKey: API_KEY,
    timestamp: Date.now(),
  };
  const payload = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join("&");
  params.signature = createHmac("sha256", SECRET_KEY).update(payload).digest("hex");
  waiting.set(id, answer);
  socket.send(JSON.stringify({ id, method: cancel ? "order.cancel" : "order.place", params }));
}

/** A local-socket message: placed or cancelled, and answered on `reply` in the gateway's message shape. */
function placeMessage(text: string, reply: (text: string) => void): void {
  const message = JSON.parse(text) as { id?: unknown; op?: unknown; params?: Record<string, unknown> };
  send(message.op === "cancel", message.params ?? {}, (status, body) => {
    reply(
      `{"id":${JSON.stringify(message.id ?? null)},"status":${status},"${
        status === 200 ? "result" : "error"
      }":${body}}`,
    );
  });
}

async function answer(request: Request): Promise<Response> {
  const cancel = request.method === "DELETE";
  if (!cancel && request.method !== "POST") return new Response("POST or DELETE only", { status: 405 });
  const order = cancel
    ? Object.fromEntries(new URL(request.url).searchParams)
    : await request.json() as Record<string, unknown>;
  return await new Promise((resolve) => {
    send(cancel, order, (status, text) => {
      resolve(
        new Response(text, {
          status: status === 200 ? 200 : 400,
          headers: { "content-type": "application/json" },
        }),
      );
    });
  });
}

const server = serveNative(answer, placeMessage);
runServerProcess("BRIDGE_FLOOR", server.port, () => {
  server.stop();
  socket.close();
});
