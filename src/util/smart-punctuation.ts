/**
 * Smart punctuation as Pandoc's Markdown reader does it (its `smart` extension, Pandoc 2.17):
 * straight quotes to curly ones, apostrophes to `’`, `--` to `–`, `---` to `—`, `...` to `…`, and
 * a non-breaking space after the abbreviations of Pandoc's list (`Mr. Smith`).
 *
 * Pandoc decides quotes while it parses, not from each quote's neighbours: an opening quote is one
 * that is not right after a word (its `notAfterString`) and is followed by a non-space; it opens
 * only if its closing quote comes later in the same paragraph (otherwise a `"` stays `“` and a `'`
 * becomes the apostrophe `’`: `'tis`, `'90s`); a `'` closes a single quote when no letter or digit
 * follows; quotes nest, each kind alternating (`"a 'b "c" d' e"`). This module runs that parse over
 * an `InlineRun`: the characters of one paragraph (heading, table cell, string), with the inline
 * nodes that are not text (code, math, citations, notes, raw HTML) as single opaque atoms, and the
 * starts and ends of emphasis, links and the like as marks (the end of emphasis counts as the end
 * of a word, as in Pandoc). Characters written as escapes (`\"`) or character references are
 * literal, as in Pandoc. Pure: no tree, no I/O.
 */

/** Token kinds of an `InlineRun`. */
const CHAR = 0
/** A character written escaped (`\"`): never smartened. */
const ESCAPED = 1
/** A character written as a reference (`&quot;`): never smartened, but closes a quote (Pandoc's `charOrRef`). */
const ENTITY = 2
/** The start of an inline container (emphasis, link, ...). */
const OPEN = 3
/** The end of a container that is not emphasis (a link, a strikeout ...). */
const CLOSE = 4
/** The end of emphasis or strong emphasis: Pandoc counts it as the end of a word. */
const CLOSE_WORD = 5
/** An opaque inline (inline code, raw HTML, an image, a URL). */
const ATOM = 6
/** Inline math: an apostrophe right after it is one (`$x$'s`). */
const MATH = 7
/** A citation or a note reference: no non-breaking space after an abbreviation before it. */
const CITE = 8
/** A hard line break: counts as white space. */
const BREAK = 9

export type AtomKind = 'atom' | 'math' | 'cite' | 'break'

/** What a character of a text came from, when it matters: written escaped, or as a character reference. */
export type LiteralKind = 'escape' | 'reference'

/**
 * Pandoc 2.17's abbreviations (its `data/abbreviations`): after one of these, a single space
 * becomes a non-breaking space, as Pandoc's Markdown reader makes it.
 */
export const pandocAbbreviations: ReadonlySet<string> = new Set([
  'aet.', 'aetat.', 'al.', 'Apr.', 'Aug.', 'bk.', 'Bros.', 'c.', 'Capt.', 'cf.', 'ch.', 'chap.', 'chs.', 'Co.',
  'col.', 'Corp.', 'cp.', 'd.', 'Dec.', 'Dr.', 'e.g.', 'ed.', 'eds.', 'esp.', 'f.', 'fasc.', 'Feb.', 'ff.',
  'fig.', 'fl.', 'fol.', 'fols.', 'Fr.', 'Gen.', 'Gov.', 'Hon.', 'i.e.', 'ill.', 'Inc.', 'incl.', 'Jan.',
  'Jr.', 'Jul.', 'Jun.', 'Ltd.', 'M.A.', 'M.D.', 'Mar.', 'Mr.', 'Mrs.', 'Ms.', 'n.', 'n.b.', 'nn.', 'No.',
  'Nov.', 'Oct.', 'p.', 'Ph.D.', 'pp.', 'Pres.', 'Prof.', 'pt.', 'q.v.', 'Rep.', 'Rev.', 's.v.', 's.vv.',
  'saec.', 'sec.', 'Sen.', 'Sep.', 'Sept.', 'Sgt.', 'Sr.', 'St.', 'univ.', 'viz.', 'vol.', 'vs.'
])

