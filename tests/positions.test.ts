import {test} from 'node:test'
import assert from 'node:assert/strict'
import {computePositions, Position} from '../src/citations/positions.js'

const cite = (noteIndex: number, ...items: Array<{key: string; locator?: string}>) => ({noteIndex, items})

test('first, ibid, ibid-with-locator, subsequent in one pass', () => {
  const positions = computePositions(
    [cite(1, {key: 'a'}), cite(2, {key: 'a'}), cite(3, {key: 'a', locator: '5'}), cite(4, {key: 'b'}), cite(5, {key: 'a', locator: '5'}), cite(6, {key: 'a', locator: '5'}), cite(7, {key: 'a'})],
    {nearNoteDistance: 5, noteStyle: true}
  )
  assert.deepEqual(positions.map((p) => p[0]!.position), [
    Position.first, Position.ibid, Position.ibidWithLocator, Position.first, Position.subsequent, Position.ibid, Position.subsequent
  ])
  assert.deepEqual(positions.map((p) => p[0]!.firstReferenceNoteNumber), [1, 1, 1, 4, 1, 1, 1])
})

test('ibid needs the previous citation to be of the same single work', () => {
  const positions = computePositions([cite(1, {key: 'a'}, {key: 'b'}), cite(2, {key: 'b'}), cite(3, {key: 'b'}, {key: 'b', locator: '2'})], {nearNoteDistance: 5, noteStyle: true})
  assert.equal(positions[1]![0]!.position, Position.subsequent)
  assert.equal(positions[2]![0]!.position, Position.ibid)
  assert.equal(positions[2]![1]!.position, Position.ibidWithLocator)
})

test('under a note style, a note in between breaks ibid; near-note follows the distance', () => {
  const positions = computePositions([cite(1, {key: 'a'}), cite(3, {key: 'a'}), cite(10, {key: 'a'})], {nearNoteDistance: 5, noteStyle: true})
  assert.equal(positions[1]![0]!.position, Position.subsequent)
  assert.equal(positions[1]![0]!.nearNote, true)
  assert.equal(positions[2]![0]!.nearNote, false)
})

test('under a note style, a note that cites two works gives the next citation no ibid (Pandoc)', () => {
  // Note 1 cites b, then a; note 2 cites a: not "ibid" (which work would it be?), but note 3 after
  // note 2, which cites a alone, is; two citations of the same work in one note keep it.
  const positions = computePositions(
    [cite(1, {key: 'b'}), cite(1, {key: 'a'}), cite(2, {key: 'a'}), cite(3, {key: 'a'}), cite(4, {key: 'a'}), cite(4, {key: 'a', locator: '3'})],
    {nearNoteDistance: 5, noteStyle: true}
  )
  assert.deepEqual(positions.map((p) => p[0]!.position), [
    Position.first, Position.first, Position.subsequent, Position.ibid, Position.ibid, Position.ibidWithLocator
  ])
  // In-text styles number no notes: the rule does not apply.
  const inText = computePositions([cite(0, {key: 'b'}), cite(0, {key: 'a'}), cite(0, {key: 'a'})], {nearNoteDistance: 5, noteStyle: false})
  assert.equal(inText[2]![0]!.position, Position.ibid)
})
