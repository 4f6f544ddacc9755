/**
 * The locator of a cited work, read from the start of its suffix as Pandoc 2.17 reads it
 * (`Text.Pandoc.Citeproc.Locator`): `, p. 33` (label and value), `, 33` (a page when it has digits),
 * `p. 33` (no comma), `{iv, A-2}` (a value in braces, label optional), `pp. 33, 35-37, and passim`
 * (values joined by commas, then the suffix). Labels are the locale's locator terms, any form, in
 * any case, the longest that matches. When no locator is found, a suffix that begins with neither
 * a space nor punctuation gets ", " in front (`@key [and passim]` reads "Key (2000, and passim)").
 *
 * It works on a suffix cut into tokens as Pandoc cuts its inlines: words, single punctuation
 * characters (but `:`), spaces, and whole pieces of markup (an emphasis, a link: `other`), each
 * with its plain text.
 */
import type {LocatorTerms} from './locators.js'

export type LocatorToken =
  | {kind: 'str'; text: string}
  | {kind: 'space'; text: string}
  /** Markup taken whole: `text` is its plain text, `html` what it prints as. */
  | {kind: 'other'; text: string; html: string}

export interface ParsedLocator {
  label?: string
  locator?: string
  /** What follows the locator (all of it when there is none). */
  rest: LocatorToken[]
}

const punctuation = /^\p{P}$/u
const space = /^\s+$/u

/** Cut plain text into Pandoc's tokens: runs of spaces, punctuation characters (not `:`) alone, words. */
export function tokenizeText(text: string): LocatorToken[] {
  const tokens: LocatorToken[] = []
  for (const match of text.matchAll(/\s+|[^\s\p{P}]+|:+|\p{P}/gu)) {
    const value = match[0]
    if (space.test(value)) tokens.push({kind: 'space', text: value})
    else tokens.push({kind: 'str', text: value})
  }
  // `:` is not a separator for Pandoc: it stays inside the word around it ("12:3").
  const single = (token: LocatorToken) => token.kind === 'str' && punctuation.test(token.text) && token.text !== ':' && !token.text.startsWith(':')
  const joined: LocatorToken[] = []
  for (const token of tokens) {
    const last = joined[joined.length - 1]
    if (token.kind === 'str' && last?.kind === 'str' && !single(token) && !single(last) && (last.text.endsWith(':') || token.text.startsWith(':'))) {
      last.text += token.text
    } else joined.push({...token})
  }
  return joined
}

const isSpace = (token: LocatorToken | undefined) => token?.kind === 'space'
const isChar = (token: LocatorToken | undefined, test: (c: string) => boolean) =>
  token?.kind === 'str' && [...token.text].length === 1 && test(token.text)
const isLocatorPunct = (c: string) => c !== '-' && c !== '–' && c !== ':' && punctuation.test(c)
const isLocatorSep = (c: string) => c === ',' || c === ';'
const isBrace = (c: string) => '()[]{}'.includes(c)
const roman = /^M*(?:CM)?D?(?:CD)?C*(?:XC)?L?(?:XL)?X*(?:IX)?V?(?:IV)?I*$/
const hasDigit = (text: string) => /[0-9]/.test(text)

interface Word {
  next: number
  digitLike: boolean
  text: string
}

/** A page unit: a roman numeral, or a run of tokens up to a space or locator punctuation. */
function pageUnit(tokens: LocatorToken[], at: number): Word | undefined {
  const first = tokens[at]
  if (first?.kind === 'str' && first.text && roman.test(first.text.toUpperCase())) return {next: at + 1, digitLike: true, text: first.text}
  let i = at
  let text = ''
  while (i < tokens.length && !isSpace(tokens[i]) && !isChar(tokens[i], isLocatorPunct)) {
    text += tokens[i]!.text
    i++
  }
  return i > at ? {next: i, digitLike: hasDigit(text), text} : undefined
}

/** `1`, `1.2`, `1.2.3`, `.2` (Pandoc's `pPageSeq`). */
function pageSeq(tokens: LocatorToken[], at: number): Word | undefined {
  const withPeriod = (i: number): Word | undefined => {
    if (!isChar(tokens[i], (c) => c === '.')) return undefined
    const unit = pageUnit(tokens, i + 1)
    return unit ? {next: unit.next, digitLike: unit.digitLike, text: '.' + unit.text} : undefined
  }
  const unit = pageUnit(tokens, at)
  if (unit) {
    let result = unit
    for (let more = withPeriod(result.next); more; more = withPeriod(result.next)) {
      result = {next: more.next, digitLike: result.digitLike || more.digitLike, text: result.text + more.text}
    }
    return result
  }
  return withPeriod(at)
}