/**
 * The content of one paragraph (or heading, table cell, string) as the parse sees it. Text is
 * added as it stands; everything else as one position. `smartenRun` then says what each text
 * position becomes.
 */
export class InlineRun {
  private readonly parts: string[] = []
  private length = 0
  /** Positions whose kind is not a plain character. */
  private readonly marks: Array<[number, number]> = []

  /** Add text; `literal(index)` tells which of its characters were written escaped or as references. Returns where it starts. */
  addText(value: string, literal?: (index: number) => LiteralKind | undefined): number {
    const start = this.length
    this.parts.push(value)
    this.length += value.length
    if (literal) {
      for (let i = 0; i < value.length; i++) {
        const kind = literal(i)
        if (kind) this.marks.push([start + i, kind === 'escape' ? ESCAPED : ENTITY])
      }
    }
    return start
  }

  /** The start of an inline container (emphasis, strong, link, strikeout, a citation with children ...). */
  open(citation = false): void {
    this.push(citation ? CITE : OPEN)
  }

  /** Its end; `endsWord` for emphasis and strong emphasis, which Pandoc treats as the end of a word. */
  close(endsWord = false): void {
    this.push(endsWord ? CLOSE_WORD : CLOSE)
  }

  /** An inline that is not text: code, math, a citation, a note reference, raw HTML, an image, a line break. */
  atom(kind: AtomKind = 'atom'): void {
    this.push(kind === 'math' ? MATH : kind === 'cite' ? CITE : kind === 'break' ? BREAK : ATOM)
  }

  /** The characters (other tokens stand as U+FFFC) and the kind of each position. */
  contents(): {text: string; kinds: Uint8Array} {
    const kinds = new Uint8Array(this.length)
    for (const [at, kind] of this.marks) kinds[at] = kind
    return {text: this.parts.join(''), kinds}
  }

  private push(kind: number): void {
    this.marks.push([this.length, kind])
    this.parts.push('\uFFFC')
    this.length += 1
  }
}

const isAsciiAlnum = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
const letterOrDigit = /^[\p{L}\p{N}]$/u
const punctuation = /^\p{P}$/u
const space = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r'

