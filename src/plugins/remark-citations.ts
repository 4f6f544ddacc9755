/**
 * Stage "cite": the `cite` nodes the parser made (src/syntax/pandoc-citation.ts) become plain
 * citation values for the renderer, as Pandoc hands them to citeproc:
 *
 * - each suffix's locator is read from its start (`, p. 33`, `33`, `{iv}`: src/citations/locator.ts)
 *   with the locator terms of the locales;
 * - prefixes and suffixes become citeproc's inline HTML (`<i>`, `<b>`, `<sup>`, `<sub>`), trimmed as
 *   Pandoc trims them (a suffix that began with a space keeps one);
 * - a citation written inside another's prefix or suffix (`[@a, see @b]`) is not one: Pandoc loses
 *   the outer citation there; here the inner one stays as written, with a warning, and its works
 *   are listed (`file.data.affixCitationKeys`), as Pandoc lists them;
 * - a citation inside link text is marked, so that it is not made a link inside a link.
 *
 * It runs after the text has been given its final form (smart punctuation), so affixes read as
 * the text around them.
 */
import type {Nodes, PhrasingContent, Root, Text} from 'mdast'
import type {CiteNode} from 'mdast'
import type {VFile} from 'vfile'
import {toString} from 'mdast-util-to-string'
import {locatorTermsFromLocales, type LocatorTerms} from '../citations/locators.js'
import {parseLocator, tokenizeText, type LocatorToken} from '../citations/locator.js'
import {readLocale} from '../citations/styles.js'
import type {CiteItem} from '../citations/types.js'
import type {CiteItemNode} from '../syntax/pandoc-citation.js'

export interface Options {
  /** Locator labels; by default those of the en-US and en-GB locales. */
  locatorTerms?: LocatorTerms
}

declare module 'mdast' {
  interface CiteData {
    /** On a `cite` node inside link text: render it without links of its own. */
    citeInLink?: boolean
  }
}

let defaultTerms: LocatorTerms | undefined

/**
 * An affix's phrasing content as citeproc-js's inline markup: `<i>`, `<b>` and text as it is
 * (citeproc-js escapes text itself).
 */
export function affixHtml(nodes: PhrasingContent[]): string {
  return nodes.map(nodeHtml).join('')
}

function nodeHtml(node: Nodes): string {
  switch (node.type) {
    case 'text':
      return node.value
    case 'emphasis':
      return `<i>${affixHtml(node.children)}</i>`
    case 'strong':
      return `<b>${affixHtml(node.children)}</b>`
    case 'inlineCode':
      return node.value
    case 'inlineMath':
      return `$${node.value}$`
    case 'break':
      return ' '
    case 'html':
      return ''
    default:
      return 'children' in node ? (node.children as Nodes[]).map(nodeHtml).join('') : 'value' in node ? String(node.value) : ''
  }
}

/** The suffix as tokens for the locator parser: its text cut as Pandoc cuts words; markup whole. */
function suffixTokens(nodes: PhrasingContent[]): LocatorToken[] {
  const tokens: LocatorToken[] = []
  for (const node of nodes) {
    if (node.type === 'text') tokens.push(...tokenizeText(node.value))
    else tokens.push({kind: 'other', text: toString(node), html: nodeHtml(node)})
  }
  return tokens
}

function tokensHtml(tokens: LocatorToken[]): string {
  return tokens.map((token) => (token.kind === 'other' ? token.html : token.text)).join('')
}

/** A line ending in an affix is a space (Pandoc's soft break). */
const softBreaks = (html: string) => html.replace(/[ \t]*\r?\n[ \t]*/g, ' ')

/** Pandoc's `trimInlines` on an affix's nodes, as a copy: white space off both ends. */
function trimmed(nodes: PhrasingContent[]): PhrasingContent[] {
  const out = nodes.map((node) => (node.type === 'text' ? {...node} : node))
  while (out.length > 0) {
    const first = out[0]!
    if (first.type !== 'text') break
    first.value = first.value.replace(/^\s+/, '')
    if (first.value) break
    out.shift()
  }
  while (out.length > 0) {
    const last = out[out.length - 1]!
    if (last.type !== 'text') break
    last.value = last.value.replace(/\s+$/, '')
    if (last.value) break
    out.pop()
  }
  return out
}

/** One cited work as the renderer takes it. */
export function citeItemOf(node: CiteItemNode, terms: LocatorTerms): CiteItem {
  const item: CiteItem = {key: node.key}
  if (node.suppressAuthor) item.suppressAuthor = true
  for (const child of node.children) {
    if (child.type === 'citePrefix') {
      const html = softBreaks(affixHtml(trimmed(child.children)))
      if (html) item.prefix = html
    } else if (child.type === 'citeSuffix') {
      const first = child.children[0]
      // Pandoc's `suffix`: a space right after the key is kept as one space in front.
      const space = first?.type === 'text' && /^\s/.test(first.value)
      const rest = trimmed(child.children)
      const tokens = suffixTokens(rest)
      const parsed = parseLocator(space && tokens.length > 0 ? [{kind: 'space', text: ' '}, ...tokens] : tokens, terms)
      if (parsed.locator) {
        item.locator = parsed.locator
        item.label = parsed.label ?? 'page'
      }
      const suffix = softBreaks(tokensHtml(parsed.rest)).replace(/\s+$/, '')
      if (suffix.trim()) item.suffix = suffix
    }
  }
  return item
}

export default function remarkCitations(options: Options = {}) {
  return function transformer(tree: Root, file: VFile) {
    const terms = options.locatorTerms ?? (defaultTerms ??= locatorTermsFromLocales(readLocale('en-US'), readLocale('en-GB')))
    const source = String(file.value)
    const walk = (node: Nodes, inCite: boolean, inLink: boolean) => {
      if (!('children' in node)) return
      const children = node.children as Nodes[]
      for (let index = 0; index < children.length; index++) {
        const child = children[index]!
        if (child.type === 'cite') {
          if (inCite) {
            const start = child.position?.start.offset
            const end = child.position?.end.offset
            const written = start !== undefined && end !== undefined ? source.slice(start, end) : child.citation.items.map((item) => `@${item.key}`).join('; ')
            file.message('A citation inside the prefix or suffix of another is left as written: cite the works side by side (`[@a; see @b]`)', {
              place: child.position,
              ruleId: 'nested-citation',
              source: 'essay-edition'
            })
            children.splice(index, 1, {type: 'text', value: written, position: child.position} as Text)
            const keys = (file.data.affixCitationKeys ??= [])
            for (const item of child.citation.items) if (!keys.includes(item.key)) keys.push(item.key)
            continue
          }
          const cite = child as CiteNode
          // Citations written inside its affixes become their text first.
          walk(child, true, inLink)
          cite.citation = {mode: cite.citation.mode, items: cite.children.map((item) => citeItemOf(item, terms))}
          if (inLink) cite.data = {...cite.data, citeInLink: true}
          continue
        }
        walk(child, inCite, inLink || child.type === 'link' || child.type === 'linkReference')
      }
    }
    walk(tree, false, false)
  }
}
