/**
 * A chunked request body (RFC 9112 §7.1), decoded as its bytes arrive in pieces of any size: chunk data is
 * handed on as it comes, chunk extensions and trailer fields are read and dropped.
 *
 * @module
 */

/** Longest chunk-size line or trailer line accepted (extensions included). */
const MAX_LINE = 4096;

const enum State {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

/**
 * The decoder of one chunked body.
 *
 * @example
 * ```ts
 * const decoder = new ChunkedDecoder();
 * const bytes = new TextEncoder().encode("3\r\nabc\r\n0\r\n\r\n");
 * const used = decoder.feed(bytes, (data) => console.log(data.length)); // 3
 * decoder.done; // true (and used === bytes.length)
 * ```
 */
export class ChunkedDecoder {
  #state = State.Size;
  /** Data bytes left in the current chunk. */
  #left = 0;
  /** The size or trailer line read so far. */
  #line = "";

  /** Whether the body's last chunk and trailer have been read. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /**
   * Decodes `buf`, calling `onData` with each run of body bytes (a view into `buf`). Returns the bytes used
   * (fewer than given once the body is done: the rest is the next request), or -1 when malformed.
   */
  feed(buf: Uint8Array, onData: (data: Uint8Array) => void): number {
    let at = 0;
    while (at < buf.length && this.#state !== State.Done) {
      if (this.#state === State.Data) {
        const take = Math.min(this.#left, buf.length - at);
        onData(buf.subarray(at, at + take));
        at += take;
        this.#left -= take;
        if (this.#left === 0) this.#state = State.DataEnd;
        continue;
      }
      const lf = buf.indexOf(10, at);
      const stop = lf < 0 ? buf.length : lf + 1;
      for (let i = at; i < stop; i++) this.#line += String.fromCharCode(buf[i]!);
      at = stop;
      if (this.#line.length > MAX_LINE) return -1;
      if (lf < 0) break;
      const line = this.#line;
      this.#line = "";
      if (!line.endsWith("\r\n")) return -1;
      if (!this.#endLine(line.slice(0, -2))) return -1;
    }
    return at;
  }

  /** A complete line (without its CRLF) in the current state; false when malformed. */
  #endLine(line: string): boolean {
    switch (this.#state) {
      case State.Size: {
        const semi = line.indexOf(";");
        const digits = (semi < 0 ? line : line.slice(0, semi)).replace(/[ \t]+$/, "");
        if (!/^[0-9a-fA-F]{1,8}$/.test(digits)) return false;
        this.#left = parseInt(digits, 16);
        this.#state = this.#left === 0 ? State.Trailer : State.Data;
        return true;
      }
      case State.DataEnd:
        if (line !== "") return false;
        this.#state = State.Size;
        return true;
      case State.Trailer:
        if (line === "") this.#state = State.Done;
        return true;
      default:
        return false;
    }
  }
}
