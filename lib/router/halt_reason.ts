/**
 * What a halt reason may be: it is logged, shown in `/health` and on the dashboard, and kept in the data
 * directory as given, so it must read as what it is. 1–200 characters, at least one of them visible, and none
 * a control, format (bidi overrides, zero-width), private-use, unassigned or lone-surrogate character or a
 * line separator; blank look-alikes (Hangul fillers, the Braille blank) do not count as visible.
 *
 * @module
 */

const ALLOWED = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]+$/u;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
const BLANK_LOOK_ALIKES = /[\u115F\u1160\u3164\uFFA0\u2800]/gu;

/**
 * The rule in words, for error messages.
 *
 * @example
 * ```ts
 * console.log(`reason: expected ${HALT_REASON_RULE}`);
 * ```
 */
export const HALT_REASON_RULE =
  "1-200 printable characters, not blank (no control, bidi, zero-width or private-use characters)";

/**
 * Whether `text` may be a halt reason (see the module text). `maxLength`: 200 for an operator's; the router's
 * own reasons (a journal's damage report) run longer.
 *
 * @example
 * ```ts
 * isHaltReason("news at 14:30"); // true
 * isHaltReason("x\u202eevil"); // false: a bidi override
 * isHaltReason("\u3164"); // false: a Hangul filler alone shows nothing
 * ```
 */
export function isHaltReason(text: string, maxLength = 200): boolean {
  return text.length <= maxLength && ALLOWED.test(text) && VISIBLE.test(text.replace(BLANK_LOOK_ALIKES, ""));
}
