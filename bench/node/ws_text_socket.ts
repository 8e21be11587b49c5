/**
 * Node's `ws` package as the raw floor's {@linkcode TextSocket}: the floor under Node is the same client as
 * under Deno and Bun (bench/_support/raw_floor.ts), only the socket differs. Answers arrive as Buffers and are
 * decoded to text, as any `ws` client reading JSON does.
 */
import WebSocket from "ws";
import type { TextSocket } from "../_support/raw_floor.ts";

/** Connects to `url`; resolves once the socket is open. */
export async function wsTextSocket(url: string): Promise<TextSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    send: (text) => ws.send(text),
    onText: (handler) => {
      ws.removeAllListeners("message");
      ws.on("message", (data: WebSocket.RawData) => handler(data.toString()));
    },
    onClose: (handler) => {
      ws.on("close", (code: number) => handler(`closed (${code})`));
      ws.on("error", (error: Error) => handler(`failed (${error.message})`));
    },
    close: () => ws.close(),
  };
}
