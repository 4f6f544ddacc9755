/**
 * Pandoc's citation syntax, decided where the characters are read (a micromark extension and its
 * mdast utility), following Pandoc 2.17's Markdown reader (`cite`, `textualCite`, `bareloc`,
 * `normalCite`, `prefix`, `suffix`, `citeKey`):
 *
 * - bracketed: `[see @a, p. 33; also *cf.* @b, chap. 2]`. Each item is a prefix (inline Markdown,
 *   no `;`), a key (`@key`, `-@key` to leave the author out, `@{braced key}`), and a suffix (inline
 *   Markdown up to `;` or `]`); a prefix or suffix may run over lines. Not followed by `(`, `[` or
 *   `{` (a link or a span).
 * - narrative: `@key`, optionally followed (after spaces and at most one line ending) by
 *   `[suffix]` or `[suffix; more @items]` (not followed by `(` or `[`), or by a bracketed citation
 *   whose items join it (`@a [see @b]`).
 * - a key is not read right after a letter, digit or `.` (so `name@example.org` is no citation),
 *   nor after a backslash: `\@name` is an escaped at sign.
 *
 * The tree: a `cite` node (`mode` normal or narrative) whose children are `citeItem` nodes (`key`,
 * `suppressAuthor`), each with a `citePrefix` and a `citeSuffix` holding the affixes' phrasing
 * content as Markdown made it (emphasis, links, code...). The cite stage (`remarkCitations`) makes
 * plain citation values of them (locators parsed from the suffixes, affixes as citeproc's HTML).
 */
import type {Code, Construct, Effects, Extension, State, Token as MicromarkToken, TokenizeContext} from 'micromark-util-types'
import {markdownLineEnding, markdownSpace} from 'micromark-util-character'
import type {CompileContext, Extension as FromMarkdownExtension, Token} from 'mdast-util-from-markdown'
import type {Parent, PhrasingContent} from 'mdast'
import type {Citation} from '../citations/types.js'

const codes = {
  at: 64,
  dash: 45,
  leftBracket: 91,
  rightBracket: 93,
  leftBrace: 123,
  rightBrace: 125,
  leftParen: 40,
  semicolon: 59,
  caret: 94,
  backslash: 92,
  backtick: 96,
  colon: 58,
  slash: 47,
  dot: 46,
  underscore: 95,
  asterisk: 42
}

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    pandocCitation: 'pandocCitation'
    pandocCitationMarker: 'pandocCitationMarker'
    pandocCitationItem: 'pandocCitationItem'
    pandocCitationPrefix: 'pandocCitationPrefix'
    pandocCitationSuffix: 'pandocCitationSuffix'
    pandocCitationKeyMarker: 'pandocCitationKeyMarker'
    pandocCitationKey: 'pandocCitationKey'
    pandocCitationKeyBrace: 'pandocCitationKeyBrace'
    pandocCitationSeparator: 'pandocCitationSeparator'
    pandocCitationSpace: 'pandocCitationSpace'
  }
}

/** The affixes of one cited work, as Markdown made them. */
export interface CitePrefix extends Parent {
  type: 'citePrefix'
  children: PhrasingContent[]
}
export interface CiteSuffix extends Parent {
  type: 'citeSuffix'
  children: PhrasingContent[]
}
/** One cited work of a citation. */
export interface CiteItemNode extends Parent {
  type: 'citeItem'
  key: string
  suppressAuthor?: boolean
  children: Array<CitePrefix | CiteSuffix>
}

declare module 'mdast' {
  interface CiteNode extends Parent {
    type: 'cite'
    citation: Citation
    children: CiteItemNode[]
    data?: CiteData
  }
  /** What later stages put on a `cite` node (src/types.ts, src/plugins/remark-citations.ts). */
  interface CiteData extends Data {}
  interface PhrasingContentMap {
    cite: CiteNode
  }
  interface RootContentMap {
    cite: CiteNode
    citeItem: CiteItemNode
    citePrefix: CitePrefix
    citeSuffix: CiteSuffix
  }
}

