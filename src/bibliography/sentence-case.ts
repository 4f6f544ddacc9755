/**
 * BibTeX titles are written in title case; CSL wants them in sentence case, and styles that want
 * title case make it again. This is the conversion Pandoc 2.17 applies to English entries
 * (BibTeX.hs `unTitlecase`, citeproc's `withSentenceCase`), rule by rule:
 *
 * - a word is a run of letters and digits; `-`, `/`, dashes and spaces end one, so both halves
 *   of "Quasi-Steady" are words ("quasi-steady");
 * - a capitalised word ("Model", "A") is lowered, except at the start of the title or of a
 *   sentence (after `.`, `?`, `!` or `:` and a space), where it stays capitalised, as APA
 *   wants for the first word of a subtitle; words with other capitals ("AMReX", "iPhone",
 *   "NASA") and words in braces (`{B}ayesian`, `{Bixby Letter}`) keep their case;
 * - small caps, superscripts, subscripts and math are left as they are;
 * - afterwards, a brace group holding a word that starts in lower case stays protected
 *   (`<span class="nocase">`) so that a title-case style cannot change it either; others become
 *   plain text again.
 *
 * One difference, on purpose: Pandoc lowers a one-word subtitle ("Reproducibility project:
 * psychology", its "last word" rule); APA and this code keep it capitalised ("...: Psychology").
 */
import type {Inline} from './latex.js'

type State = 'start' | 'startSentence' | 'afterWordEnd' | 'afterWordChar' | 'afterSentenceEnd' | 'beforeLastWord'

const alnum = /^[\p{L}\p{N}]$/u
const isAlnum = (c: string) => alnum.test(c)
const isUpper = (c: string) => /^[\p{Lu}\p{Lt}]$/u.test(c)
const isLower = (c: string) => /^\p{Ll}$/u.test(c)
const isSpace = (c: string) => /^\s$/u.test(c)
const isWordBreak = (c: string) => c === '-' || c === '/' || c === '\u2013' || c === '\u2014' || isSpace(c)

/** A chunk is capitalised when its first letter is a capital and all the others small. */
function isCapitalized(chunk: string): boolean {
  const [first, ...rest] = chunk
  return first !== undefined && isUpper(first) && rest.every(isLower)
}

function sentenceCaseChunk(state: State, chunk: string): string {
  const atStart = state === 'start' || state === 'startSentence'
  if (isCapitalized(chunk) && !atStart) return chunk.toLowerCase()
  if ((isCapitalized(chunk) || [...chunk].every(isLower)) && atStart) {
    const lower = chunk.toLowerCase()
    const first = String.fromCodePoint(lower.codePointAt(0)!)
    return first.toUpperCase() + lower.slice(first.length)
  }
  return chunk
}

/** Runs of letters and digits, runs of spaces, and every other character alone. */
function splitUp(text: string): string[] {
  const chunks: string[] = []
  let current = ''
  let kind = ''
  for (const c of text) {
    const k = isAlnum(c) ? 'a' : isSpace(c) ? 's' : 'o'
    if (current && k === kind && k !== 'o') current += c
    else {
      if (current) chunks.push(current)
      current = c
      kind = k
    }
  }
  if (current) chunks.push(current)
  return chunks
}

class SentenceCaser {
  state: State = 'start'
  /** The mark that ended the last sentence (`:` for a subtitle). */
  lastMark = ''

  /** Moves the state past `text`; returns the chunk changed as sentence case wants. */
  chunk(text: string): string {
    const before = this.state
    const last = [...text].at(-1)
    if (last !== undefined) {
      if ('.?!:'.includes(last)) {
        this.state = 'afterSentenceEnd'
        this.lastMark = last
      }
      else if (isAlnum(last)) this.state = 'afterWordChar'
      else if (isSpace(last) && before === 'afterSentenceEnd') this.state = 'startSentence'
      else if (isWordBreak(last)) this.state = 'afterWordEnd'
    }
    return [...text].every(isAlnum) ? sentenceCaseChunk(before, text) : text
  }

  /** Moves the state past text that keeps its case. */
  pass(list: Inline[]) {
    this.chunk(strings(list))
  }

  node(node: Inline): Inline {
    switch (node.type) {
      case 'str':
        return {type: 'str', text: splitUp(node.text).map((c) => this.chunk(c)).join('')}
      case 'space':
        this.chunk(' ')
        return node
      case 'smallcaps':
      case 'sup':
      case 'sub':
        this.pass(node.children)
        return node
      case 'span':
        if (node.nocase) {
          const attached = this.state === 'afterWordChar'
          this.pass(node.children)
          // A group inside a word ("Bayes{ian}") protects nothing once the word is lowered.
          return attached ? {type: 'span', children: node.children} : node
        }
        return {...node, children: node.children.map((child) => this.node(child))}
      case 'math':
        return node
      default:
        return {...node, children: node.children.map((child) => this.node(child))}
    }
  }
}

/** The text of the strings only (Pandoc's `query fromStr`). */
function strings(list: Inline[]): string {
  let text = ''
  for (const node of list) {
    if (node.type === 'str') text += node.text
    else if ('children' in node) text += strings(node.children)
  }
  return text
}

function protect(list: Inline[]): Inline[] {
  return list.map((node) => {
    if (!('children' in node)) return node
    const children = protect(node.children)
    return node.type === 'span' ? {type: 'span', nocase: true, children} : {...node, children}
  })
}

/** A nocase span stays protected only if a word in it starts in lower case. */
function unprotect(list: Inline[]): Inline[] {
  return list.map((node) => {
    if (!('children' in node)) return node
    const children = unprotect(node.children)
    if (node.type === 'span' && node.nocase) {
      const lowercaseWord = node.children.some((child) => child.type === 'str' && child.text.split(/[\p{P}]/u).some((word) => word !== '' && isLower([...word][0]!)))
      return lowercaseWord ? {type: 'span', nocase: true, children} : {type: 'span', children}
    }
    return {...node, children}
  })
}

/** A title in sentence case, as Pandoc makes it from an English BibTeX entry. */
export function sentenceCase(title: Inline[]): Inline[] {
  const list = protect(title)
  const caser = new SentenceCaser()
  const out: Inline[] = []
  const last = list.at(-1)
  const lastIsWord = list.length > 1 && last?.type === 'str' && ![...last.text].some(isWordBreak)
  const body = lastIsWord ? list.slice(0, -1) : list
  for (const node of body) out.push(caser.node(node))
  if (lastIsWord) {
    // Pandoc's "last word" state; but a one-word subtitle keeps its capital (see the module's doc).
    const subtitle = caser.state === 'startSentence' && caser.lastMark === ':'
    if (caser.state === 'afterWordEnd' || caser.state === 'start' || (caser.state === 'startSentence' && !subtitle)) caser.state = 'beforeLastWord'
    out.push(caser.node(last))
  }
  return unprotect(out)
}
