/**
 * CSL-YAML (a `.yaml` bibliography, the front matter's `references:`) is read by Pandoc as
 * Markdown: a title's `*emphasis*`, `**strong**`, `^sup^`, `~sub~`, `[text]{.smallcaps}`,
 * `[text]{.nocase}`, `$math$` and its typography (`"quotes"`, `'quotes'`, `it's`, `--`, `---`,
 * `...`) are the formatting and characters they stand for. This reads those inline forms of
 * Pandoc's Markdown into inlines (latex.ts's), for the CSL string citeproc-js reads; HTML tags
 * citeproc-js knows (`<i>`, `<b>`, `<sup>`, `<sub>`, its spans) pass as they are.
 */
import {mergeText, stringify, toCslString, type Inline} from './latex.js'
import {nameFields} from './normalize.js'

const punctuation = /[!-/:-@[-`{-~]/
const spaceOrStart = (c: string | undefined) => c === undefined || /[\s([{“‘"'—–-]/.test(c)
const wordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c)

class MarkdownReader {
  pos = 0
  constructor(readonly src: string) {}

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset]
  }

  inlines(until?: () => boolean): Inline[] {
    const out: Inline[] = []
    const text = (t: string) => out.push({type: 'str', text: t})
    while (this.pos < this.src.length) {
      if (until?.()) break
      const c = this.src[this.pos]!
      const rest = this.src.slice(this.pos)
      if (c === '\\' && this.peek(1) !== undefined && punctuation.test(this.peek(1)!)) {
        text(this.peek(1)!)
        this.pos += 2
      } else if (/\s/.test(c)) {
        while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++
        out.push({type: 'space'})
      } else if (rest.startsWith('---')) {
        text('—')
        this.pos += 3
      } else if (rest.startsWith('--')) {
        text('–')
        this.pos += 2
      } else if (rest.startsWith('...')) {
        text('…')
        this.pos += 3
      } else if ((c === '*' || c === '_') && this.delimited(out, c)) {
        continue
      } else if ((c === '^' || c === '~') && this.script(out, c)) {
        continue
      } else if (c === '[' && this.bracketedSpan(out)) {
        continue
      } else if (c === '$' && this.math(out)) {
        continue
      } else if (c === '`' && this.code(out)) {
        continue
      } else if (c === '<' && this.html(out)) {
        continue
      } else if ((c === '"' || c === "'") && this.quoted(out, c)) {
        continue
      } else if (c === "'" || c === '"') {
        text(c === "'" ? '’' : '”')
        this.pos++
      } else {
        const start = this.pos
        this.pos++
        while (this.pos < this.src.length && !/[\s\\*_^~[$`"'.<-]/.test(this.src[this.pos]!)) this.pos++
        text(this.src.slice(start, this.pos))
      }
    }
    return mergeText(out)
  }

  /** `*emph*`, `**strong**`, `_emph_` (not inside a word). */
  private delimited(out: Inline[], c: string): boolean {
    const double = this.peek(1) === c
    const delimiter = double ? c + c : c
    const before = this.src[this.pos - 1]
    const after = this.src[this.pos + delimiter.length]
    if (after === undefined || /\s/.test(after)) return false
    if (c === '_' && wordChar(before)) return false
    const start = this.pos
    this.pos += delimiter.length
    const closes = () => this.src.startsWith(delimiter, this.pos) && !/\s/.test(this.src[this.pos - 1] ?? ' ') &&
      !(c === '_' && wordChar(this.src[this.pos + delimiter.length])) && (double || this.src[this.pos + 1] !== c)
    const children = this.inlines(closes)
    if (!closes() || children.length === 0) {
      this.pos = start
      return false
    }
    this.pos += delimiter.length
    out.push({type: double ? 'strong' : 'emph', children})
    return true
  }

  /** `^sup^`, `~sub~`: no spaces inside. */
  private script(out: Inline[], c: string): boolean {
    const end = this.src.indexOf(c, this.pos + 1)
    if (end <= this.pos + 1) return false
    const inner = this.src.slice(this.pos + 1, end)
    if (/\s/.test(inner) || (c === '~' && this.peek(1) === '~')) return false
    out.push({type: c === '^' ? 'sup' : 'sub', children: new MarkdownReader(inner).inlines()})
    this.pos = end + 1
    return true
  }

  /** `[text]{.smallcaps}`, `[text]{.nocase}`, `[text](url)`. */
  private bracketedSpan(out: Inline[]): boolean {
    let depth = 0
    let end = -1
    for (let i = this.pos; i < this.src.length; i++) {
      if (this.src[i] === '\\') i++
      else if (this.src[i] === '[') depth++
      else if (this.src[i] === ']' && --depth === 0) {
        end = i
        break
      }
    }
    if (end < 0) return false
    const after = this.src.slice(end + 1)
    const attributes = /^\{([^}]*)\}/.exec(after)
    const link = /^\(([^)\s]*)(?:\s+"[^"]*")?\)/.exec(after)
    if (!attributes && !link) return false
    const children = new MarkdownReader(this.src.slice(this.pos + 1, end)).inlines()
    if (attributes) {
      const classes = attributes[1]!.split(/\s+/).filter((part) => part.startsWith('.')).map((part) => part.slice(1))
      if (classes.includes('smallcaps')) out.push({type: 'smallcaps', children})
      else if (classes.includes('nocase')) out.push({type: 'span', nocase: true, children})
      else out.push(...children)
      this.pos = end + 1 + attributes[0].length
    } else {
      out.push({type: 'link', url: link![1]!, children})
      this.pos = end + 1 + link![0].length
    }
    return true
  }

  /** `$TeX$`: not opened before a space, not closed after one or before a digit. */
  private math(out: Inline[]): boolean {
    const display = this.peek(1) === '$'
    const open = display ? 2 : 1
    if (/\s/.test(this.src[this.pos + open] ?? ' ')) return false
    for (let i = this.pos + open; i < this.src.length; i++) {
      if (this.src[i] === '\\') i++
      else if (this.src[i] === '$') {
        if (display ? this.src[i + 1] !== '$' : /\s/.test(this.src[i - 1]!) || /\d/.test(this.src[i + 1] ?? '')) continue
        out.push({type: 'math', tex: this.src.slice(this.pos + open, i), ...(display ? {display: true} : {})})
        this.pos = i + open
        return true
      }
    }
    return false
  }

  /**
   * Inline HTML, as Pandoc's Markdown reads it for citeproc: `<i>`/`<em>`, `<b>`/`<strong>`,
   * `<sup>`, `<sub>`, and `<span>` whose class is `smallcaps` or `nocase` (Pandoc's native spans)
   * or whose style is `font-variant: small-caps` (CSL's rich text), with their content read as
   * Markdown. Any other tag is not text: it is left out and its content kept. Not a tag: text.
   */
  private html(out: Inline[]): boolean {
    const tag = /^<(\/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/.exec(this.src.slice(this.pos))
    if (!tag) return false
    this.pos += tag[0].length
    const [, closing, rawName, attributes, selfClosing] = tag
    const name = rawName!.toLowerCase()
    if (closing || selfClosing) return true
    const type = ({i: 'emph', em: 'emph', b: 'strong', strong: 'strong', sup: 'sup', sub: 'sub'} as const)[name as 'i']
    if (!type && name !== 'span') return true
    const end = new RegExp(`^</${name}\\s*>`, 'i')
    const children = this.inlines(() => end.test(this.src.slice(this.pos)))
    const close = end.exec(this.src.slice(this.pos))
    if (close) this.pos += close[0].length
    if (type) {
      out.push({type, children})
      return true
    }
    const attribute = (key: string) => new RegExp(`\\s${key}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'=<>\`]+))`, 'i').exec(attributes ?? '')?.slice(1).find((v) => v !== undefined) ?? ''
    const classes = attribute('class').split(/\s+/)
    if (classes.includes('smallcaps') || /font-variant\s*:\s*small-caps/i.test(attribute('style'))) out.push({type: 'smallcaps', children})
    else if (classes.includes('nocase')) out.push({type: 'span', nocase: true, children})
    else out.push(...children)
    return true
  }

  private code(out: Inline[]): boolean {
    const end = this.src.indexOf('`', this.pos + 1)
    if (end < 0) return false
    out.push({type: 'str', text: this.src.slice(this.pos + 1, end)})
    this.pos = end + 1
    return true
  }

  /** Smart quotes: an opening mark after a space or the start, before a non-space. */
  private quoted(out: Inline[], c: string): boolean {
    if (!spaceOrStart(this.src[this.pos - 1]) || /\s/.test(this.peek(1) ?? ' ')) return false
    const start = this.pos
    this.pos++
    const closes = () => this.src[this.pos] === c && !/\s/.test(this.src[this.pos - 1] ?? ' ') && !wordChar(this.src[this.pos + 1])
    const children = this.inlines(closes)
    if (!closes() || children.length === 0) {
      this.pos = start
      if (c === '"') {
        out.push({type: 'str', text: '“'})
        this.pos++
        return true
      }
      return false
    }
    this.pos++
    out.push({type: 'quoted', double: c === '"', children})
    return true
  }
}

/** A CSL-YAML string value as inlines, read as Pandoc's Markdown. */
export function parseMarkdownText(value: string): Inline[] {
  return new MarkdownReader(value.trim()).inlines()
}

/** Fields that are codes, not text: never read as Markdown. */
const verbatim = new Set(['id', 'type', 'URL', 'DOI', 'ISBN', 'ISSN', 'PMID', 'PMCID', 'language', 'citation-key', 'call-number'])
const markdownChars = /[\\*_^~[$`"'.<-]/

const textOf = (value: string) => (markdownChars.test(value) ? toCslString(parseMarkdownText(value)) : value)
const plainOf = (value: string) => (markdownChars.test(value) ? stringify(parseMarkdownText(value)) : value)

/**
 * A CSL-YAML item as Pandoc reads it: text fields as Markdown (to CSL strings), name parts as
 * Markdown's plain text, an `id` given as a number as its text. Dates and the rest are left to
 * `normalizeItem`.
 */
export function readYamlItem(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(item)) {
    const key = field.toLowerCase() === 'url' || field.toLowerCase() === 'doi' || field.toLowerCase() === 'isbn' ||
      field.toLowerCase() === 'issn' || field.toLowerCase() === 'pmid' || field.toLowerCase() === 'pmcid' ? field.toUpperCase() : field
    if (key === 'id' && typeof value === 'number') out.id = String(value)
    else if (typeof value === 'string' && !verbatim.has(key) && !nameFields.has(key)) out[key] = textOf(value)
    else if (nameFields.has(key) && (Array.isArray(value) || (value !== null && typeof value === 'object') || typeof value === 'string')) {
      const names = Array.isArray(value) ? value : [value]
      out[key] = names.map((name) => {
        if (typeof name === 'string') return {literal: plainOf(name)}
        if (!name || typeof name !== 'object') return name
        return Object.fromEntries(Object.entries(name as Record<string, unknown>).map(([part, text]) => [part, typeof text === 'string' ? plainOf(text) : text]))
      })
    } else out[key] = value
  }
  return out
}
