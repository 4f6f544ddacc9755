/**
 * BibTeX name lists to CSL names, as Pandoc 2.17's biblatex reader splits them (BibTeX.hs
 * `toName`): "First von Last", "von Last, First", "von Last, Jr, First", braces for a name that
 * is one piece (`{Barnes and Noble}`), biblatex's `family=..., given=...` form, `and others`.
 *
 * - Names are split at a top-level ` and `; a brace group is never split.
 * - Initials written together are spaced ("A.J." is "A. J."), so that the same author is the
 *   same name however each entry wrote the initials.
 * - The family name keeps its hyphens ("Živković-Rothman", "Liu, S.-F.").
 * - A particle ("van", "de la") is the lower-case words before the family name; it becomes a
 *   dropping particle, biblatex's `useprefix=false`, unless `options = {useprefix=true}`.
 */
import {stringify, type Inline} from './latex.js'

export interface CslName {
  family?: string
  given?: string
  'dropping-particle'?: string
  'non-dropping-particle'?: string
  suffix?: string
  literal?: string
  'comma-suffix'?: boolean
  'parse-names'?: boolean
}

/** The literal name Pandoc gives to `and others`. */
export const others = 'others'

/** Split inlines at top-level ` and ` (`[Space, Str "and", Space]`). */
export function splitByAnd(list: Inline[]): Inline[][] {
  const parts: Inline[][] = [[]]
  for (let i = 0; i < list.length; i++) {
    const node = list[i]!
    if (node.type === 'space' && list[i + 1]?.type === 'str' && (list[i + 1] as {text: string}).text === 'and' && list[i + 2]?.type === 'space') {
      parts.push([])
      i += 2
    } else parts.at(-1)!.push(node)
  }
  return parts
}

/** Strings split so that each character matching `split` is a string of its own. */
function splitStrWhen(list: Inline[], split: (c: string) => boolean): Inline[] {
  const out: Inline[] = []
  for (const node of list) {
    if (node.type !== 'str') {
      out.push(node)
      continue
    }
    let current = ''
    for (const c of node.text) {
      if (split(c)) {
        if (current) out.push({type: 'str', text: current})
        out.push({type: 'str', text: c})
        current = ''
      } else current += c
    }
    if (current) out.push({type: 'str', text: current})
  }
  return out
}

const isLetter = (c: string) => /^\p{L}$/u.test(c)
const isUpper = (c: string) => /^[\p{Lu}\p{Lt}]$/u.test(c)

/** "J.G." as "J. G." (Pandoc's addSpaceAfterPeriod). */
function spaceInitials(list: Inline[]): Inline[] {
  const parts = splitStrWhen(list, (c) => c === '.')
  const out: Inline[] = []
  for (let i = 0; i < parts.length; i++) {
    const a = parts[i]!
    const dot = parts[i + 1]
    const b = parts[i + 2]
    out.push(a)
    if (a.type === 'str' && [...a.text].length === 1 && isLetter(a.text) && isUpper(a.text) &&
      dot?.type === 'str' && dot.text === '.' && b?.type === 'str' && [...b.text].length === 1 && isLetter(b.text) && isUpper(b.text)) {
      out.push(dot, {type: 'space'})
      i++
    }
  }
  return out
}

/** A word is capitalised when its first letter (digits skipped, groups looked through) is a capital. */
function isCapitalized(word: Inline[]): boolean {
  for (const node of word) {
    if (node.type !== 'str' || node.text === '') continue
    for (const c of node.text) {
      if (isUpper(c)) return true
      if (c >= '0' && c <= '9') continue
      return false
    }
  }
  return true
}

function words(list: Inline[]): Inline[][] {
  const out: Inline[][] = []
  let current: Inline[] = []
  for (const node of list) {
    if (node.type === 'space' || (node.type === 'str' && node.text === '\u00a0')) {
      if (current.length > 0) out.push(current)
      current = []
    } else current.push(node)
  }
  if (current.length > 0) out.push(current)
  return out
}

function splitAtCommas(list: Inline[]): Inline[][] {
  const parts: Inline[][] = [[]]
  for (const node of list) {
    if (node.type === 'str' && node.text === ',') parts.push([])
    else parts.at(-1)!.push(node)
  }
  return parts
}

const unwords = (list: Inline[][]) => list.map(stringify).join(' ')

