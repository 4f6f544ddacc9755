/**
 * Pandoc's block structure where it differs from CommonMark, decided where the lines are read
 * (a micromark extension):
 *
 * - a paragraph goes on over a line that CommonMark would read as the start of a list, a heading,
 *   a block quote or a rule: Pandoc wants a blank line before those (its extensions
 *   `blank_before_header` and `blank_before_blockquote`, and no `lists_without_preceding_blankline`).
 *   So "in 1990\n- the year ..." or a `$$` formula with a line "- b" stays one paragraph. Inside a
 *   list item a list may still start on the next line (a nested list), as in Pandoc;
 * - a setext heading is one line of text over its underline.
 *
 * Fenced code and HTML blocks still interrupt a paragraph, as in Pandoc.
 */
import {blockQuote, content, headingAtx, list, setextUnderline, thematicBreak} from 'micromark-core-commonmark'
import type {Construct, ConstructRecord, Effects, Extension, TokenizeContext} from 'micromark-util-types'

interface PandocParseState {
  /** The line on which a container last continued, and which kind it was. */
  continued?: {line: number; kind: 'list' | 'blockQuote'}
}

function state(context: TokenizeContext): PandocParseState {
  return context.parser as unknown as PandocParseState
}

/**
 * CommonMark's constructs call each other by reference (a list item asks whether its line is a
 * rule; a list or block quote continues by taking its own construct again). This extension
 * disables the originals by name, so those calls are routed to copies under other names.
 */
function routed(effects: Effects, swaps: Map<Construct, Construct>): Effects {
  const swap = (constructs: Construct | Construct[] | ConstructRecord): Construct | Construct[] | ConstructRecord =>
    Array.isArray(constructs) ? constructs.map((c) => swaps.get(c) ?? c) : swaps.get(constructs as Construct) ?? constructs
  return {
    ...effects,
    attempt: (constructs, ok, nok) => effects.attempt(swap(constructs), ok, nok),
    check: (constructs, ok, nok) => effects.check(swap(constructs), ok, nok),
    interrupt: (constructs, ok, nok) => effects.interrupt(swap(constructs), ok, nok)
  }
}

/** The construct's start and continuation, with its calls routed (see `routed`). */
function withRouting(construct: Construct, name: string, swaps: Map<Construct, Construct>): Construct {
  const continuation = construct.continuation
  return {
    ...construct,
    name,
    tokenize(effects, ok, nok) {
      return construct.tokenize.call(this, routed(effects, swaps), ok, nok)
    },
    ...(continuation ? {continuation: {...continuation, tokenize(effects, ok, nok) {
      return continuation.tokenize.call(this, routed(effects, swaps), ok, nok)
    }}} : {})
  }
}

/** A container whose continuation is recorded (the innermost container that continued on a line). */
function recording(construct: Construct, kind: 'list' | 'blockQuote'): Construct {
  const continuation = construct.continuation!
  return {
    ...construct,
    continuation: {
      ...continuation,
      tokenize(effects, ok, nok) {
        const self = this
        return continuation.tokenize.call(self, effects, (code) => {
          state(self).continued = {line: self.now().line, kind}
          return ok(code)
        }, nok)
      }
    }
  }
}

/**
 * Whether the flow under the containers holds an open paragraph (or a line that GFM's table
 * construct still holds). Containers are asked to interrupt whatever is open there (indented code
 * going on over blank lines too); the flow tokenizer is the last flow chunk's.
 */
function paragraphOpen(context: TokenizeContext): boolean {
  const events = context.events
  for (let index = events.length - 1; index >= 0 && index >= events.length - 64; index--) {
    const token = events[index]![1]
    if (token.type === 'chunkFlow') {
      const open = token._tokenizer?.currentConstruct
      // GFM's table construct holds a line until the next one tells whether it is a table head.
      return open === content || open?.name === 'table'
    }
  }
  return true
}

