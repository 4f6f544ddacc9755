import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {Worker} from 'node:worker_threads'
import {buildEdition} from '../src/pipeline.js'
import {conventionDirsFor, readEssay} from '../src/build.js'
import {renderStyle, type RenderOptions} from '../src/citations/render.js'
import {citeprocVersion, provenOn, shortcutsProvenFor, speedUpCiteproc} from '../src/citations/citeproc-speed.js'
import {generateCorpus, writeCorpus} from '../bench/generate.js'
import {defaultEssay, projectRoot, tempDir} from './helpers.js'

/** The style jobs (nine styles) the render stage makes for an essay; nothing is rendered. */
async function jobsOf(markdownFile: string): Promise<RenderOptions[]> {
  let jobs: RenderOptions[] = []
  await buildEdition(readEssay(markdownFile), {
    conventionBibliographyDirs: conventionDirsFor(markdownFile, {}),
    renderAll: (given) => {
      jobs = given
      // Stop the build here: only the jobs are wanted.
      throw new Error('jobs taken')
    }
  })
  assert.equal(jobs.length, 9)
  return jobs
}

/** Render jobs in a worker thread with the shortcuts turned off. */
function renderPlain(jobs: RenderOptions[], locales: Record<string, string>): Promise<{shortcuts: boolean; results: string[]}> {
  const worker = new Worker(new URL('./citeproc-plain-worker.js', import.meta.url), {
    workerData: {jobs, locales},
    env: {...process.env, ESSAY_EDITION_CITEPROC_SHORTCUTS: '0'}
  })
  return new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`worker stopped (${code})`)))
  })
}

/**
 * Locales for languages the project does not ship: the shipped en-US one under another language
 * tag (citeproc then converts case by that language: Turkish dotted and dotless i), and German
 * quotation marks for `de-DE`.
 */
function derivedLocales(): Record<string, string> {
  const english = fs.readFileSync(path.join(projectRoot, 'styles/locales-en-US.xml'), 'utf8')
  const as = (lang: string) => english.replace('xml:lang="en-US"', `xml:lang="${lang}"`)
  const german = as('de-DE')
    .replace(/(<term name="open-quote">)[^<]*/, '$1„')
    .replace(/(<term name="close-quote">)[^<]*/, '$1“')
    .replace(/(<term name="open-inner-quote">)[^<]*/, '$1‚')
    .replace(/(<term name="close-inner-quote">)[^<]*/, '$1‘')
  return {'tr-TR': as('tr-TR'), 'de-DE': german}
}

test('the citeproc-js installed is the one the shortcuts were proven on (update provenOn after proving a new one)', () => {
  assert.deepEqual(citeprocVersion(), {...provenOn})
  assert.equal(speedUpCiteproc(), true)
})

test('the shortcuts are installed on the proven citeproc-js version only, and not when turned off', () => {
  assert.equal(shortcutsProvenFor({processor: provenOn.processor, package: provenOn.package}), true)
  assert.equal(shortcutsProvenFor({processor: '1.4.62', package: provenOn.package}), false)
  assert.equal(shortcutsProvenFor({processor: provenOn.processor, package: '2.4.64'}), false)
  assert.equal(shortcutsProvenFor({processor: undefined, package: undefined}), false)
  // Another version: nothing of citeproc's is touched, and nothing is said.
  const lower = (s: string) => s.toLowerCase()
  const other = {PROCESSOR_VERSION: '1.4.70', toLocaleLowerCase: lower}
  assert.equal(speedUpCiteproc({CSL: other, packageVersion: '2.4.70'}), false)
  assert.equal(other.toLocaleLowerCase, lower)
  assert.deepEqual(Object.getOwnPropertySymbols(other), [])
  const proven = {PROCESSOR_VERSION: provenOn.processor, toLocaleLowerCase: lower}
  assert.equal(speedUpCiteproc({CSL: proven, packageVersion: provenOn.package}, {ESSAY_EDITION_CITEPROC_SHORTCUTS: '0'}), false)
  assert.equal(proven.toLocaleLowerCase, lower)
})

test('nine styles render byte for byte the same with and without the shortcuts', async () => {
  const dir = tempDir()
  // The bench corpora (small and medium: 400 citations of 200 works, names with particles and
  // diacritics, disambiguation, ibid and subsequent forms), the default essay, the Pandoc fixture,
  // and works written for the shortcuts (citeproc-shortcuts/: quotes, markup, characters to
  // escape, sorting by accent, number and bracket, particles, initials, text case, scripts), those
  // also in Turkish (other case conversion) and German (other quotation marks).
  const crafted = await jobsOf(path.join(projectRoot, 'tests/fixtures/citeproc-shortcuts/essay.md'))
  const jobs: RenderOptions[] = [
    ...(await jobsOf(writeCorpus(generateCorpus('small'), path.join(dir, 'small')))),
    ...(await jobsOf(writeCorpus(generateCorpus('medium'), path.join(dir, 'medium')))),
    ...(await jobsOf(defaultEssay)),
    ...(await jobsOf(path.join(projectRoot, 'tests/fixtures/pandoc-paper/paper.md'))),
    ...crafted,
    ...crafted.map((job) => ({...job, lang: 'tr-TR'})),
    ...crafted.map((job) => ({...job, lang: 'de-DE'}))
  ]
  assert.ok(jobs.reduce((sum, job) => sum + job.citations.length, 0) > 9 * 400)
  const locales = derivedLocales()
  const config = createRequire(import.meta.url)('@citation-js/core').plugins.config.get('@csl') as {locales: {add(lang: string, xml: string): void}}
  for (const [lang, xml] of Object.entries(locales)) config.locales.add(lang, xml)
  // The plain render runs in a worker while this thread renders with the shortcuts.
  const plain = renderPlain(jobs, locales)
  assert.equal(speedUpCiteproc(), true)
  const fast = jobs.map((job) => JSON.stringify(renderStyle(job)))
  const {shortcuts, results} = await plain
  assert.equal(shortcuts, false, 'the worker rendered without the shortcuts')
  assert.equal(results.length, fast.length)
  fast.forEach((json, index) => {
    assert.ok(json === results[index], `${jobs[index]!.style.id}${jobs[index]!.lang ? ` (${jobs[index]!.lang})` : ''}, job ${index}: output differs with the shortcuts`)
  })
  // The Turkish jobs did convert case the Turkish way (the test would prove little otherwise).
  const genre = (lang: string) => fast[jobs.findIndex((job) => job.style.id === 'apa' && job.lang === lang && job.items.has('genre'))]!
  assert.match(genre('tr-TR'), /İstatistik raporu/)
  assert.match(genre('de-DE'), /Istatistik raporu/)
})
