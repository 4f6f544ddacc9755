/**
 * Faster paths through hot spots of citeproc-js 2.4 (issue 8), each returning exactly what
 * citeproc's own code returns; where a shortcut cannot be sure, citeproc's code runs.
 *
 * They reach into citeproc's internals, so they are installed only on the citeproc-js they were
 * proven on (`provenOn`: the version the engine reports, `CSL.PROCESSOR_VERSION`, and the npm
 * package's); on any other version citeproc runs as it is, silently (same output, more time).
 * `ESSAY_EDITION_CITEPROC_SHORTCUTS=0` leaves them out too. The proof is
 * tests/citeproc-speed.test.ts: the bench corpora, the default essay and the Pandoc fixture in
 * the nine styles, rendered with and without them, byte for byte the same.
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
 * 6. Running a token. `CSL.tokenExec` (over a million calls) allocates a closure, `record`, on
 *    every call to set the jump state after a test; the same statements written inline do the
 *    same in the same order without it.
 *
 * Memos (7-9). Rendering a work again (for its ambiguous form, sort keys, each citation and its
 * entry) repeats the same pure work on the same names and titles tens of times. Each memo
 * below stores the results of one such function, keyed by every input the function reads, and is
 * used only where that function provably reads nothing else: its arguments are of the types it
 * was written for, and where it converts case, the conversions follow the shortcut of (1) (the
 * document's language is not one V8 cases by locale, and those two functions are still ours).
 * Otherwise, and on a miss, citeproc's own function runs. Each memo is emptied when it reaches
 * `memoLimit` entries, so that a long-running process does not grow without bound.
 * 7. Initials. `CSL.Util.Names.initializeWith(state, name, terminator, normalizeOnly)` (tens of
 *    thousands of calls, mostly from the names registry, for a few hundred distinct names) reads,
 *    besides its arguments, only `state.opt['initialize-with-hyphen']` (compared with false) and
 *    the case conversion; the memo key holds all of them.
 * 8. Name particles. `CSL.parseParticles(name)` splits "van", "de la" and the like off a name
 *    object, reading `family`, `given`, `suffix` and `dropping-particle` and assigning some of its
 *    fields. On a miss it runs on a copy of those four fields behind a Proxy that records each
 *    assignment; the recorded assignments are then made on the name, in order, as the function
 *    would have made them, and replayed for later names with the same four values. Had the
 *    function read any other field, enumerated, deleted or defined properties, or thrown, the
 *    memo keeps a refusal for those values and citeproc's function runs on the name itself.
 * 9. Text case. The formatters `lowercase`, `uppercase`, `sentence`, `title`,
 *    `capitalize-first` and `capitalize-all` of `CSL.Output.Formatters` map a string to a string
 *    through citeproc's text-case engine, reading only the string, the case conversions, and
 *    (`title`) the locale's stop-word expression, whose source and flags key a memo of their own
 *    (it is only matched with String.prototype.match, which depends on nothing else and leaves
 *    its lastIndex at 0).
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
interface CiteprocToken {
  next: unknown
  test?: (Item: unknown, item: unknown) => unknown
  succeed: unknown
  fail: unknown
  execs: Array<(this: CiteprocToken, state: unknown, Item: unknown, item: unknown) => unknown>
}
type NameFields = Record<string, unknown>
interface CiteprocNames {
  initializeWith(this: CiteprocNames, state: CiteprocEngineState, name: unknown, terminator?: unknown, normalizeOnly?: unknown): string
}
interface CiteprocEngineState {
  tmp?: {lang_array?: unknown}
  opt?: Record<string, unknown> & {lang?: string}
  locale?: Record<string, {opts?: Record<string, unknown>}>
}
type TextCase = (this: unknown, state: CiteprocEngineState, text: unknown) => unknown
interface Citeproc {
  toLocaleLowerCase(this: CiteprocState, str: string): string
  toLocaleUpperCase(this: CiteprocState, str: string): string
  getSortCompare(this: CiteprocState, defaultLocale?: string): (a: string, b: string) => number
  stringCompare?: (a: string, b: string) => number
  SUPERSCRIPTS_REGEXP: RegExp
  Util: {FlipFlopper: new (state: CiteprocState) => FlipFlopper; Names: CiteprocNames}
  Output: {Formats: {html: {text_escape(text: string): string}}; Formatters: Record<string, unknown>}
  parseParticles(this: unknown, name: NameFields): void
  Stack: {prototype: {value(this: CiteprocStack): unknown}}
  tokenExec(this: {tmp: {jump: {replace(value: string): void}}}, token: CiteprocToken, Item: unknown, item: unknown): unknown
  [key: symbol]: unknown
}

// The citeproc instance citation-js uses (resolved from @citation-js/plugin-csl).
const requireHere = createRequire(import.meta.url)
const requireCiteproc = createRequire(requireHere.resolve('@citation-js/plugin-csl'))
const done = Symbol.for('essay-edition.citeproc-speed')

/** The citeproc-js the shortcuts were proven on (tests/citeproc-speed.test.ts). */
export const provenOn = {processor: '1.4.61', package: '2.4.63'} as const