const wordChar = /[\p{L}\p{N}]/u
/** Pandoc's `isAlphaNum`, on a micromark code (surrogate halves count: keys may hold any letter). */
function isAlphaNum(code: Code): boolean {
  if (code === null || code < 0) return false
  if (code >= 0xd800 && code <= 0xdfff) return true
  return wordChar.test(String.fromCharCode(code))
}
const isRegChar = (code: Code): boolean => isAlphaNum(code) || code === codes.underscore
const internalPunctuation = new Set([...':.#$%&-+?<>~/'].map((c) => c.charCodeAt(0)))
const isSpace = markdownSpace
const isLineEnding = markdownLineEnding
/** Pandoc's `notAfterString`: a key may not follow a word (a letter, digit or `.`). */
const afterString = (code: Code): boolean => isAlphaNum(code) || code === codes.dot

/**
 * A key: optional `-`, `@`, then a simple identifier or a braced one. Partial: used to look ahead
 * (in prefixes) and to take the key.
 */
const citeKey: Construct = {partial: true, tokenize: tokenizeKey}

function tokenizeKey(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  const self = this
  let depth = 0
  return start

  function start(code: Code): State | undefined {
    if (afterString(self.previous)) return nok(code)
    effects.enter('pandocCitationKeyMarker')
    if (code === codes.dash) {
      effects.consume(code)
      return atSign
    }
    return atSign(code)
  }

  function atSign(code: Code): State | undefined {
    if (code !== codes.at) return nok(code)
    effects.consume(code)
    effects.exit('pandocCitationKeyMarker')
    return keyStart
  }

  function keyStart(code: Code): State | undefined {
    if (code === codes.leftBrace) {
      effects.enter('pandocCitationKeyBrace')
      effects.consume(code)
      effects.exit('pandocCitationKeyBrace')
      return bracedStart
    }
    if (isRegChar(code) || code === codes.asterisk) {
      effects.enter('pandocCitationKey')
      effects.consume(code)
      return simple
    }
    return nok(code)
  }

  function simple(code: Code): State | undefined {
    if (isRegChar(code)) {
      effects.consume(code)
      return simple
    }
    if (code !== null && internalPunctuation.has(code)) return effects.attempt(internal, simple, simpleEnd)(code)
    return simpleEnd(code)
  }

  function simpleEnd(code: Code): State | undefined {
    effects.exit('pandocCitationKey')
    return ok(code)
  }

  /** `@{...}`: balanced braces, no white space. */
  function bracedStart(code: Code): State | undefined {
    if (code === null || code === codes.rightBrace || isSpace(code) || isLineEnding(code)) return nok(code)
    effects.enter('pandocCitationKey')
    return braced(code)
  }

  function braced(code: Code): State | undefined {
    if (code === null || isSpace(code) || isLineEnding(code)) return nok(code)
    if (code === codes.rightBrace && depth === 0) {
      effects.exit('pandocCitationKey')
      effects.enter('pandocCitationKeyBrace')
      effects.consume(code)
      effects.exit('pandocCitationKeyBrace')
      return ok
    }
    if (code === codes.leftBrace) depth++
    else if (code === codes.rightBrace) depth--
    effects.consume(code)
    return braced
  }
}

/** Punctuation inside a simple key: kept when a word character follows (or `/` after `:` or `/`). */
const internal: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    let punctuation: Code = null
    return (code) => {
      punctuation = code
      effects.consume(code)
      return (next) => {
        if (isRegChar(next)) return ok(next)
        if ((punctuation === codes.colon || punctuation === codes.slash) && next === codes.slash) return ok(next)
        return nok(next)
      }
    }
  }
}

