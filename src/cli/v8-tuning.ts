/**
 * One V8 setting for the command, applied by `bin/essay-edition.js` before anything else loads:
 * a larger interrupt budget, so that V8 optimises a function after more calls than by default.
 *
 * Why: a cold build spends most of its render time warming up citeproc-js. Nine styles give
 * citeproc's objects many shapes; a function optimised early, on the feedback of a few calls,
 * meets another shape soon after, is deoptimised ("wrong map") and optimised again, hundreds of
 * times a build. Waiting for more feedback before optimising avoids most of that churn. Measured
 * on Node 20 (V8 11.3), 2 cores: the medium bench corpus builds in ~5.0 s instead of ~6.4 s (CPU
 * ~8.5 s instead of ~11.5 s) and the default essay in ~1.1 s instead of ~1.5 s; the large corpus
 * is unchanged; output is the same bytes (V8 flags change when code is optimised, not what it does).
 *
 * Only on the V8 it was measured on (its tiering flags change meaning between versions), and never
 * over a budget the user gave node themselves. `ESSAY_EDITION_V8_TUNING=0` turns it off.
 */

/** The budget in bytes of bytecode run (V8 11's default is 132 KB). */
export const interruptBudget = 1_000_000

/**
 * The V8 flags to set, or none: for V8 11 only, when neither the command line (`execArgv`) nor
 * `ESSAY_EDITION_V8_TUNING=0` says otherwise.
 */
export function v8Tuning(context: {v8Version: string; execArgv: readonly string[]; env: Record<string, string | undefined>}): string[] {
  if (context.env.ESSAY_EDITION_V8_TUNING === '0') return []
  if (!/^11\./.test(context.v8Version)) return []
  if (context.execArgv.some((arg) => /^--interrupt[-_]budget(=|$)/.test(arg))) return []
  return [`--interrupt-budget=${interruptBudget}`]
}