export interface CiteprocVersion {
  /** What the engine reports (`CSL.PROCESSOR_VERSION`). */
  processor: unknown
  /** The npm package's `version`. */
  package: unknown
}

/** The version of the citeproc-js citation-js uses. */
export function citeprocVersion(): CiteprocVersion {
  const CSL = requireCiteproc('citeproc') as {PROCESSOR_VERSION?: unknown}
  let pkg: unknown
  try {
    pkg = (requireCiteproc('citeproc/package.json') as {version?: unknown}).version
  } catch {
    pkg = undefined
  }
  return {processor: CSL.PROCESSOR_VERSION, package: pkg}
}

/** Whether the shortcuts may be installed on this version: only on the one they were proven on. */
export function shortcutsProvenFor(version: CiteprocVersion): boolean {
  return version.processor === provenOn.processor && version.package === provenOn.package
}

/** Languages whose case conversion V8 does by locale (the rest convert as toLowerCase does). */
const localeCased = /^(?:az|el|lt|tr)$/i
const twoLetter = /^([a-z]{2})(?:-|$)/i

function plainCase(langs: unknown): boolean {
  if (!Array.isArray(langs) || langs.length === 0 || typeof langs[0] !== 'string') return false
  const language = twoLetter.exec(langs[0])?.[1]
  return language !== undefined && !localeCased.test(language)
}

/** Entries a memo holds before it is emptied. */
const memoLimit = 50_000

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= memoLimit) memo.clear()
  memo.set(key, value)
  return value
}

/**
 * A memo keyed by four values, held in nested Maps, so that a lookup builds no key string and
 * allocates nothing (with a key string built per call, these two memos took twice as long).
 */
class Memo4<T> {
  private root = new Map<unknown, Map<unknown, Map<unknown, Map<unknown, T>>>>()
  private entries = 0

  get(a: unknown, b: unknown, c: unknown, d: unknown): T | undefined {
    return this.root.get(a)?.get(b)?.get(c)?.get(d)
  }

  set(a: unknown, b: unknown, c: unknown, d: unknown, value: T): T {
    if (this.entries >= memoLimit) {
      this.root = new Map()
      this.entries = 0
    }
    let level1 = this.root.get(a)
    if (!level1) this.root.set(a, (level1 = new Map()))
    let level2 = level1.get(b)
    if (!level2) level1.set(b, (level2 = new Map()))
    let level3 = level2.get(c)
    if (!level3) level2.set(c, (level3 = new Map()))
    level3.set(d, value)
    this.entries++
    return value
  }
}

const isStringOrUndefined = (value: unknown): boolean => value === undefined || typeof value === 'string'

/**
 * Install the shortcuts on citeproc-js (`target`: the citeproc module and its package version;
 * default: the one citation-js uses), once, if it is the version they were proven on and
 * `ESSAY_EDITION_CITEPROC_SHORTCUTS` is not `0`. Returns whether they are in place.
 */