/** A code span in an affix, taken whole so that its `;`, `]` and `@` mean nothing. */
const codeSpan: Construct = {
  partial: true,
  tokenize(effects, ok, nok) {
    let size = 0
    let closing = 0
    return open
    function open(code: Code): State | undefined {
      if (code === codes.backtick) {
        size++
        effects.consume(code)
        return open
      }
      return inside(code)
    }
    function inside(code: Code): State | undefined {
      // A code span over a line ending in a citation is left to be read as text.
      if (code === null || isLineEnding(code)) return nok(code)
      if (code === codes.backtick) {
        closing = 0
        return close(code)
      }
      effects.consume(code)
      return inside
    }
    function close(code: Code): State | undefined {
      if (code === codes.backtick) {
        closing++
        effects.consume(code)
        return close
      }
      if (closing === size) return ok(code)
      return inside(code)
    }
  }
}

/** Spaces, then at most one line ending and the spaces after it (Pandoc's `spnl`). */
function spaceThenLine(effects: Effects, next: State): State {
  let lineEndings = 0
  let open = false
  const run = (code: Code): State | undefined => {
    if (isSpace(code) || (isLineEnding(code) && lineEndings === 0)) {
      if (isLineEnding(code)) lineEndings++
      if (!open) {
        effects.enter('pandocCitationSpace')
        open = true
      }
      effects.consume(code)
      return run
    }
    if (open) effects.exit('pandocCitationSpace')
    return next(code)
  }
  return run
}

/**
 * An affix (prefix or suffix): inline Markdown kept as linked `chunkText` tokens (one a line), to
 * be read as text later. `end` decides, at a character outside code, escapes and brackets, whether
 * the affix ends there (`'end'`), the citation fails (`'fail'`) or the character is the affix's.
 */
function scanAffix(
  effects: Effects,
  type: 'pandocCitationPrefix' | 'pandocCitationSuffix',
  end: (code: Code, depth: number) => 'end' | 'fail' | 'key' | undefined,
  done: State,
  nok: State
): State {
  let wrapper: MicromarkToken | undefined
  let chunk: MicromarkToken | undefined
  let previousChunk: MicromarkToken | undefined
  let depth = 0

  const openChunk = () => {
    if (!wrapper) wrapper = effects.enter(type)
    if (!chunk) {
      chunk = effects.enter('chunkText', {contentType: 'text', previous: previousChunk})
      if (previousChunk) previousChunk.next = chunk
    }
  }
  const close = () => {
    if (chunk) {
      effects.exit('chunkText')
      previousChunk = chunk
      chunk = undefined
    }
    if (wrapper) effects.exit(type)
  }
  const take = (code: Code) => {
    openChunk()
    effects.consume(code)
  }

  const inside = (code: Code): State | undefined => {
    if (code === null) return nok(code)
    if (depth === 0) {
      const decision = end(code, depth)
      if (decision === 'fail') return nok(code)
      if (decision === 'end') {
        close()
        return done(code)
      }
      if (decision === 'key') {
        // Only a real key ends a prefix; `@` that starts none is the prefix's.
        return effects.check(citeKey, keyAhead, plain)(code)
      }
    }
    return plain(code)
  }
  const keyAhead = (code: Code): State | undefined => {
    close()
    return done(code)
  }
  const plain = (code: Code): State | undefined => {
    if (code === null) return nok(code)
    if (isLineEnding(code)) {
      take(code)
      effects.exit('chunkText')
      previousChunk = chunk
      chunk = undefined
      return inside
    }
    if (code === codes.backslash) {
      take(code)
      return escaped
    }
    if (code === codes.backtick) {
      openChunk()
      return effects.attempt(codeSpan, inside, backticks)(code)
    }
    if (code === codes.leftBracket) depth++
    else if (code === codes.rightBracket) depth--
    take(code)
    return inside
  }
  const escaped = (code: Code): State | undefined => {
    if (code === null || isLineEnding(code)) return inside(code)
    take(code)
    return inside
  }
  const backticks = (code: Code): State | undefined => {
    if (code === codes.backtick) {
      take(code)
      return backticks
    }
    return inside(code)
  }
  return inside
}

/** `[...]` holding one or more items, each with a key. */
const bracketedCitation: Construct = {name: 'pandocCitationBracketed', tokenize: tokenizeBracketed}

