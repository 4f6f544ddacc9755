/** Small text utilities shared by the stages that read files. */

/** Offset of the first byte that is not valid UTF-8, or -1 when the whole buffer is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    let need = 0
    if (b < 0x80) need = 0
    else if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) need = 2
    else if (b >= 0xf0 && b <= 0xf4) need = 3
    else return i
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
    }
    if (need === 2 && ((b === 0xe0 && bytes[i + 1]! < 0xa0) || (b === 0xed && bytes[i + 1]! > 0x9f))) return i
    if (need === 3 && ((b === 0xf0 && bytes[i + 1]! < 0x90) || (b === 0xf4 && bytes[i + 1]! > 0x8f))) return i
    i += need + 1
  }
  return -1
}

/** 1-based line and column of an offset in a string. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)))
  const line = (before.match(/\n/g)?.length ?? 0) + 1
  return {line, column: before.length - before.lastIndexOf('\n')}
}

/**
 * `lineColumn` for many offsets in one text: the line starts are found once, then each lookup is
 * a binary search (a bibliography locates every item; one scan each would be quadratic).
 */
export function lineLocator(text: string): (offset: number) => {line: number; column: number} {
  const starts = [0]
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1)
  return (offset) => {
    const clamped = Math.max(0, Math.min(offset, text.length))
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle]! <= clamped) low = middle
      else high = middle - 1
    }
    return {line: low + 1, column: clamped - starts[low]! + 1}
  }
}

/** Decode UTF-8 or say where it breaks. */
export function decodeUtf8(bytes: Uint8Array): {text: string} | {badOffset: number; line: number; column: number} {
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) {
    const prefix = Buffer.from(bytes.subarray(0, bad)).toString('utf8')
    return {badOffset: bad, ...lineColumn(prefix, prefix.length)}
  }
  return {text: Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '')}
}

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbouring
 * characters as one edit (optimal string alignment): `titel` is one edit from `title`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = best
    }
  }
  return rows[a.length]![b.length]!
}

/**
 * Where a Markdown text nests deepest, roughly: the line with the most block quote markers and
 * list indentation in front of it, open HTML elements around it, or emphasis and bracket markers
 * in one run. For the message about an essay nested too deeply to be built.
 */
export function deepestNesting(text: string): {line: number; column: number; depth: number} {
  let best = {line: 1, column: 1, depth: 0}
  let open = 0
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!
    const prefix = /^[ \t>]*/.exec(line)![0]
    const quotes = prefix.split('>').length - 1
    const indent = prefix.replace(/>/g, '').replace(/\t/g, '    ').length
    let depth = quotes + Math.floor(indent / 2)
    let column = prefix.length + 1
    for (const tag of line.matchAll(/<(\/?)([A-Za-z][\w-]*)[^<>]*?(\/?)>/g)) {
      if (tag[3] || /^(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$/i.test(tag[2]!)) continue
      open = Math.max(0, open + (tag[1] ? -1 : 1))
      if (open > depth) {
        depth = open
        column = tag.index! + 1
      }
    }
    for (const run of line.matchAll(/[*_[(]{2,}/g)) {
      if (run[0].length > depth) {
        depth = run[0].length
        column = run.index! + 1
      }
    }
    if (depth > best.depth) best = {line: index + 1, column, depth}
  }
  return best
}
