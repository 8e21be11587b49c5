/**
 * A small incremental Server-Sent Events parser for the benchmark's readers: text goes in as it arrives
 * (any split, even inside a line), whole messages come out. It follows the event-stream format for what
 * `GET /events` sends — `id`, `event` and `data` fields (several `data` lines are joined with "\n"), comment
 * lines starting with ":", a blank line ending a message, "\n" or "\r\n" line ends — and ignores `retry`
 * and unknown fields. A lone "\r" as a line end is not supported.
 */

/**
 * One dispatched message.
 *
 * @example
 * ```ts
 * const m: SseMessage = { id: "7", event: "order", data: '{"time":1}' };
 * ```
 */
export interface SseMessage {
  /** The `id` field of this message, or undefined when it had none. */
  id: string | undefined;
  /** The `event` field, "message" when absent. */
  event: string;
  /** The `data` lines, joined with "\n". */
  data: string;
}

/**
 * Splits a text/event-stream into messages and comments.
 *
 * @example
 * ```ts
 * const seen: SseMessage[] = [];
 * const parser = new SseParser((m) => seen.push(m), (c) => console.log("comment:", c));
 * parser.push(": connected\n\nid: 1\nevent: ord");
 * parser.push('er\ndata: {"time":1}\n\n');
 * // seen: [{ id: "1", event: "order", data: '{"time":1}' }]
 * ```
 */
export class SseParser {
  readonly #onMessage: (message: SseMessage) => void;
  readonly #onComment: ((text: string) => void) | undefined;
  #pending = "";
  #id: string | undefined = undefined;
  #event = "";
  #data: string[] = [];

  /** `onMessage` gets each message as its blank line arrives; `onComment` each comment line's text. */
  constructor(onMessage: (message: SseMessage) => void, onComment?: (text: string) => void) {
    this.#onMessage = onMessage;
    this.#onComment = onComment;
  }

  /** Feeds the next piece of the stream (already decoded). */
  push(text: string): void {
    let buffer = this.#pending === "" ? text : this.#pending + text;
    let start = 0;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n", start)) {
      const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.#line(buffer.slice(start, end));
      start = nl + 1;
    }
    buffer = buffer.slice(start);
    this.#pending = buffer;
  }

  #line(line: string): void {
    if (line === "") {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* ":" */) {
      this.#onComment?.(line.slice(line.charCodeAt(1) === 32 ? 2 : 1));
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    switch (field) {
      case "data":
        this.#data.push(value);
        return;
      case "event":
        this.#event = value;
        return;
      case "id":
        if (!value.includes("\0")) this.#id = value;
        return;
      default:
        return; // retry and unknown fields
    }
  }

  #dispatch(): void {
    const data = this.#data;
    const event = this.#event;
    const id = this.#id;
    this.#data = [];
    this.#event = "";
    this.#id = undefined;
    if (data.length === 0) return; // a message without data is not dispatched
    this.#onMessage({ id, event: event === "" ? "message" : event, data: data.join("\n") });
  }
}
