/**
 * Rules of Pandoc's citeproc that citeproc-js lacks or gets wrong, for data as Pandoc reads it. Each wraps
 * one function of citeproc-js and is installed only on the citeproc-js it was written for
 * (`provenOn`); elsewhere citeproc-js runs as it is.
 *
 * 1. `and others`. BibTeX's `author = {Huber, Peter J. and others}` says that the list of authors goes on. Pandoc
 * reads it as a last name whose literal is "others" (names.ts does the same), and its citeproc
 * ends such a list in the style's "et al.": "Huber, P. J., et al.", "(Huber et al., 1967)".
 * citeproc-js has no such rule and would print "Huber, P. J., & others". This teaches it: a
 * name list ending in `{literal: "others"}` is shown without it, as a list the style's et-al
 * rules have shortened, so that the style's own "et al." (term, delimiter, formatting) follows.
 *
 *    It wraps `CSL.NameOutput.prototype._imposeNameConstraints`, which receives each list of names
 *    with its full count and shortens it (and two functions that place "et al.").
 * 2. A version is numeric when it ends in a digit. APA prints "(Version 2.4)" for a numeric
 *    version (`is-numeric="version"`); citeproc-js tests "version" as a number variable, by which
 *    "2.4" and "v2.1.3" are not numbers, and prints "(2.4)"; its own code for version (a last
 *    digit) is never reached. Pandoc's citeproc takes them as numeric. `@is-numeric` is wrapped to
 *    test "version" by its last character, as citeproc-js's code meant to.
 * 3. A subsequent author is the same list of names, not the same names shown. MLA's "---" and
 *    Chicago's "———" stand for the same author or authors as the entry before, and Pandoc's
 *    citeproc compares the whole lists. citeproc-js compares the names it
 *    rendered, after the et-al rule shortened them, so in MLA (et al. from three names)
 *    "Kruschke, John K., et al." after "Kruschke, John K." became "---", and so did "Kruschke, John
 *    K." after that. `NameOutput.prototype.outputNames` is wrapped: when the list was shortened,
 *    the names not shown are added, as one last entry, to the names the comparison reads
 *    (`state.tmp.rendered_name`; it is never printed). Lists shown whole compare as before.
 * 4. Title case inside words. `CSL.Output.Formatters.title` is wrapped; its result is mended:
 *    - a word written directly after a period inside a word keeps its case, as in Pandoc's
 *      citeproc: "Minibatch.jl", "arXiv.org", "Underscore.js" (citeproc-js: "Minibatch.Jl",
 *      "arXiv.Org"). The same after `:`, `?` or `!` with no space;
 *    - the first element of a hyphenated compound is capitalised even when it is a small word,
 *      "Off-the-Shelf" (CMOS 17, 8.161: always capitalise the first element). citeproc-js means
 *      to (a last word before "-" is capitalised), but passes the wrong argument after the first
 *      piece of the string, so it did this only near the start of a title ("off-the-Shelf");
 *    - a lone lowercase letter before a hyphen stays lowercase (a symbol: "t-SNE", "p-value",
 *      "n-gram", "x-ray"), as in Pandoc's citeproc and as citeproc-js already keeps a lone
 *      letter elsewhere; the same bug capitalised it only near the start ("T-SNE"). At the start
 *      of the title or of a subtitle it is capitalised, as there every word is.
 * 5. A page range as Pandoc's citeproc formats it. citeproc-js leaves "E1743-1752" (a prefix on
 *    the first page only) and "6:1-6:40" (a prefix that is not a letter) with their hyphen, and
 *    "6:1-6:40" counted as one page ("p."); and its page-range-format "chicago" is the CMOS 15th
 *    edition's (1593–1623), where CMOS 17 (9.64) and Pandoc abbreviate to 1593–623. For a page
 *    value that is one range, in those three cases, `Engine.prototype.processNumber` is wrapped
 *    to set the range as Pandoc does: the two ends split at the hyphen or en dash; with the same
 *    prefix the digits shortened as the style's page-range-format says (Pandoc's rules), with
 *    different prefixes both ends as written; joined by the locale's page-range delimiter; a
 *    range, so "pp.". Every other page value is citeproc-js's.
 * 6. Given names with `initialize="false"` and `initialize-with` (MLA): the CSL specification
 *    keeps the names and adds the period to initials ("James W" → "James W.", "S.-F." stays).
 *    citeproc-js drops the hyphen of hyphenated initials ("S. F."), and adds nothing when
 *    disambiguation asked for the full given name ("James W"). Pandoc's citeproc does as the
 *    specification says. `CSL.Util.Names.initializeWith` is wrapped to treat the parts between
 *    hyphens of hyphenated initials one by one, and `NameOutput.prototype._givenName` so that
 *    the full given name is still so normalised.
 */
