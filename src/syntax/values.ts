/**
 * Shared by the micromark extensions of src/syntax/: taking the characters of a construct whose
 * value may run over lines (a formula, raw TeX). Data goes into value tokens of the given type and
 * each line ending into a `lineEnding` token of its own, as micromark wants: it finds the lines of
 * a paragraph by those tokens.
 */
import type {Code, Effects, TokenType} from 'micromark-util-types'
import {markdownLineEnding} from 'micromark-util-character'

export interface ValueTaker {
  /** Take one character (a line ending in a token of its own). */
  take(code: Code): void
  /** Close the value token that is open, if any. */
  close(): void
}

export function valueTaker(effects: Effects, type: TokenType): ValueTaker {
  let open = false
  return {
    take(code) {
      if (markdownLineEnding(code)) {
        if (open) effects.exit(type)
        open = false
        effects.enter('lineEnding')
        effects.consume(code)
        effects.exit('lineEnding')
        return
      }
      if (!open) effects.enter(type)
      open = true
      effects.consume(code)
    },
    close() {
      if (open) effects.exit(type)
      open = false
    }
  }
}
