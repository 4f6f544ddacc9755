/**
 * Pandoc's `superscript` and `subscript` (a micromark extension and its mdast utility):
 * `19^th^`, `H~2~O`. The text between the marks holds no space or line ending (Pandoc wants
 * spaces there escaped, `\ `) and is inline Markdown. `~~...~~` stays GFM's strikethrough; a single
 * `~` is a subscript here, as in Pandoc (remark-gfm is told `singleTilde: false`).
 */
import type {Code, Construct, Effects, Extension, State, TokenizeContext} from 'micromark-util-types'
import {markdownLineEndingOrSpace} from 'micromark-util-character'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocSuperscript: 'pandocSuperscript'
    pandocSubscript: 'pandocSubscript'
    pandocScriptMarker: 'pandocScriptMarker'
  }
}

declare module 'mdast' {
  interface Superscript extends Parent {
    type: 'superscript'
    children: PhrasingContent[]
  }
  interface Subscript extends Parent {
    type: 'subscript'
    children: PhrasingContent[]
  }
  interface PhrasingContentMap {
    superscript: Superscript
    subscript: Subscript
  }
  interface RootContentMap {
    superscript: Superscript
    subscript: Subscript
  }
}

const caret = 94
const tilde = 126
const backslash = 92
const isSpaceOrEol = (code: Code) => code === null || markdownLineEndingOrSpace(code)

function script(mark: number, type: 'pandocSuperscript' | 'pandocSubscript'): Construct {
  return {
    name: type,
    tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
      let size = 0
      return start
      function start(code: Code): State | undefined {
        effects.enter(type)
        effects.enter('pandocScriptMarker')
        effects.consume(code)
        effects.exit('pandocScriptMarker')
        return first
      }
      function first(code: Code): State | undefined {
        // `~~` is strikethrough; `^[` may be an inline note (tried after this).
        if (code === mark || isSpaceOrEol(code)) return nok(code)
        effects.enter('chunkText', {contentType: 'text'})
        return inside(code)
      }
      function inside(code: Code): State | undefined {
        if (isSpaceOrEol(code)) return nok(code)
        if (code === mark) {
          if (size === 0) return nok(code)
          effects.exit('chunkText')
          effects.enter('pandocScriptMarker')
          effects.consume(code)
          effects.exit('pandocScriptMarker')
          effects.exit(type)
          return ok
        }
        size++
        effects.consume(code)
        if (code === backslash) return escaped
        return inside
      }
      function escaped(code: Code): State | undefined {
        if (code === null || (code < 0 && code !== -1 && code !== -2)) return nok(code)
        effects.consume(code)
        return inside
      }
    }
  }
}

export function pandocScript(): Extension {
  return {text: {[caret]: script(caret, 'pandocSuperscript'), [tilde]: script(tilde, 'pandocSubscript')}}
}

export function pandocScriptFromMarkdown(): FromMarkdownExtension {
  return {
    enter: {
      pandocSuperscript(this: CompileContext, token: Token) {
        this.enter({type: 'superscript', children: [], data: {hName: 'sup'}} as never, token)
      },
      pandocSubscript(this: CompileContext, token: Token) {
        this.enter({type: 'subscript', children: [], data: {hName: 'sub'}} as never, token)
      }
    },
    exit: {
      pandocSuperscript(this: CompileContext, token: Token) {
        this.exit(token)
      },
      pandocSubscript(this: CompileContext, token: Token) {
        this.exit(token)
      }
    }
  }
}
