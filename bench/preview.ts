/**
 * `npm run bench -- --preview`: how soon an edit is on screen in `essay-edition preview`.
 *
 * The real CLI (`preview --verbose`, a child process) serves a copy of the essay; real Chromium
 * (playwright-core) has the page open. Before each edit the page arms a MutationObserver for the
 * edit's marker word; the time runs from just before the file is written (the watcher's quiet spell
 * included) to the frame after the marker reached the DOM, both read on the machine's clock
 * (`performance.timeOrigin + performance.now()` in Node and in the page). A page that reloads
 * instead of patching is timed to its DOMContentLoaded, and counted.
 *
 * Cases (each a median of `edits` edits; the two edits of the default essay alternate):
 *   default essay, one sentence: a word added to the first sentence of a paragraph in the middle;
 *   default essay, a citation: a sentence with `[@key, p. N]` added to another paragraph (then
 *     taken out again, untimed, before the next);
 *   large corpus (2,000 notes), one sentence: as above.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawn, type ChildProcess} from 'node:child_process'
import type {Browser, Page} from 'playwright-core'
import {launchChromium} from '../src/outputs/chromium.js'
import {generateCorpus, writeCorpus} from './generate.js'

export interface PreviewCase {
  name: string
  /** Goal of issue 18, ms from the write to the text on screen. */
  goalMs: number
  runsMs: number[]
  medianMs: number
  /** Edits shown by patching the page, and by reloading it. */
  patched: number
  reloaded: number
  /** The server's stages for these edits (`--verbose`), medians in ms. */
  stagesMs: Record<string, number>
  /** Medians in the page: the server's event arrived (ms after the write), the fetch and parse of the new version, the patch. */
  pageMs: {told: number; fetch: number; patch: number; scripts: number}
}

export interface PreviewBench {
  date: string
  cases: PreviewCase[]
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const now = () => performance.timeOrigin + performance.now()

/** `essay-edition preview ESSAY --port 0 --verbose` in a child process. */
class Server {
  stderr = ''
  private constructor(readonly child: ChildProcess, readonly url: string) {}

  static start(cli: string, essay: string, cwd: string): Promise<Server> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'preview', essay, '--port', '0', '--verbose'], {cwd, stdio: ['ignore', 'pipe', 'pipe']})
      let stdout = ''
      let server: Server | undefined
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        if (server) server.stderr += chunk
      })
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)
        if (found && !server) {
          server = new Server(child, found[0])
          resolve(server)
        }
      })
      child.on('exit', (code) => reject(new Error(`preview exited (${code}) before serving:\n${stdout}`)))
    })
  }

  /** The stages of the builds reported since `from` (characters of stderr). */
  stages(from: number): Array<Record<string, number>> {
    const builds: Array<Record<string, number>> = []
    for (const line of this.stderr.slice(from).split('\n')) {
      const stages = /^\S+\.md: (.*) \(([\d.]+) (m?s)\)$/.exec(line)
      if (!stages) continue
      const build: Record<string, number> = {}
      for (const part of stages[1]!.split(', ')) {
        const stage = /^(.*) ([\d.]+) (m?s)$/.exec(part)
        if (stage) build[stage[1]!] = Number(stage[2]) * (stage[3] === 's' ? 1000 : 1)
      }
      build.total = Number(stages[2]) * (stages[3] === 's' ? 1000 : 1)
      builds.push(build)
    }
    return builds
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    await exited
  }
}

/** Arm the page: `window.__seen` resolves with the time of the frame after `marker` reached the DOM. */
async function arm(page: Page, marker: string): Promise<void> {
  await page.evaluate((marker) => {
    const has = (node: Node) => (node.nodeType === Node.TEXT_NODE ? (node as Text).data : node.textContent ?? '').includes(marker)
    ;(window as unknown as {__seen: Promise<number>}).__seen = new Promise((resolve) => {
      const observer = new MutationObserver((records) => {
        if (!records.some((r) => (r.type === 'characterData' ? has(r.target) : Array.from(r.addedNodes).some(has)))) return
        observer.disconnect()
        requestAnimationFrame(() => setTimeout(() => resolve(performance.timeOrigin + performance.now()), 0))
      })
      observer.observe(document.body, {subtree: true, childList: true, characterData: true})
    })
  }, marker)
}

/** Write `text` to `file` and time it until `marker` is on screen: patched or reloaded. */
interface Timed {
  ms: number
  reloaded: boolean
  /** In the page: the event came (ms after the write), the new version fetched and parsed, the page patched. */
  client?: {toldMs: number; fetchMs: number; patchMs: number; scriptsMs: number}
}