/**
 * `construct`, except that it cannot interrupt a paragraph (unless `allow` says so). Flow
 * constructs are asked to interrupt by paragraphs only; containers (`container`) by anything open.
 */
function noInterrupt(construct: Construct, allow?: (context: TokenizeContext) => boolean, container = false): Construct {
  return {
    ...construct,
    tokenize(effects, ok, nok) {
      if (this.interrupt && !(allow && allow(this)) && (!container || paragraphOpen(this))) return nok
      return construct.tokenize.call(this, effects, ok, nok)
    }
  }
}

/** A list may start right after a line of a list item (a nested list), not after a paragraph. */
const inListItem = (context: TokenizeContext) => {
  const continued = state(context).continued
  return continued !== undefined && continued.kind === 'list' && continued.line === context.now().line
}

/** The paragraph over the underline is one line. */
function singleLine(context: TokenizeContext): boolean {
  const events = context.events
  for (let index = events.length - 1; index >= 0; index--) {
    const token = events[index]![1]
    if (token.type === 'content' || token.type === 'paragraph') return token.start.line === context.now().line - 1
  }
  return true
}

const ruleCopy: Construct = {...thematicBreak, name: 'pandocThematicBreakCopy'}
const listSwaps = new Map<Construct, Construct>([[thematicBreak, ruleCopy]])
/** A sibling item, taken by the list's own continuation. */
const listCopy = withRouting(list, 'pandocListCopy', listSwaps)
listSwaps.set(list, listCopy)
const quoteSwaps = new Map<Construct, Construct>()
const blockQuoteCopy = withRouting(blockQuote, 'pandocBlockQuoteCopy', quoteSwaps)
quoteSwaps.set(blockQuote, blockQuoteCopy)

// Each takes the place of the CommonMark construct it replaces: after the constructs of other
// extensions (front matter's `---`), as CommonMark's own come after them.
const pandocList: Construct = {...recording(noInterrupt(withRouting(list, 'pandocList', listSwaps), inListItem, true), 'list'), add: 'after'}
const pandocBlockQuote: Construct = {...recording(noInterrupt(withRouting(blockQuote, 'pandocBlockQuote', quoteSwaps), undefined, true), 'blockQuote'), add: 'after'}
const pandocHeadingAtx: Construct = {...noInterrupt({...headingAtx, name: 'pandocHeadingAtx'}), add: 'after'}
const pandocThematicBreak: Construct = {...noInterrupt({...thematicBreak, name: 'pandocThematicBreak'}), add: 'after'}
const pandocSetextUnderline: Construct = {
  ...setextUnderline,
  name: 'pandocSetextUnderline',
  add: 'after',
  tokenize(effects, ok, nok) {
    if (!singleLine(this)) return nok
    return setextUnderline.tokenize.call(this, effects, ok, nok)
  }
}

const codes = {asterisk: 42, plus: 43, dash: 45, digits: [48, 49, 50, 51, 52, 53, 54, 55, 56, 57], greaterThan: 62, numberSign: 35, equals: 61, underscore: 95}

/** The micromark extension: CommonMark's constructs, replaced by ones that keep Pandoc's rules. */
export function pandocBlocks(): Extension {
  const listStarts = Object.fromEntries([codes.asterisk, codes.plus, codes.dash, ...codes.digits].map((code) => [code, pandocList]))
  return {
    document: {...listStarts, [codes.greaterThan]: pandocBlockQuote},
    flow: {
      [codes.numberSign]: pandocHeadingAtx,
      [codes.asterisk]: pandocThematicBreak,
      [codes.underscore]: pandocThematicBreak,
      [codes.dash]: [pandocSetextUnderline, pandocThematicBreak],
      [codes.equals]: pandocSetextUnderline
    },
    disable: {null: ['list', 'blockQuote', 'headingAtx', 'thematicBreak', 'setextUnderline']}
  }
}
