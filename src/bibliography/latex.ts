/**
 * BibTeX field values are LaTeX. Read one into a small tree of inlines, as Pandoc's LaTeX reader
 * does for its BibTeX reader (Pandoc 2.17, Text.Pandoc.Citeproc.BibTeX): a brace group is kept as
 * a span (it protects case), quotes and dashes become typographic (`` ``a'' `` “a”, `'` ’, `--` –),
 * `~` a no-break space, math stays TeX. Commands for letters and symbols come from citation-js's
 * own tables (`@bibtex` config `constants`); a command nobody knows is dropped, its arguments kept.
 */
import {createRequire} from 'node:module'

export type Inline =
  | {type: 'str'; text: string}
  | {type: 'space'}
  /** A brace group (`{B}ayesian`); `nocase` once case protection has been decided. */
  | {type: 'span'; nocase?: boolean; children: Inline[]}
  | {type: 'emph' | 'strong' | 'smallcaps' | 'sup' | 'sub' | 'nodecor'; children: Inline[]}
  | {type: 'quoted'; double: boolean; children: Inline[]}
  | {type: 'math'; tex: string; display?: boolean}
  | {type: 'link'; url: string; children: Inline[]}

type Format = 'emph' | 'strong' | 'smallcaps' | 'sup' | 'sub' | 'nodecor'

const require = createRequire(import.meta.url)
const core = require('@citation-js/core') as {plugins: {config: {get(name: string): {constants: LatexTables}}}}
require('@citation-js/plugin-bibtex')

interface LatexTables {
  diacritics: Record<string, string>
  commands: Record<string, string>
  mathCommands: Record<string, string>
}
const tables = core.plugins.config.get('@bibtex').constants

/** Letters and symbols citation-js's table lacks. */
const moreCommands: Record<string, string> = {
  aa: 'å', AA: 'Å', dots: '…', ldots: '…', LaTeX: 'LaTeX', TeX: 'TeX', BibTeX: 'BibTeX', slash: '/',
  textless: '<', textgreater: '>', S: '§', P: '¶', pounds: '£', dag: '†', ddag: '‡', textendash: '–',
  textemdash: '—', textnumero: '№', nobreakspace: '\u00a0', quad: '\u2003', qquad: '\u2003\u2003',
  textasciitilde: '~', textunderscore: '_', textbackslash: '\\', textbar: '|', textquotesingle: "'"
}

/**
 * The journal macros of AASTeX (`aas_macros.sty`), which the ADS writes into every BibTeX record
 * it exports (`journal = {\\apj}`), with the abbreviations LaTeX prints for them. Pandoc knows
 * none and drops them, so that such a reference has no journal.
 */
export const journalMacros: Record<string, string> = {
  aj: 'AJ', actaa: 'Acta Astron.', araa: 'ARA&A', apj: 'ApJ', apjl: 'ApJ', apjs: 'ApJS', ao: 'Appl. Opt.',
  apss: 'Ap&SS', aap: 'A&A', aapr: 'A&A Rev.', aaps: 'A&AS', azh: 'AZh', baas: 'BAAS',
  bac: 'Bull. astr. Inst. Czechosl.', caa: 'Chinese Astron. Astrophys.', cjaa: 'Chinese J. Astron. Astrophys.',
  icarus: 'Icarus', jcap: 'J. Cosmology Astropart. Phys.', jrasc: 'JRASC', memras: 'MmRAS', mnras: 'MNRAS',
  na: 'New A', nar: 'New A Rev.', pra: 'Phys. Rev. A', prb: 'Phys. Rev. B', prc: 'Phys. Rev. C',
  prd: 'Phys. Rev. D', pre: 'Phys. Rev. E', prl: 'Phys. Rev. Lett.', pasa: 'PASA', pasp: 'PASP', pasj: 'PASJ',
  rmxaa: 'Rev. Mexicana Astron. Astrofis.', qjras: 'QJRAS', skytel: 'S&T', solphys: 'Sol. Phys.',
  sovast: 'Soviet Ast.', ssr: 'Space Sci. Rev.', zap: 'ZAp', nat: 'Nature', iaucirc: 'IAU Circ.',
  aplett: 'Astrophys. Lett.', apspr: 'Astrophys. Space Phys. Res.', bain: 'Bull. Astron. Inst. Netherlands',
  fcp: 'Fund. Cosmic Phys.', gca: 'Geochim. Cosmochim. Acta', grl: 'Geophys. Res. Lett.', jcp: 'J. Chem. Phys.',
  jgr: 'J. Geophys. Res.', jqsrt: 'J. Quant. Spec. Radiat. Transf.', memsai: 'Mem. Soc. Astron. Italiana',
  nphysa: 'Nucl. Phys. A', physrep: 'Phys. Rep.', physscr: 'Phys. Scr', planss: 'Planet. Space Sci.',
  procspie: 'Proc. SPIE', astap: 'A&A', apjlett: 'ApJ', apjsupp: 'ApJS', applopt: 'Appl. Opt.'
}