/** Triggers: a run without one of these characters is left as it is. */
const triggers = /['"\-.\u2018\u201c\u0091\u0093]/

/** Pandoc's parse of one run; `edits` are the changes along the path it finally takes. */
class SmartParser {
  private readonly n: number
  /** Where the last word ended (Pandoc's `lastStrPos`): a quote there cannot open. */
  private lastWordEnd = -1
  private readonly editAt: number[] = []
  private readonly editTo: string[] = []
  /** Openers already known to have no closing quote (position * 2 + double). */
  private readonly unclosed = new Set<number>()
  /** Spaces made non-breaking after an abbreviation: not white space that quotes trim. */
  private readonly nonBreaking = new Set<number>()

  constructor(
    private readonly text: string,
    private readonly kinds: Uint8Array,
    private readonly abbreviations: ReadonlySet<string>
  ) {
    this.n = text.length
  }

  run(): Map<number, string> {
    let i = 0
    while (i < this.n) i = this.inline(i, 0)
    const out = new Map<number, string>()
    for (let k = 0; k < this.editAt.length; k++) out.set(this.editAt[k]!, this.editTo[k]!)
    return out
  }

  private edit(at: number, to: string): void {
    this.editAt.push(at)
    this.editTo.push(to)
  }

  /** A plain (not escaped) character `c` at `i`. */
  private is(i: number, chars: string): boolean {
    return i < this.n && this.kinds[i] === CHAR && chars.includes(this.text[i]!)
  }

  private alnum(i: number): boolean {
    if (i >= this.n || this.kinds[i] !== CHAR) return false
    const code = this.text.charCodeAt(i)
    if (code < 128) return isAsciiAlnum(code)
    // A low surrogate belongs to the character before it.
    const at = code >= 0xdc00 && code <= 0xdfff && i > 0 ? i - 1 : i
    return letterOrDigit.test(String.fromCodePoint(this.text.codePointAt(at)!))
  }

  /** White space for the lookahead of an opening quote: a space, a line end, a hard break, the end. */
  private spaceOrEnd(i: number): boolean {
    if (i >= this.n) return true
    const kind = this.kinds[i]
    return kind === BREAK || (kind === CHAR && space(this.text[i]!))
  }

  /** One inline at `i` (Pandoc's `inline`), in quote context `context` (0 none, 1 single, 2 double); returns where the next starts. */
  private inline(i: number, context: number): number {
    const kind = this.kinds[i]
    if (kind === CLOSE_WORD) {
      this.lastWordEnd = i + 1
      return i + 1
    }
    if (kind === MATH || kind === ATOM || kind === CITE || kind === CLOSE) {
      // Pandoc's math parser takes an apostrophe right after the math (`$x$'s`), unless a space or
      // punctuation follows it. We read a `'` right after code, a link, a citation, a note
      // reference or raw HTML the same way: Pandoc opens a quote there (`grep`‘s), which is
      // wrong by any style guide whenever a closing quote follows in the paragraph.
      if (this.is(i + 1, "'") && !this.spaceOrPunctuation(i + 2)) {
        this.edit(i + 1, '\u2019')
        return i + 2
      }
      return i + 1
    }
    if (kind !== CHAR) return i + 1
    const c = this.text[i]!
    switch (c) {
      case '"': {
        const next = this.quoted(i, context, true)
        if (next >= 0) return next
        this.edit(i, '\u201d')
        return i + 1
      }
      case '\u201c':
      case '\u0093': {
        const next = this.quoted(i, context, true)
        return next >= 0 ? next : i + 1
      }
      case "'": {
        const next = this.quoted(i, context, false)
        if (next >= 0) return next
        this.edit(i, '\u2019')
        return i + 1
      }
      case '\u2018':
      case '\u0091': {
        const next = this.quoted(i, context, false)
        return next >= 0 ? next : i + 1
      }
      case '-':
        if (!this.is(i + 1, '-')) return i + 1
        if (this.is(i + 2, '-')) {
          this.edit(i, '\u2014')
          this.edit(i + 1, '')
          this.edit(i + 2, '')
          return i + 3
        }
        this.edit(i, '\u2013')
        this.edit(i + 1, '')
        return i + 2
      case '.':
        if (this.is(i + 1, '.')) {
          if (!this.is(i + 2, '.')) return i + 1
          this.edit(i, '\u2026')
          this.edit(i + 1, '')
          this.edit(i + 2, '')
          return i + 3
        }
        return this.word(i)
      default:
        return this.alnum(i) ? this.word(i) : i + 1
    }
  }

  private spaceOrPunctuation(i: number): boolean {
    if (i >= this.n) return true // the line end after a paragraph
    const kind = this.kinds[i]
    if (kind === ATOM || kind === MATH) return false
    if (kind !== CHAR) return true
    const c = String.fromCodePoint(this.text.codePointAt(i)!)
    return /^\s$/u.test(c) || punctuation.test(c)
  }

  /** Pandoc's `str`: letters, digits and single dots; an abbreviation of the list takes the space after it. */
  private word(i: number): number {
    let j = i
    while (j < this.n && this.kinds[j] === CHAR) {
      if (this.alnum(j)) j++
      else if (this.text[j] === '.' && !this.is(j + 1, '.')) j++
      else break
    }
    this.lastWordEnd = j
    if (this.is(j, ' \t') && this.text[j - 1] === '.' && this.abbreviations.has(this.text.slice(i, j))) {
      let k = j
      while (this.is(k, ' \t')) k++
      // Not before a line break, a citation or a note (Pandoc: `notFollowedBy (cite <|> note)`).
      if (k < this.n && this.kinds[k] !== CITE && this.kinds[k] !== BREAK && !this.is(k, '\n\r')) {
        this.edit(j, '\u00a0')
        this.nonBreaking.add(j)
        for (let m = j + 1; m < k; m++) this.edit(m, '')
        return k
      }
    }
    return j
  }

  /** Whether a closing quote is at `i`. */
  private closes(i: number, double: boolean): boolean {
    const kind = this.kinds[i]
    if (i >= this.n || (kind !== CHAR && kind !== ENTITY)) return false
    const c = this.text[i]!
    if (double) return c === '"' || c === '\u201d' || c === '\u0094'
    return (c === "'" || c === '\u2019' || c === '\u0092') && !this.alnum(i + 1)
  }

  /**
   * Pandoc's `doubleQuoted` / `singleQuoted` at an opening quote: -1 when it cannot open here;
   * else the quote is parsed (up to its closing quote, or, with none, as a lone `“` or `’`) and
   * the position after it returned.
   */
  private quoted(i: number, context: number, double: boolean): number {
    const inner = double ? 2 : 1
    if (context === inner || this.lastWordEnd === i || this.spaceOrEnd(i + 1)) return -1
    const key = i * 2 + (double ? 1 : 0)
    if (!this.unclosed.has(key)) {
      const mark = this.editAt.length
      const lastWordEnd = this.lastWordEnd
      let j = i + 1
      if (!this.closes(j, double)) {
        while (j < this.n) {
          j = this.inline(j, inner)
          if (this.closes(j, double)) {
            // Pandoc trims the white space inside the quotes.
            for (let k = j - 1; k > i && this.kinds[k] === CHAR && space(this.text[k]!) && !this.nonBreaking.has(k); k--) this.edit(k, '')
            this.edit(i, double ? '\u201c' : '\u2018')
            this.edit(j, double ? '\u201d' : '\u2019')
            return j + 1
          }
        }
      }
      this.unclosed.add(key)
      this.editAt.length = mark
      this.editTo.length = mark
      this.lastWordEnd = lastWordEnd
    }
    this.edit(i, double ? '\u201c' : '\u2019')
    return i + 1
  }
}

/**
 * What the positions of a run become under Pandoc's smart punctuation: a map from position to its
 * replacement (`''` when the character is taken into the one before, as the second `-` of `--`).
 * Positions not in the map stay as they are.
 */
export function smartenRun(run: InlineRun, abbreviations: ReadonlySet<string> = pandocAbbreviations): Map<number, string> {
  const {text, kinds} = run.contents()
  if (!triggers.test(text)) return new Map()
  return new SmartParser(text, kinds, abbreviations).run()
}

/** Smart punctuation in a plain string (a title, a citation's prefix): no markup in it. */
export function smartenString(value: string, abbreviations: ReadonlySet<string> = pandocAbbreviations): string {
  if (!triggers.test(value)) return value
  const run = new InlineRun()
  run.addText(value)
  return applyEdits([{value, start: 0}], smartenRun(run, abbreviations))[0]!
}

/**
 * Make a run's edits in the texts it was built from: each text with where it started in the run,
 * in order. Returns the texts changed.
 */
export function applyEdits(texts: ReadonlyArray<{value: string; start: number}>, edits: ReadonlyMap<number, string>): string[] {
  const positions = [...edits.keys()].sort((a, b) => a - b)
  const out: string[] = []
  let next = 0
  for (const {value, start} of texts) {
    while (next < positions.length && positions[next]! < start) next++
    let result = ''
    let from = 0
    while (next < positions.length && positions[next]! < start + value.length) {
      const at = positions[next]! - start
      result += value.slice(from, at) + edits.get(positions[next]!)!
      from = at + 1
      next++
    }
    out.push(from === 0 ? value : result + value.slice(from))
  }
  return out
}
