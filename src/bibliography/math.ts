/**
 * TeX math in bibliography fields (`title = {Correlations between $M_{\rm BH}$ and ...}`), kept
 * as TeX and shown as math, as Pandoc shows it.
 *
 * In a CSL item, the BibTeX reader writes math as `<span class="nocase">$TeX$</span>`: TeX between
 * dollars, as the author wrote it (exports give it back), in a span that keeps citeproc's case
 * changes out of it. Handed to citeproc (`mathForCiteproc`), the dollars become two private-use
 * characters that nothing else writes; in citeproc's HTML (`markMath`) the text between them
 * becomes `<span class="math-inline">TeX</span>` (`math-display` for `$$...$$`), TeX as text,
 * the element the page's math stage renders.
 */

const open = '\uE000'
const close = '\uE001'
const openDisplay = '\uE002'
const closeDisplay = '\uE003'

/** Math as the BibTeX reader writes it in CSL strings. */
const mathInCsl = /<span class="nocase">(\$\$?)([^$]+)\1<\/span>/g

/** A CSL string with math made ready for citeproc. */
function prepare(text: string): string {
  if (!text.includes('<span class="nocase">$')) return text
  return text.replace(mathInCsl, (_all, dollars: string, tex: string) =>
    dollars === '$$' ? `<span class="nocase">${openDisplay}${tex}${closeDisplay}</span>` : `<span class="nocase">${open}${tex}${close}</span>`)
}

/** A copy of an item for citeproc, its math marked (the item itself unchanged). */
export function mathForCiteproc<T extends Record<string, unknown>>(item: T): T {
  let copy: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(item)) {
    if (typeof value !== 'string') continue
    const prepared = prepare(value)
    if (prepared !== value) (copy ??= {...item})[key] = prepared
  }
  return (copy ?? item) as T
}

const marked = /\uE000([^\uE000-\uE003]*)\uE001|\uE002([^\uE000-\uE003]*)\uE003/g

/** citeproc's HTML with the marked math as `<span class="math-inline">TeX</span>`. */
export function markMath(html: string): string {
  if (!/[\uE000\uE002]/.test(html)) return html
  return html.replace(marked, (_all, inline: string | undefined, display: string | undefined) =>
    inline !== undefined ? `<span class="math-inline">${inline}</span>` : `<span class="math-display">${display}</span>`)
}

/** A CSL string's math as `$TeX$`, without the span (for RIS and other plain-text exports). */
export function mathAsTex(text: string): string {
  return text.includes('<span class="nocase">$') ? text.replace(mathInCsl, (_all, dollars: string, tex: string) => `${dollars}${tex}${dollars}`) : text
}

interface Rendered {
  citations: Array<{html: string; narrative?: {author: string; rest: string}}>
  bibliography: Array<{html: string}>
  standalone: Array<{html: string}>
}

/** Every citation and entry of one style's rendering with its math marked (in place; returned). */
export function markMathInRendered<T extends Rendered>(rendered: T): T {
  for (const citation of rendered.citations) {
    citation.html = markMath(citation.html)
    if (citation.narrative) {
      citation.narrative.author = markMath(citation.narrative.author)
      citation.narrative.rest = markMath(citation.narrative.rest)
    }
  }
  for (const entry of [...rendered.bibliography, ...rendered.standalone]) entry.html = markMath(entry.html)
  return rendered
}

/** A CSL rich-text string as plain text: its markup dropped, math as `$TeX$` (metadata, RIS). */
export function cslPlainText(text: string): string {
  if (!text.includes('<')) return text
  return mathAsTex(text).replace(/<\/?(?:i|b|sup|sub|span)(?:\s[^>]*)?>/g, '')
}
