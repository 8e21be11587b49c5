/**
 * `GET /events` read with `fetch` rather than `EventSource`, which cannot send the bearer token. Parses the
 * Server-Sent Events text, resumes with `Last-Event-ID` after a drop (the router replays what was missed or
 * announces a gap) and retries with a growing pause.
 *
 * @module
 */

/**
 * One Server-Sent Event.
 *
 * @example
 * ```ts
 * const e: StreamEvent = { id: 7, type: "fill", data: { symbol: "BTCUSDT" } };
 * ```
 */
export interface StreamEvent {
  /** The event id (undefined for `gap`). */
  id: number | undefined;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Options for {@linkcode followEvents}.
 *
 * @example
 * ```ts
 * const options: FollowOptions = { headers: () => ({}), onEvent: (e) => console.log(e.type), onState: () => {} };
 * ```
 */
export interface FollowOptions {
  /** Headers for each (re)connect (the bearer token). */
  headers: () => Record<string, string>;
  onEvent: (event: StreamEvent) => void;
  /** "live" once connected, "retrying" after a drop. */
  onState: (state: "live" | "retrying", detail: string) => void;
}

let wake: (() => void) | undefined;

/**
 * Ends the pause before the next reconnect (e.g. once the user has entered the bearer token).
 *
 * @example
 * ```ts
 * reconnectNow();
 * ```
 */
export function reconnectNow(): void {
  wake?.();
}

/**
 * Reads `/events` for as long as the page is open, starting with every event the router still holds.
 *
 * @example
 * ```ts
 * void followEvents({ headers: () => ({}), onEvent: (e) => console.log(e.id, e.type), onState: () => {} });
 * ```
 */
export async function followEvents(options: FollowOptions): Promise<never> {
  let lastId = 0;
  let pause = 500;
  for (;;) {
    try {
      const response = await fetch("/events", {
        headers: { ...options.headers(), "last-event-id": String(lastId), accept: "text/event-stream" },
        cache: "no-store",
      });
      if (!response.ok || response.body === null) throw new Error(`/events answered ${response.status}`);
      options.onState("live", "");
      pause = 500;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event === undefined) continue;
          if (event.id !== undefined) lastId = event.id;
          options.onEvent(event);
        }
      }
      options.onState("retrying", "stream ended");
    } catch (e) {
      options.onState("retrying", e instanceof Error ? e.message : String(e));
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pause);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
    pause = Math.min(pause * 2, 10_000);
  }
}

function parseBlock(block: string): StreamEvent | undefined {
  let id: number | undefined;
  let type = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue; // comment (heartbeat)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = Number(value);
    else if (field === "event") type = value;
    else if (field === "data") data += data === "" ? value : `\n${value}`;
  }
  if (data === "") return undefined;
  try {
    const parsed = JSON.parse(data) as unknown;
    const record = typeof parsed === "object" && parsed !== null ? parsed as Record<string, unknown> : {};
    return { id, type, data: record };
  } catch {
    return undefined;
  }
}
