/**
 * A string that must never be printed: API keys, secrets, the control-plane token. The value lives in a
 * `#private` field, and every way a runtime turns an object into text (`String()`, `JSON.stringify`,
 * `console.log` on Deno and Bun) prints a fixed placeholder instead.
 *
 * @module
 */

/** What a {@linkcode Secret} prints as. */
export const REDACTED = "[redacted]";

/**
 * A secret string: only {@linkcode Secret.reveal} gives the value back.
 *
 * @example
 * ```ts
 * const key = new Secret("s3cr3t");
 * String(key); // "[redacted]"
 * JSON.stringify({ key }); // '{"key":"[redacted]"}'
 * key.reveal(); // "s3cr3t"
 * ```
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The secret value. Call only where it is handed to the code that uses it (signer, token check). */
  reveal(): string {
    return this.#value;
  }

  /** Length of the value, for validation messages that must not quote it. */
  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  // Deno's and Node/Bun's console.log look for these before walking an object's fields.
  [Symbol.for("Deno.customInspect")](): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}
