/** Reading a systemd unit the way systemd does, for the deploy tests. */
import assert from "node:assert/strict";

/**
 * `section.Key` → values (a key may repeat), the way systemd splits lines: comments only on lines of their
 * own. Throws, naming the line, for a value that carries an inline comment (systemd would keep `# note` as
 * part of the value: `EnvironmentFile=/x  # note` names a file called "/x  # note") or trailing blanks.
 */
export function parseUnit(text: string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  let section = "";
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    assert.ok(m, `line ${i + 1} is neither a comment, a section nor Key=value: ${raw}`);
    assert.ok(section !== "", `line ${i + 1} comes before any section`);
    const value = m[2]!;
    assert.doesNotMatch(value, /\s[#;]/, `line ${i + 1}: inline comment in ${m[1]}= (systemd keeps it)`);
    assert.equal(raw, raw.trimEnd(), `line ${i + 1}: trailing whitespace`);
    const key = `${section}.${m[1]}`;
    entries.set(key, [...entries.get(key) ?? [], value]);
  }
  return entries;
}

/** The one value of `key`; fails when it is missing or repeated. */
export function one(unit: Map<string, string[]>, key: string): string {
  const values = unit.get(key) ?? [];
  assert.equal(values.length, 1, `${key}: expected exactly one, found ${values.length}`);
  return values[0]!;
}