const formatting: Record<string, Format | 'plain'> = {
  emph: 'emph', textit: 'emph', textsl: 'emph', textbf: 'strong', strong: 'strong', textsc: 'smallcaps',
  textsuperscript: 'sup', textsubscript: 'sub', textnormal: 'nodecor', textrm: 'plain', textsf: 'plain',
  texttt: 'plain', textup: 'plain', textmd: 'plain', mbox: 'plain', hbox: 'plain', text: 'plain', url: 'plain'
}
/** biblatex's wrappers: Pandoc keeps each as a span around the formatted text. */
const wrappers: Record<string, Format | 'plain' | 'quote' | 'parens' | 'brackets'> = {
  mkbibemph: 'emph', mkbibitalic: 'emph', mkbibbold: 'strong', mkbibquote: 'quote', mkbibparens: 'parens',
  mkbibbrackets: 'brackets', autocap: 'plain', enquote: 'quote'
}
const declarations: Record<string, Format | 'plain'> = {
  em: 'emph', it: 'emph', itshape: 'emph', sl: 'emph', slshape: 'emph', bf: 'strong', bfseries: 'strong',
  sc: 'smallcaps', scshape: 'smallcaps', rm: 'plain', sf: 'plain', tt: 'plain', normalfont: 'plain',
  upshape: 'plain', mdseries: 'plain', rmfamily: 'plain', sffamily: 'plain', ttfamily: 'plain'
}
/** Commands dropped with their one argument. */
const dropWithArgument = new Set(['noopsort', 'vspace', 'label', 'index', 'nocite', 'cite', 'hyphenation'])

