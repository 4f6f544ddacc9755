/**
 * Pandoc's `pandoc_title_block` (a micromark extension and its mdast utility): at the very start
 * of the document, up to three lines starting with `%` give the title, the authors (separated by
 * `;`) and the date; a line starting with a space continues the field above it (a title over
 * several lines, one author a line). An empty `%` line skips a field.
 *
 *     % The Title
 *     % Ann Author; Bob Author
 *     % 2024-05-01
 *
 * The node (`titleBlock`, with `title`, `authors`, `date`) prints nothing; the metadata stage
 * reads it (front matter fields, when both are given, win).
 */
import type {Code, Construct, Effects, Extension, State, TokenizeContext} from 'micromark-util-types'
import {markdownLineEnding, markdownSpace} from 'micromark-util-character'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocTitleBlock: 'pandocTitleBlock'
    pandocTitleBlockLine: 'pandocTitleBlockLine'
  }
}

declare module 'mdast' {
  interface TitleBlock extends Node {
    type: 'titleBlock'
    title?: string
    authors: string[]
    date?: string
  }
  interface RootContentMap {
    titleBlock: TitleBlock
  }
  interface FrontmatterContentMap {
    titleBlock: TitleBlock
  }
}

const percent = 37
const isSpace = markdownSpace
const isLineEnding = markdownLineEnding

const titleBlock: Construct = {
  name: 'pandocTitleBlock',
  concrete: true,
  tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const self = this
    let fields = 0
    return start

    function start(code: Code): State | undefined {
      const point = self.now()
      if (point.line !== 1 || point.column !== 1 || code !== percent) return nok(code)
      effects.enter('pandocTitleBlock')
      return lineStart(code)
    }
    /** At the start of a line: a new field (`%`), a continuation (white space), or the end. */
    function lineStart(code: Code): State | undefined {
      if (code === percent && fields < 3) {
        fields++
        effects.enter('pandocTitleBlockLine')
        effects.consume(code)
        return inLine
      }
      if (isSpace(code) && fields > 0) {
        effects.enter('pandocTitleBlockLine')
        return continuation(code)
      }
      effects.exit('pandocTitleBlock')
      return ok(code)
    }
    /** A continuation line: not a blank line (that ends the block). */
    function continuation(code: Code): State | undefined {
      if (isSpace(code)) {
        effects.consume(code)
        return continuation
      }
      if (code === null || isLineEnding(code)) return nok(code)
      return inLine(code)
    }
    function inLine(code: Code): State | undefined {
      if (code === null) {
        effects.exit('pandocTitleBlockLine')
        effects.exit('pandocTitleBlock')
        return ok(code)
      }
      if (isLineEnding(code)) {
        effects.exit('pandocTitleBlockLine')
        return effects.check(nextBelongs, lineEnding, end)(code)
      }
      effects.consume(code)
      return inLine
    }
    function lineEnding(code: Code): State | undefined {
      effects.enter('lineEnding')
      effects.consume(code)
      effects.exit('lineEnding')
      return lineStart
    }
    function end(code: Code): State | undefined {
      effects.exit('pandocTitleBlock')
      return ok(code)
    }
  }
}

/** After a line ending: whether the next line is another field or a continuation. */
const nextBelongs: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    return (code) => {
      effects.enter('lineEnding')
      effects.consume(code)
      effects.exit('lineEnding')
      const after = (next: Code): State | undefined => {
        if (next === percent) return ok(next)
        if (!isSpace(next)) return nok(next)
        const spaces = (more: Code): State | undefined => {
          if (isSpace(more)) {
            effects.enter('pandocTitleBlockLine')
            effects.consume(more)
            effects.exit('pandocTitleBlockLine')
            return spaces
          }
          return more === null || isLineEnding(more) ? nok(more) : ok(more)
        }
        return spaces(next)
      }
      return after
    }
  }
}

export function pandocTitleBlock(): Extension {
  return {flow: {[percent]: titleBlock}}
}

/** The fields of a title block's text: each `%` line and the lines continuing it. */
export function titleBlockFields(text: string): {title?: string; authors: string[]; date?: string} {
  const fields: string[][] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('%')) fields.push([line.slice(1).trim()])
    else if (fields.length > 0) fields[fields.length - 1]!.push(line.trim())
  }
  const [title, authors, date] = fields
  const result: {title?: string; authors: string[]; date?: string} = {authors: []}
  const joined = title?.filter(Boolean).join(' ')
  if (joined) result.title = joined
  for (const line of authors ?? []) result.authors.push(...line.split(';').map((name) => name.trim()).filter(Boolean))
  const when = date?.filter(Boolean).join(' ')
  if (when) result.date = when
  return result
}

export function pandocTitleBlockFromMarkdown(): FromMarkdownExtension {
  return {
    enter: {
      pandocTitleBlock(this: CompileContext, token: Token) {
        this.enter({type: 'titleBlock', authors: []} as never, token)
      }
    },
    exit: {
      pandocTitleBlock(this: CompileContext, token: Token) {
        Object.assign(this.stack[this.stack.length - 1]!, titleBlockFields(this.sliceSerialize(token)))
        this.exit(token)
      }
    }
  }
}
