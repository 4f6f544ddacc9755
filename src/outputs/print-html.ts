/**
 * The print variant of a built page, for the PDF: a pure function from the page's HTML to the HTML
 * that Paged.js lays out (src/outputs/pdf.ts).
 *
 * - Only what the default style shows stays: every element with `hidden` goes (the other styles'
 *   citation variants and reference lists, the reader controls, notes of other styles).
 * - No script, no Content-Security-Policy (it would block Paged.js, which is injected), no buttons,
 *   no "Cited at" links, no COinS, no skip link, no permalinks, no table of contents (the PDF's
 *   bookmarks are its contents), no BibTeX of "Cite this essay" (its citation in the style stays).
 * - Each note becomes a page-bottom footnote: a copy of its content, as `span.footnote` (laid out
 *   with `float: footnote`), goes right after its first reference, numbered as the reference shows.
 *   The endnotes section goes. A note referenced again keeps its number at the later references.
 * - The paged-media CSS (src/outputs/print.css) is added, after the page size and the running head
 *   (`--running-head`, the title).
 */
import type {Element, ElementContent, Root, RootContent} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {toHtml} from 'hast-util-to-html'
import {toString} from 'hast-util-to-string'
import {SKIP, visit} from 'unist-util-visit'
import {outputStylesheet} from './stylesheet.js'

export type Paper = 'a4' | 'letter'

export const papers: readonly Paper[] = ['a4', 'letter']

export interface PrintHtmlOptions {
  /** Page size (default `a4`). */
  paper?: Paper
  /** Running head; default: the page's `<title>`. */
  title?: string
  /** Paged-media CSS (default: src/outputs/print.css). */
  css?: string
}

/** src/outputs/print.css, read from the source tree (tsc does not copy CSS into dist/). */
export function printStylesheet(): string {
  return outputStylesheet('print.css')
}

/** HTML's phrasing elements: these may stand inside a paragraph as they are. */
const phrasing = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'i', 'img', 'ins', 'kbd',
  'mark', 'math', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'svg', 'time', 'u', 'var', 'wbr'
])

function isElement(node: unknown): node is Element {
  return Boolean(node && (node as Element).type === 'element')
}

function classes(node: Element): string[] {
  const value = node.properties.className
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\s+/) : []
}

function hasClass(node: Element, name: string): boolean {
  return classes(node).includes(name)
}

/** Remove every element for which `test` holds (and its content). */
function removeAll(tree: Root | Element, test: (node: Element) => boolean) {
  visit(tree, 'element', (node, index, parent) => {
    if (parent && index !== undefined && test(node)) {
      parent.children.splice(index, 1)
      return [SKIP, index]
    }
    return undefined
  })
}

/** A string for CSS `content`, safe inside `<style>`. */
function cssString(value: string): string {
  return '"' + value.replace(/\s+/g, ' ').replace(/[\\"<>]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `) + '"'
}

/**
 * A note's content, ready to stand inside a paragraph: backlinks gone, block elements turned into
 * `span.fn-block.fn-TAG` (print.css lays them out as blocks again).
 */
function footnoteContent(note: Element): ElementContent[] {
  const copy = structuredClone(note)
  removeAll(copy, (node) => node.properties.role === 'doc-backlink')
  visit(copy, 'element', (node) => {
    if (node === copy || phrasing.has(node.tagName)) return
    node.properties = {...node.properties, className: ['fn-block', `fn-${node.tagName}`, ...classes(node)]}
    delete node.properties.value
    node.tagName = 'span'
  })
  const content = copy.children.filter((child) => !(child.type === 'text' && !child.value.trim()))
  // The first paragraph runs in after the number.
  const first = content[0]
  if (isElement(first) && classes(first).includes('fn-p')) first.properties.className = [...classes(first), 'fn-run-in']
  // Trailing spaces that stood before a backlink.
  const last = content[content.length - 1]
  const lastText = isElement(last) ? last.children[last.children.length - 1] : undefined
  if (lastText?.type === 'text') lastText.value = lastText.value.trimEnd()
  return content
}

/** The print variant of a built page (see the module comment). */
export function printHtml(html: string, options: PrintHtmlOptions = {}): string {
  const paper = options.paper ?? 'a4'
  const tree = fromHtml(html)

  // What the PDF does not show, or must not run.
  removeAll(tree, (node) =>
    (node.properties.hidden !== undefined && node.properties.hidden !== false) ||
    node.tagName === 'script' ||
    (node.tagName === 'meta' && String(node.properties.httpEquiv ?? '').toLowerCase() === 'content-security-policy') ||
    node.tagName === 'button' ||
    hasClass(node, 'skip-link') || hasClass(node, 'entry-actions') || hasClass(node, 'Z3988') ||
    hasClass(node, 'permalink') || (node.tagName === 'nav' && hasClass(node, 'toc')) ||
    hasClass(node, 'bibtex-entry') ||
    node.properties.id === 'live-region'
  )

  // The notes, by id, and the endnotes section itself.
  const notes = new Map<string, Element>()
  removeAll(tree, (node) => {
    if (node.tagName !== 'section' || node.properties.role !== 'doc-endnotes') return false
    visit(node, 'element', (item) => {
      if (item.tagName === 'li' && typeof item.properties.id === 'string') notes.set(item.properties.id, item)
    })
    return true
  })

  // A footnote after the first reference to each note.
  const placed = new Set<string>()
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'sup' && !(node.tagName === 'a' && node.properties.role === 'doc-noteref')) return undefined
    if (!parent || index === undefined) return undefined
    // The reference is `sup.note-mark > a[role=doc-noteref]`; a bare reference is handled alike.
    const reference = node.tagName === 'a' ? node : node.children.find((child): child is Element => isElement(child) && child.properties.role === 'doc-noteref')
    if (!reference) return undefined
    const id = String(reference.properties.href ?? '').replace(/^#/, '')
    const note = notes.get(id)
    if (!note || placed.has(id)) return SKIP
    placed.add(id)
    const number = toString(reference).trim()
    const footnote: Element = {
      type: 'element',
      tagName: 'span',
      properties: {className: ['footnote']},
      children: [
        {
          type: 'element',
          tagName: 'a',
          properties: {id, className: ['footnote-number'], ...(reference.properties.id ? {href: `#${String(reference.properties.id)}`} : {})},
          children: [{type: 'text', value: `${number}.`}]
        },
        {type: 'text', value: ' '},
        ...footnoteContent(note)
      ]
    }
    parent.children.splice(index + 1, 0, footnote)
    return [SKIP, index + 2]
  })

  // The paged-media CSS, the page size and the running head (a parsed document always has a head).
  const head = tree.children.find(isElement)?.children.find((child): child is Element => isElement(child) && child.tagName === 'head')
  let title = options.title
  if (title === undefined && head) {
    const element = head.children.find((child): child is Element => isElement(child) && child.tagName === 'title')
    title = element ? toString(element).trim() : ''
  }
  // Before print.css: Paged.js merges @page rules, the last one's margin boxes and @footnote win.
  const css = `:root {\n  --running-head: ${cssString(title ?? '')};\n}\n@page {\n  size: ${paper === 'letter' ? 'letter' : 'A4'};\n}\n${options.css ?? printStylesheet()}`
  const style: RootContent = {type: 'element', tagName: 'style', properties: {}, children: [{type: 'text', value: css}]}
  head?.children.push(style, {type: 'text', value: '\n'})
  return toHtml(tree)
}
