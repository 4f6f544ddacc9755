/**
 * BibTeX and biblatex read as Pandoc 2.17 reads them (`pandoc -f biblatex -t csljson`, and the
 * entries `pandoc --citeproc` prints), one rule per test, on small entries written for it.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import {fixture} from './helpers.js'
import {loadBibliographyFile, type LoadResult} from '../src/bibliography/load.js'
import {renderStyle, type CslItem} from '../src/citations/render.js'
import {loadStyle} from '../src/citations/styles.js'

function read(bib: string, name = 'refs.bib'): LoadResult {
  const dir = fixture({[name]: bib})
  return loadBibliographyFile(path.join(dir, name))
}
function item(bib: string): CslItem {
  const {items, diagnostics} = read(bib)
  assert.deepEqual(diagnostics, [])
  assert.equal(items.length, 1)
  return items[0]!
}
const title = (fields: string) => item(`@article{a, ${fields}, journal = {J}, year = 2020}`).title

/** The reference list of `items` in one style, as text. */
function entries(items: CslItem[], style: string): string[] {
  const rendered = renderStyle({style: loadStyle(style), items: new Map(items.map((i) => [i.id, i])), citations: [], nocite: items.map((i) => i.id)})
  return rendered.bibliography.map((entry) => entry.html.replace(/<[^>]+>/g, '').replace(/&#38;/g, '&').trim())
}

test('sentence case: both halves of a hyphenated compound are lowered', () => {
  assert.equal(title('title = {A Constructive Approach to Quasi-Steady State Reductions in Large-Scale Models}'),
    'A constructive approach to quasi-steady state reductions in large-scale models')
})

test('sentence case: the first word after a colon keeps its capital, as APA wants', () => {
  assert.equal(title('title = {Bumble Bee Colony Dynamics: Quantifying the Importance of Land Use}'),
    'Bumble bee colony dynamics: Quantifying the importance of land use')
  assert.equal(title('title = {{AMReX}: A Framework for Block-Structured Adaptive Mesh Refinement}'),
    'AMReX: A framework for block-structured adaptive mesh refinement')
  // Pandoc lowers a one-word subtitle ("project: psychology"); APA does not.
  assert.equal(title('title = {A {B}ayesian Perspective on the Reproducibility Project: Psychology}'),
    'A Bayesian perspective on the reproducibility project: Psychology')
})

test('sentence case: Pandoc\'s last-word rule after a period ("J. Geophys. Res. inside")', () => {
  assert.equal(title('title = "Results of J. Geophys. Res. Inside"'), 'Results of j. Geophys. Res. inside')
})

test('sentence case: braces protect; words with inner capitals keep them; a group with a small letter stays nocase', () => {
  assert.equal(title('title = {{B}ayesian {AMReX} on the {iPhone}: {NASA} and ESPnet}'),
    'Bayesian AMReX on the <span class="nocase">iPhone</span>: NASA and ESPnet')
})

test('sentence case: only English or unmarked entries; the language is the IETF tag', () => {
  const spanish = item('@book{s, title = {Subida del Monte Carmelo}, langid = {spanish}, year = 1618}')
  assert.equal(spanish.title, 'Subida del Monte Carmelo')
  assert.equal(spanish.language, 'es-ES')
  const british = item('@book{b, title = {The Colour of Magic}, langid = {english}, langidopts = {variant=british}, year = 1983}')
  assert.equal(british.title, 'The colour of magic')
  assert.equal(british.language, 'en-GB')
})

test('sentence case only when the document is in English (or says nothing), as Pandoc decides by its locale', () => {
  const dir = fixture({'refs.bib': '@article{a, title = {A Title in Title Case}, journal = {J}, year = 2020}'})
  const file = path.join(dir, 'refs.bib')
  assert.equal(loadBibliographyFile(file, {lang: 'de-DE'}).items[0]!.title, 'A Title in Title Case')
  assert.equal(loadBibliographyFile(file, {lang: 'en-GB'}).items[0]!.title, 'A title in title case')
  assert.equal(loadBibliographyFile(file).items[0]!.title, 'A title in title case')
})

test('LaTeX in values: accents, quotes, dashes, no-break spaces, formatting', () => {
  assert.equal(title("title = {M{\\\"u}ller's `Quoted' and ``Double'' --- {\\'E}cole~Normale \\emph{Emph} \\textsc{SC} 50\\% \\& Co}"),
    'Müller’s “quoted” and “double” — École\u00a0normale <i>emph</i> <span style="font-variant:small-caps;">SC</span> 50% & co')
  // Quotation marks typed as such are quotations too.
  assert.equal(title('title = {Using ‘Off-the-Shelf’ Dictionaries}'), 'Using “off-the-shelf” dictionaries')
})

test('names: hyphens kept, initials spaced, particles dropped, braces whole, suffixes', () => {
  const {author} = item("@article{a, author = {{\\v{Z}}ivkovi{\\'c}-Rothman, Ana and Ng, A.J. and Liu, S.-F. and van Beethoven, Ludwig and Jean de la Fontaine and {Barnes and Noble} and Smith, Jr., John}, title = {T}, journal = {J}, year = 2020}")
  assert.deepEqual(author, [
    {family: 'Živković-Rothman', given: 'Ana'},
    {family: 'Ng', given: 'A. J.'},
    {family: 'Liu', given: 'S.-F.'},
    {family: 'Beethoven', given: 'Ludwig', 'dropping-particle': 'van'},
    {family: 'Fontaine', given: 'Jean', 'dropping-particle': 'de la'},
    {literal: 'Barnes and Noble'},
    {family: 'Smith', given: 'John', suffix: 'Jr.'}
  ])
})

test('names: "A.J." and "A. J." are the same author (Chicago\'s ———, MLA\'s ---)', () => {
  const {items} = read('@book{a, author = {Kruschke, J.K.}, title = {First}, year = 2010}\n@book{b, author = {Kruschke, J. K.}, title = {Second}, year = 2011}\n')
  assert.match(entries(items, 'chicago-fullnote-bibliography')[1]!, /^———\. /)
  assert.match(entries(items, 'modern-language-association')[1]!, /^---\. /)
})

test('names: a braced family name is not split again by citeproc-js ("van Wart, Justin")', () => {
  const {items} = read('@article{w, author = {{van Wart}, Justin}, title = {T}, journal = {J}, year = 2013}')
  assert.match(entries(items, 'chicago-fullnote-bibliography')[0]!, /^van Wart, Justin\./)
})

test('names: "and others" ends the list in et al., in the reference list and the citation', () => {
  const {items} = read('@article{h, author = {Huber, Peter J. and others}, title = {T}, journal = {J}, year = 1967}')
  assert.deepEqual(items[0]!.author, [{family: 'Huber', given: 'Peter J.'}, {literal: 'others'}])
  assert.match(entries(items, 'apa')[0]!, /^Huber, P\. J\., et al\. \(1967\)/)
  assert.match(entries(items, 'modern-language-association')[0]!, /^Huber, Peter J\., et al\. /)
  const style = loadStyle('apa')
  const cited = renderStyle({style, items: new Map(items.map((i) => [i.id, i])), citations: [{citation: {mode: 'normal', items: [{key: 'h'}]}, noteIndex: 0}]})
  assert.equal(cited.citations[0]!.html.replace(/<[^>]+>/g, ''), '(Huber et al., 1967)')
})

test('eprint and eprinttype make the URL (arxiv, jstor, pubmed, googlebooks, hdl); a url field wins', () => {
  const url = (fields: string) => item(`@misc{a, title = {T}, year = 2020, ${fields}}`).URL
  assert.equal(url('eprint = {1234.5678}, eprinttype = {arxiv}'), 'https://arxiv.org/abs/1234.5678')
  assert.equal(url('eprint = {1234.5678}, archivePrefix = {arXiv}'), 'https://arxiv.org/abs/1234.5678')
  assert.equal(url('eprint = {123456}, eprinttype = {jstor}'), 'https://www.jstor.org/stable/123456')
  assert.equal(url('eprint = {15736142}, eprinttype = {pubmed}'), 'https://www.ncbi.nlm.nih.gov/pubmed/15736142')
  assert.equal(url('eprint = {wAssmt2vumgC}, eprinttype = {googlebooks}'), 'https://books.google.com?id=wAssmt2vumgC')
  assert.equal(url('eprint = {1721.1/12345}, eprinttype = {hdl}'), 'https://hdl.handle.net/1721.1/12345')
  assert.equal(url('eprint = {1234.5678}, eprinttype = {arxiv}, url = {https://example.org}'), 'https://example.org')
})

test('URLs as written: percent escapes not escaped again, LaTeX escapes undone', () => {
  const url = (value: string) => item(`@online{a, title = {T}, year = 2020, url = {${value}}}`).URL
  assert.equal(url('https://doi.org/10.1201%2F9781315372495'), 'https://doi.org/10.1201%2F9781315372495')
  assert.equal(url('https://example.org/a\\_b'), 'https://example.org/a_b')
})

test('a DOI field holding a URL: the DOI, or that URL', () => {
  const doi = item('@article{a, title = {T}, journal = {J}, year = 2020, doi = {http://dx.doi.org/10.1/x}}')
  assert.equal(doi.DOI, '10.1/x')
  const url = item('@article{a, title = {T}, journal = {J}, year = 2020, doi = {https://projecteuclid.org/euclid.bsmsp/1200512988}}')
  assert.equal(url.DOI, undefined)
  assert.equal(url.URL, 'https://projecteuclid.org/euclid.bsmsp/1200512988')
})

test('biblatex types and fields: @online site, @software version, publishers as a list, @article without a journal', () => {
  const online = item('@online{o, title = {A Page}, journaltitle = {The Site}, organization = {An Org}, date = {2020-05-04}}')
  assert.equal(online.type, 'webpage')
  assert.equal(online['container-title'], 'The Site')
  assert.equal(online.publisher, 'An Org')
  const software = item('@software{s, title = {Tool}, version = {2.4}, author = {Doe, Jane}, year = 2019}')
  assert.equal(software.type, 'book')
  assert.equal(software.version, '2.4')
  assert.equal(item('@book{b, title = {T}, publisher = {Chapman and Hall/CRC}, year = 2018}').publisher, 'Chapman; Hall/CRC')
  const article = item('@article{a, title = {T}, volume = {12}, number = {3}, year = 2020}')
  assert.equal(article.volume, '12')
  assert.equal(article.issue, '3')
  assert.equal(item('@misc{m, title = {T}, year = 2020}').type, '')
})

test('@software in APA: its version labelled, "[Computer software]" (a version ending in a digit is numeric)', () => {
  const {items} = read('@software{s, title = {Tool}, version = {2.4}, author = {Doe, Jane}, year = 2019}\n@software{t, title = {Other}, version = {v2.1.3}, author = {Roe, Jane}, year = 2019}\n')
  assert.deepEqual(entries(items, 'apa'), ['Doe, J. (2019). Tool (Version 2.4) [Computer software].', 'Roe, J. (2019). Other (Version v2.1.3) [Computer software].'])
})

test('short titles: shorttitle, else the title before its colon', () => {
  assert.equal(item('@article{a, title = {Doing Bayesian Data Analysis}, shorttitle = {Bayesian Analysis}, journal = {J}, year = 2020}')['title-short'], 'Bayesian analysis')
  assert.equal(item('@article{a, title = {The New Statistics: Why and How}, journal = {J}, year = 2020}')['title-short'], 'The new statistics')
  assert.equal(item('@article{a, title = {No Colon}, journal = {J}, year = 2020}')['title-short'], undefined)
})

test('TeX math in a title stays TeX, protected, and comes out of citeproc as a math element', () => {
  const {items} = read('@article{m, author = {Doe, Jane}, title = {Correlations Between $M_{\\rm BH}$ and Mass}, journal = {ApJ}, year = 2000}')
  assert.equal(items[0]!.title, 'Correlations between <span class="nocase">$M_{\\rm BH}$</span> and mass')
  const rendered = renderStyle({style: loadStyle('chicago-fullnote-bibliography'), items: new Map([['m', items[0]!]]), citations: [], nocite: ['m']})
  assert.match(rendered.bibliography[0]!.html, /Correlations Between <span class="math-inline">M_\{\\rm BH\}<\/span> and Mass/)
})

test('dates: biblatex date ranges and circa, year and month macros, a year that is not a number', () => {
  assert.deepEqual(item('@misc{a, title = {T}, date = {2006-03/2007-05~}}').issued, {'date-parts': [[2006, 3], [2007, 5]], circa: true})
  assert.deepEqual(item('@misc{a, title = {T}, year = 2006, month = mar}').issued, {'date-parts': [[2006, 3]]})
  const forthcoming = item('@article{a, title = {T}, journal = {J}, year = {forthcoming}}')
  assert.deepEqual(forthcoming.issued, {literal: 'forthcoming'})
  assert.equal(forthcoming.status, 'forthcoming')
})

test('crossref: a part inherits its book\'s title as container and author as book author', () => {
  const {items} = read('@inbook{part, title = {A Chapter}, crossref = {whole}, pages = {1--10}}\n@book{whole, title = {The Whole Book}, author = {Doe, Jane}, publisher = {P}, year = 2001}\n')
  const part = items.find((i) => i.id === 'part')!
  assert.equal(part['container-title'], 'The whole book')
  assert.deepEqual(part['container-author'], [{family: 'Doe', given: 'Jane'}])
  assert.deepEqual(part.author, [{family: 'Doe', given: 'Jane'}])
  assert.deepEqual(part.issued, {'date-parts': [[2001]]})
})

test('a group inside a word protects the whole word from title case ("lda", not "lDa")', () => {
  const {items} = read('@manual{l, title = {{l}da: Collapsed {G}ibbs Sampling}, author = {Chang, Jonathan}, year = 2015}')
  assert.match(entries(items, 'chicago-fullnote-bibliography')[0]!, /lda: Collapsed Gibbs Sampling/)
})

test('one entry that cannot be read costs only itself: a warning at its place, every other entry read', () => {
  const {items, diagnostics} = read('@book{good1, title = {One}, year = 2001}\n\n@book{bad, title = {Unclosed, year = 2002\n\n@book{good2, title = {Two}, year = 2003}\n')
  assert.deepEqual(items.map((i) => i.id).sort(), ['good1', 'good2'])
  assert.equal(diagnostics.length, 1)
  assert.equal(diagnostics[0]!.line, 3)
  assert.match(diagnostics[0]!.message, /BibTeX cannot be read: entry `bad` is left out/)
  assert.equal(diagnostics[0]!.fatal, false)
})

test('what Pandoc skips between entries is skipped: % lines and JabRef\'s multi-line @Comment, even with @ in them', () => {
  const {items, diagnostics} = read('% mail: user@example.org\n@Comment{jabref-meta: databaseType:biblatex;\n  grouping: @here {x}\n}\n@book{a, title = {A (Parenthesis}, year = 2001}\n')
  assert.deepEqual(diagnostics, [])
  assert.deepEqual(items.map((i) => i.title), ['A (parenthesis'])
})

test('an entry citation-js could not convert (bookauthor) is read', () => {
  const {author, 'container-author': bookAuthor} = item('@inbook{i, author = {Doe, Jane}, bookauthor = {Roe, Richard}, title = {T}, booktitle = {B}, year = 2001}')
  assert.deepEqual(author, [{family: 'Doe', given: 'Jane'}])
  assert.deepEqual(bookAuthor, [{family: 'Roe', given: 'Richard'}])
})

test('duplicate keys: a warning at the later entry, which is used (as Pandoc does)', () => {
  const {items, diagnostics} = read('@book{same, title = {First}, year = 2001}\n@book{same, title = {Second}, year = 2002}\n')
  assert.equal(items.length, 1)
  assert.equal(items[0]!.title, 'Second')
  assert.equal(diagnostics.length, 1)
  assert.equal(diagnostics[0]!.fatal, false)
  assert.equal(diagnostics[0]!.line, 2)
})

test('exports keep TeX math as TeX: BibTeX re-reads to the same item, RIS and COinS get plain text', async () => {
  const {toBibtex, toRis} = await import('../src/bibliography/export.js')
  const {coinsTitle} = await import('../src/bibliography/coins.js')
  const {items} = read('@article{m, author = {Doe, Jane}, title = {Correlations Between $M_{\\rm BH}$ and {\\em Mass}}, journal = {ApJ}, year = 2000}')
  const bibtex = toBibtex(items)
  assert.match(bibtex, /title = \{Correlations between \$M_\{\\rm BH\}\$ and/)
  assert.equal(read(bibtex).items[0]!.title, items[0]!.title)
  assert.match(toRis(items), /^TI {2}- Correlations between \$M_\{\\rm BH\}\$ and Mass$/m)
  assert.match(decodeURIComponent(coinsTitle(items[0]!)), /rft\.atitle=Correlations between \$M_\{\\rm BH\}\$ and Mass&/)
})

test('an accent group inside a lower-case word keeps the word as written under title case, as Pandoc\'s citeproc does', () => {
  const {items} = read('@article{w, author = {Waller, I.}, title = {Zur Frage der Einwirkung der W{\\"a}rmebewegung}, journal = {Zeitschrift f{\\"u}r Physik}, publisher = {M{\\"u}ller}, year = 1923}')
  assert.equal(items[0]!['container-title'], 'Zeitschrift <span class="nocase">für</span> Physik')
  assert.equal(items[0]!.publisher, 'Müller', 'a word title case would not change is left plain')
  assert.equal(entries(items, 'chicago-fullnote-bibliography')[0], 'Waller, I. “Zur Frage Der Einwirkung Der wärmebewegung.” Zeitschrift für Physik, 1923.')
})

test('the ADS\'s journal macros are the abbreviations AASTeX prints (\\apj: ApJ); another unknown command is a located warning, once', () => {
  assert.equal(item('@article{a, title = {T}, journal = {\\mnras}, year = 2009}')['container-title'], 'MNRAS')
  assert.equal(item('@article{a, title = {T}, journal = {\\aap}, year = 2009}')['container-title'], 'A&A')
  const {items, diagnostics} = read('@article{a, title = {A \\foo{} title},\n  journal = {J}, year = 2000}\n@article{b,\n  title = {B \\foo}, note = {\\foo}, year = 2001}\n')
  assert.equal(items.length, 2)
  assert.equal(items[0]!.title, 'A title')
  assert.deepEqual(diagnostics.map(({line, column, message, fatal}) => ({line, column, message, fatal})), [
    {line: 1, column: 24, message: 'LaTeX command `\\foo` is not known and is left out, as Pandoc leaves it out (in 2 entries; the first is here)', fatal: false}
  ])
})
