/**
 * Writing an answer to an HTTP/1.1 connection: a document (every answer but a stream) in one write with
 * its Content-Length; a `text/event-stream` or streamed JSON body chunk by chunk (chunked encoding), each
 * chunk read only once the socket took the ones before, the reader cancelled when the client goes away.
 *
 * @module
 */

import type { Http1Transport } from "./_http1_byte_socket.ts";
import { answerHead, chunkFrame, rawFields, responseFields, utf8Length } from "./_http1_answer.ts";
import type { RawAnswer } from "./server.ts";
import { isStreamedAnswer } from "./_json_stream.ts";

/** Bytes waiting in the socket past which a stream is not read further until they are out. */
const HIGH_WATER_BYTES = 16 * 1024;

/**
 * How to write an answer.
 *
 * @example
 * ```ts
 * const options: WriteOptions = { head: false, chunked: true, keepAliveS: 30, onCancel: () => {} };
 * ```
 */
export interface WriteOptions {
  /** A HEAD request: the fields only. */
  head: boolean;
  /** Whether the client reads chunked encoding (HTTP/1.1); a stream to an HTTP/1.0 client ends at the close. */
  chunked: boolean;
  /** Idle timeout announced to the client, or 0 to close after this answer. */
  keepAliveS: number;
  /** Receives the function that stops a streamed body (called when the connection goes away). */
  onCancel: (cancel: () => void) => void;
}

/**
 * Writes `answer`; resolves true once written, false when it failed (its body broke off: the connection
 * must be closed). Never rejects.
 *
 * @example
 * ```ts
 * import type { Http1Transport } from "./_http1_byte_socket.ts";
 * declare const io: Http1Transport;
 * await writeAnswer(io, new Response("ok"), { head: false, chunked: true, keepAliveS: 30, onCancel: () => {} });
 * ```
 */
export async function writeAnswer(
  io: Http1Transport,
  answer: Response | RawAnswer,
  options: WriteOptions,
): Promise<boolean> {
  if (!(answer instanceof Response)) {
    const fields = rawFields(answer);
    const length = options.head ? undefined : utf8Length(answer.text);
    io.write(
      answerHead(answer.status, fields, length, options.keepAliveS) + (options.head ? "" : answer.text),
    );
    return true;
  }
  const fields = responseFields(answer);
  const body = answer.body;
  if (body === null || options.head) {
    await body?.cancel().catch(() => {});
    const status = answer.status;
    const length = options.head || status === 204 || status === 304 ? undefined : 0;
    io.write(answerHead(status, fields, length, options.keepAliveS));
    return true;
  }
  if (!isStream(answer)) {
    let text: string;
    try {
      text = await answer.text();
    } catch {
      return false;
    }
    io.write(answerHead(answer.status, fields, utf8Length(text), options.keepAliveS) + text);
    return true;
  }
  io.write(answerHead(answer.status, fields, options.chunked ? -1 : undefined, options.keepAliveS));
  const reader = body.getReader();
  let cancelled = false;
  options.onCancel(() => {
    cancelled = true;
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (cancelled) return false;
      if (done) break;
      if (value.byteLength === 0) continue;
      io.write(options.chunked ? chunkFrame(value) : value);
      if (io.bufferedBytes > HIGH_WATER_BYTES) await io.drained();
    }
  } catch {
    // The stream ended with an error (e.g. a reader dropped for not keeping up): close the connection.
    return false;
  }
  if (options.chunked) io.write("0\r\n\r\n");
  return true;
}

/**
 * Whether `answer` is sent as it is produced (an event stream, a streamed JSON array), not collected first.
 *
 * @example
 * ```ts
 * isStream(new Response("{}")); // false
 * ```
 */
export function isStream(answer: Response | RawAnswer): boolean {
  return answer instanceof Response && answer.body !== null &&
    (isStreamedAnswer(answer) || /^text\/event-stream\b/i.test(answer.headers.get("content-type") ?? ""));
}

/**
 * Drops an answer that will not be written (its connection is gone): a streamed body is cancelled.
 *
 * @example
 * ```ts
 * discardAnswer(new Response("late"));
 * ```
 */
export function discardAnswer(answer: Response | RawAnswer): void {
  if (answer instanceof Response) answer.body?.cancel().catch(() => {});
}
