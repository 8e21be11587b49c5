/**
 * Progress of long runs (`deno task bench`, the journal soak): stage, percent and ETA on stderr, only when
 * stderr is a terminal. Piped or redirected output (CI logs, `> file`) gets nothing, so logs stay clean.
 */
import process from "node:process";

/** What a progress line shows. */
export interface ProgressState {
  /** The stage running now (e.g. "order round trip (Bun)", "load"). */
  stage: string;
  /** Work done and total, in any unit (steps, seconds); total 0 means unknown. */
  done: number;
  total: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

/** `1:05`, `12:00`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * One progress line: `[ 42%] load · 2:06 elapsed · ETA 2:54`. The ETA assumes the rest goes at the pace so
 * far; it is left out until there is a pace to go by (nothing done yet) or when the total is unknown.
 */
export function formatProgress(p: ProgressState): string {
  const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : undefined;
  const percent = fraction === undefined ? "   ?" : `${Math.floor(fraction * 100)}%`.padStart(4);
  const parts = [`[${percent}] ${p.stage}`, `${formatDuration(p.elapsedMs)} elapsed`];
  if (fraction !== undefined && fraction > 0 && fraction < 1) {
    parts.push(`ETA ${formatDuration((p.elapsedMs * (1 - fraction)) / fraction)}`);
  }
  return parts.join(" · ");
}

/** Where and how often progress is written. */
export interface ProgressOptions {
  /** Whether to write at all; default: stderr is a terminal. */
  enabled?: boolean;
  /** Writes one line (default: stderr). */
  write?: (line: string) => void;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
  /** Fewest milliseconds between two updates of the same stage (default 1000; stage changes always show). */
  minIntervalMs?: number;
}

/** A progress reporter: call {@linkcode Progress.update} as work goes; it rate-limits itself. */
export class Progress {
  readonly #enabled: boolean;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #minIntervalMs: number;
  readonly #start: number;
  #stage = "";
  #lastAt = -Infinity;

  constructor(options: ProgressOptions = {}) {
    this.#enabled = options.enabled ?? process.stderr.isTTY === true;
    this.#write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    this.#now = options.now ?? (() => performance.now());
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#start = this.#now();
  }

  /** Whether anything is written (a terminal). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Reports `done` of `total` in `stage`; written when the stage changed or the interval has passed. */
  update(stage: string, done: number, total: number): void {
    if (!this.#enabled) return;
    const now = this.#now();
    if (stage === this.#stage && now - this.#lastAt < this.#minIntervalMs) return;
    this.#stage = stage;
    this.#lastAt = now;
    this.#write(formatProgress({ stage, done, total, elapsedMs: now - this.#start }));
  }
}
