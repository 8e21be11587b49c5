/**
 * A tiny logger: one line per event, text or JSON, to a sink (stderr in `main.ts`). It is for lifecycle
 * events only (connects, drops, halts, shutdown); nothing on the order path logs.
 *
 * As a last line of defence every line is scrubbed of the secrets it was given, so a secret that leaks into
 * an error message still never reaches the log.
 *
 * @module
 */

import { REDACTED } from "./secret.ts";

/** Severity of a line. */
export type LogLevel = "info" | "warn" | "error";

/** Structured fields of a line. Undefined fields are left out. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Writes lifecycle lines. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  format: "text" | "json";
  /** Receives each finished line, without the trailing newline. */
  write: (line: string) => void;
  /** Values to scrub from every line (API key, secret, token). */
  secrets?: readonly string[];
  /** Clock for timestamps (tests pin it). */
  now?: () => Date;
}

/**
 * Creates a logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ format: "text", write: (line) => console.error(line) });
 * log.info("connected", { generation: 1 }); // 2026-01-01T00:00:00.000Z INFO  connected generation=1
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  // Short values could match innocent text, and no real key or token is this short.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const emit = (level: LogLevel, msg: string, fields: LogFields | undefined) => {
    let line = options.format === "json"
      ? jsonLine(now(), level, msg, fields)
      : textLine(now(), level, msg, fields);
    for (const s of secrets) line = line.replaceAll(s, REDACTED);
    try {
      options.write(line);
    } catch { /* a closed stderr must not turn a log line into a crash */ }
  };
  return {
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
  };
}

function jsonLine(at: Date, level: LogLevel, msg: string, fields: LogFields | undefined): string {
  const record: Record<string, unknown> = { ts: at.toISOString(), level, msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && !(k in record)) record[k] = v;
  }
  return JSON.stringify(record);
}

function textLine(at: Date, level: LogLevel, msg: string, fields: LogFields | undefined): string {
  let line = `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${oneLine(msg)}`;
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      const text = String(v);
      line += ` ${k}=${/^[\w.:/@+-]+$/.test(text) ? text : JSON.stringify(text)}`;
    }
  }
  return line;
}

/** Keeps a line a line: messages from errors may contain newlines. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " | ");
}