function tokenizeBracketed(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  const self = this
  return start
  function start(code: Code): State | undefined {
    // `^[...]` is an inline note, whatever it holds.
    if (self.previous === codes.caret) return nok(code)
    effects.enter('pandocCitation')
    effects.enter('pandocCitationMarker')
    effects.consume(code)
    effects.exit('pandocCitationMarker')
    return afterOpening
  }
  function afterOpening(code: Code): State | undefined {
    if (code === codes.caret) return nok(code)
    return spaceThenLine(effects, items(effects, closing, nok))(code)
  }
  function closing(code: Code): State | undefined {
    return closeBracket(effects, (after) => {
      if (after === codes.leftParen || after === codes.leftBracket || after === codes.leftBrace) return nok(after)
      effects.exit('pandocCitation')
      return ok(after)
    }, nok)(code)
  }
}

/** `]`, after optional spaces. */
function closeBracket(effects: Effects, next: State, nok: State): State {
  return spaceThenLine(effects, (code) => {
    if (code !== codes.rightBracket) return nok(code)
    effects.enter('pandocCitationMarker')
    effects.consume(code)
    effects.exit('pandocCitationMarker')
    return next
  })
}

/** Items separated by `;` (Pandoc's `citeList`): each a prefix, a key and a suffix. */
function items(effects: Effects, next: State, nok: State): State {
  const item: State = (code) => {
    effects.enter('pandocCitationItem')
    return scanAffix(effects, 'pandocCitationPrefix', prefixEnd, key, nok)(code)
  }
  const key: State = (code) => effects.attempt(citeKey, suffix, nok)(code)
  const suffix: State = (code) => scanAffix(effects, 'pandocCitationSuffix', suffixEnd, afterItem, nok)(code)
  const afterItem: State = (code) => {
    effects.exit('pandocCitationItem')
    if (code === codes.semicolon) {
      effects.enter('pandocCitationSeparator')
      effects.consume(code)
      effects.exit('pandocCitationSeparator')
      return spaceThenLine(effects, item)
    }
    return next(code)
  }
  return item
}

function prefixEnd(code: Code): 'end' | 'fail' | 'key' | undefined {
  if (code === codes.rightBracket || code === codes.semicolon) return 'fail'
  if (code === codes.at || code === codes.dash) return 'key'
  return undefined
}

function suffixEnd(code: Code): 'end' | 'fail' | 'key' | undefined {
  return code === codes.semicolon || code === codes.rightBracket ? 'end' : undefined
}

/** `@key`, then perhaps `[locator and suffix; more items]` or a bracketed citation joining it. */
const narrativeCitation: Construct = {name: 'pandocCitationNarrative', tokenize: tokenizeNarrative}

