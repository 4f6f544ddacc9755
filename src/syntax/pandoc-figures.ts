/**
 * Pandoc's reading of images and inline code where it differs from CommonMark (an mdast utility
 * for the parser):
 *
 * - `implicit_figures`: an image alone in its paragraph, with a caption, is a figure whose caption
 *   is the image's description as Markdown made it (emphasis, math and citations included:
 *   `![A map [@smith2020]](map.png)`). CommonMark keeps only its plain text, as `alt`.
 * - `link_attributes`: `{#id .class width=50%}` right after an image or link is attributes, not text.
 *   A width or height in pixels becomes the image's; other attributes are dropped (the page has no
 *   inline styles).
 * - inline code loses the white space at its ends (Pandoc trims it);
 * - a bare URL made a link (GFM) reads its backslash escapes as Pandoc reads them in text
 *   (`aspx\#http11\_max` is `aspx#http11_max`).
 */
import type {CompileContext, Extension as FromMarkdownExtension} from 'mdast-util-from-markdown'
import type {Nodes, Parent, PhrasingContent, Root, Text} from 'mdast'

declare module 'mdast' {
  interface ImageData {
    /** The image's description as phrasing content (the parser keeps only its text in `alt`). */
    caption?: PhrasingContent[]
  }
  interface ImageReferenceData {
    caption?: PhrasingContent[]
  }
  /** An image alone in its paragraph, with its caption (Pandoc's implicit figure). */
  interface Figure extends Parent {
    type: 'figure'
    children: [Image | ImageReference, FigureCaption]
  }
  interface FigureCaption extends Parent {
    type: 'figureCaption'
    children: PhrasingContent[]
  }
  interface RootContentMap {
    figure: Figure
    figureCaption: FigureCaption
  }
  interface BlockContentMap {
    figure: Figure
  }
}

/** Pandoc's attribute block: `{#id .class key=value key="value"}`. */
const attributes = /^\{((?:\s*(?:[#.][^\s}]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}"']+)))*)\s*\}/

/** mdast-util-from-markdown's `exit.label`, keeping an image's description as nodes too. */
function exitLabel(this: CompileContext): undefined {
  const fragment = this.stack[this.stack.length - 1] as Parent
  const value = this.resume()
  const node = this.stack[this.stack.length - 1] as Nodes
  this.data.inReference = true
  if (node.type === 'link') node.children = fragment.children as PhrasingContent[]
  else if (node.type === 'image' || node.type === 'imageReference') {
    node.alt = value
    node.data = {...node.data, caption: fragment.children as PhrasingContent[]}
  }
}

/** Take `{...}` off the text after an image or link; pixel sizes go to the image. */
function takeAttributes(parent: Parent): void {
  const children = parent.children as Nodes[]
  for (let index = 0; index < children.length - 1; index++) {
    const node = children[index]!
    const next = children[index + 1]!
    if ((node.type !== 'image' && node.type !== 'link') || next.type !== 'text') continue
    const match = attributes.exec(next.value)
    if (!match) continue
    if (node.type === 'image') {
      for (const [, key, number] of match[1]!.matchAll(/(width|height)=["']?(\d+)(?:px)?["']?(?=\s|$)/g)) {
        node.data = {...node.data, hProperties: {...node.data?.hProperties, [key!]: number}}
      }
    }
    next.value = next.value.slice(match[0].length)
    if (next.position?.start.offset !== undefined) {
      next.position.start = {line: next.position.start.line, column: next.position.start.column + match[0].length, offset: next.position.start.offset + match[0].length}
    }
    if (!next.value) children.splice(index + 1, 1)
  }
}

function transform(tree: Root): undefined {
  const visit = (node: Nodes) => {
    if (node.type === 'inlineCode') {
      node.value = node.value.trim()
      return
    }
    if (node.type === 'link' && node.children.length === 1 && node.children[0]!.type === 'text' && node.url.includes('\\')) {
      const text = node.children[0]
      const bare = node.url === text.value || node.url === `http://${text.value}` || node.url === `mailto:${text.value}`
      if (bare) {
        const unescape = (value: string) => value.replace(/\\([!-/:-@[-`{-~])/g, '$1')
        text.value = unescape(text.value)
        node.url = unescape(node.url)
      }
    }
    if (!('children' in node)) return
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell' || node.type === 'emphasis' || node.type === 'strong' || node.type === 'link') takeAttributes(node)
    const children = node.children as Nodes[]
    for (let index = 0; index < children.length; index++) {
      const child = children[index]!
      visit(child)
      if (child.type !== 'paragraph') continue
      const content = child.children.filter((c) => !(c.type === 'text' && !c.value.trim()))
      const image = content[0]
      if (content.length !== 1 || (image?.type !== 'image' && image?.type !== 'imageReference') || !image.alt) continue
      const caption = image.data?.caption ?? [{type: 'text', value: image.alt} as Text]
      children[index] = {
        type: 'figure',
        data: {hName: 'figure'},
        position: child.position,
        children: [image, {type: 'figureCaption', data: {hName: 'figcaption'}, children: caption}]
      } as never
    }
  }
  visit(tree)
  // The caption lives in the figure now, or nowhere (an image in the text keeps its `alt`).
  const clean = (node: Nodes) => {
    if ((node.type === 'image' || node.type === 'imageReference') && node.data?.caption) delete node.data.caption
    if ('children' in node) for (const child of node.children as Nodes[]) clean(child)
  }
  clean(tree)
}

export function pandocFiguresFromMarkdown(): FromMarkdownExtension {
  return {exit: {label: exitLabel}, transforms: [transform]}
}
