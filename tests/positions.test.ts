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