import {createRequire} from 'node:module'
import {others} from './names.js'

interface NameOutput {
  state: {tmp: {area?: string; rendered_name?: unknown}}
  variables: string[]
  Item: Record<string, unknown>
  etal_use_last?: boolean
  etal_spec: Record<string, object>
  'et-al': {single: unknown; multiple: unknown}
  freeters: Record<string, unknown[]>
  persons: Record<string, unknown[][]>
  institutions: Record<string, unknown[]>
}
interface NameOutputPrototype {
  outputNames(this: NameOutput): unknown
  _imposeNameConstraints(this: NameOutput, lst: Record<string, unknown[]>, count: Record<string, number>, key: string, pos: number): unknown
  _setEtAlParameter(this: NameOutput, type: string, v: string, j?: number): unknown
  _givenName(this: NameOutput & {name: unknown; state: {inheritOpt(node: unknown, option: string, ...rest: unknown[]): unknown}}, name: unknown, pos: unknown, i: unknown): unknown
  joinPersons(this: NameOutput, blobs: unknown[], pos: string, j?: number, tokenname?: string): unknown
}
interface NumberValue {
  particle?: string
  value: string
  joiningSuffix: string
  plural?: number
  styling?: {strings?: {suffix: string}}
}
interface Engine {
  opt: Record<string, unknown>
  tmp: {shadow_numbers: Record<string, {values: NumberValue[]; plural?: number} | undefined>}
  getTerm(name: string): string | undefined
}
interface EnginePrototype {
  processNumber(this: Engine, node: unknown, item: Record<string, unknown> | undefined, variable: string): unknown
}
type InitializeWith = (this: unknown, state: {opt: Record<string, unknown>}, name: string, terminator: string, normalizeOnly?: boolean) => string
type AttributeHandler = (this: {tests?: Array<(item: Record<string, unknown>) => boolean>}, state: unknown, arg: string) => void
interface Citeproc {
  PROCESSOR_VERSION: string
  NameOutput?: {prototype: NameOutputPrototype}
  Attributes?: Record<string, AttributeHandler>
  [installed]?: boolean
  [versionInstalled]?: boolean
  [wholeListInstalled]?: boolean
  [titleCaseInstalled]?: boolean
  [pageRangeInstalled]?: boolean
  [numberRangeInstalled]?: boolean
  [initialsInstalled]?: boolean
  Util?: {Names?: {initializeWith?: InitializeWith; unInitialize?: (state: unknown, name: string) => string}}
  Engine?: {prototype: EnginePrototype}
  Output?: {Formatters?: Record<string, (state: unknown, text: string) => string>}
}

const installed = Symbol.for('essay-edition.citeproc-others')
const versionInstalled = Symbol.for('essay-edition.citeproc-version')
const wholeListInstalled = Symbol.for('essay-edition.citeproc-whole-list')
const titleCaseInstalled = Symbol.for('essay-edition.citeproc-title-case')
const pageRangeInstalled = Symbol.for('essay-edition.citeproc-page-range')
const numberRangeInstalled = Symbol.for('essay-edition.citeproc-number-ranges')
const initialsInstalled = Symbol.for('essay-edition.citeproc-initials')
const requireHere = createRequire(import.meta.url)
const CSL = createRequire(requireHere.resolve('@citation-js/plugin-csl'))('citeproc') as Citeproc

/** The citeproc-js this was written for and tested on (its PROCESSOR_VERSION). */
export const provenOn = '1.4.61'

