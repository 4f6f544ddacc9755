/**
 * Pandoc's `line_blocks` (a micromark extension and its mdast utility): lines starting with `| `
 * keep their line breaks (verse, addresses, hypotheses one a line); a line starting with a space
 * continues the one above. It becomes a paragraph (class `line-block`) with a line break between
 * lines, as Pandoc's HTML writer makes it without line wrapping. A GFM table, tried first, wins.
 *
 *     | The Lord of the Rings
 *     | J. R. R. Tolkien
 */
import type {Code, Construct, Effects, Extension, State, Token as MicromarkToken, TokenizeContext} from 'micromark-util-types'
import {markdownLineEnding, markdownSpace} from 'micromark-util-character'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'
import type {Paragraph} from 'mdast'

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocLineBlock: 'pandocLineBlock'
    pandocLineBlockLine: 'pandocLineBlockLine'
    pandocLineBlockMarker: 'pandocLineBlockMarker'
    pandocLineBlockContinuation: 'pandocLineBlockContinuation'
    pandocLineBlockEnding: 'pandocLineBlockEnding'
  }
}

const bar = 124
const isSpace = markdownSpace
const isLineEnding = markdownLineEnding

const lineBlock: Construct = {
  name: 'pandocLineBlock',
  concrete: true,
  add: 'after',
  tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const self = this
    let chunk: MicromarkToken | undefined
    return start

    function start(code: Code): State | undefined {
      // As in Pandoc, a line block does not interrupt a paragraph, and a table comes first.
      if (self.interrupt || code !== bar || afterTable(self)) return nok(code)
      return effects.check(tableAhead, nok, begin)(code)
    }
    function begin(code: Code): State | undefined {
      effects.enter('pandocLineBlock')
      return line(code)
    }
    /** `|`, then a space or the line's end. */
    function line(code: Code): State | undefined {
      effects.enter('pandocLineBlockLine')
      effects.enter('pandocLineBlockMarker')
      effects.consume(code)
      return afterBar
    }
    function afterBar(code: Code): State | undefined {
      if (code === null || isLineEnding(code)) {
        effects.exit('pandocLineBlockMarker')
        return lineEnd(code)
      }
      if (!isSpace(code)) return nok(code)
      effects.consume(code)
      effects.exit('pandocLineBlockMarker')
      return content
    }
    function content(code: Code): State | undefined {
      if (code === null || isLineEnding(code)) {
        if (chunk) effects.exit('chunkText')
        chunk = undefined
        return lineEnd(code)
      }
      // Each physical line is read alone (a continuation is joined with a space).
      if (!chunk) chunk = effects.enter('chunkText', {contentType: 'text'})
      effects.consume(code)
      return content
    }
    function lineEnd(code: Code): State | undefined {
      if (code === null) return done(code)
      return effects.check(nextLine, between, done)(code)
    }
    /** Before the next line: a new line of the block, or a continuation of this one. */
    function between(code: Code): State | undefined {
      effects.enter('pandocLineBlockEnding')
      effects.consume(code)
      effects.exit('pandocLineBlockEnding')
      return (next: Code) => {
        if (next === bar) {
          effects.exit('pandocLineBlockLine')
          return line(next)
        }
        effects.enter('pandocLineBlockContinuation')
        return continuation(next)
      }
    }
    function continuation(code: Code): State | undefined {
      if (isSpace(code)) {
        effects.consume(code)
        return continuation
      }
      effects.exit('pandocLineBlockContinuation')
      return content(code)
    }
    function done(code: Code): State | undefined {
      effects.exit('pandocLineBlockLine')
      effects.exit('pandocLineBlock')
      return ok(code)
    }
  }
}

/** Right after a table's row (a body row goes on with it). */
function afterTable(context: TokenizeContext): boolean {
  for (let index = context.events.length - 1; index >= 0; index--) {
    const type: string = context.events[index]![1].type
    if (type === 'lineEnding' || type === 'linePrefix') continue
    return type === 'table' || type === 'tableHead' || type === 'tableBody' || type === 'tableRow' || type === 'tableDelimiterRow'
  }
  return false
}

/** A pipe table's head: this line, then a delimiter row (`|---|:--|`). */
const tableAhead: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    let dashes = 0
    const head = (code: Code): State | undefined => {
      if (code === null) return nok(code)
      effects.enter('pandocLineBlockMarker')
      effects.consume(code)
      effects.exit('pandocLineBlockMarker')
      return isLineEnding(code) ? delimiter : head
    }
    const delimiter = (code: Code): State | undefined => {
      if (code === null || isLineEnding(code)) return dashes > 0 ? ok(code) : nok(code)
      if (code !== bar && code !== 58 && code !== 45 && !isSpace(code)) return nok(code)
      if (code === 45) dashes++
      effects.enter('pandocLineBlockMarker')
      effects.consume(code)
      effects.exit('pandocLineBlockMarker')
      return delimiter
    }
    return head
  }
}

/** Whether the line after this line ending belongs to the block: `| `, `|` alone, or a continuation. */
const nextLine: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    return (code) => {
      effects.enter('pandocLineBlockEnding')
      effects.consume(code)
      effects.exit('pandocLineBlockEnding')
      return (next: Code) => {
        if (next === bar) {
          effects.enter('pandocLineBlockMarker')
          effects.consume(next)
          effects.exit('pandocLineBlockMarker')
          return (after: Code) => (after === null || isSpace(after) || isLineEnding(after) ? ok(after) : nok(after))
        }
        if (!isSpace(next)) return nok(next)
        const spaces = (more: Code): State | undefined => {
          if (isSpace(more)) {
            effects.enter('pandocLineBlockMarker')
            effects.consume(more)
            effects.exit('pandocLineBlockMarker')
            return spaces
          }
          return more === null || isLineEnding(more) ? nok(more) : ok(more)
        }
        return spaces(next)
      }
    }
  }
}

export function pandocLineBlock(): Extension {
  return {flow: {[bar]: lineBlock}}
}

/** Where a token stands, as a node's position. */
function place(token: Token) {
  return {start: {line: token.start.line, column: token.start.column, offset: token.start.offset}, end: {line: token.start.line, column: token.start.column, offset: token.start.offset}}
}

export function pandocLineBlockFromMarkdown(): FromMarkdownExtension {
  return {
    enter: {
      pandocLineBlock(this: CompileContext, token: Token) {
        this.enter({type: 'paragraph', children: [], data: {hProperties: {className: ['line-block']}}} as Paragraph, token)
      },
      pandocLineBlockContinuation(this: CompileContext, token: Token) {
        const paragraph = this.stack[this.stack.length - 1] as Paragraph
        paragraph.children.push({type: 'text', value: ' ', position: place(token)})
      },
      pandocLineBlockLine(this: CompileContext, token: Token) {
        const paragraph = this.stack[this.stack.length - 1] as Paragraph
        if (paragraph.children.length > 0 || (paragraph.data as {lines?: number}).lines) paragraph.children.push({type: 'break', position: place(token)})
        ;(paragraph.data as {lines?: number}).lines = ((paragraph.data as {lines?: number}).lines ?? 0) + 1
      }
    },
    exit: {
      pandocLineBlock(this: CompileContext, token: Token) {
        const paragraph = this.stack[this.stack.length - 1] as Paragraph
        delete (paragraph.data as {lines?: number}).lines
        this.exit(token)
      }
    }
  }
}
