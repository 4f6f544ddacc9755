/**
 * Citations as plain values, as Pandoc's citeproc has them: what the author wrote, parsed, with no
 * trees and no HTML. The syntax produces them, the renderer consumes them.
 */

/** One cited work inside a citation. */
export interface CiteItem {
  /** Bibliography key, unchanged. */
  key: string
  /** Text before the key (`see` in `[see @a]`). */
  prefix?: string
  /** Text after the locator (`, emphasis added`). */
  suffix?: string
  /** Locator value (`33-35`). */
  locator?: string
  /** CSL locator type (`page`, `chapter`, ...); set when `locator` is. */
  label?: string
  /** `[-@key]`: the author's name is left out. */
  suppressAuthor?: boolean
}

/** One citation as the author wrote it: `[@a; @b]` or narrative `@a`. */
export interface Citation {
  /** `normal` for bracketed citations, `narrative` for `@key` in running text. */
  mode: 'normal' | 'narrative'
  items: CiteItem[]
}