const isOthers = (name: unknown) =>
  Boolean(name && typeof name === 'object' && (name as {literal?: unknown}).literal === others &&
    !(name as {family?: unknown}).family && !(name as {given?: unknown}).given)

/** Install the rule; true when it is in place. */
export function endListsAtOthers(): boolean {
  if (CSL[installed]) return true
  const prototype = CSL.NameOutput?.prototype
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof prototype?._imposeNameConstraints !== 'function' ||
    typeof prototype._setEtAlParameter !== 'function' || typeof prototype.joinPersons !== 'function') return false
  const impose = prototype._imposeNameConstraints
  const setEtAl = prototype._setEtAlParameter
  const joinPersons = prototype.joinPersons
  // Name sets whose "et al." follows a single name after the name delimiter (see below).
  const delimitedEtAl = new WeakSet<object>()
  // The lists shortened here; "et al." after them is never the ellipsis of et-al-use-last.
  const endedAtOthers = new WeakSet<object>()
  /** Run `run` with et-al-use-last off (APA's "…" and last name are for long lists only). */
  const withoutUseLast = <T>(output: NameOutput, run: () => T): T => {
    const useLast = output.etal_use_last
    output.etal_use_last = false
    try {
      return run()
    } finally {
      output.etal_use_last = useLast
    }
  }
  prototype._imposeNameConstraints = function (lst, count, key, pos) {
    const names = lst[key]
    if (!Array.isArray(names) || names.length < 2 || !isOthers(names[names.length - 1])) return impose.call(this, lst, count, key, pos)
    // Shorter than its count: citeproc-js adds "et al." as after its own truncation.
    lst[key] = names.slice(0, -1)
    const result = withoutUseLast(this, () => impose.call(this, lst, count, key, pos))
    endedAtOthers.add(lst[key]!)
    return result
  }
  prototype._setEtAlParameter = function (type, v, j) {
    const list = type === 'persons' ? this.persons[v]?.[j!] : (this as unknown as Record<string, Record<string, unknown[]>>)[type]?.[v]
    if (!list || !endedAtOthers.has(list)) {
      if (this.etal_spec[v]) delimitedEtAl.delete(this.etal_spec[v]!)
      return setEtAl.call(this, type, v, j)
    }
    // A style that shortens long lists with "…" and the last name (APA's references) has no
    // "et al." of its own there: put its name delimiter before it, "Huber, P. J., et al.".
    if (this.etal_use_last && this.etal_spec[v]) delimitedEtAl.add(this.etal_spec[v]!)
    return withoutUseLast(this, () => setEtAl.call(this, type, v, j))
  }
  prototype.joinPersons = function (blobs, pos, j, tokenname) {
    const spec = this.etal_spec[pos]
    if (!spec || !delimitedEtAl.has(spec) || !this['et-al']) return joinPersons.call(this, blobs, pos, j, tokenname)
    const single = this['et-al'].single
    this['et-al'].single = this['et-al'].multiple
    try {
      return joinPersons.call(this, blobs, pos, j, tokenname)
    } finally {
      this['et-al'].single = single
    }
  }
  CSL[installed] = true
  return true
}

/** Install rule 2; true when it is in place. */
export function versionEndingInDigitIsNumeric(): boolean {
  if (CSL[versionInstalled]) return true
  const isNumeric = CSL.Attributes?.['@is-numeric']
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof isNumeric !== 'function') return false
  CSL.Attributes!['@is-numeric'] = function (state, arg) {
    const variables = arg.split(/\s+/)
    if (!variables.includes('version')) return isNumeric.call(this, state, arg)
    const rest = variables.filter((variable) => variable !== 'version')
    if (rest.length > 0) isNumeric.call(this, state, rest.join(' '))
    ;(this.tests ??= []).push((item) => /\d$/.test(String(item.version ?? '')))
  }
  CSL[versionInstalled] = true
  return true
}

const nameKey = (name: unknown): string => {
  if (!name || typeof name !== 'object') return String(name)
  const {family, given, literal, 'non-dropping-particle': particle, 'dropping-particle': dropping, suffix} = name as Record<string, unknown>
  return [literal, dropping, particle, family, given, suffix].map((part) => (typeof part === 'string' ? part : '')).join('\u0001')
}