async function timedEdit(page: Page, file: string, text: string, marker: string, timeoutMs: number): Promise<Timed> {
  await arm(page, marker)
  let navigated = false
  const onNavigated = () => (navigated = true)
  page.on('framenavigated', onNavigated)
  const started = now()
  fs.writeFileSync(file, text)
  try {
    const seen = await page.evaluate(() => (window as unknown as {__seen: Promise<number>}).__seen)
    const client = await page.evaluate(() => {
      const last = (name: string) => performance.getEntriesByName(name).at(-1)
      const fetch = last('essay-edition:fetch')
      const patch = last('essay-edition:patch')
      const scripts = last('essay-edition:scripts')
      performance.clearMeasures()
      return fetch && patch ? {told: performance.timeOrigin + fetch.startTime, fetchMs: fetch.duration, patchMs: patch.duration, scriptsMs: scripts?.duration ?? NaN} : undefined
    })
    return {ms: seen - started, reloaded: false, ...(client ? {client: {toldMs: client.told - started, fetchMs: client.fetchMs, patchMs: client.patchMs, scriptsMs: client.scriptsMs}} : {})}
  } catch (error) {
    if (!navigated) throw error
    await page.waitForFunction((marker) => document.body?.textContent?.includes(marker), marker, {timeout: timeoutMs})
    const loaded = await page.evaluate(() => performance.timeOrigin + (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd)
    return {ms: loaded - started, reloaded: true}
  } finally {
    page.off('framenavigated', onNavigated)
  }
}

/** Untimed: write `text` and wait until `marker` has left the page. */
async function untimedEdit(page: Page, file: string, text: string, marker: string, timeoutMs: number): Promise<void> {
  fs.writeFileSync(file, text)
  await page.waitForFunction((marker) => !document.body?.textContent?.includes(marker), marker, {timeout: timeoutMs, polling: 50})
}

/** The paragraphs of an essay's body (outside front matter), as [start, end) offsets of plain prose. */
function prose(markdown: string): Array<[number, number]> {
  const found: Array<[number, number]> = []
  const re = /(?:^|\n\n)([A-Z][^\n]{80,})(?=\n\n|\n?$)/g
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const start = m.index + m[0].length - m[1]!.length
    found.push([start, start + m[1]!.length])
    re.lastIndex = start + m[1]!.length
  }
  return found
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Edit {
  name: string
  goalMs: number
  /** The text with edit number `n`, and its marker; `restore`: the text to return to afterwards (untimed). */
  make: (n: number) => {text: string; marker: string; restore?: string}
}

async function runCases(browser: Browser, cli: string, essay: string, edits: Edit[], count: number, timeoutMs: number, log: (line: string) => void): Promise<PreviewCase[]> {
  const server = await Server.start(cli, essay, path.dirname(essay))
  const context = await browser.newContext({viewport: {width: 1200, height: 800}})
  try {
    const page = await context.newPage()
    await page.goto(server.url, {timeout: timeoutMs})
    // The preview script has the page as served, parsed, to patch from.
    await page.waitForFunction(() => performance.getEntriesByName('essay-edition:ready').length > 0, undefined, {timeout: timeoutMs, polling: 100})
    await pause(1000)
    const results = edits.map(() => ({runs: [] as number[], reloaded: 0, stages: [] as Array<Record<string, number>>, client: [] as Array<NonNullable<Timed['client']>>}))
    for (let n = 1; n <= count; n++) {
      for (const [index, edit] of edits.entries()) {
        const {text, marker, restore} = edit.make(n)
        const from = server.stderr.length
        const {ms, reloaded, client} = await timedEdit(page, essay, text, marker, timeoutMs)
        await pause(150)
        const result = results[index]!
        result.runs.push(ms)
        if (reloaded) result.reloaded++
        result.stages.push(...server.stages(from))
        if (client) result.client.push(client)
        log(`  ${edit.name} ${n}/${count}: ${ms.toFixed(0)} ms${reloaded ? ' (reloaded)' : ''}${client ? ` (page told at ${client.toldMs.toFixed(0)} ms, fetched ${client.fetchMs.toFixed(0)} ms later, patched in ${client.patchMs.toFixed(0)} ms, the reader's scripts ${client.scriptsMs.toFixed(0)} ms)` : ''}`)
        if (restore !== undefined) await untimedEdit(page, essay, restore, marker, timeoutMs)
        await pause(250)
      }
    }
    return edits.map((edit, index) => {
      const result = results[index]!
      const names = [...new Set(result.stages.flatMap((s) => Object.keys(s)))]
      return {
        name: edit.name,
        goalMs: edit.goalMs,
        runsMs: result.runs,
        medianMs: median(result.runs),
        patched: result.runs.length - result.reloaded,
        reloaded: result.reloaded,
        stagesMs: Object.fromEntries(names.map((name) => [name, median(result.stages.map((s) => s[name] ?? 0))])),
        pageMs: {told: median(result.client.map((c) => c.toldMs)), fetch: median(result.client.map((c) => c.fetchMs)), patch: median(result.client.map((c) => c.patchMs)), scripts: median(result.client.map((c) => c.scriptsMs))}
      }
    })
  } finally {
    await context.close()
    await server.stop()
  }
}

/** A word added to the first sentence of a paragraph in the middle of `markdown`. */
function sentenceEdit(markdown: string, name: string, goalMs: number): Edit {
  const paragraphs = prose(markdown)
  const [start] = paragraphs[Math.floor(paragraphs.length / 2)]!
  return {name, goalMs, make: (n) => {
    const marker = `Edited${n}x${Math.random().toString(36).slice(2, 8)}`
    return {text: `${markdown.slice(0, start)}${marker} ${markdown.slice(start)}`, marker}
  }}
}

export async function previewBench(options: {root: string; edits?: number; large?: boolean; essay?: boolean; log?: (line: string) => void}): Promise<PreviewBench> {
  const log = options.log ?? (() => {})
  const count = options.edits ?? 10
  const cli = path.join(options.root, 'bin/essay-edition.js')
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-edition-preview-bench-'))
  const browser = await launchChromium()
  const cases: PreviewCase[] = []
  try {
    // The default essay and its bibliography.
    if (options.essay !== false) {
    const dir = path.join(work, 'default')
    fs.mkdirSync(path.join(dir, 'bibliography'), {recursive: true})
    const essay = path.join(dir, 'essay.md')
    const markdown = fs.readFileSync(path.join(options.root, 'essay/russia-warms-up-to-pakistan.md'), 'utf8')
    fs.writeFileSync(essay, markdown)
    const works = JSON.parse(fs.readFileSync(path.join(options.root, 'bibliography/russia-warms-up-to-pakistan.json'), 'utf8')) as Array<{id: string}>
    fs.copyFileSync(path.join(options.root, 'bibliography/russia-warms-up-to-pakistan.json'), path.join(dir, 'bibliography/essay.json'))
    const paragraphs = prose(markdown)
    const [, citeAt] = paragraphs[Math.floor((paragraphs.length * 3) / 4)]!
    const citation: Edit = {name: 'default essay, a citation added', goalMs: 400, make: (n) => {
      const marker = `Cited${n}x${Math.random().toString(36).slice(2, 8)}`
      const key = works[n % works.length]!.id
      return {text: `${markdown.slice(0, citeAt)} A claim, ${marker} [@${key}, p. ${n}].${markdown.slice(citeAt)}`, marker, restore: markdown}
    }}
    log('preview, default essay:')
    cases.push(...(await runCases(browser, cli, essay, [sentenceEdit(markdown, 'default essay, one sentence', 150), citation], count, 30000, log)))
    }

    if (options.large !== false) {
      const corpus = generateCorpus('large')
      const md = writeCorpus(corpus, path.join(work, 'large'))
      log('preview, large corpus (2,000 notes):')
      cases.push(...(await runCases(browser, cli, md, [sentenceEdit(corpus.markdown, 'large corpus, one sentence', 1000)], count, 300000, log)))
    }
  } finally {
    await browser.close()
    fs.rmSync(work, {recursive: true, force: true})
  }
  return {date: new Date().toISOString(), cases}
}

/** The preview figures as a Markdown table. */
export function previewTable(result: PreviewBench): string {
  const lines = [
    '| preview: edit | on screen after the write (median) | goal | runs (ms) | patched / reloaded | server: rebuild, slowest stages | page: told at, fetch + parse, patch, reader scripts |',
    '| --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const c of result.cases) {
    const stages = Object.entries(c.stagesMs).filter(([name]) => name !== 'total').sort((a, b) => b[1] - a[1]).slice(0, 3)
    lines.push(`| ${c.name} | ${c.medianMs.toFixed(0)} ms | ≤ ${c.goalMs} ms ${c.medianMs <= c.goalMs ? 'ok' : 'OVER'} | ${c.runsMs.map((ms) => ms.toFixed(0)).join(', ')} | ${c.patched} / ${c.reloaded} | ${(c.stagesMs.total ?? NaN).toFixed(0)} ms: ${stages.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')} | ${c.pageMs.told.toFixed(0)} ms, ${c.pageMs.fetch.toFixed(0)} ms, ${c.pageMs.patch.toFixed(0)} ms, ${c.pageMs.scripts.toFixed(0)} ms |`)
  }
  return lines.join('\n')
}