/** One or more page sequences, each perhaps in balanced (), [] or {} (Pandoc's `pBalancedBraces`). */
function balancedPageSeqs(tokens: LocatorToken[], at: number): Word | undefined {
  const surround = (i: number): Word | undefined => {
    for (const [open, close] of [['{', '}'], ['[', ']'], ['(', ')']] as const) {
      if (!isChar(tokens[i], (c) => c === open)) continue
      const inner = isChar(tokens[i + 1], isBrace) ? undefined : pageSeq(tokens, i + 1)
      const after = inner ? inner.next : i + 1
      if (isChar(tokens[after], (c) => c === close)) return {next: after + 1, digitLike: inner?.digitLike ?? false, text: open + (inner?.text ?? '') + close}
    }
    if (isChar(tokens[i], isBrace)) return undefined
    return pageSeq(tokens, i)
  }
  let result: Word | undefined
  for (let next = surround(at); next; next = result ? surround(result.next) : undefined) {
    result = result ? {next: next.next, digitLike: result.digitLike || next.digitLike, text: result.text + next.text} : next
  }
  return result
}

/** A locator word: a separator (`,` `;`) unless first, a space, then page sequences. */
function locatorWord(tokens: LocatorToken[], at: number, first: boolean): Word | undefined {
  let i = at
  let text = ''
  if (!first && isChar(tokens[i], isLocatorSep)) {
    text += tokens[i]!.text
    i++
  }
  if (isSpace(tokens[i]) || isNbsp(tokens[i])) {
    text += ' '
    i++
  }
  const seq = balancedPageSeqs(tokens, i)
  return seq ? {next: seq.next, digitLike: seq.digitLike, text: text + seq.text} : undefined
}

const isNbsp = (token: LocatorToken | undefined) => token?.kind === 'str' && token.text === '\u00a0'

/**
 * The longest run of tokens from `at` that is a locator term; each step takes at least one token
 * and then tokens up to where `limit` would match (Pandoc's `pLocatorLabel'`).
 */
function label(tokens: LocatorToken[], at: number, terms: LocatorTerms, limit: (i: number) => boolean): {next: number; type: string} | undefined {
  let best: {next: number; type: string} | undefined
  let text = ''
  let i = at
  while (i < tokens.length) {
    text += tokens[i]!.text
    i++
    while (i < tokens.length && !limit(i)) {
      text += tokens[i]!.text
      i++
    }
    // A step that reaches the end without `limit` matching fails (Pandoc's `manyTill`).
    if (i >= tokens.length) break
    const type = terms.get(text.trim().toLowerCase())
    if (type) best = {next: i, type}
  }
  return best
}

function delimited(tokens: LocatorToken[], at: number, terms: LocatorTerms): {next: number; label: string; locator: string} | undefined {
  if (!isChar(tokens[at], (c) => c === '{')) return undefined
  let i = at + 1
  while (isSpace(tokens[i])) i++
  const found = label(tokens, i, terms, () => true)
  const type = found?.type ?? 'page'
  if (found) i = found.next
  let depth = 0
  let locator = ''
  for (; i < tokens.length; i++) {
    const token = tokens[i]!
    if (isChar(token, (c) => c === '{' || c === '[')) depth++
    else if (isChar(token, (c) => c === ']')) depth--
    else if (isChar(token, (c) => c === '}')) {
      if (depth === 0) return {next: i + 1, label: type, locator}
      depth--
    }
    locator += token.text
  }
  return undefined
}

function integrated(tokens: LocatorToken[], at: number, terms: LocatorTerms): {next: number; label: string; locator: string} | undefined {
  const romanOrDigits = (i: number) => locatorWord(tokens, i, true)?.digitLike === true
  const digits = (i: number) => hasDigit(locatorWord(tokens, i, true)?.text ?? '')
  const explicit = label(tokens, at, terms, romanOrDigits)
  const implicit = !explicit && digits(at)
  if (!explicit && !implicit) return undefined
  const accept = (word: Word | undefined) => (word && (implicit ? hasDigit(word.text) : word.digitLike) ? word : undefined)
  const start = explicit ? explicit.next : at
  const first = accept(locatorWord(tokens, start, !implicit))
  if (!first) return undefined
  let locator = first.text
  let next = first.next
  for (let word = accept(locatorWord(tokens, next, false)); word; word = accept(locatorWord(tokens, next, false))) {
    locator += word.text
    next = word.next
  }
  return {next, label: explicit?.type ?? 'page', locator}
}

function maybeAddComma(tokens: LocatorToken[]): LocatorToken[] {
  const first = tokens[0]
  if (!first || first.kind === 'space' || (first.kind === 'str' && punctuation.test([...first.text][0] ?? ''))) return tokens
  return [{kind: 'str', text: ','}, {kind: 'space', text: ' '}, ...tokens]
}

/** Pandoc's `parseLocator` over a suffix's tokens. */
export function parseLocator(tokens: LocatorToken[], terms: LocatorTerms): ParsedLocator {
  let i = 0
  if (isChar(tokens[i], (c) => c === ',')) i++
  if (isSpace(tokens[i]) || isNbsp(tokens[i])) i++
  const info = delimited(tokens, i, terms) ?? integrated(tokens, i, terms)
  if (!info) return {rest: maybeAddComma(tokens)}
  const rest = tokens.slice(info.next)
  if (!info.label && !info.locator) return {rest: maybeAddComma(rest)}
  return {label: info.label, locator: info.locator.trim(), rest}
}
