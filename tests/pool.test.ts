import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {pathToFileURL} from 'node:url'
import {buildEdition} from '../src/pipeline.js'
import {readEssay} from '../src/build.js'
import {renderStyle, type RenderOptions} from '../src/citations/render.js'
import {createRenderPool, renderInWorkers} from '../src/citations/pool.js'
import {generateCorpus, writeCorpus} from '../bench/generate.js'
import {projectRoot, tempDir} from './helpers.js'

/** The style jobs of the small benchmark corpus, as the render stage makes them (nine styles). */
async function smallCorpusJobs(): Promise<RenderOptions[]> {
  const md = writeCorpus(generateCorpus('small'), tempDir())
  let jobs: RenderOptions[] = []
  const {file} = await buildEdition(readEssay(md), {
    renderAll: (given) => {
      jobs = given
      return given.map((job) => renderStyle(job))
    }
  })
  assert.equal(file.messages.filter((m) => m.fatal).length, 0, String(file.messages))
  assert.equal(jobs.length, 9)
  assert.ok(jobs.every((job) => job.citations.length > 20))
  return jobs
}

test('the pool renders what renderStyle renders, in job order, whatever the order of the jobs', async () => {
  const jobs = await smallCorpusJobs()
  for (const order of [jobs, [...jobs].reverse()]) {
    const expected = order.map((job) => renderStyle(job))
    const pooled = await renderInWorkers(order, {size: 2})
    assert.deepEqual(pooled, expected)
    assert.deepEqual(pooled.map((r) => r.styleId), order.map((job) => job.style.id))
  }
})

test('a pool serves several renders, sharing nothing between them', async () => {
  const jobs = await smallCorpusJobs()
  const pool = createRenderPool({size: 2})
  try {
    const first = await pool.render(jobs.slice(0, 4))
    const again = await pool.render(jobs.slice(0, 4))
    const rest = await pool.render(jobs.slice(4))
    assert.deepEqual(again, first)
    assert.deepEqual([...first, ...rest], jobs.map((job) => renderStyle(job)))
  } finally {
    await pool.close()
  }
})

test('a style citeproc refuses fails the render with its message; the pool goes on', async () => {
  const [job] = await smallCorpusJobs()
  const broken = {...job!, style: {...job!.style, id: 'broken', path: '/nowhere/broken.csl', xml: '<style class="in-text"><citation><layout><text variable="title"/></layout></citation></style>'}}
  let serial: Error | undefined
  try {
    renderStyle(broken)
  } catch (error) {
    serial = error as Error
  }
  const pool = createRenderPool({size: 1})
  try {
    await assert.rejects(pool.render([job!, broken]), (error: Error) => {
      if (serial) assert.equal(error.message, serial.message)
      return true
    })
    assert.deepEqual(await pool.render([job!]), [renderStyle(job!)])
  } finally {
    await pool.close()
  }
  assert.ok(serial, 'renderStyle refuses the broken style')
})

test('the process exits after a render without closing the pool (idle workers hold nothing)', () => {
  const pool = pathToFileURL(path.join(projectRoot, 'dist/src/citations/pool.js')).href
  const styles = pathToFileURL(path.join(projectRoot, 'dist/src/citations/styles.js')).href
  const script = `
    import {sharedRenderPool} from '${pool}'
    import {loadStyle} from '${styles}'
    const style = loadStyle('apa')
    const items = new Map([['a', {id: 'a', type: 'book', title: 'A book', author: [{family: 'Müller', given: 'Ana'}], issued: {'date-parts': [[2001]]}}]])
    const citations = [{citation: {mode: 'normal', items: [{key: 'a', locator: '3', label: 'page'}]}, noteIndex: 0}]
    const [result] = await sharedRenderPool().render([{style, items, citations}])
    process.stdout.write(result.citations[0].html)
  `
  const file = path.join(tempDir(), 'render-once.mjs')
  fs.writeFileSync(file, script)
  const started = Date.now()
  const child = spawnSync(process.execPath, [file], {encoding: 'utf8', timeout: 60_000})
  assert.equal(child.status, 0, child.stderr)
  assert.match(child.stdout, /Müller, 2001, p\. 3/)
  assert.ok(Date.now() - started < 60_000)
})
