/**
 * Telling a torn tail from damage, and saying what damage was found.
 *
 * A crash can cut short only the last write, so a torn tail is exactly one bad line: the file's last, with no
 * newline after it, after at least one good line, and shaped like the start of a line (checksum digits, a
 * space, the JSON's first bytes). Anything else that does not read (a bad line with good ones after it, a bad
 * first line, zeros, random bytes, a file that cannot be read) is damage: the file is kept, never deleted,
 * and the gateway must not simply resume.
 *
 * @module
 */

/**
 * One damaged journal file.
 *
 * @example
 * ```ts
 * const d: JournalDamage = {
 *   file: "journal-000003.log",
 *   what: "lines 17–20 unreadable",
 *   keptAs: "journal-000003.log.corrupt",
 *   recordsAfter: 40,
 * };
 * ```
 */
export interface JournalDamage {
  /** The file's name in the journal directory. */
  file: string;
  /** What is wrong with it, without any path: "lines 17–20 unreadable", "unreadable (EACCES)". */
  what: string;
  /** Its name now: `<file>.corrupt` (kept aside for inspection) or `file` (left in place, read again). */
  keptAs: string;
  /** Good records read from this file after its first bad line (they were still used). */
  recordsAfter: number;
}

/** A line prefix as a torn write leaves it: up to 8 checksum digits, or them, a space and the JSON's start. */
const PREFIX = /^[0-9a-f]{0,8}$|^[0-9a-f]{8} (\{[^\0\uFFFD]*)?$/;

/**
 * Whether `line` (the last, unterminated line of a file) looks like a line cut short by a crash: a prefix of
 * `<crc> {…`, holding no NUL (JSON escapes it) and no undecodable byte except at the very end, where the
 * cut may have split a character.
 *
 * @example
 * ```ts
 * looksTorn('0badc0de {"t":"intent","ts":1,"ci'); // true
 * looksTorn("\0\0\0\0"); // false
 * ```
 */
export function looksTorn(line: string): boolean {
  return PREFIX.test(line.replace(/\uFFFD+$/, ""));
}

/**
 * 1-based line numbers (ascending) as ranges: "line 5", "lines 17–20", "lines 3, 7–9 and 4 more ranges".
 *
 * @example
 * ```ts
 * lineRanges([17, 18, 19, 20]); // "lines 17–20"
 * ```
 */
export function lineRanges(lines: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    ranges.push(i === j ? `${lines[i]}` : `${lines[i]}–${lines[j]}`);
    i = j + 1;
  }
  const shown = ranges.slice(0, 3).join(", ");
  const more = ranges.length > 3 ? ` and ${ranges.length - 3} more ranges` : "";
  return (lines.length === 1 ? "line " : "lines ") + shown + more;
}

/**
 * The damage found at open in one sentence without any path (it can go to an HTTP answer): which files,
 * which lines, where the files are now, and what was recovered; undefined when there was none.
 *
 * @example
 * ```ts
 * describeDamage(
 *   [{ file: "journal-000003.log", what: "lines 17–20 unreadable", keptAs: "journal-000003.log.corrupt",
 *     recordsAfter: 40 }],
 *   { orders: 12, orphans: 2, noSymbol: [] },
 * ); // "journal damaged: journal-000003.log lines 17–20 unreadable (kept as journal-000003.log.corrupt); …"
 * ```
 */
export function describeDamage(
  damage: readonly JournalDamage[],
  found: { orders: number; orphans: number; noSymbol: readonly string[] },
): string | undefined {
  if (damage.length === 0) return undefined;
  const files = damage.map((d) =>
    `${d.file} ${d.what} (${d.keptAs === d.file ? "left in place" : `kept as ${d.keptAs}`})`
  );
  const after = damage.reduce((n, d) => n + d.recordsAfter, 0);
  let text = `journal damaged: ${files.join("; ")}; ${found.orders} unfinished orders recovered`;
  if (found.orphans > 0) {
    text += `, ${found.orphans} of them only from outcome records (their intent unreadable)`;
  }
  if (after > 0) text += `; ${after} records read after damaged lines`;
  if (found.noSymbol.length > 0) {
    const some = found.noSymbol.slice(0, 5).join(", ") + (found.noSymbol.length > 5 ? ", …" : "");
    text += `; ${found.noSymbol.length} with no symbol on record (older format), check by hand: ${some}`;
  }
  return text;
}