function tokenizeNarrative(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  // Set when a bracket after the key was taken (its tokenizer closed the first item itself).
  let tailTaken = false
  const joinedCitation: Construct = {partial: true, tokenize: tokenizeJoined}
  const bareLocator: Construct = {partial: true, tokenize: tokenizeBare}
  return start
  function start(code: Code): State | undefined {
    tailTaken = false
    effects.enter('pandocCitation', {_narrative: true} as never)
    effects.enter('pandocCitationItem')
    return effects.attempt(citeKey, afterKey, nok)(code)
  }
  function afterKey(code: Code): State | undefined {
    return effects.attempt(joinedCitation, finish, (next: Code) => effects.attempt(bareLocator, finish, finish)(next))(code)
  }
  function finish(code: Code): State | undefined {
    if (!tailTaken) effects.exit('pandocCitationItem')
    effects.exit('pandocCitation')
    return ok(code)
  }

  /** `@a [see @b; @c]`: the first item ends; the bracketed items join the citation. */
  function tokenizeJoined(effects: Effects, ok: State, nok: State): State {
    return spaceThenLine(effects, (code) => {
      if (code !== codes.leftBracket) return nok(code)
      effects.exit('pandocCitationItem')
      effects.enter('pandocCitationMarker')
      effects.consume(code)
      effects.exit('pandocCitationMarker')
      return spaceThenLine(effects, items(effects, closeBracket(effects, (after) => {
        if (after === codes.leftParen || after === codes.leftBracket || after === codes.leftBrace) return nok(after)
        tailTaken = true
        return ok(after)
      }, nok), nok))
    })
  }
  /** `@a [p. 33]`, `@a [p. 33; @b]`: the bracket holds the first item's suffix, then items. */
  function tokenizeBare(effects: Effects, ok: State, nok: State): State {
    return spaceThenLine(effects, (code) => {
      if (code !== codes.leftBracket) return nok(code)
      effects.enter('pandocCitationMarker')
      effects.consume(code)
      effects.exit('pandocCitationMarker')
      return (next: Code) => {
        if (next === codes.caret) return nok(next)
        return scanAffix(effects, 'pandocCitationSuffix', suffixEnd, afterSuffix, nok)(next)
      }
    })
    function afterSuffix(code: Code): State | undefined {
      effects.exit('pandocCitationItem')
      if (code === codes.semicolon) {
        effects.enter('pandocCitationSeparator')
        effects.consume(code)
        effects.exit('pandocCitationSeparator')
        return spaceThenLine(effects, items(effects, closeBracket(effects, closed, nok), nok))
      }
      return closeBracket(effects, closed, nok)(code)
    }
    function closed(code: Code): State | undefined {
      if (code === codes.leftParen || code === codes.leftBracket) return nok(code)
      tailTaken = true
      return ok(code)
    }
  }
}

/**
 * The micromark extension. Bracketed citations are tried before links and footnote calls; a
 * bracket that is not a citation is left to them.
 */
export function pandocCitation(): Extension {
  return {text: {[codes.leftBracket]: bracketedCitation, [codes.at]: narrativeCitation}}
}

interface CiteFields {
  _narrative?: boolean
}

/** The mdast utility: `cite` > `citeItem` > `citePrefix` / `citeSuffix`. */
export function pandocCitationFromMarkdown(): FromMarkdownExtension {
  return {
    canContainEols: ['citePrefix', 'citeSuffix'],
    enter: {
      pandocCitation(this: CompileContext, token: Token) {
        const narrative = Boolean((token as Token & CiteFields)._narrative)
        this.enter({type: 'cite', citation: {mode: narrative ? 'narrative' : 'normal', items: []}, children: []} as never, token)
      },
      pandocCitationItem(this: CompileContext, token: Token) {
        this.enter({type: 'citeItem', key: '', children: []} as never, token)
      },
      pandocCitationPrefix(this: CompileContext, token: Token) {
        this.enter({type: 'citePrefix', children: []} as never, token)
      },
      pandocCitationSuffix(this: CompileContext, token: Token) {
        this.enter({type: 'citeSuffix', children: []} as never, token)
      }
    },
    exit: {
      pandocCitationKeyMarker(this: CompileContext, token: Token) {
        if (this.sliceSerialize(token).startsWith('-')) (this.stack[this.stack.length - 1] as unknown as CiteItemNode).suppressAuthor = true
      },
      pandocCitationKey(this: CompileContext, token: Token) {
        (this.stack[this.stack.length - 1] as unknown as CiteItemNode).key = this.sliceSerialize(token)
      },
      pandocCitationItem(this: CompileContext, token: Token) {
        this.exit(token)
      },
      pandocCitationPrefix(this: CompileContext, token: Token) {
        this.exit(token)
      },
      pandocCitationSuffix(this: CompileContext, token: Token) {
        this.exit(token)
      },
      pandocCitation(this: CompileContext, token: Token) {
        const node = this.stack[this.stack.length - 1] as unknown as {citation: Citation; children: CiteItemNode[]}
        node.citation.items = node.children.map((item) => ({key: item.key, ...(item.suppressAuthor ? {suppressAuthor: true} : {})}))
        this.exit(token)
      }
    }
  }
}