const special = /[\s{}$\\%'`~\u2018\u2019\u201c\u201d-]/

class Reader {
  pos = 0
  constructor(readonly src: string, readonly bibstring: (key: string) => string, readonly onUnknown?: (name: string) => void) {}

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? ''
  }

  /** Inlines up to the end, a closing brace, or where `until` says. */
  inlines(until?: () => boolean): Inline[] {
    const out: Inline[] = []
    while (this.pos < this.src.length) {
      if (until?.()) break
      const ch = this.peek()
      if (ch === '}') break
      if (/\s/.test(ch)) {
        while (/\s/.test(this.peek())) this.pos++
        if (out.at(-1)?.type !== 'space') out.push({type: 'space'})
      } else if (ch === '%') {
        while (this.pos < this.src.length && this.peek() !== '\n') this.pos++
      } else if (ch === '{') {
        this.pos++
        const children = this.inlines()
        if (this.peek() === '}') this.pos++
        if (children.length > 0) out.push({type: 'span', children})
      } else if (ch === '$') {
        this.math(out)
      } else if (ch === '\\') {
        const declared = this.command(out)
        if (declared) {
          while (/\s/.test(this.peek())) this.pos++
          const rest = this.inlines(until)
          if (declared === 'plain') out.push(...rest)
          else if (rest.length > 0) out.push({type: declared, children: rest})
          break
        }
      } else if (ch === '-') {
        let n = 0
        while (this.peek() === '-' && n < 3) {
          this.pos++
          n++
        }
        addText(out, n === 1 ? '-' : n === 2 ? '–' : '—')
      } else if (ch === "'") {
        this.pos++
        if (this.peek() === "'") {
          this.pos++
          addText(out, '”')
        } else addText(out, '’')
      } else if (ch === '`') {
        this.quote(out)
      } else if (ch === '\u201c' || ch === '\u2018') {
        this.unicodeQuote(out)
      } else if (ch === '\u201d' || ch === '\u2019') {
        this.pos++
        addText(out, ch)
      } else if (ch === '~') {
        this.pos++
        addText(out, '\u00a0')
      } else {
        const start = this.pos
        while (this.pos < this.src.length && !special.test(this.peek())) this.pos++
        addText(out, this.src.slice(start, this.pos))
      }
    }
    return out
  }

  private quote(out: Inline[]) {
    const start = this.pos
    if (this.peek(1) === '`') {
      this.pos += 2
      const children = this.inlines(() => this.src.startsWith("''", this.pos))
      if (this.src.startsWith("''", this.pos)) {
        this.pos += 2
        out.push({type: 'quoted', double: true, children})
        return
      }
      this.pos = start + 2
      addText(out, '``')
      return
    }
    this.pos++
    const closes = () => this.peek() === "'" && this.peek(1) !== "'" && !/\p{L}/u.test(this.peek(1))
    const children = this.inlines(closes)
    if (closes()) {
      this.pos++
      out.push({type: 'quoted', double: false, children})
      return
    }
    this.pos = start + 1
    addText(out, '`')
  }

  /** “…” and ‘…’ typed as such are quotations too (Pandoc's reader takes them so). */
  private unicodeQuote(out: Inline[]) {
    const start = this.pos
    const double = this.peek() === '\u201c'
    this.pos++
    const closes = double ? () => this.peek() === '\u201d' : () => this.peek() === '\u2019' && !/\p{L}/u.test(this.peek(1))
    const children = this.inlines(closes)
    if (closes()) {
      this.pos++
      out.push({type: 'quoted', double, children})
      return
    }
    this.pos = start + 1
    addText(out, double ? '\u201c' : '\u2018')
  }

  private math(out: Inline[]) {
    const display = this.peek(1) === '$'
    const open = display ? 2 : 1
    let i = this.pos + open
    while (i < this.src.length) {
      if (this.src[i] === '\\') i += 2
      else if (this.src[i] === '$') break
      else i++
    }
    if (i >= this.src.length || (display && this.src[i + 1] !== '$') || i === this.pos + open) {
      this.pos++
      addText(out, '$')
      return
    }
    out.push({type: 'math', tex: this.src.slice(this.pos + open, i).trim(), ...(display ? {display: true} : {})})
    this.pos = i + open
  }

  /** The raw text of a braced argument, or of the next character; skips spaces before it. */
  private rawArgument(): string | undefined {
    while (/\s/.test(this.peek())) this.pos++
    if (this.peek() === '\\') {
      // A command as the argument: `\'\i`.
      const start = this.pos++
      if (/[a-zA-Z]/.test(this.peek())) while (/[a-zA-Z]/.test(this.peek())) this.pos++
      else this.pos++
      return this.src.slice(start, this.pos)
    }
    if (this.peek() !== '{') {
      if (this.pos >= this.src.length || this.peek() === '}') return undefined
      return this.src[this.pos++]
    }
    let depth = 0
    const start = this.pos
    for (; this.pos < this.src.length; this.pos++) {
      const c = this.peek()
      if (c === '\\') this.pos++
      else if (c === '{') depth++
      else if (c === '}' && --depth === 0) {
        this.pos++
        return this.src.slice(start + 1, this.pos - 1)
      }
    }
    return this.src.slice(start + 1)
  }

  /** A braced argument (its inlines, no span) or the next token. */
  private argument(): Inline[] {
    while (/\s/.test(this.peek())) this.pos++
    if (this.peek() === '{') {
      this.pos++
      const children = this.inlines()
      if (this.peek() === '}') this.pos++
      return children
    }
    if (this.peek() === '\\') {
      const out: Inline[] = []
      this.command(out)
      return out
    }
    if (this.pos >= this.src.length || this.peek() === '}') return []
    return [{type: 'str', text: this.src[this.pos++]!}]
  }

  /** An accent on its argument (`\'e`, `\"{u}`, `\v{Z}`, `\'{\i}`). */
  private accent(mark: string, out: Inline[]) {
    const raw = this.rawArgument() ?? ''
    const base = raw.replace(/^\\([ij])(?![a-zA-Z])\s*/, '$1')
    const text = base.startsWith('\\') || base.includes('{') ? stringify(parseLatex(base, this.bibstring, this.onUnknown)) : base
    addText(out, text ? (text[0]! + mark).normalize('NFC') + text.slice(1) : mark)
  }

  /** After `\`: adds what the command makes; returns a declaration's format for the rest of the group. */
  private command(out: Inline[]): Format | 'plain' | undefined {
    this.pos++
    const next = this.peek()
    if (!/[a-zA-Z]/.test(next)) {
      this.pos++
      if (next === '') return undefined
      if (next in tables.diacritics && !/[a-zA-Z]/.test(next)) this.accent(tables.diacritics[next]!, out)
      else if (next === '\\' || next === ' ' || next === '\n') out.push({type: 'space'})
      else if (next === ',') addText(out, '\u2006')
      else if ('-/@!;:>'.includes(next)) return undefined
      else if (next === '(' || next === '[') {
        const close = next === '(' ? '\\)' : '\\]'
        const end = this.src.indexOf(close, this.pos)
        if (end < 0) addText(out, next)
        else {
          out.push({type: 'math', tex: this.src.slice(this.pos, end).trim(), ...(next === '[' ? {display: true} : {})})
          this.pos = end + 2
        }
      } else addText(out, next)
      return undefined
    }
    const start = this.pos
    while (/[a-zA-Z]/.test(this.peek())) this.pos++
    const name = this.src.slice(start, this.pos)
    if (name in declarations) return declarations[name]
    if (name in tables.diacritics) {
      this.accent(tables.diacritics[name]!, out)
      return undefined
    }
    const format = formatting[name]
    if (format) {
      if (name === 'url') {
        const url = this.rawArgument() ?? ''
        out.push({type: 'link', url, children: [{type: 'str', text: url}]})
        return undefined
      }
      const children = this.argument()
      if (format === 'plain') out.push(...children)
      else if (children.length > 0) out.push({type: format, children})
      return undefined
    }
    const wrapper = wrappers[name]
    if (wrapper) {
      const children = this.argument()
      const inner: Inline[] =
        wrapper === 'quote' ? [{type: 'quoted', double: true, children}]
          : wrapper === 'parens' ? [{type: 'str', text: '('}, ...children, {type: 'str', text: ')'}]
            : wrapper === 'brackets' ? [{type: 'str', text: '['}, ...children, {type: 'str', text: ']'}]
              : wrapper === 'plain' ? children
                : [{type: wrapper, children}]
      if (name === 'enquote') out.push(...inner)
      else out.push({type: 'span', children: inner})
      return undefined
    }
    if (name === 'href') {
      const url = this.rawArgument() ?? ''
      out.push({type: 'link', url, children: this.argument()})
      return undefined
    }
    if (name === 'ensuremath') {
      out.push({type: 'math', tex: (this.rawArgument() ?? '').trim()})
      return undefined
    }
    if (name === 'bibstring') {
      addText(out, this.bibstring(this.rawArgument() ?? ''))
      return undefined
    }
    if (name === 'hspace' || name === 'hskip') {
      this.rawArgument()
      out.push({type: 'space'})
      return undefined
    }
    if (dropWithArgument.has(name)) {
      this.rawArgument()
      return undefined
    }
    const symbol = tables.commands[name] ?? moreCommands[name] ?? tables.mathCommands[name] ?? journalMacros[name]
    // TeX: the spaces after a control word are not text; `\ss{}` ends it as well.
    while (/[ \t\n\r]/.test(this.peek())) this.pos++
    if (this.src.startsWith('{}', this.pos)) this.pos += 2
    if (symbol !== undefined) addText(out, symbol)
    else this.onUnknown?.(name)
    return undefined
  }
}

