/**
 * The sanitizing schema: GitHub's (hast-util-sanitize's default) plus what our own handlers put in
 * the essay's tree before it is sanitized (citation variants, note references and contents).
 * No script, event handler, style, form, frame, object, embed or meta survives it; links keep only
 * http(s), mailto and in-page targets; images only data URLs and relative paths (no remote request).
 */
import type {Root, Element} from 'hast'
import {defaultSchema, sanitize, type Schema} from 'hast-util-sanitize'

const ours = ['dataStyles', 'dataKeys', 'dataKey', 'dataCiteId', 'dataNoteRef', 'dataNoteDef', 'dataNoteGenerated', 'dataNoteLabel', 'dataHeadingId']

export const schema: Schema = {
  ...defaultSchema,
  tagNames: [...(defaultSchema.tagNames ?? []), 'aside', 'cite', 'abbr', 'mark', 'small', 'u', 'figure', 'figcaption', 'caption', 'colgroup', 'col', 'tfoot'],
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className', 'hidden', 'role', 'ariaLabel', 'ariaHidden', ...ours],
    a: [...(defaultSchema.attributes?.a ?? []), 'title'],
    img: [...(defaultSchema.attributes?.img ?? []), 'title'],
    code: [['className', /^language-./, 'math-inline', 'math-display']],
    span: [['className', 'citation', 'cite-variant', 'citation-missing', 'math-inline', 'math-display', 'csl-left-margin', 'csl-right-inline', 'csl-block', 'csl-indent', 'nocase', 'smallcaps', 'underline', 'csl-normal-variant', 'csl-normal-style', 'csl-italic', 'csl-normal-weight', 'csl-bold']],
    div: [['className', 'csl-entry', 'csl-left-margin', 'csl-right-inline', 'csl-block', 'csl-indent', 'math-display']]
  },
  protocols: {
    ...defaultSchema.protocols,
    href: ['http', 'https', 'mailto'],
    // No remote images: the page makes no request of its own. Data URLs and relative paths stay.
    src: ['data']
  },
  strip: ['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math']
}

/** Sanitize a tree (or a fragment) in place of the original: returns the clean one. */
export function sanitizeTree<T extends Root | Element>(tree: T): T {
  return sanitize(tree, schema) as T
}

/** `src` data URLs are for images only. */
export function isSafeDataUrl(url: string): boolean {
  return /^data:image\/(png|gif|jpeg|webp|avif);/i.test(url)
}
