/**
 * Keys of a JSON text that `JSON.parse` hides: a key given twice in one object (the parse keeps the last, so
 * `{"side":"BUY",…,"side":"SELL"}` would go out as a SELL, and a local-socket message with two `op`s would run
 * the second) and a `__proto__` key (zod drops it without a word: `PUT /risk` with a `__proto__` symbol would
 * lift every per-symbol limit). The control plane refuses both, naming the key, as it refuses a query
 * parameter given twice.
 *
 * Per request: the text's colons counted and a walk of the parsed value counting its own keys, about 0.1 µs
 * for an order's body; equal counts and no `__proto__` mean nothing was hidden. Otherwise (a key hidden, or a
 * string holding a colon, such as a client id `a:b`) the text is read again key by key to name the fault, if
 * there is one.
 *
 * @module
 */

/** `"` */
const QUOTE = 34;
/** `\` */
const BACKSLASH = 92;
/** `:` */
const COLON = 58;

/** The index of the `"` that closes the string opened at `open` (the text is valid JSON). */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    let b = close - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((close - 1 - b) % 2 === 0) return close; // an even run of backslashes: the quote is not escaped
    close = text.indexOf('"', close + 1);
  }
}

/** The index of the first character at or after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/**
 * Colons in the text, inside strings or not (`indexOf`, native: ~8 calls for an order's body). Every key has
 * one after it, so this is the keys plus any colons inside strings: equal to the parsed value's own keys only
 * when no key was hidden and no string holds a colon (both counts can only add to it).
 */
function colonsInText(text: string): number {
  let colons = 0;
  for (let i = text.indexOf(":"); i >= 0; i = text.indexOf(":", i + 1)) colons++;
  return colons;
}

/** How many own keys the parsed value holds, objects in arrays and objects included; -1 on a `__proto__`. */
function keysInValue(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const inner = keysInValue(item);
      if (inner < 0) return -1;
      keys += inner;
    }
    return keys;
  }
  for (const key in value) {
    if (key === "__proto__") return -1; // JSON.parse makes it an own key; `for…in` sees it
    keys++;
    const inner = (value as Record<string, unknown>)[key];
    if (typeof inner === "object" && inner !== null) {
      const more = keysInValue(inner);
      if (more < 0) return -1;
      keys += more;
    }
  }
  return keys;
}

/** One open object or array of the slow read: the keys seen in it, or the array's next index. */
interface Level {
  path: string;
  keys: Set<string> | undefined;
  index: number;
}

/** Reads the text key by key: the message naming the first key given twice or named `__proto__`. */
function nameFault(text: string): string | undefined {
  const levels: Level[] = [];
  /** The key of the value that comes next (the path of an object or array opened there). */
  let pending = "";
  const at = (level: Level | undefined, key: string) =>
    level === undefined || level.path === "" ? key : `${level.path}.${key}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = levels[levels.length - 1];
    if (c === QUOTE) {
      const close = stringEnd(text, i);
      const after = skipSpace(text, close + 1);
      if (text.charCodeAt(after) === COLON && top?.keys !== undefined) {
        const key = JSON.parse(text.slice(i, close + 1)) as string; // escapes decoded: "\u0073ide" is "side"
        if (key === "__proto__") return `${at(top, key)}: not an accepted key`;
        if (top.keys.has(key)) return `${at(top, key)}: given more than once`;
        top.keys.add(key);
        pending = at(top, key);
      }
      i = close;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      const path = top?.keys === undefined && top !== undefined ? at(top, String(top.index)) : pending;
      levels.push({ path, keys: c === 123 ? new Set() : undefined, index: 0 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      levels.pop();
    } else if (c === 44 /* , */ && top !== undefined && top.keys === undefined) {
      top.index++;
    }
  }
  return undefined;
}

/**
 * What `JSON.parse(text)` (which gave `value`) hid: a message naming a key given twice in one object
 * (`side: given more than once`, `symbols.BTCUSDT.maxOrderQty: given more than once`) or a `__proto__` key
 * (`symbols.__proto__: not an accepted key`); undefined when it hid nothing.
 *
 * @example
 * ```ts
 * const text = '{"symbol":"BTCUSDT","side":"BUY","side":"SELL"}';
 * hiddenKey(text, JSON.parse(text)); // "side: given more than once"
 * hiddenKey('{"side":"BUY"}', { side: "BUY" }); // undefined
 * ```
 */
export function hiddenKey(text: string, value: unknown): string | undefined {
  const inValue = keysInValue(value);
  if (inValue >= 0 && inValue === colonsInText(text)) return undefined;
  return nameFault(text); // a `__proto__`, a key given twice, or only a colon inside a string (then nothing)
}