function addText(out: Inline[], text: string) {
  if (!text) return
  const last = out.at(-1)
  if (last?.type === 'str') last.text += text
  else out.push({type: 'str', text})
}

/**
 * A LaTeX value as inlines. `bibstring` resolves `\bibstring{key}` (biblatex's localisation keys);
 * `onUnknown` hears of each command left out because it is not known (as Pandoc leaves it out).
 */
export function parseLatex(value: string, bibstring: (key: string) => string = (key) => key, onUnknown?: (name: string) => void): Inline[] {
  const reader = new Reader(value, bibstring, onUnknown)
  const out: Inline[] = []
  while (reader.pos < value.length) {
    out.push(...reader.inlines())
    // A stray closing brace: Pandoc's reader fails on it; we skip it.
    if (reader.pos < value.length) reader.pos++
  }
  return mergeText(trimSpaces(out))
}

function trimSpaces(list: Inline[]): Inline[] {
  let start = 0
  let end = list.length
  while (start < end && list[start]!.type === 'space') start++
  while (end > start && list[end - 1]!.type === 'space') end--
  return list.slice(start, end)
}

/** Adjacent strings made one (as Pandoc's builder does). */
export function mergeText(list: Inline[]): Inline[] {
  const out: Inline[] = []
  for (const node of list) {
    if (node.type === 'str') addText(out, node.text)
    else if (node.type === 'space' && out.at(-1)?.type === 'space') continue
    else out.push('children' in node ? ({...node, children: mergeText(node.children)} as Inline) : node)
  }
  return out
}

