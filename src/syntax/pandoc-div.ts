/**
 * Pandoc's `fenced_divs` (a micromark extension and its mdast utility): a line of three or more
 * colons with attributes or a class name opens a div, a line of colons alone closes the innermost
 * one; the blocks between are the div's.
 *
 *     ::: {.note #intro}        ::: Abstract
 *     Some *text*.              Text.
 *     :::                       :::
 *
 * The fences are read as lines of their own (an opening fence needs a blank line before it, a
 * closing one ends a paragraph, as in Pandoc); the divs are made when the tree is built, by
 * pairing the fences that stand side by side in the same container. A fence left unpaired prints
 * nothing. Classes are kept (`div.note`); ids are not, so that no author id clashes with the page's.
 */
import type {Code, Construct, Effects, Extension, State, TokenizeContext} from 'micromark-util-types'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'
import type {Nodes, Parent, Root} from 'mdast'

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocDivFence: 'pandocDivFence'
  }
}

declare module 'mdast' {
  /** A fence line, before the divs are made (none is left in the tree). */
  interface DivFence extends Node {
    type: 'divFence'
    /** The attributes of an opening fence; undefined for a closing one. */
    attributes?: string
  }
  /** Pandoc's Div. */
  interface Div extends Parent {
    type: 'div'
    children: BlockContent[]
  }
  interface RootContentMap {
    divFence: DivFence
    div: Div
  }
  interface BlockContentMap {
    divFence: DivFence
    div: Div
  }
}

const colon = 58
const isLineEnd = (code: Code) => code === null || code < -2

const divFence: Construct = {
  name: 'pandocDivFence',
  tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const self = this
    let colons = 0
    let rest = ''
    return start
    function start(code: Code): State | undefined {
      effects.enter('pandocDivFence')
      return sequence(code)
    }
    function sequence(code: Code): State | undefined {
      if (code === colon) {
        colons++
        effects.consume(code)
        return sequence
      }
      if (colons < 3) return nok(code)
      return after(code)
    }
    function after(code: Code): State | undefined {
      if (isLineEnd(code)) {
        const opening = rest.replace(/:+\s*$/, '').trim() !== ''
        // An opening fence does not interrupt a paragraph (a closing one does, as in Pandoc).
        if (opening && self.interrupt) return nok(code)
        if (opening && !/^(?:\{[^}]*\}|[^\s{}]+)$/.test(rest.replace(/:+\s*$/, '').trim())) return nok(code)
        effects.exit('pandocDivFence')
        return ok(code)
      }
      rest += String.fromCharCode(code! < 0 ? 32 : code!)
      effects.consume(code)
      return after
    }
  }
}

export function pandocDiv(): Extension {
  return {flow: {[colon]: divFence}}
}

/** Classes from a fence's attributes: `{.a .b #id key=v}` or a bare word. */
function classesOf(attributes: string): string[] {
  const braces = /^\{([^}]*)\}$/.exec(attributes)
  if (!braces) return [attributes]
  return [...braces[1]!.matchAll(/(?:^|\s)\.([^\s.#}]+)/g)].map((match) => match[1]!)
}

/** Pair the fences that stand side by side in each container into divs. */
function makeDivs(tree: Root): undefined {
  const visit = (parent: Parent) => {
    for (const child of parent.children as Nodes[]) if ('children' in child) visit(child as Parent)
    const children = parent.children as Nodes[]
    if (!children.some((child) => child.type === 'divFence')) return
    const out: Nodes[] = []
    const open: Array<{index: number; classes: string[]; start: Nodes}> = []
    for (const child of children) {
      if (child.type !== 'divFence') {
        out.push(child)
        continue
      }
      if (child.attributes !== undefined) {
        open.push({index: out.length, classes: classesOf(child.attributes), start: child})
        continue
      }
      const opener = open.pop()
      if (!opener) continue
      const inner = out.splice(opener.index)
      out.push({
        type: 'div',
        children: inner,
        data: {hName: 'div', hProperties: opener.classes.length > 0 ? {className: opener.classes} : {}},
        position: opener.start.position && child.position ? {start: opener.start.position.start, end: child.position.end} : undefined
      } as Nodes)
    }
    parent.children = out as never
  }
  visit(tree)
}

export function pandocDivFromMarkdown(): FromMarkdownExtension {
  return {
    enter: {
      pandocDivFence(this: CompileContext, token: Token) {
        this.enter({type: 'divFence'} as never, token)
      }
    },
    exit: {
      pandocDivFence(this: CompileContext, token: Token) {
        const node = this.stack[this.stack.length - 1] as unknown as {attributes?: string}
        const attributes = this.sliceSerialize(token).replace(/^:+/, '').replace(/:+\s*$/, '').trim()
        if (attributes) node.attributes = attributes
        this.exit(token)
      }
    },
    transforms: [makeDivs]
  }
}
