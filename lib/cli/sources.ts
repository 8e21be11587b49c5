/**
 * Collects the raw text of every setting from the command line and the environment, remembering where each
 * value came from so a validation message can name the exact flag or variable. Flags win over the
 * environment; an empty environment variable counts as unset (`export X=` is a common way to "clear" one).
 *
 * @module
 */

import { type Setting, type SettingKey, SETTINGS } from "./settings.ts";

/** One setting's raw value and where it came from (`--port` or `ROUTER_PORT`). */
export interface RawValue {
  readonly value: string;
  readonly source: string;
}

/** What {@linkcode gatherSettings} found. */
export interface GatheredSettings {
  readonly values: ReadonlyMap<SettingKey, RawValue>;
  /** Command-line mistakes: unknown flags, missing values, stray arguments. */
  readonly problems: readonly string[];
}

const BY_FLAG = new Map<string, Setting>();
for (const s of SETTINGS) {
  if (s.flag !== undefined) BY_FLAG.set(s.flag, s);
  if (s.short !== undefined) BY_FLAG.set(s.short, s);
}

/**
 * Reads `args` (without the program name) and `env` against the settings table.
 *
 * @example
 * ```ts
 * const { values } = gatherSettings(["--port=0"], { ROUTER_PORT: "9000" });
 * values.get("port"); // { value: "0", source: "--port" }
 * ```
 */
export function gatherSettings(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): GatheredSettings {
  const values = new Map<SettingKey, RawValue>();
  const problems: string[] = [];
  for (const s of SETTINGS) {
    const v = s.env === undefined ? undefined : env[s.env];
    if (v !== undefined && v !== "") values.set(s.key, { value: v, source: s.env! });
  }
  const seen = new Set<SettingKey>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const setting = BY_FLAG.get(name);
    if (setting === undefined) {
      if (!arg.startsWith("-")) {
        problems.push(`${JSON.stringify(arg)}: unexpected argument`);
        continue;
      }
      // The word after an unknown flag is most likely its value, and may be a secret given where none is
      // taken (`--secret-key …`): named by its length only, never shown.
      const next = eq > 0 ? undefined : args[i + 1];
      if (next !== undefined && !next.startsWith("-")) {
        problems.push(
          `${name}: unknown flag (see --help); the value after it (${next.length} characters) is ignored`,
        );
        i++;
      } else problems.push(`${name}: unknown flag (see --help)`);
      continue;
    }
    const flag = setting.flag ?? name;
    if (seen.has(setting.key)) problems.push(`${flag}: given more than once`);
    seen.add(setting.key);
    let value: string;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else if (setting.kind === "switch") {
      value = "true";
    } else {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        problems.push(`${flag}: needs a value (${flag} ${setting.arg ?? "VALUE"})`);
        continue;
      }
      value = next;
      i++;
    }
    values.set(setting.key, { value, source: flag });
  }
  return { values, problems };
}
