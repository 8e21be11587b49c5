/**
 * Test helpers for the live-state routes: an SSE reader over fetch (parses messages and comments as they
 * arrive, closes by aborting the request), a reader that never reads (a raw socket, paused), and user data
 * stream events to feed an AccountState directly.
 */

import { connect, type Socket } from "node:net";
import type { AccountState } from "../../lib/account/account_state.ts";
import { parseUserEvent } from "../../lib/account/user_events.ts";
import { waitFor } from "./_stack.ts";

/** One SSE message (comments are collected apart). */
export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/** An `/events` reader: every message and comment received so far, in order. */
export class SseClient {
  readonly status: number;
  readonly headers: Headers;
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  /** The response body when it was not an event stream (an error answer). */
  body = "";
  ended = false;
  readonly #abort: AbortController;
  #buffer = "";

  private constructor(response: Response, abort: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.#abort = abort;
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const client = new SseClient(response, abort);
    if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      client.body = await response.text();
      client.ended = true;
      return client;
    }
    void client.#read(response.body!.getReader());
    return client;
  }

  /** Data of the messages received, parsed, with their id and event. */
  parsed(): { id: number | undefined; event: string | undefined; data: Record<string, unknown> }[] {
    return this.messages.map((m) => ({
      id: m.id === undefined ? undefined : Number(m.id),
      event: m.event,
      data: JSON.parse(m.data),
    }));
  }

  /** Waits (bounded) until at least `n` messages arrived. */
  waitForMessages(n: number, timeoutMs = 5000): Promise<void> {
    return waitFor(
      () => this.messages.length >= n,
      timeoutMs,
      `${n} SSE messages (have ${this.messages.length})`,
    );
  }

  /** Waits (bounded) until at least `n` comments arrived. */
  waitForComments(n: number, timeoutMs = 5000): Promise<void> {
    return waitFor(() => this.comments.length >= n, timeoutMs, `${n} SSE comments`);
  }

  /** Disconnects (aborts the request). */
  close(): void {
    this.#abort.abort();
  }

  async #read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#buffer += decoder.decode(value, { stream: true });
        this.#parse();
      }
    } catch { /* aborted, or the server ended the stream with an error */ }
    this.ended = true;
  }

  #parse(): void {
    for (let end = this.#buffer.indexOf("\n\n"); end >= 0; end = this.#buffer.indexOf("\n\n")) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const message: SseMessage = { id: undefined, event: undefined, data: "" };
      let hasData = false;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
        else if (line.startsWith("id: ")) message.id = line.slice(4);
        else if (line.startsWith("event: ")) message.event = line.slice(7);
        else if (line.startsWith("data: ")) {
          message.data += (hasData ? "\n" : "") + line.slice(6);
          hasData = true;
        }
      }
      if (hasData) this.messages.push(message);
    }
  }
}

/**
 * A reader that sends `GET /events` and then never reads: the socket is paused, so once the kernel buffers
 * are full the server can write nothing more to it.
 */
export function stalledReader(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => {});
    socket.on("close", () => closed = true);
    const timer = setTimeout(() => reject(new Error("stalled reader: no response")), 5000);
    socket.on("connect", () => {
      socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      socket.once("data", () => {
        socket.pause(); // the response has started; from now on nothing is read
        clearTimeout(timer);
        resolve({ socket, closed: () => closed });
      });
    });
  });
}

let tradeId = 100;

/** Feeds a TRADE execution (a fill) of order `clientOrderId` to the account, as the user stream would. */
export function feedTrade(
  account: AccountState,
  fill: { symbol?: string; clientOrderId?: string; qty?: string; price?: string; time?: number },
): number {
  const id = ++tradeId;
  const time = fill.time ?? Date.now() + id;
  const event = parseUserEvent(JSON.stringify({
    e: "ORDER_TRADE_UPDATE",
    E: time,
    T: time,
    o: {
      s: fill.symbol ?? "BTCUSDT",
      c: fill.clientOrderId ?? `web-${id}`,
      S: "BUY",
      o: "LIMIT",
      q: fill.qty ?? "0.001",
      p: fill.price ?? "50000",
      ap: fill.price ?? "50000",
      x: "TRADE",
      X: "FILLED",
      i: 9_000_000 + id,
      l: fill.qty ?? "0.001",
      z: fill.qty ?? "0.001",
      L: fill.price ?? "50000",
      N: "USDT",
      n: "0.01",
      T: time,
      t: id,
      m: false,
      rp: "0",
      ps: "BOTH",
    },
  }));
  account.apply(event!);
  return id;
}

/** Feeds an ACCOUNT_UPDATE with these position lines (and one USDT balance line) to the account. */
export function feedPositions(
  account: AccountState,
  time: number,
  positions: { symbol: string; amount: string; entry?: string; side?: string }[],
): void {
  const event = parseUserEvent(JSON.stringify({
    e: "ACCOUNT_UPDATE",
    E: time,
    T: time,
    a: {
      m: "ORDER",
      B: [{ a: "USDT", wb: "1000", cw: "1000", bc: "0" }],
      P: positions.map((p) => ({
        s: p.symbol,
        pa: p.amount,
        ep: p.entry ?? "50000",
        up: "0.5",
        ps: p.side ?? "BOTH",
      })),
    },
  }));
  account.apply(event!);
}