/** Install rule 3; true when it is in place. */
export function subsequentAuthorIsTheWholeList(): boolean {
  if (CSL[wholeListInstalled]) return true
  const prototype = CSL.NameOutput?.prototype
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof prototype?.outputNames !== 'function') return false
  const outputNames = prototype.outputNames
  prototype.outputNames = function () {
    // outputNames empties `variables` when it is done.
    const variables = [...(this.variables ?? [])]
    const result = outputNames.call(this)
    const rendered = this.state.tmp.rendered_name
    if (this.state.tmp.area !== 'bibliography' || !Array.isArray(rendered) || rendered.length === 0) return result
    const all: unknown[] = []
    for (const variable of variables) {
      const names = this.Item[variable]
      if (Array.isArray(names)) all.push(...names)
    }
    // Shortened (et al., or a list ending in `others`): the comparison sees every name.
    if (all.length > rendered.length) rendered.push('\u0000' + all.map(nameKey).join('\u0002'))
    return result
  }
  CSL[wholeListInstalled] = true
  return true
}

/** Tags whose text title case leaves alone, as citeproc-js lists them. */
const keepCaseTag = /^<(?:span class="no(?:case|decor)"|sc|sub|sup|span style="font-variant: ?small-caps;?")>$/

/** For each character of citeproc-js's marked-up string: is it text that title case may change? */
function changeable(text: string): boolean[] {
  const mask: boolean[] = Array.from({length: text.length}, () => false)
  const open: boolean[] = []
  let kept = 0
  const tag = /<\/?[a-z][^>]*>/g
  let at = 0
  const markText = (end: number) => {
    for (let i = at; i < end; i++) mask[i] = kept === 0
  }
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    markText(match.index)
    if (match[0].startsWith('</')) {
      if (open.pop()) kept--
    } else if (!match[0].endsWith('/>')) {
      const keeps = keepCaseTag.test(match[0])
      open.push(keeps)
      if (keeps) kept++
    }
    at = match.index + match[0].length
  }
  markText(text.length)
  return mask
}

/**
 * The words title case leaves in lower case: the CSL specification's stop words ("a", "an",
 * "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor", "of", "on", "onto",
 * "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet"), with the few Pandoc's
 * citeproc adds (name particles, "about"). citeproc-js's own list is much longer ("between",
 * "through", "during", "without", ...), against the specification, which CSL styles are written
 * to; it takes a list from a locale's `skip-words` option, which is how this one is given.
 */
export const titleCaseStopWords = [
  'a', 'an', 'and', 'as', 'at', 'but', 'by', 'down', 'for', 'from', 'in', 'into', 'nor', 'of', 'on', 'onto',
  'or', 'over', 'so', 'the', 'till', 'to', 'up', 'via', 'with', 'yet', 'about', 'van', 'von', 'de', 'd', 'l'
]
const stopWords = new Set(titleCaseStopWords)

const isLowerLetter = (c: string | undefined) => c !== undefined && /^\p{Ll}$/u.test(c)