/** Plain text: formatting dropped, math as its TeX, quotes as typographic marks. */
export function stringify(list: Inline[]): string {
  let text = ''
  for (const node of list) {
    if (node.type === 'str') text += node.text
    else if (node.type === 'space') text += ' '
    else if (node.type === 'math') text += node.tex
    else if (node.type === 'quoted') text += (node.double ? '“' : '‘') + stringify(node.children) + (node.double ? '”' : '’')
    else text += stringify(node.children)
  }
  return text
}

/**
 * A protected group inside a word (`{l}da`, `{c}ldf`) protects the whole word: citeproc-js's
 * title case takes the end of the group for the start of a word ("lDa"); Pandoc's knows it is
 * inside one. The letters and digits joined to the group join it.
 *
 * A plain group inside a word (an accent, `f{\"u}r`, `{\"u}ber`) splits the word for Pandoc's
 * title case, which then changes only the part before the group, and only when that part is
 * longer than one letter: "Zeitschrift für Physik", "der wärmebewegung" stay as written. Such a
 * word, when it starts in lower case, is protected whole here, to the same effect.
 */
const splitsWord = (list: Inline[], i: number): boolean => {
  const node = list[i]!
  if (node.type !== 'span' || node.nocase || node.children.length !== 1) return false
  const inside = node.children[0]!
  if (inside.type !== 'str' || !/^[\p{L}\p{N}]+$/u.test(inside.text)) return false
  const before = list[i - 1]
  const after = list[i + 1]
  const head = before?.type === 'str' ? /[\p{L}\p{N}]*$/u.exec(before.text)![0] : ''
  const tail = after?.type === 'str' ? /^[\p{L}\p{N}]*/u.exec(after.text)![0] : ''
  // Only a word title case would change: one that starts in lower case.
  return [...head].length <= 1 && head + tail !== '' && /^\p{Ll}/u.test(head + inside.text)
}

function widenNocase(list: Inline[]): Inline[] {
  if (!list.some((node, i) => node.type === 'span' && (node.nocase || splitsWord(list, i)))) return list
  const out = [...list]
  for (let i = 0; i < out.length; i++) {
    const node = out[i]!
    if (node.type !== 'span' || !(node.nocase || splitsWord(out, i))) continue
    const children = [...node.children]
    const before = out[i - 1]
    if (before?.type === 'str') {
      const word = /[\p{L}\p{N}]*$/u.exec(before.text)![0]
      if (word) {
        children.unshift({type: 'str', text: word})
        out[i - 1] = {type: 'str', text: before.text.slice(0, before.text.length - word.length)}
      }
    }
    const after = out[i + 1]
    if (after?.type === 'str') {
      const word = /^[\p{L}\p{N}]*/u.exec(after.text)![0]
      if (word) {
        children.push({type: 'str', text: word})
        out[i + 1] = {type: 'str', text: after.text.slice(word.length)}
      }
    }
    out[i] = {type: 'span', nocase: true, children: mergeText(children)}
  }
  return out.filter((node) => node.type !== 'str' || node.text !== '')
}

const smallCaps = ['<span style="font-variant:small-caps;">', '</span>']
const tags: Record<string, string[]> = {
  emph: ['<i>', '</i>'], strong: ['<b>', '</b>'], smallcaps: smallCaps, sup: ['<sup>', '</sup>'], sub: ['<sub>', '</sub>'],
  nodecor: ['<span class="nodecor">', '</span>']
}

/**
 * Inlines as a CSL-JSON string, in the markup citeproc-js reads: `<i>`, `<b>`, `<sup>`, `<sub>`,
 * small caps and `<span class="nocase">`; quotes as typographic marks (citeproc-js localises and
 * alternates them); math as `$TeX$` inside a nocase span (see `math.ts`).
 */
export function toCslString(list: Inline[], depth = 0): string {
  let text = ''
  for (const node of widenNocase(list)) {
    if (node.type === 'str') text += node.text
    else if (node.type === 'space') text += ' '
    else if (node.type === 'math') text += `<span class="nocase">$${node.tex}$</span>`
    else if (node.type === 'quoted') {
      // Double or single in the source, a quotation is outer or inner by its depth (as in Pandoc).
      const marks = depth % 2 === 0 ? ['“', '”'] : ['‘', '’']
      text += marks[0] + toCslString(node.children, depth + 1) + marks[1]
    } else if (node.type === 'span') text += node.nocase ? `<span class="nocase">${toCslString(node.children, depth)}</span>` : toCslString(node.children, depth)
    else if (node.type === 'link') text += toCslString(node.children, depth)
    else text += tags[node.type]![0] + toCslString(node.children, depth) + tags[node.type]![1]
  }
  return text
}
