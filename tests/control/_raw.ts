/**
 * Raw TCP clients for the server-layer tests: a connection that sends exactly the bytes given (half a header,
 * a body shorter than declared), optionally closes its sending side, and reports what came back once the
 * server closed the connection. Every wait is bounded.
 */

import { connect, type Socket } from "node:net";

/** What a raw connection received before it closed. */
export interface RawOutcome {
  /** Status of the first answer, 0 when none came. */
  status: number;
  /** The first answer's body, parsed when it is JSON. */
  // deno-lint-ignore no-explicit-any
  body: any;
  /** Everything received. */
  data: string;
}

/** An open raw connection. */
export interface RawConnection {
  socket: Socket;
  /** Resolves when the server closed the connection (or it was destroyed); rejects after `timeoutMs`. */
  closed: Promise<RawOutcome>;
  /** Whether it is closed. */
  readonly isClosed: boolean;
  write(text: string): void;
  destroy(): void;
}

/** Opens a connection and sends `text` once connected; `halfClose` then ends the sending side. */
export function openRaw(
  port: number,
  text: string,
  options: { halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawConnection> {
  return new Promise((resolveOpen, rejectOpen) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    let isClosed = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => data += chunk);
    socket.on("error", () => {}); // a reset is a close, judged by what was received
    const closed = new Promise<RawOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`raw connection still open after ${options.timeoutMs ?? 5000} ms`));
      }, options.timeoutMs ?? 5000);
      socket.on("close", () => {
        isClosed = true;
        clearTimeout(timer);
        resolve(parse(data));
      });
    });
    closed.catch(() => {}); // judged by whoever awaits it
    socket.once("error", (e) => {
      if (!socket.connecting) return;
      rejectOpen(e);
    });
    socket.on("connect", () => {
      if (text !== "") socket.write(text);
      if (options.halfClose) socket.end();
      resolveOpen({
        socket,
        closed,
        get isClosed() {
          return isClosed;
        },
        write: (more: string) => void socket.write(more),
        destroy: () => void socket.destroy(),
      });
    });
  });
}

function parse(data: string): RawOutcome {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
  const at = data.indexOf("\r\n\r\n");
  const text = at < 0 ? "" : data.slice(at + 4);
  let body: unknown = text;
  if (/^content-type: application\/json/im.test(data.slice(0, at))) {
    try {
      body = JSON.parse(text);
    } catch {
      // a chunked or cut-off body stays text
    }
  }
  return { status, body, data };
}

/** The head of a request to the stack (its Host header must name the bound port to pass the guard). */
export function head(method: string, path: string, port: number, extra: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...extra].join("\r\n") + "\r\n";
}
