/**
 * Helpers for the user data stream tests: a reader on the runtime's own WebSocket with bounded waits, a raw
 * reader whose ping/pong barrier proves that nothing else was sent before it (absence without sleeping), and
 * the listenKey and stream URL plumbing.
 *
 * @module
 */

import { clientFrame, RawClient } from "./_raw.ts";
import { HMAC_KEY, type TestClient, within } from "./_helpers.ts";

/** A parsed stream event; inspected field by field in the tests. */
// deno-lint-ignore no-explicit-any -- events are checked key by key against the reference
export type StreamEvent = any;

/** The keys of ORDER_TRADE_UPDATE's `o`, in the simulator's order (ws-fapi.md §8); `M` only on AMENDMENT. */
export const OTU_KEYS = [
  "s",
  "c",
  "S",
  "o",
  "f",
  "q",
  "p",
  "ap",
  "sp",
  "x",
  "X",
  "i",
  "l",
  "z",
  "L",
  "N",
  "n",
  "T",
  "t",
  "b",
  "a",
  "m",
  "R",
  "wt",
  "ot",
  "ps",
  "cp",
  "pP",
  "si",
  "ss",
  "rp",
  "V",
  "pm",
  "gtd",
  "er",
];

/** userDataStream.start over ws-fapi (API key only); returns the key. */
export async function startKey(client: TestClient, apiKey = HMAC_KEY): Promise<string> {
  const reply = await client.request("userDataStream.start", { apiKey });
  if (typeof reply.result?.listenKey !== "string") throw new Error(`no listenKey: ${JSON.stringify(reply)}`);
  return reply.result.listenKey;
}

/** `/private/ws?listenKey=…[&events=…]` */
export function streamPath(listenKey: string, events?: string): string {
  const query = `listenKey=${encodeURIComponent(listenKey)}`;
  return `/private/ws?${query}${events === undefined ? "" : `&events=${events}`}`;
}

/** Events on a runtime WebSocket, in arrival order. */
export class StreamReader {
  readonly events: StreamEvent[] = [];
  readonly texts: string[] = [];
  /** The close event: an abrupt drop has `wasClean` false. */
  readonly closed: Promise<{ code: number; wasClean: boolean }>;
  #ws: WebSocket;
  #wake: (() => void) | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => resolve({ code: e.code, wasClean: e.wasClean }))
    );
    ws.addEventListener("message", (e) => {
      const text = String(e.data);
      this.texts.push(text);
      this.events.push(JSON.parse(text));
      this.#wake?.();
    });
  }

  /** Opens the stream (bounded); rejects when the upgrade is refused. */
  static async open(url: string): Promise<StreamReader> {
    const ws = new WebSocket(url);
    await within(
      new Promise<void>((resolve, reject) => {
        ws.addEventListener("open", () => resolve());
        ws.addEventListener("error", () => reject(new Error("websocket error")));
      }),
      5_000,
      "stream open",
    );
    return new StreamReader(ws);
  }

  /** Waits (bounded) until at least `n` events arrived; returns every event so far. */
  async take(n: number, ms = 5_000): Promise<StreamEvent[]> {
    const deadline = Date.now() + ms;
    while (this.events.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} events; got ${JSON.stringify(this.events)}`);
      await within(new Promise<void>((resolve) => (this.#wake = resolve)), left, "event").catch(() => {});
    }
    return this.events;
  }

  /** Closes and waits for the close event (bounded). */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    this.#ws.close();
    await within(this.closed, 5_000, "stream close").catch(() => {});
  }
}

/** A stream read frame by frame on node:net. */
export class RawStream {
  readonly #client: RawClient;
  #barriers = 0;

  private constructor(client: RawClient) {
    this.#client = client;
  }

  /** Connects to `path` (see {@linkcode streamPath}); throws unless the answer is 101. */
  static async open(port: number, path: string): Promise<RawStream> {
    const { client, head } = await RawClient.connect(port, path);
    if (!head.startsWith("HTTP/1.1 101 ")) {
      client.destroy();
      throw new Error(`stream refused: ${head}`);
    }
    return new RawStream(client);
  }

  /**
   * Sends a ping and waits for its pong: every event the server wrote before answering has then arrived.
   * Returns (and forgets) the text frames received so far, parsed.
   */
  async drain(): Promise<StreamEvent[]> {
    const payload = `barrier-${++this.#barriers}`;
    this.#client.write(clientFrame(0x9, payload));
    const pong = await this.#client.next((f) => f.opcode === 0xa && f.payload.toString() === payload);
    if (pong === undefined) throw new Error("the stream closed before the barrier");
    return this.#client.frames.splice(0).filter((f) => f.opcode === 0x1).map((f) =>
      JSON.parse(f.payload.toString("utf8"))
    );
  }

  /** Sends a text frame (the stream must ignore it). */
  sendText(text: string): void {
    this.#client.write(clientFrame(0x1, text));
  }

  /** Resolves when the socket is gone. */
  get ended(): Promise<void> {
    return this.#client.ended;
  }

  /** Destroys the socket. */
  destroy(): void {
    this.#client.destroy();
  }
}
