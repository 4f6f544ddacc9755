/**
 * Pandoc's citation syntax, as its manual states it, over plain text:
 *
 * - `[@key]`, `[@key, p. 33]`, `[see @a, pp. 3-5; also @b, chap. 2]`, `[-@key]`
 * - narrative `@key` and `@key [p. 33]`
 * - keys in braces `@{odd:key}`
 *
 * `findCitations` returns where each citation stands in the string and what it says; it knows
 * nothing of Markdown trees (the remark plugin maps offsets to positions).
 */
import type {Citation, CiteItem} from './types.js'
import type {LocatorTerms} from './locators.js'

/** A citation found in a string: `[start, end)` offsets and its value. */
export interface FoundCitation {
  start: number
  end: number
  citation: Citation
}

const keyStart = /[\p{L}\p{N}_]/u
const keyChar = /[\p{L}\p{N}_:.#$%&\-+?<>~/]/u
const keyPunct = /[:.#$%&\-+?<>~/]/

/** Read a key after `@` at `from` (the index just after `@`). */
export function readKey(text: string, from: number): {key: string; end: number} | undefined {
  if (text[from] === '{') {
    const close = text.indexOf('}', from + 1)
    if (close <= from + 1) return undefined
    const key = text.slice(from + 1, close)
    if (/[{}\n]/.test(key)) return undefined
    return {key, end: close + 1}
  }
  if (!keyStart.test(text[from] ?? '')) return undefined
  let end = from + 1
  while (end < text.length && keyChar.test(text[end]!)) end++
  // Punctuation is only allowed inside a key: strip it from the end.
  while (end > from + 1 && keyPunct.test(text[end - 1]!)) end--
  return {key: text.slice(from, end), end}
}

const numberish = '[\\p{N}ivxlcdmIVXLCDM][\\p{L}\\p{N}]*(?:[.:][\\p{L}\\p{N}]+)*'
const rangePart = `${numberish}(?:\\s*[-–—]\\s*${numberish})?`
const valueRe = new RegExp(`^(?:\\{([^}]*)\\}|(${rangePart}(?:\\s*(?:,|&)\\s*(?=[\\p{N}])${rangePart})*))`, 'u')
const digitValueRe = new RegExp(`^(\\p{N}[\\p{L}\\p{N}]*(?:\\s*[-–—]\\s*[\\p{L}\\p{N}]+)?(?:\\s*,\\s*(?=\\p{N})\\p{N}[\\p{L}\\p{N}]*(?:\\s*[-–—]\\s*[\\p{L}\\p{N}]+)?)*)`, 'u')

/**
 * Split what follows a key into locator and suffix: `, p. 33, emphasis added` gives
 * `{label: 'page', locator: '33', suffix: ', emphasis added'}`.
 */
export function parseLocator(rest: string, terms: LocatorTerms): Pick<CiteItem, 'locator' | 'label' | 'suffix'> {
  const lead = /^\s*,?\s*/.exec(rest)![0]
  const body = rest.slice(lead.length)
  // A label: the longest known term at the start, followed by space or a digit/brace.
  const labelMatch = /^([\p{L}§¶][\p{L}.]*|§§|¶¶)\s*/u.exec(body)
  if (labelMatch) {
    const word = labelMatch[1]!.toLowerCase()
    const type = terms.get(word) ?? (word.endsWith('.') ? undefined : terms.get(word + '.'))
    if (type) {
      const after = body.slice(labelMatch[0].length)
      const value = valueRe.exec(after)
      if (value) {
        const locator = value[1] ?? value[2]!
        const suffix = after.slice(value[0].length)
        return withSuffix({label: type, locator}, suffix)
      }
    }
  }
  if (lead.includes(',') || lead.length > 0 || body.length > 0) {
    const braced = /^\{([^}]*)\}/.exec(body)
    if (braced) return withSuffix({label: 'page', locator: braced[1]!}, body.slice(braced[0].length))
    const digits = digitValueRe.exec(body)
    if (digits && lead.includes(',')) return withSuffix({label: 'page', locator: digits[1]!}, body.slice(digits[0].length))
  }
  return withSuffix({}, rest)
}

function withSuffix(value: Pick<CiteItem, 'locator' | 'label'>, suffix: string): Pick<CiteItem, 'locator' | 'label' | 'suffix'> {
  const trimmed = suffix.replace(/\s+$/, '')
  return trimmed.trim() ? {...value, suffix: trimmed} : value
}

/** Parse the inside of `[...]` as a bracketed citation; undefined when it is not one. */
export function parseBracketed(inside: string, terms: LocatorTerms): CiteItem[] | undefined {
  const parts = splitTopLevel(inside, ';')
  const items: CiteItem[] = []
  for (const part of parts) {
    const at = findKeyMarker(part)
    if (!at) return undefined
    const prefix = part.slice(0, at.index).trim()
    const rest = part.slice(at.end)
    const item: CiteItem = {key: at.key, ...parseLocator(rest, terms)}
    if (prefix) item.prefix = prefix
    if (at.suppress) item.suppressAuthor = true
    items.push(item)
  }
  return items.length > 0 ? items : undefined
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let last = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '{') depth++
    else if (ch === '}') depth = Math.max(0, depth - 1)
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(last, i))
      last = i + 1
    }
  }
  parts.push(text.slice(last))
  return parts
}

function findKeyMarker(part: string): {index: number; end: number; key: string; suppress: boolean} | undefined {
  for (let i = 0; i < part.length; i++) {
    if (part[i] !== '@') continue
    const before = part[i - 1]
    const suppress = before === '-' && (i < 2 || /\s/.test(part[i - 2]!))
    if (before !== undefined && !suppress && !/\s/.test(before)) continue
    const key = readKey(part, i + 1)
    if (!key) continue
    return {index: suppress ? i - 1 : i, end: key.end, key: key.key, suppress}
  }
  return undefined
}

/** Find the matching `]` for the `[` at `open`, honouring nested brackets; -1 if none. */
function matchBracket(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (ch === '[') depth++
    else if (ch === ']') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/** Every citation in `text`, in order. */
export function findCitations(text: string, terms: LocatorTerms): FoundCitation[] {
  const found: FoundCitation[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]
    if (ch === '[') {
      const close = matchBracket(text, i)
      if (close > i) {
        const items = text.slice(i + 1, close).includes('@') ? parseBracketed(text.slice(i + 1, close), terms) : undefined
        if (items) {
          found.push({start: i, end: close + 1, citation: {mode: 'normal', items}})
          i = close + 1
          continue
        }
      }
    } else if (ch === '@') {
      const before = text[i - 1]
      if (before === undefined || !/[\p{L}\p{N}_@]/u.test(before)) {
        const key = readKey(text, i + 1)
        if (key) {
          const item: CiteItem = {key: key.key}
          let end = key.end
          const trailing = /^\s?\[([^\]@]*)\]/.exec(text.slice(end))
          if (trailing) {
            Object.assign(item, parseLocator(trailing[1]!, terms))
            end += trailing[0].length
          }
          found.push({start: i, end, citation: {mode: 'narrative', items: [item]}})
          i = end
          continue
        }
      }
    }
    i++
  }
  return found
}
