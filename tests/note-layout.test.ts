import {test} from 'node:test'
import assert from 'node:assert/strict'
import {capitalizeFirst, citationInNote, dropLeadingPunctuation, endsWithPeriod, hasText} from '../src/citations/note-layout.js'

test('a note\'s text starts at its first word: leading , ; . : then spaces go, tags stay', () => {
  assert.equal(dropLeadingPunctuation(', p. 4.'), 'p. 4.')
  assert.equal(dropLeadingPunctuation('<span data-cite-item="0">;, p. 4.</span>'), '<span data-cite-item="0">p. 4.</span>')
  assert.equal(dropLeadingPunctuation('; , p. 4.'), ', p. 4.', 'a space ends the punctuation, as in Pandoc')
  assert.equal(dropLeadingPunctuation('&#160;, x'), ', x', 'spaces only after the punctuation')
  assert.equal(dropLeadingPunctuation('Smith, 4.'), 'Smith, 4.')
  assert.equal(dropLeadingPunctuation('“Title,” 4.'), '“Title,” 4.')
})

test('capitalize-first as Pandoc does it to a note: the first word, when all lower case', () => {
  assert.equal(capitalizeFirst('see also Smith.'), 'See also Smith.')
  assert.equal(capitalizeFirst('<i>e.g.</i>, Smith'), '<i>E.g.</i>, Smith')
  assert.equal(capitalizeFirst('(see Smith)'), '(See Smith)')
  assert.equal(capitalizeFirst('“the title,” 4.'), '“The title,” 4.')
  assert.equal(capitalizeFirst('ibid., 4.'), 'Ibid., 4.')
  assert.equal(capitalizeFirst('eBird data.'), 'eBird data.', 'mixed case stays')
  assert.equal(capitalizeFirst('4. see'), '4. see', 'a number first: nothing changes')
  assert.equal(capitalizeFirst(' see'), ' see', 'a space first: nothing changes')
  assert.equal(capitalizeFirst('<sup>th</sup> see'), '<sup>th</sup> see')
  assert.equal(capitalizeFirst('écrit par'), 'Écrit par')
})

test('text tests on citeproc HTML', () => {
  assert.equal(hasText('<span data-cite-item="0"></span>'), false)
  assert.equal(hasText('<span>&#160;</span>'), false)
  assert.equal(hasText('<i>x</i>'), true)
  assert.equal(endsWithPeriod('<span>Brown et al.</span>'), true)
  assert.equal(endsWithPeriod('Brown (2010)'), false)
})

test('a citation inside the author\'s note: parentheses, or author and rest', () => {
  assert.equal(citationInNote({html: 'Smith, 4'}, 'normal', false), ' (Smith, 4)')
  assert.equal(citationInNote({html: 'Smith, 4.'}, 'normal', true), 'Smith, 4.')
  assert.equal(citationInNote({html: ''}, 'normal', false), '')
  assert.equal(citationInNote({html: 'Title, 4', narrative: {author: 'Smith', rest: 'Title, 4'}}, 'narrative', false), 'Smith, Title, 4')
  assert.equal(citationInNote({html: '', narrative: {author: 'Smith', rest: ''}}, 'narrative', false), 'Smith')
  assert.equal(citationInNote({html: 'fig:map?'}, 'narrative', false), 'fig:map?')
})
