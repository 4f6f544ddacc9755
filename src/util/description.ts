/**
 * The page's description (`meta name=description`, Open Graph, Twitter card): the front matter's
 * `description` as written; else its `abstract` (or `summary`), else the essay's opening, each as
 * its first whole sentences within 160 characters, the length search results and link previews show.
 */
import type {Element, ElementContent, Root} from 'hast'
import {isBodyParagraph, walkElements} from './hast.js'

export const descriptionLength = 160

/** Whole sentences from the start of `text`, at most `max` characters; a longer first one cut at a word, with "…". */
export function firstSentences(text: string, max = descriptionLength): string {
  const clean = text.replace(/\s+/g, ' ').trim()
  if (clean.length <= max) return clean
  const sentences = clean.split(/(?<=[.!?…]['"’”)\]]*) (?=['"‘“(\[]?[\p{Lu}\p{N}])/u)
  let out = ''
  for (const sentence of sentences) {
    const next = out ? `${out} ${sentence}` : sentence
    if (next.length > max) break
    out = next
  }
  if (out) return out
  const cut = clean.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '') + '…'
}

/** Markdown written in a front-matter field as plain text: emphasis marks, code ticks, links, citations. */
export function markdownAsText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[(-?@[^\]]*)\]/g, '')
    .replace(/(\*\*|__|\*|_|`)(?=\S)([^]*?\S)\1/g, '$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!$])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}

/** An element's text as a reader sees it: not hidden variants, note marks, permalinks, or math twice. */
function shownText(node: Element | ElementContent): string {
  if (node.type === 'text') return node.value
  if (node.type !== 'element') return ''
  const className = node.properties.className
  const classes = Array.isArray(className) ? className.map(String) : []
  if (node.properties.hidden || node.properties.ariaHidden === 'true' || node.properties.ariaHidden === true) return ''
  if (classes.some((c) => c === 'permalink' || c === 'note-mark' || c === 'katex-html' || c === 'sr-only')) return ''
  if (node.properties.role === 'doc-noteref' || node.tagName === 'annotation' || node.tagName === 'sup' && node.children.some((c) => c.type === 'element' && c.properties.role === 'doc-noteref')) return ''
  return node.children.map(shownText).join('')
}

/** The essay's opening: its first body paragraphs' text, enough for a description (the paragraphs read are put in `read`). */
export function essayOpening(tree: Root, enough = descriptionLength, read: Element[] = []): string {
  let text = ''
  walkElements(tree, (node, ancestors) => {
    if (text.length > enough) return 'skip'
    if (node.tagName === 'nav') return 'skip'
    if (!isBodyParagraph(node, ancestors)) return
    read.push(node)
    const paragraph = shownText(node).replace(/\s+/g, ' ').trim()
    if (paragraph) text = text ? `${text} ${paragraph}` : paragraph
    return 'skip'
  })
  return text
}

/**
 * The description, by the rule above; undefined when there is no text at all. `description` is the
 * metadata's (the front matter's `description`, else `abstract`, else `summary`, smart punctuation
 * applied); `raw` tells which field it came from.
 */
export function pageDescription(metadata: {description?: string; raw: Record<string, unknown>} | undefined, tree: Root, read: Element[] = []): string | undefined {
  const given = metadata?.description?.replace(/\s+/g, ' ').trim()
  if (given && metadata?.raw.description !== undefined && metadata.raw.description !== null) return given
  const text = given ? markdownAsText(given) : essayOpening(tree, descriptionLength, read)
  return text ? firstSentences(text) : undefined
}
