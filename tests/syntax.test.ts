import {test} from 'node:test'
import assert from 'node:assert/strict'
import {findCitations, parseLocator} from '../src/citations/syntax.js'
import {locatorTermsFromLocales} from '../src/citations/locators.js'
import {readLocale} from '../src/citations/styles.js'

const terms = locatorTermsFromLocales(readLocale('en-US'))
const find = (text: string) => findCitations(text, terms).map((f) => ({text: text.slice(f.start, f.end), ...f.citation}))

test('bracketed citation with a page locator', () => {
  assert.deepEqual(find('As shown [@doe99, p. 33].'), [
    {text: '[@doe99, p. 33]', mode: 'normal', items: [{key: 'doe99', label: 'page', locator: '33'}]}
  ])
})

test('several items with prefixes, page ranges, chapters and suffixes', () => {
  const [found] = find('[see @a, pp. 3-5; also @b, chap. 2, emphasis added]')
  assert.deepEqual(found!.items, [
    {key: 'a', prefix: 'see', label: 'page', locator: '3-5'},
    {key: 'b', prefix: 'also', label: 'chapter', locator: '2', suffix: ', emphasis added'}
  ])
})

test('author suppressed, narrative, narrative with locator, braced keys', () => {
  assert.deepEqual(find('[-@key]')[0]!.items, [{key: 'key', suppressAuthor: true}])
  assert.deepEqual(find('@smith04 says')[0], {text: '@smith04', mode: 'narrative', items: [{key: 'smith04'}]})
  assert.deepEqual(find('@smith04 [p. 33] says')[0], {text: '@smith04 [p. 33]', mode: 'narrative', items: [{key: 'smith04', label: 'page', locator: '33'}]})
  assert.equal(find('[@{odd:key.2020}]')[0]!.items[0]!.key, 'odd:key.2020')
})

test('trailing punctuation is not part of a key; internal punctuation is', () => {
  assert.equal(find('as @doe:2020.')[0]!.items[0]!.key, 'doe:2020')
  assert.equal(find('(@a-b_c)')[0]!.items[0]!.key, 'a-b_c')
})

test('e-mail addresses and brackets without keys are not citations', () => {
  assert.deepEqual(find('write to jane@example.com [or not] [a @ b]'), [])
})

test('locators: sections, paragraphs, bare numbers after a comma, braces, suffix only', () => {
  assert.deepEqual(parseLocator(', sec. 4.2', terms), {label: 'section', locator: '4.2'})
  assert.deepEqual(parseLocator(', § 12', terms), {label: 'section', locator: '12'})
  assert.deepEqual(parseLocator(', para. 7', terms), {label: 'paragraph', locator: '7'})
  assert.deepEqual(parseLocator(', 33', terms), {label: 'page', locator: '33'})
  assert.deepEqual(parseLocator(', {iv, A-2}', terms), {label: 'page', locator: 'iv, A-2'})
  assert.deepEqual(parseLocator(', vol. 3', terms), {label: 'volume', locator: '3'})
  assert.deepEqual(parseLocator(', and passim', terms), {suffix: ', and passim'})
  assert.deepEqual(parseLocator(', pp. 33-35, 38-39 and passim', terms), {label: 'page', locator: '33-35, 38-39', suffix: ' and passim'})
})