export interface NameOptions {
  useprefix?: boolean
  juniorcomma?: boolean
  /** Classic BibTeX (`.bibtex` files): the family name is the capitalised words at the end. */
  bibtex?: boolean
}

/** One name. */
export function toName(name: Inline[], options: NameOptions = {}): CslName | undefined {
  const list = spaceInitials(name)
  if (list.length === 0) return undefined
  if (list.length === 1 && list[0]!.type === 'str' && list[0]!.text === others) return {literal: others}
  if (list.length === 1 && list[0]!.type === 'span') return {literal: stringify(list[0]!.children)}
  const first = list[0]!
  if (first.type === 'str' && first.text.includes('=')) return extendedName(list)

  const commaParts = splitAtCommas(splitStrWhen(list, (c) => c === ',' || c === '\u00a0')).map(words)
  let given: Inline[][] = []
  let vonLast: Inline[][] = []
  let jr: Inline[][] = []
  if (commaParts.length === 1) {
    const all = commaParts[0]!
    let caps = 0
    while (caps < all.length && isCapitalized(all[caps]!)) caps++
    if (caps === all.length && caps > 0) {
      given = all.slice(0, -1)
      vonLast = all.slice(-1)
    } else {
      given = all.slice(0, caps)
      vonLast = all.slice(caps)
    }
  } else if (commaParts.length === 2) {
    vonLast = commaParts[0]!
    given = commaParts[1]!
  } else {
    vonLast = commaParts[0]!
    jr = commaParts[1]!
    given = commaParts[2]!
  }
  let von: Inline[][]
  let family: Inline[][]
  if (options.bibtex) {
    // BibTeX: the family name is the capitalised words at the end, at least the last word.
    let split = vonLast.length
    while (split > 0 && isCapitalized(vonLast[split - 1]!)) split--
    if (split === vonLast.length && split > 0) split--
    von = vonLast.slice(0, split)
    family = vonLast.slice(split)
  } else {
    // biblatex: the particle is the words before the first capitalised one; the rest is the family.
    let split = 0
    while (split < vonLast.length && !isCapitalized(vonLast[split]!)) split++
    von = vonLast.slice(0, split)
    family = vonLast.slice(split)
    if (family.length === 0 && von.length > 0) {
      family = von.slice(-1)
      von = von.slice(0, -1)
    }
  }
  const out: CslName = {}
  const familyText = unwords(family)
  const givenText = unwords(given)
  const prefix = unwords(von)
  const suffix = unwords(jr)
  if (familyText) out.family = familyText
  if (givenText) out.given = givenText
  if (prefix) out[options.useprefix ? 'non-dropping-particle' : 'dropping-particle'] = prefix
  if (suffix) out.suffix = suffix
  if (options.juniorcomma) out['comma-suffix'] = true
  return keepWhole(out)
}

/**
 * The parts of a BibTeX name are final (a braced `{van Wart}` is a family name): Pandoc does not
 * look for particles in them again, citeproc-js would ("Wart, Justin van"). Tell it not to
 * where it would find one.
 */
function keepWhole(name: CslName): CslName {
  const family = name.family ?? ''
  const given = name.given ?? ''
  if (/(^|\s)\p{Ll}\S*\s/u.test(family) || /^\p{Ll}+['’]/u.test(family) || /\s\p{Ll}/u.test(given)) name['parse-names'] = false
  return name
}

/** biblatex's extended name format: `family=Berg, given=Anna, prefix=van der, useprefix=true`. */
function extendedName(list: Inline[]): CslName {
  const out: CslName = {}
  const parts = stringify(list).split(',')
  for (const part of parts) {
    const at = part.indexOf('=')
    if (at < 0) continue
    const key = part.slice(0, at).trim()
    const value = part.slice(at + 1).trim().replace(/\u00a0/g, ' ')
    if (key === 'given') out.given = out.given ? `${out.given} ${value}` : value
    else if (key === 'family') out.family = value
    else if (key === 'prefix') out['dropping-particle'] = value
    else if (key === 'suffix') out.suffix = value
    else if (key === 'useprefix' && value === 'true' && out['dropping-particle']) {
      out['non-dropping-particle'] = out['dropping-particle']
      delete out['dropping-particle']
    }
  }
  return keepWhole(out)
}

/** A name list; empty names are left out. */
export function toNameList(list: Inline[], options: NameOptions = {}): CslName[] {
  return splitByAnd(list).map((name) => toName(name, options)).filter((name): name is CslName => name !== undefined)
}
