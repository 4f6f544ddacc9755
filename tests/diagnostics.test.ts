/**
 * Bad input, table-driven: each case builds through the CLI over a previous good build and must
 * exit 1 (or 0 for warnings), name the file (and line where there is one), print no stack trace,
 * and leave the previous output byte-identical.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {fixture, projectRoot, runCli} from './helpers.js'

const goodBib = [{id: 'doe2020', type: 'book', title: 'A book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}}]
const goodEssay = '---\ntitle: An essay\nbibliography: refs.json\n---\n\nText [@doe2020, p. 3].[^1]\n\n[^1]: A note [@doe2020].\n'

interface Case {
  name: string
  files: Record<string, string | Uint8Array>
  args?: string[]
  code: number
  /** What the message must say: file name and, where there is one, line and column. */
  expect: RegExp[]
  /** What the page built must hold (a build that succeeds). */
  page?: RegExp[]
  /** Messages `check --format json` must give (the same as the build's, located the same). */
  json?: Array<{line: number; column: number; severity: 'error' | 'warning'; ruleId: string}>
}

const cases: Case[] = [
  {name: 'bibliography JSON cut short', files: {'refs.json': JSON.stringify(goodBib, null, 2).slice(0, 60)}, code: 1, expect: [/^refs\.json$/m, /^\d+:\d+\s+error\s+Bibliography is not valid JSON/m]},
  {name: 'an item without id', files: {'refs.json': JSON.stringify([...goodBib, {type: 'book', title: 'Anonymous'}], null, 2)}, code: 1, expect: [/^refs\.json$/m, /^\d+:\d+\s+error\s+Item 2 \("Anonymous"\) has no `id`/m]},
  {name: 'duplicate ids (a warning: the last is used, as in Pandoc)', files: {'refs.json': JSON.stringify([...goodBib, goodBib[0]], null, 2)}, code: 0, expect: [/^refs\.json$/m, /^\d+:\d+\s+warning\s+Duplicate id `doe2020`/m]},
  {name: 'a missing bibliography file', files: {'essay.md': goodEssay.replace('refs.json', 'nowhere.json')}, code: 1, expect: [/nowhere\.json/, /error\s+Bibliography file not found/]},
  {name: 'an unknown key under --strict', files: {'essay.md': goodEssay.replace('[@doe2020, p. 3]', '[@nobody, p. 3]')}, args: ['--strict'], code: 1, expect: [/^essay\.md$/m, /^6:6-6:21\s+error\s+Unknown citation key `nobody`/m]},
  {name: 'an undefined footnote (a warning; the text stays as written)', files: {'essay.md': goodEssay.replace('.[^1]', '.[^2]')}, code: 0, expect: [/^essay\.md$/m, /^6:23-6:27\s+warning\s+Note `\[\^2\]` is referenced but never defined/m], page: [/p\. 3[\s\S]*\[\^2\]/], json: [{line: 6, column: 23, severity: 'warning', ruleId: 'note-undefined'}, {line: 8, column: 1, severity: 'warning', ruleId: 'note-unreferenced'}]},
  {name: 'an undefined footnote under --strict', files: {'essay.md': goodEssay.replace('.[^1]', '.[^2]')}, args: ['--strict'], code: 1, expect: [/^6:23-6:27\s+error\s+Note `\[\^2\]` is referenced but never defined/m], json: [{line: 6, column: 23, severity: 'error', ruleId: 'note-undefined'}, {line: 8, column: 1, severity: 'error', ruleId: 'note-unreferenced'}]},
  {name: 'an escaped `\\[^2]` is text, not warned about', files: {'essay.md': goodEssay.replace('.[^1]', '.[^1] \\[^2]')}, code: 0, expect: [/^(?![\s\S]*never defined)/], page: [/ \[\^2\]/], json: []},
  {name: 'a front-matter key given twice (a warning; the later value wins)', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ntitle: The later title')}, code: 0, expect: [/^3:1\s+warning\s+Front-matter key `title` is given twice \(first at 2:1\); the later value is used/m], page: [/<h1 class="title">The later title<\/h1>/], json: [{line: 3, column: 1, severity: 'warning', ruleId: 'front-matter-duplicate-key'}]},
  {name: 'a nested key given twice (a warning)', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\nauthor:\n  - name: A. Writer\n    name: B. Writer')}, code: 0, expect: [/^5:5\s+warning\s+Front-matter key `name` is given twice \(first at 4:5\)/m], page: [/B\. Writer/], json: [{line: 5, column: 5, severity: 'warning', ruleId: 'front-matter-duplicate-key'}]},
  {name: 'a front-matter key given twice under --strict', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ntitle: Again')}, args: ['--strict'], code: 1, expect: [/^3:1\s+error\s+Front-matter key `title` is given twice/m]},
  {name: 'the fields of a JOSS paper are accepted quietly', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ntags:\n  - R\nauthors:\n  - name: A. Writer\n    affiliation: 1\naffiliations:\n  - name: A University\n    index: 1\naas-doi: 10.3847/xxxxx\noutput: pdf_document\ncss: page.css')}, code: 0, expect: [/^(?![\s\S]*warning)/], json: []},
  {name: 'a near miss of a field that matters (a warning)', files: {'essay.md': goodEssay.replace('bibliography:', 'bibliograpy: refs.json\nbibliography:')}, code: 0, expect: [/^3:1\s+warning\s+Unknown front-matter field `bibliograpy` \(did you mean `bibliography`\?\)/m], json: [{line: 3, column: 1, severity: 'warning', ruleId: 'front-matter-unknown-field'}]},
  {name: 'broken front matter', files: {'essay.md': goodEssay.replace('title: An essay', 'title: [unclosed')}, code: 1, expect: [/^essay\.md$/m, /^\d+:\d+\s+error\s+Front matter is not valid YAML/m]},
  {name: 'broken front matter, located at its line', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\nsubtitle: Two\n  lines: wrongly indented')}, code: 1, expect: [/^3:11\s+error\s+Front matter is not valid YAML: Implicit keys need to be on a single line/m]},
  {name: '`csl: acm` is acm.csl beside the essay', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ncsl: acm'), 'acm.csl': fs.readFileSync(path.join(projectRoot, 'styles/ieee.csl'), 'utf8').replace(/<title>[^<]*<\/title>/, '<title>Our ACM</title>')}, code: 0, expect: [/^(?![\s\S]*(warning|error))/], page: [/<option value="acm" data-class="in-text" selected>Our ACM</], json: []},
  {name: 'a missing `csl:` file whose id is shipped: the shipped style, a warning', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ncsl: some/dir/apa.csl')}, code: 0, expect: [/^3:1\s+warning\s+Style "some\/dir\/apa\.csl" not found beside the essay; using the shipped style "apa" instead/m], page: [/<option value="apa" data-class="in-text" selected>/], json: [{line: 3, column: 1, severity: 'warning', ruleId: 'style-stand-in'}]},
  {name: 'a `csl:` URL whose id is shipped: the shipped style, a warning', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ncsl: https://www.zotero.org/styles/apa')}, code: 0, expect: [/^3:1\s+warning\s+Style "https:\/\/www\.zotero\.org\/styles\/apa" is a URL, which is not fetched; using the shipped style "apa" instead/m], page: [/<option value="apa" data-class="in-text" selected>/]},
  {name: 'a `csl:` style found nowhere (a warning; the other styles)', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ncsl: no-such-style')}, code: 0, expect: [/^3:1\s+warning\s+Style "no-such-style" not found: no no-such-style\.csl beside the essay/m], page: [/<option value="modern-humanities-research-association" data-class="note" selected>/], json: [{line: 3, column: 1, severity: 'warning', ruleId: 'style-unknown'}]},
  {name: 'a `csl:` style found nowhere under --strict', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ncsl: no-such-style')}, args: ['--strict'], code: 1, expect: [/^3:1\s+error\s+Style "no-such-style" not found/m], json: [{line: 3, column: 1, severity: 'error', ruleId: 'style-unknown'}]},
  {name: 'the essay\'s own apa.csl, unlike ours, is shown first; ours stays offered', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ncsl: apa.csl'), 'apa.csl': fs.readFileSync(path.join(projectRoot, 'styles/apa.csl'), 'utf8').replace(/<title>[^<]*<\/title>/, '<title>APA, our lab</title>')}, code: 0, expect: [/^(?![\s\S]*(warning|error))/], page: [/<option value="apa-essay" data-class="in-text" selected>APA, our lab</, /<option value="apa" data-class="in-text">APA</]},
  {name: 'TeX that KaTeX cannot read (a warning at the formula, no stack; the TeX as code)', files: {'essay.md': goodEssay.replace('Text [@doe2020', 'Text $a+\\foo$ [@doe2020')}, code: 0, expect: [/^6:6-6:14\s+warning\s+Math cannot be rendered: KaTeX parse error: Undefined control sequence: \\foo at position 3\s+math/m], page: [/<code class="katex-error" title="KaTeX parse error: Undefined control sequence: \\foo at position 3">a\+\\foo<\/code>/], json: [{line: 6, column: 6, severity: 'warning', ruleId: 'math'}]},
  {name: 'block quotes nested thousands deep: an error at the deepest, no stack', files: {'essay.md': goodEssay + '\n' + '>'.repeat(3000) + ' Deep.\n'}, code: 1, expect: [/^10:3002\s+error\s+The essay nests too deeply to be built: about 3000 levels/m]},
  {name: 'HTML elements nested thousands deep: an error at the deepest, no stack', files: {'essay.md': goodEssay + '\n' + '<div>'.repeat(3000) + 'x' + '</div>'.repeat(3000) + '\n'}, code: 1, expect: [/^10:14996\s+error\s+The essay nests too deeply to be built: about 3000 levels/m]},
  {name: 'a CSL-YAML bibliography whose aliases expand without bound: an error, no stack', files: {'essay.md': goodEssay.replace('refs.json', 'refs.yaml'), 'refs.yaml': ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'references: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n')}, code: 1, expect: [/^refs\.yaml$/m, /^1:1\s+error\s+Bibliography cannot be read: Excessive alias count/m]},
  {name: 'front matter whose aliases expand without bound: an error, no stack', files: {'essay.md': goodEssay.replace('title: An essay', ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n'))}, code: 1, expect: [/^1:1\s+error\s+Front matter cannot be read: Excessive alias count/m]},
  {name: 'a YAML tag unknown to the front matter: a located warning, not Node\'s', files: {'essay.md': goodEssay.replace('title: An essay', 'title: !custom An essay')}, code: 0, expect: [/^2:8\s+warning\s+Front matter: Unresolved tag: !custom/m, /^(?![\s\S]*YAMLWarning)/], page: [/<h1 class="title">An essay<\/h1>/], json: [{line: 2, column: 8, severity: 'warning', ruleId: 'front-matter-yaml'}]},
  {name: 'an unknown style', files: {}, args: ['--style', 'no-such-style'], code: 1, expect: [/error\s+Unknown style "no-such-style"/]},
  {name: 'a malformed CSL file', files: {'bad.csl': '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n<citation><layout><text variable="title"></layout></citation>\n</style>\n'}, args: ['--style', 'bad.csl'], code: 1, expect: [/^bad\.csl$/m, /^3:\d+\s+error\s+.*not well-formed XML/m]},
  {name: 'broken BibTeX (the entry is left out, a warning)', files: {'essay.md': goodEssay.replace('refs.json', 'refs.bib'), 'refs.bib': '@book{doe2020,\n  title = {A book},\n  author = {Doe, Jane\n}\n'}, code: 0, expect: [/^refs\.bib$/m, /^1:1\s+warning\s+BibTeX cannot be read: entry `doe2020` is left out/m, /warning\s+Unknown citation key `doe2020`/]},
  {name: 'broken BibTeX under --strict', files: {'essay.md': goodEssay.replace('refs.json', 'refs.bib'), 'refs.bib': '@book{doe2020,\n  title = {A book},\n  author = {Doe, Jane\n}\n'}, args: ['--strict'], code: 1, expect: [/^refs\.bib$/m, /^1:1\s+error\s+BibTeX cannot be read/m]},
  {name: 'broken RIS', files: {'essay.md': goodEssay.replace('refs.json', 'refs.ris'), 'refs.ris': 'TY  - BOOK\nTI  - A book\n'}, code: 1, expect: [/^refs\.ris$/m, /error\s+RIS record is not closed/]},
  {name: 'bytes that are not UTF-8', files: {'essay.md': Buffer.concat([Buffer.from('---\ntitle: x\n---\n\nCaf'), Buffer.from([0xe9]), Buffer.from(' au lait.\n')])}, code: 1, expect: [/^essay\.md$/m, /^5:4\s+error\s+The essay is not UTF-8/m]},
  {name: 'an unknown front-matter field (a warning)', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ntitel: typo')}, code: 0, expect: [/^3:1\s+warning\s+Unknown front-matter field `titel`/m]},
  {name: 'an unknown front-matter field under --strict', files: {'essay.md': goodEssay.replace('title: An essay', 'title: An essay\ntitel: typo')}, args: ['--strict'], code: 1, expect: [/^3:1\s+error\s+Unknown front-matter field `titel`/m]},
  {name: 'a note defined but never referenced (a warning)', files: {'essay.md': goodEssay + '\n[^9]: Orphan.\n'}, code: 0, expect: [/^10:1-10:\d+\s+warning\s+Note `\[\^9\]` is defined but never referenced/m]},
  {name: 'an item in a field of the wrong shape (a warning, repaired)', files: {'refs.json': JSON.stringify([{...goodBib[0], author: 'Jane Doe', title: 42}], null, 2)}, code: 0, expect: [/^refs\.json$/m, /warning\s+Item `doe2020`: `author` is not in CSL form/]}
]

for (const c of cases) {
  test(c.name, () => {
    const dir = fixture({'essay.md': goodEssay, 'refs.json': JSON.stringify(goodBib, null, 2)})
    const first = runCli(['build', 'essay.md', '--out', 'out'], {cwd: dir})
    assert.equal(first.code, 0, first.stderr)
    const before = new Map(fs.readdirSync(path.join(dir, 'out')).map((name) => [name, fs.readFileSync(path.join(dir, 'out', name))]))
    for (const [name, content] of Object.entries(c.files)) fs.writeFileSync(path.join(dir, name), content)
    const result = runCli(['build', 'essay.md', '--out', 'out', ...(c.args ?? [])], {cwd: dir})
    assert.equal(result.code, c.code, result.stderr)
    for (const pattern of c.expect) assert.match(result.stderr, pattern)
    assert.doesNotMatch(result.stderr, /^\s+at .*\(.*:\d+:\d+\)$/m, 'no stack trace')
    assert.doesNotMatch(result.stderr, /bug in essay-edition/)
    if (c.code !== 0) {
      for (const [name, content] of before) assert.deepEqual(fs.readFileSync(path.join(dir, 'out', name)), content, `${name} unchanged`)
    }
    if (c.page) {
      const page = fs.readFileSync(path.join(dir, 'out', 'index.html'), 'utf8')
      for (const pattern of c.page) assert.match(page, pattern)
    }
    if (c.json) {
      const check = runCli(['check', 'essay.md', '--format', 'json', ...(c.args ?? [])], {cwd: dir})
      assert.equal(check.code, c.code, check.stderr)
      const messages = (JSON.parse(check.stdout) as Array<{file: string; line: number; column: number; severity: string; ruleId: string}>)
        .map(({line, column, severity, ruleId}) => ({line, column, severity, ruleId}))
      assert.deepEqual(messages, c.json)
    }
  })
}

test('many essays in one run: a bad one is reported and skipped, the others are built, exit 1', () => {
  const dir = fixture({'a.md': '# A\n\nFine.\n', 'b.md': '---\ntitle: [broken\n---\n\nText.\n', 'c.md': '# C\n\nFine too.\n'})
  const result = runCli(['build', 'a.md', 'b.md', 'c.md', '--out', 'site'], {cwd: dir})
  assert.equal(result.code, 1)
  assert.match(result.stderr, /^b\.md$/m)
  assert.ok(fs.existsSync(path.join(dir, 'site/a/index.html')))
  assert.ok(fs.existsSync(path.join(dir, 'site/c/index.html')))
  assert.ok(!fs.existsSync(path.join(dir, 'site/b')))
})

test('an unknown front-matter field is warned only as a near miss of one that changes the edition', async () => {
  const {likelyMeant} = await import('../src/plugins/remark-essay-metadata.js')
  assert.equal(likelyMeant('bibliograpy'), 'bibliography')
  assert.equal(likelyMeant('titel'), 'title')
  assert.equal(likelyMeant('Title'), 'title')
  assert.equal(likelyMeant('cls'), 'csl')
  assert.equal(likelyMeant('reference'), 'references')
  for (const quiet of ['affiliations', 'affiliation', 'tags', 'authors', 'aas-doi', 'css', 'output', 'header-includes', 'anything-else', 'year']) {
    assert.equal(likelyMeant(quiet), undefined, quiet)
  }
})