/** citeproc-js's title case, mended inside words (rule 4). */
export function mendTitleCase(input: string, output: string): string {
  // Only case changes are mended; a capital of another length (ß) leaves the result alone.
  if (input.length !== output.length) return output
  const mask = changeable(output)
  const out = output.split('')
  // A word directly after ".", ":", "?" or "!" inside a word keeps its case.
  for (const match of input.matchAll(/(?<=[\p{L}\p{N}][.:?!])[\p{L}\p{N}]+/gu)) {
    for (let i = match.index; i < match.index + match[0].length; i++) if (mask[i]) out[i] = input[i]!
  }
  // The first element of a hyphenated compound: a word after a space, a quote or a bracket.
  for (const match of output.matchAll(/(?<=^|[\s"'“‘(\[])\p{L}+(?=-)/gu)) {
    const start = match.index
    if (!mask[start]) continue
    const before = output.slice(0, start).replace(/<[^>]*>/g, '').replace(/[\s"'“‘(\[]+$/u, '')
    // The first word of the title or of a subtitle: citeproc-js capitalises it as every word there.
    if (before === '' || /[.:?!]$/.test(before)) continue
    if (match[0].length === 1) {
      if (isLowerLetter(input[start])) out[start] = input[start]!
    } else if (match[0] === match[0].toLowerCase()) {
      out[start] = out[start]!.toUpperCase()
    }
  }
  // A word in single quotes is a word: capitalised as any other ("’Easystats’"), as in Pandoc's
  // citeproc; citeproc-js takes the quote for a letter of the word and leaves it.
  for (const match of output.matchAll(/(?<=(?:^|[\s(\[“"])[‘’'])\p{Ll}[\p{L}\p{N}]*/gu)) {
    if (!mask[match.index] || stopWords.has(match[0])) continue
    out[match.index] = out[match.index]!.toUpperCase()
  }
  return out.join('')
}

/** Install rule 4; true when it is in place. */
export function titleCaseInsideWords(): boolean {
  if (CSL[titleCaseInstalled]) return true
  const formatters = CSL.Output?.Formatters
  const title = formatters?.title
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof title !== 'function') return false
  formatters!.title = function (state, text) {
    const result = title.call(this, state, text)
    return typeof text === 'string' && typeof result === 'string' ? mendTitleCase(text, result) : result
  }
  CSL[titleCaseInstalled] = true
  return true
}

/** Pandoc's minimal form: the end's digits from the first that differs, at least `least` of them. */
function minimal(least: number, start: string, end: string): string {
  let common = 0
  while (common < start.length && common < end.length && start[common] === end[common]) common++
  const rest = end.slice(common)
  return rest.length < least && end.length >= least ? end.slice(-least) : rest
}

/**
 * One page range as Pandoc's citeproc sets it, its two ends; undefined where citeproc-js's own
 * result is kept (not one range of two ends, or a case where the two agree).
 */
export function pandocPageRange(page: string, format: string | undefined): [string, string] | undefined {
  if (/[,&]|\\-/.test(page)) return undefined
  const parts = page.split(/[-\u2013]/).map((part) => part.trim())
  if (parts.length !== 2 || parts.some((part) => !/\d$/.test(part))) return undefined
  const [first, last] = parts as [string, string]
  const prefix = first.replace(/\d+$/, '')
  if (prefix !== last.replace(/\d+$/, '')) return [first, last]
  if (!format || !(/[^\p{L}]/u.test(prefix) || format === 'chicago')) return undefined
  const x = first.slice(prefix.length)
  const y = last.slice(prefix.length)
  const end = y.length < x.length ? x.slice(0, x.length - y.length) + y : y
  const changed = [...x].filter((digit, i) => digit !== end[i]).length
  switch (format) {
    case 'chicago':
      return [first, x.length < 3 || x.endsWith('00') ? end
        : x.at(-2) === '0' ? minimal(1, x, end)
          : x.length === 4 && changed >= 3 ? end
            : minimal(2, x, end)]
    case 'expanded':
      return [first, prefix + end]
    case 'minimal':
      return [first, minimal(1, x, end)]
    case 'minimal-two':
      return [first, minimal(2, x, end)]
    default:
      return [first, last]
  }
}

/** Install rule 5; true when it is in place. */
export function pageRangesAsPandoc(): boolean {
  if (CSL[pageRangeInstalled]) return true
  const prototype = CSL.Engine?.prototype
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof prototype?.processNumber !== 'function') return false
  const processNumber = prototype.processNumber
  const done = new WeakSet<NumberValue[]>()
  prototype.processNumber = function (node, item, variable) {
    const result = processNumber.call(this, node, item, variable)
    const shadow = this.tmp.shadow_numbers[variable]
    const page = item?.page
    if (variable !== 'page' || typeof page !== 'string' || shadow?.values.length !== 2 || done.has(shadow.values)) return result
    const format = this.opt['page-range-format']
    const range = pandocPageRange(page, typeof format === 'string' ? format : undefined)
    if (!range) return result
    const delimiter = this.getTerm('page-range-delimiter') || '\u2013'
    const [start, end] = shadow.values as [NumberValue, NumberValue]
    // The first end's styling carries the joining text as its suffix (citeproc-js's setStyling).
    const styling = start.styling?.strings
    if (styling) styling.suffix = styling.suffix.slice(0, styling.suffix.length - start.joiningSuffix.replace(/^\\/, '').length) + delimiter
    Object.assign(start, {particle: '', value: range[0], joiningSuffix: delimiter, plural: 1})
    Object.assign(end, {particle: '', value: range[1], plural: 1})
    shadow.plural = 1
    done.add(shadow.values)
    return result
  }
  CSL[pageRangeInstalled] = true
  return true
}

/**
 * Install rule 7; true when it is in place. A range in an issue, volume, number or edition is
 * printed as written ("no. 3-4", "12(2-3)", "209-210"), as the CSL specification has it (only
 * `page-range-format` reformats, and only pages) and as Pandoc's citeproc prints it; citeproc-js
 * puts the page-range delimiter (an en dash) there. `processNumber` is wrapped, as for rule 5.
 */
export function numberRangesAsWritten(): boolean {
  if (CSL[numberRangeInstalled]) return true
  const prototype = CSL.Engine?.prototype
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof prototype?.processNumber !== 'function') return false
  const processNumber = prototype.processNumber
  prototype.processNumber = function (node, item, variable) {
    const result = processNumber.call(this, node, item, variable)
    const written = item?.[variable]
    if (!asWritten.has(variable) || typeof written !== 'string' || !written.includes('-') || written.includes('\u2013')) return result
    const delimiter = this.getTerm('page-range-delimiter') || '\u2013'
    if (delimiter === '-') return result
    for (const value of this.tmp.shadow_numbers[variable]?.values ?? []) {
      if (!value.joiningSuffix.includes(delimiter)) continue
      value.joiningSuffix = value.joiningSuffix.replace(delimiter, '-')
      const strings = value.styling?.strings
      if (strings) strings.suffix = strings.suffix.replace(delimiter, '-')
    }
    return result
  }
  CSL[numberRangeInstalled] = true
  return true
}
const asWritten = new Set(['issue', 'volume', 'number', 'edition'])

/** Install rule 6; true when it is in place. */
export function initialsAsWritten(): boolean {
  if (CSL[initialsInstalled]) return true
  const names = CSL.Util?.Names
  const initializeWith = names?.initializeWith
  const unInitialize = names?.unInitialize
  const givenName = CSL.NameOutput?.prototype._givenName
  if (CSL.PROCESSOR_VERSION !== provenOn || typeof initializeWith !== 'function' || typeof unInitialize !== 'function' || typeof givenName !== 'function') return false
  names!.initializeWith = function (state, name, terminator, normalizeOnly) {
    // "S.-F.", "J-C": initials joined by a hyphen, normalised one by one.
    if (normalizeOnly && state.opt['initialize-with-hyphen'] !== false && typeof name === 'string' && /^\p{Lu}\.?(?:\s*-\s*\p{Lu}\.?)+$/u.test(name.trim())) {
      return name.trim().split(/\s*-\s*/).map((part) => initializeWith.call(this, state, part, terminator, true).trim()).join('-')
    }
    return initializeWith.call(this, state, name, terminator, normalizeOnly)
  }
  // The full given name asked for by disambiguation: still normalised where initialize="false".
  let normalizeWith: string | undefined
  names!.unInitialize = function (state, name) {
    return normalizeWith === undefined ? unInitialize.call(this, state, name) : names!.initializeWith!.call(CSL.Util!.Names, state as {opt: Record<string, unknown>}, name, normalizeWith, true)
  }
  CSL.NameOutput!.prototype._givenName = function (name, pos, i) {
    const terminator = this.state.inheritOpt(this.name, 'initialize-with')
    const outer = normalizeWith
    normalizeWith = this.state.inheritOpt(this.name, 'initialize') === false && typeof terminator === 'string' ? terminator : undefined
    try {
      return givenName.call(this, name, pos, i)
    } finally {
      normalizeWith = outer
    }
  }
  CSL[initialsInstalled] = true
  return true
}

/** Install the rules (see the module's doc). */
export function installCiteprocRules(): void {
  endListsAtOthers()
  versionEndingInDigitIsNumeric()
  subsequentAuthorIsTheWholeList()
  titleCaseInsideWords()
  pageRangesAsPandoc()
  initialsAsWritten()
  numberRangesAsWritten()
}