export function speedUpCiteproc(target?: {CSL: unknown; packageVersion: unknown}, env: NodeJS.ProcessEnv = process.env): boolean {
  const CSL = (target ? target.CSL : requireCiteproc('citeproc')) as Citeproc
  if (CSL[done]) return true
  if (env.ESSAY_EDITION_CITEPROC_SHORTCUTS === '0') return false
  const version = target ? {processor: (CSL as {PROCESSOR_VERSION?: unknown}).PROCESSOR_VERSION, package: target.packageVersion} : citeprocVersion()
  if (!shortcutsProvenFor(version)) return false
  CSL[done] = true

  const lower = CSL.toLocaleLowerCase
  const upper = CSL.toLocaleUpperCase
  const fastLower: Citeproc['toLocaleLowerCase'] = function (str) {
    return plainCase(this?.tmp?.lang_array) ? str.toLowerCase() : lower.call(this, str)
  }
  const fastUpper: Citeproc['toLocaleUpperCase'] = function (str) {
    return plainCase(this?.tmp?.lang_array) ? str.toUpperCase() : upper.call(this, str)
  }
  CSL.toLocaleLowerCase = fastLower
  CSL.toLocaleUpperCase = fastUpper
  /** Case conversions under `state` are plain toLowerCase/toUpperCase (see 1). */
  const plainCaseIn = (state: CiteprocEngineState | undefined) =>
    CSL.toLocaleLowerCase === fastLower && CSL.toLocaleUpperCase === fastUpper && plainCase(state?.tmp?.lang_array)

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

  // citeproc's tokenExec, statement for statement, with `record` inlined (and its disabled debug
  // printing left out): the test runs as a method of the token, then each exec in turn; the last
  // truthy value an exec returns is the next token.
  CSL.tokenExec = function (token, Item, item) {
    let next = token.next
    if (token.test) {
      if (token.test(Item, item)) {
        this.tmp.jump.replace('succeed')
        next = token.succeed
      } else {
        this.tmp.jump.replace('fail')
        next = token.fail
      }
    }
    for (let i = 0, ilen = token.execs.length; i < ilen; i++) {
      const maybenext = token.execs[i]!.call(token, this, Item, item)
      if (maybenext) next = maybenext
    }
    return next
  }

  const Names = CSL.Util.Names
  const initializeWith = Names.initializeWith
  const initials = new Memo4<string>()
  Names.initializeWith = function (state, name, terminator, normalizeOnly) {
    if (this !== Names || typeof name !== 'string' || !(terminator === undefined || terminator === null || typeof terminator === 'string') || typeof state?.opt !== 'object' || state.opt === null || !plainCaseIn(state)) {
      return initializeWith.call(this, state, name, terminator, normalizeOnly)
    }
    // citeproc: `if (!terminator) terminator = ""`, `if (state.opt["initialize-with-hyphen"] === false)`, `if (normalizeOnly)`.
    const noHyphen = state.opt['initialize-with-hyphen'] === false
    const normalize = Boolean(normalizeOnly)
    const term = terminator || ''
    const known = initials.get(noHyphen, normalize, term, name)
    return known !== undefined ? known : initials.set(noHyphen, normalize, term, name, initializeWith.call(this, state, name, terminator, normalizeOnly))
  }

  const parseParticles = CSL.parseParticles
  const particleFields = new Set(['family', 'given', 'suffix', 'dropping-particle'])
  const particles = new Memo4<Array<[string, unknown]> | null>()
  CSL.parseParticles = function (name) {
    if (typeof name !== 'object' || name === null) return parseParticles.apply(this, arguments as unknown as [NameFields])
    const family = name.family
    const given = name.given
    const suffix = name.suffix
    const dropping = name['dropping-particle']
    if (!isStringOrUndefined(family) || !isStringOrUndefined(given) || !isStringOrUndefined(suffix) || !isStringOrUndefined(dropping)) {
      return parseParticles.apply(this, arguments as unknown as [NameFields])
    }
    let assignments = particles.get(family, given, suffix, dropping)
    if (assignments === undefined) {
      // Run citeproc's function on a copy of the four fields, recording what it assigns.
      const copy: NameFields = {}
      for (const field of particleFields) copy[field] = name[field]
      const recorded: Array<[string, unknown]> = []
      let faithful = true
      const unfaithful = () => {
        faithful = false
        return false
      }
      const probe = new Proxy(copy, {
        // The copy itself (not the Proxy) receives the reads and assignments.
        get(target, field) {
          if (typeof field !== 'string' || !particleFields.has(field)) faithful = false
          return Reflect.get(target, field)
        },
        set(target, field, value) {
          if (typeof field !== 'string') faithful = false
          else recorded.push([field, value])
          return Reflect.set(target, field, value)
        },
        has: unfaithful,
        deleteProperty: unfaithful,
        defineProperty: unfaithful,
        ownKeys(target) {
          faithful = false
          return Reflect.ownKeys(target)
        },
        getOwnPropertyDescriptor(target, field) {
          faithful = false
          return Reflect.getOwnPropertyDescriptor(target, field)
        }
      })
      try {
        parseParticles.call(this, probe)
      } catch {
        faithful = false
      }
      assignments = particles.set(family, given, suffix, dropping, faithful ? recorded : null)
    }
    if (assignments === null) return parseParticles.apply(this, arguments as unknown as [NameFields])
    for (const [field, value] of assignments) name[field] = value
    return undefined
  }

  const formatters = CSL.Output.Formatters
  // Source and flags of each stop-word expression (neither can change).
  const stopWordKeys = new WeakMap<RegExp, string>()
  for (const kind of ['lowercase', 'uppercase', 'sentence', 'title', 'capitalize-first', 'capitalize-all']) {
    const format = formatters[kind] as TextCase | undefined
    if (typeof format !== 'function') continue
    // By stop-word expression (`title` only; the others use none): each engine builds its own,
    // from the same words, so they are told apart by source and flags.
    const memos = new Map<string, Map<string, unknown>>()
    formatters[kind] = function (this: unknown, state, text) {
      if (typeof text !== 'string' || !plainCaseIn(state)) return format.apply(this, arguments as unknown as [CiteprocEngineState, unknown])
      let stopWords = ''
      if (kind === 'title') {
        // As `title` reads it: state.locale[state.opt.lang].opts["skip-words-regexp"].
        let rex: unknown
        try {
          rex = state.locale![state.opt!.lang!]!.opts!['skip-words-regexp']
        } catch {
          return format.apply(this, arguments as unknown as [CiteprocEngineState, unknown])
        }
        if (rex === undefined) stopWords = 'none'
        else if (rex instanceof RegExp && Object.getPrototypeOf(rex) === RegExp.prototype) {
          let known = stopWordKeys.get(rex)
          if (known === undefined) stopWordKeys.set(rex, (known = `/${rex.flags}/${rex.source}`))
          stopWords = known
        } else return format.apply(this, arguments as unknown as [CiteprocEngineState, unknown])
      }
      let memo = memos.get(stopWords)
      if (!memo) memos.set(stopWords, (memo = new Map()))
      const known = memo.get(text)
      return known !== undefined ? known : remember(memo, text, format.call(this, state, text))
    } as TextCase
  }
  return true
}
