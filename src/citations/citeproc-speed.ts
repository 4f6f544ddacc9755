/**
 * Faster paths through four hot spots of citeproc-js 2.4 (issue 8), each returning exactly what
 * citeproc's own code returns; where a shortcut cannot be sure, citeproc's code runs.
 *
 * 1. Case conversion. `CSL.toLocaleLowerCase` calls `str.toLocaleLowerCase(langArray)`, which
 *    canonicalises the locale list on every call (~7% of a render). V8 converts case by locale
 *    only when the first locale's language is az, el, lt or tr, and otherwise exactly as
 *    `toLowerCase` does; so for any other two-letter language we call that directly.
 * 2. Sorting. `CSL.getSortCompare` compares with `a.localeCompare(b, locale, options)`, which
 *    builds a collator on every comparison; ECMA-402 defines it as
 *    `new Intl.Collator(locale, options).compare(a, b)`, so one collator per comparer does.
 * 3. Quote and markup flip-flopping. `processTags` runs two large regular expressions over every
 *    piece of text to find `<i>`, quotes and the like; text with none of the characters any of
 *    those tags contains (`<`, straight quotes, the locale's quotes, ’) leaves it unchanged.
 * 4. HTML escaping. `text_escape` runs five replacements, mostly on empty strings; text with
 *    nothing to replace is returned as it is.
 * 5. The top of a stack. `CSL.Stack.prototype.value` (millions of calls) returns
 *    `this.mystack.slice(-1)[0]`, copying the last element into a new array to read it back;
 *    indexing the last element reads the same value without the copy.
 */
import {createRequire} from 'node:module'

interface CiteprocState {
  tmp?: {lang_array?: unknown}
  getTerm(name: string): string | undefined
}
interface FlipFlopper {
  processTags(blob: {blobs: unknown}): void
}
interface CiteprocStack {
  mystack: unknown
}
interface Citeproc {
  toLocaleLowerCase(this: CiteprocState, str: string): string
  toLocaleUpperCase(this: CiteprocState, str: string): string
  getSortCompare(this: CiteprocState, defaultLocale?: string): (a: string, b: string) => number
  stringCompare?: (a: string, b: string) => number
  SUPERSCRIPTS_REGEXP: RegExp
  Util: {FlipFlopper: new (state: CiteprocState) => FlipFlopper}
  Output: {Formats: {html: {text_escape(text: string): string}}}
  Stack: {prototype: {value(this: CiteprocStack): unknown}}
  [key: symbol]: unknown
}

// The citeproc instance citation-js uses (resolved from @citation-js/plugin-csl).
const requireHere = createRequire(import.meta.url)
const CSL = createRequire(requireHere.resolve('@citation-js/plugin-csl'))('citeproc') as Citeproc
const done = Symbol.for('essay-edition.citeproc-speed')

/** Languages whose case conversion V8 does by locale (the rest convert as toLowerCase does). */
const localeCased = /^(?:az|el|lt|tr)$/i
const twoLetter = /^([a-z]{2})(?:-|$)/i

function plainCase(langs: unknown): boolean {
  if (!Array.isArray(langs) || langs.length === 0 || typeof langs[0] !== 'string') return false
  const language = twoLetter.exec(langs[0])?.[1]
  return language !== undefined && !localeCased.test(language)
}

export function speedUpCiteproc(): void {
  if (CSL[done]) return
  CSL[done] = true

  const lower = CSL.toLocaleLowerCase
  const upper = CSL.toLocaleUpperCase
  CSL.toLocaleLowerCase = function (str) {
    return plainCase(this?.tmp?.lang_array) ? str.toLowerCase() : lower.call(this, str)
  }
  CSL.toLocaleUpperCase = function (str) {
    return plainCase(this?.tmp?.lang_array) ? str.toUpperCase() : upper.call(this, str)
  }

  const getSortCompare = CSL.getSortCompare
  CSL.getSortCompare = function (defaultLocale) {
    if (CSL.stringCompare) return CSL.stringCompare
    let collator: Intl.Collator
    try {
      collator = new Intl.Collator(defaultLocale || 'en-US', {sensitivity: 'base', ignorePunctuation: true, numeric: true})
    } catch {
      return getSortCompare.call(this, defaultLocale)
    }
    const state = this
    const strcmp = (a: string, b: string) => collator.compare(CSL.toLocaleLowerCase.call(state, a), CSL.toLocaleLowerCase.call(state, b))
    const stripPunct = (str: string) => str.replace(/^[\[\]'"]*/g, '')
    if (!strcmp('[x', 'x')) return strcmp
    return (a, b) => strcmp(stripPunct(a), stripPunct(b))
  }

  const FlipFlopper = CSL.Util.FlipFlopper
  const Fast = function (this: unknown, state: CiteprocState) {
    const instance = new FlipFlopper(state)
    const slow = instance.processTags
    const quotes = ['open-quote', 'close-quote', 'open-inner-quote', 'close-inner-quote'].map((term) => state.getTerm(term) ?? '').join('')
    const chars = [...new Set(`<"'\u2019${quotes}`)].map((char) => `\\u{${char.codePointAt(0)!.toString(16)}}`).join('')
    const special = new RegExp(`[${chars}]`, 'u')
    instance.processTags = function (blob) {
      if (typeof blob.blobs === 'string' && !special.test(blob.blobs)) return
      slow.call(this, blob)
    }
    return instance
  } as unknown as Citeproc['Util']['FlipFlopper']
  CSL.Util.FlipFlopper = Fast

  const html = CSL.Output.Formats.html
  const escape = html.text_escape
  const superscript = new RegExp(CSL.SUPERSCRIPTS_REGEXP.source)
  const needsEscape = /[&<>]|\s\s/
  html.text_escape = function (text) {
    // citeproc turns anything empty into '' (most calls are for '').
    if (!text) return ''
    if (!needsEscape.test(text) && !superscript.test(text)) return text
    return escape.call(this, text)
  }

  // `mystack` is always an array (set to [] by the constructor, `clear` and `Output.Queue.string`);
  // for an array, slice(-1)[0] is its last element, or undefined when it is empty.
  const stackValue = CSL.Stack.prototype.value
  CSL.Stack.prototype.value = function () {
    const stack = this.mystack
    if (!Array.isArray(stack)) return stackValue.call(this)
    return stack.length > 0 ? stack[stack.length - 1] : undefined
  }
}
