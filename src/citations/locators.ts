/**
 * Locator labels (`p.`, `pp.`, `chap.`, `§` ...) read from a CSL locale, so that `[@key, chap. 2]`
 * becomes locator `2` with label `chapter`, as Pandoc does.
 */

/** The CSL locator types (CSL 1.0.2). */
export const locatorTypes = [
  'act', 'appendix', 'article-locator', 'book', 'canon', 'chapter', 'column', 'elocation', 'equation',
  'figure', 'folio', 'issue', 'line', 'note', 'opus', 'page', 'paragraph', 'part', 'rule', 'scene',
  'section', 'sub-verbo', 'supplement', 'table', 'timestamp', 'title-locator', 'verse', 'version', 'volume'
] as const

/** Label text (lower case) -> locator type. */
export type LocatorTerms = Map<string, string>

function decode(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).trim()
}

/** Build the label table from the XML of one or more CSL locales. */
export function locatorTermsFromLocales(...localeXml: Array<string | undefined>): LocatorTerms {
  const terms: LocatorTerms = new Map()
  const add = (label: string, type: string) => {
    const key = label.toLowerCase()
    if (key && !terms.has(key)) terms.set(key, type)
    // Pandoc also accepts abbreviations written without their full stop.
    if (key.endsWith('.') && key.length > 2 && !terms.has(key.slice(0, -1))) terms.set(key.slice(0, -1), type)
  }
  for (const xml of localeXml) {
    if (!xml) continue
    const termRe = /<term\s+name="([a-z-]+)"([^>]*?)(\/>|>([\s\S]*?)<\/term>)/g
    for (const match of xml.matchAll(termRe)) {
      const type = match[1]!
      if (!(locatorTypes as readonly string[]).includes(type) || match[3] === '/>') continue
      const body = match[4] ?? ''
      const forms = /<single>([\s\S]*?)<\/single>\s*<multiple>([\s\S]*?)<\/multiple>/.exec(body)
      if (forms) {
        add(decode(forms[1]!), type)
        add(decode(forms[2]!), type)
      } else {
        add(decode(body), type)
      }
    }
  }
  // Always understood, whatever the locale (Pandoc's English fallbacks).
  for (const [label, type] of [
    ['p.', 'page'], ['pp.', 'page'], ['page', 'page'], ['pages', 'page'],
    ['chap.', 'chapter'], ['chaps.', 'chapter'], ['chapter', 'chapter'], ['chapters', 'chapter'],
    ['sec.', 'section'], ['secs.', 'section'], ['section', 'section'], ['sections', 'section'],
    ['para.', 'paragraph'], ['paras.', 'paragraph'], ['paragraph', 'paragraph'], ['paragraphs', 'paragraph'],
    ['vol.', 'volume'], ['vols.', 'volume'], ['volume', 'volume'], ['volumes', 'volume'],
    ['n.', 'note'], ['nn.', 'note'], ['note', 'note'], ['notes', 'note'],
    ['fig.', 'figure'], ['figs.', 'figure'], ['figure', 'figure'], ['figures', 'figure'],
    ['l.', 'line'], ['ll.', 'line'], ['line', 'line'], ['lines', 'line'],
    ['v.', 'verse'], ['vv.', 'verse'], ['bk.', 'book'], ['bks.', 'book'], ['col.', 'column'], ['cols.', 'column'],
    ['§', 'section'], ['§§', 'section'], ['¶', 'paragraph'], ['¶¶', 'paragraph']
  ] as const) add(label, type)
  return terms
}
