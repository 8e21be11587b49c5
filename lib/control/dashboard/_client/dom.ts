/**
 * The dashboard's few DOM helpers: elements by id, text with a tone (good / warn / bad colours), the notice
 * line, and batching of re-renders into one animation frame.
 *
 * @module
 */

/**
 * The element with `id` (the page's skeleton has them all; a missing one is a bug).
 *
 * @example
 * ```ts
 * const button = $<HTMLButtonElement>("halt");
 * button.disabled = true;
 * ```
 */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`dashboard: no #${id}`);
  return el as T;
};

/**
 * Sets the text of `#id`, and its tone when given ("good", "warn", "bad" or "" for none).
 *
 * @example
 * ```ts
 * text("connection", "connected", "good");
 * ```
 */
export const text = (id: string, value: string, tone?: string): void => {
  const el = $(id);
  el.textContent = value;
  if (tone !== undefined) el.dataset.tone = tone;
};

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Shows `msg` in the notice line for 8 s.
 *
 * @example
 * ```ts
 * notice("halted · 2 orders canceled");
 * ```
 */
export function notice(msg: string, error = false): void {
  const el = $("notice");
  el.textContent = msg;
  el.dataset.tone = error ? "bad" : "";
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => el.hidden = true, 8000);
}

/**
 * An error's message.
 *
 * @example
 * ```ts
 * message(new Error("boom")); // "boom"
 * ```
 */
export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const pending = new Set<() => void>();

/**
 * Runs `render` in the next animation frame, once however often it is asked for before then.
 *
 * @example
 * ```ts
 * scheduleRender(() => console.log("drawn once per frame"));
 * ```
 */
export function scheduleRender(render: () => void): void {
  if (pending.size === 0) {
    requestAnimationFrame(() => {
      for (const r of pending) r();
      pending.clear();
    });
  }
  pending.add(render);
}
