/**
 * Exports of the cited works for reference managers: BibTeX, RIS and CSL-JSON, through citation-js.
 */
import {createRequire} from 'node:module'
import type {CslItem} from '../citations/render.js'
import {cslPlainText} from './math.js'

const require = createRequire(import.meta.url)
const {Cite} = require('@citation-js/core') as {Cite: new (data: unknown, options?: unknown) => {format(type: string, options?: unknown): string}}
require('@citation-js/plugin-bibtex')
require('@citation-js/plugin-ris')

/** Items as plain CSL-JSON (no internal fields), in the given order. */
export function cslJson(items: CslItem[]): CslItem[] {
  return items.map((item) => {
    const clean: CslItem = {id: item.id}
    for (const [key, value] of Object.entries(item)) {
      if (key === '_graph' || key === 'system_id' || key === 'citation-key') continue
      clean[key] = value
    }
    return clean
  })
}

/**
 * BibTeX in its BibLaTeX dialect: full dates (`date = {2021-01-15}`), web pages as `@online`,
 * reports as `@report`, which classic BibTeX fields would lose; Pandoc, Zotero and citation-js read it.
 */
export function toBibtex(items: CslItem[]): string {
  if (items.length === 0) return ''
  // TeX math goes out as the author wrote it (`$M_{\rm BH}$`), not escaped letter by letter:
  // each formula is a placeholder of plain letters through citation-js, then put back.
  const formulas: string[] = []
  const withPlaceholders = (text: string) =>
    text.replace(/<span class="nocase">(\$\$?[^$]+\$\$?)<\/span>/g, (_all, tex: string) => `zqmath${formulas.push(tex) - 1}qz`)
  // Our keys, not keys citation-js would make up.
  const data = cslJson(items).map((item) => {
    const out: CslItem = {...item, 'citation-key': item.id}
    for (const [key, value] of Object.entries(out)) if (typeof value === 'string' && value.includes('<span class="nocase">$')) out[key] = withPlaceholders(value)
    return out
  })
  const bibtex = new Cite(data).format('biblatex', {format: 'text'}).trim() + '\n'
  return formulas.length === 0 ? bibtex : bibtex.replace(/zqmath(\d+)qz/g, (all, n: string) => formulas[Number(n)] ?? all)
}

export function toRis(items: CslItem[]): string {
  if (items.length === 0) return ''
  // RIS is plain text: no CSL markup, math as `$TeX$`.
  const plain = cslJson(items).map((item) => Object.fromEntries(Object.entries(item).map(([key, value]) => [key, typeof value === 'string' ? cslPlainText(value) : value])) as CslItem)
  const ris = new Cite(plain).format('ris', {format: 'text'})
  // citation-js wraps values at 70 characters; RIS readers would take the break as a space.
  return ris.replace(/\n(?![A-Z][A-Z0-9] {2}-)/g, '').trim() + '\n'
}

export function toCslJson(items: CslItem[]): string {
  return JSON.stringify(cslJson(items), null, 2) + '\n'
}

export interface Exports {
  bibtex: string
  ris: string
  cslJson: string
}

const madeExports = new Map<string, Exports>()

/**
 * The three exports of a list of works. citation-js takes ~0.3 s for a thousand works, so the last
 * few results are kept by their CSL-JSON: a rebuild after a prose edit exports nothing again.
 */
export function exportsOf(items: CslItem[]): Exports {
  const csl = toCslJson(items)
  let made = madeExports.get(csl)
  if (!made) {
    made = {bibtex: toBibtex(items), ris: toRis(items), cslJson: csl}
    if (madeExports.size >= 8) madeExports.delete(madeExports.keys().next().value!)
    madeExports.set(csl, made)
  }
  return {...made}
}
