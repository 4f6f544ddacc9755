/**
 * What Pandoc does with citations under note styles, on citeproc's HTML strings (the subset
 * citeproc-js writes: tags, text, character references). Pure functions, no trees.
 *
 * Pandoc 2.17 (Text.Pandoc.Citeproc and citeproc 0.6):
 * - a citation's note text starts at its first word: leading `,;.:` and then spaces are dropped
 *   (`dropLeadingPunctuation`; citeproc's `InNote`), so a suppressed author's ", p. 4" is "p. 4";
 * - a note made from a citation in the running text starts with a capital
 *   (`capitalizeFirst`; Pandoc's `addNote`): "see also" becomes "See also", "e.g." "E.g.";
 * - a citation inside the author's own note is not a note of its own (`citationInNote`; Pandoc's
 *   `deNote`): a bracketed one is set in parentheses without its final period, unless it opens the
 *   note's only paragraph; a narrative one is the author, a comma and the rest of the citation,
 *   whose final period stays only before a capital letter or at the end of its paragraph.
 *   (Removing the final period is done by rendering without the layout's suffix, see render.ts.)
 */

/** A piece of citeproc HTML: a tag, or one character of text (a character reference decoded). */
interface Piece {
  raw: string
  /** The character, for text. */
  char?: string
  /** Tag name, lower case, for tags. */
  tag?: string
  closing?: boolean
}

const named: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0'}

function pieces(html: string): Piece[] {
  const out: Piece[] = []
  const pattern = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|&(#\d{1,7}|#[xX][\da-fA-F]{1,6}|[a-zA-Z]{2,6});|[\s\S]/gu
  for (const match of html.matchAll(pattern)) {
    if (match[2] !== undefined) {
      out.push({raw: match[0], tag: match[2].toLowerCase(), closing: match[1] === '/'})
    } else if (match[3] !== undefined) {
      const name = match[3]
      let char: string | undefined
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10)
        char = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined
      } else char = named[name]
      out.push({raw: match[0], char: char ?? match[0]})
    } else {
      out.push({raw: match[0], char: match[0]})
    }
  }
  return out
}

const join = (list: Piece[]) => list.map((piece) => piece.raw).join('')

/** Haskell's isSpace: ASCII white space and the no-break space. */
const isSpace = (char: string) => /^[ \t\n\r\f\v\u00A0]$/.test(char)

/**
 * Drop leading `,`, `;`, `.` and `:`, then leading spaces, from the text (tags stay): what citeproc
 * does to a citation that becomes a note (`, p. 4.` is `p. 4.`).
 */
export function dropLeadingPunctuation(html: string): string {
  // Most citations start with a letter: nothing to drop.
  const first = html.charAt(/^(?:<[^>]*>)*/.exec(html)![0].length)
  if (first !== '' && !',;.:&'.includes(first) && !isSpace(first)) return html
  const list = pieces(html)
  let index = 0
  for (const drop of [(c: string) => c === ',' || c === ';' || c === '.' || c === ':', isSpace]) {
    for (; index < list.length; index++) {
      const piece = list[index]!
      if (piece.char === undefined) continue
      if (!drop(piece.char)) break
      piece.raw = ''
    }
  }
  return join(list)
}

const alphaNumeric = /^[\p{L}\p{N}]$/u
const lower = /^\p{Ll}$/u
/** Characters after which Pandoc's case transform no longer stands at the start. */
const endsStart = (char: string) => isSpace(char) || '.?!:-/\u2013\u2014'.includes(char)
/** Content Pandoc's case transform does not change (superscripts, subscripts, small caps, nocase). */
function untouchable(piece: Piece): boolean {
  return piece.tag === 'sup' || piece.tag === 'sub' || /font-variant:\s*small-caps|class="nocase"/.test(piece.raw)
}

/**
 * Capitalize the first word when it is all lower case ("see also" -> "See also", "e.g." ->
 * "E.g."), as Pandoc's `capitalize-first` does to a note made from a citation: punctuation such as
 * `(` or a quotation mark before the word is passed over; a first word in mixed or upper case, a
 * number, or a space first leaves the text as it is.
 */
export function capitalizeFirst(html: string): string {
  // Most notes start with a capital or a digit: nothing to change.
  if (/^(?:<(?!sup|sub)[^>]*>)*[\p{Lu}\p{Lt}\p{N}]/u.test(html)) return html
  const list = pieces(html)
  for (let index = 0; index < list.length; index++) {
    const piece = list[index]!
    if (piece.char === undefined) {
      if (!piece.closing && untouchable(piece)) return html
      continue
    }
    if (alphaNumeric.test(piece.char)) {
      // The word: the run of letters and digits in this text (a tag ends it).
      let end = index
      while (end < list.length && list[end]!.char !== undefined && alphaNumeric.test(list[end]!.char!)) end++
      const word = list.slice(index, end)
      if (!word.every((p) => lower.test(p.char!))) return html
      piece.raw = piece.char.toUpperCase()
      return join(list)
    }
    if (endsStart(piece.char)) return html
  }
  return html
}

/** Whether the text ends with a period. */
export function endsWithPeriod(html: string): boolean {
  const text = html.replace(/<[^>]*>/g, '')
  if (!text.includes('&')) return text.endsWith('.')
  return pieces(html).filter((piece) => piece.char !== undefined).at(-1)?.char === '.'
}

/** Whether the HTML has any text (not only tags and spaces). */
export function hasText(html: string): boolean {
  const text = html.replace(/<[^>]*>/g, '')
  if (!text.includes('&')) return /[^ \t\n\r\f\v\u00A0]/.test(text)
  return pieces(html).some((piece) => piece.char !== undefined && !isSpace(piece.char))
}

/**
 * A citation inside the author's own note, laid out as Pandoc lays it out (`deNote`), from what
 * the style renders for it (the citation rendered with or without its final period as
 * `renderStyle` was told, see `PlacedCitation.midNote`):
 * - `opening`: a bracketed citation that opens the note's only paragraph stays as it is;
 * - otherwise a bracketed citation is set in parentheses after a space;
 * - a narrative citation is its author, then, if anything else is printed, a comma and the rest.
 */
export function citationInNote(rendered: {html: string; narrative?: {author: string; rest: string}}, mode: 'normal' | 'narrative', opening: boolean): string {
  if (mode === 'narrative') {
    if (!rendered.narrative) return rendered.html
    const {author, rest} = rendered.narrative
    if (!hasText(rest)) return author
    return hasText(author) ? `${author}, ${rest}` : rest
  }
  if (opening) return rendered.html
  // Pandoc prints "()" for a citation that renders nothing; nothing is printed here.
  return hasText(rendered.html) ? ` (${rendered.html})` : ''
}
