/**
 * `npm run bench`: essay-edition against Pandoc on the seeded corpus (bench/generate.ts).
 *
 * For each size, one cold `essay-edition build` (a child process, the real CLI) renders the nine
 * shipped styles into one page; Pandoc renders the same Markdown and bibliography with
 * `pandoc --citeproc --csl STYLE.csl`, once per shipped style, one after another. Runs alternate
 * (ours, Pandoc, ours, Pandoc ...) and the table shows medians: wall time, peak memory (the
 * largest resident set, from GNU time, else /proc/PID/status VmHWM), the ratio ours/Pandoc and the
 * cost per citation; for medium and large, three watched rebuilds (`build --watch`) after a
 * one-paragraph edit, against the cold build. Then the page budget: the default essay's page with
 * the nine styles, and the client script.
 *
 *   npm run bench [-- --sizes small,medium,large] [--reps N] [--json]
 *   npm run bench -- --preview [--edits N] [--json]   (bench/preview.ts: an edit on screen in `preview`)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawn, spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {corpusDir, generateCorpus, sizes, writeCorpus, type SizeName} from './generate.js'
import {shippedStyleIds, shippedStylesDir} from '../src/citations/styles.js'
import {previewBench, previewTable} from './preview.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const cli = path.join(root, 'bin/essay-edition.js')
const KB = 1024
const MiB = 1024 * 1024

/** Targets of issue 8. */
export const budget = {
  /** Medium corpus, nine styles: at most this share of Pandoc's time for the nine styles. */
  ratio: 0.5,
  peakBytes: 400 * MiB,
  pageBytes: 250 * KB,
  /** The client script, minified: everything, the reader's annotations included (issue 16). */
  scriptBytes: 16 * KB,
  /** Large over medium, per citation: "no worse than linear", with room for noise. */
  growth: 1.25,
  /** Large corpus: a watched rebuild after a one-paragraph edit, at most this share of a cold build. */
  rebuild: 0.1
}

interface Run {
  wallMs: number
  peakBytes: number
  code: number
}

const defaultReps: Record<SizeName, number> = {small: 5, medium: 3, large: 2}

/** GNU time, when installed, measures the child's peak resident set without polling. */
function gnuTime(): string | undefined {
  if (!fs.existsSync('/usr/bin/time')) return undefined
  const probe = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], {encoding: 'utf8'})
  return probe.status === 0 && /^\d+\s*$/m.test(probe.stderr) ? '/usr/bin/time' : undefined
}

function pandocVersion(): string | undefined {
  const probe = spawnSync('pandoc', ['--version'], {encoding: 'utf8'})
  if (probe.status !== 0) return undefined
  return /pandoc(?:\.exe)? ([\d.]+)/.exec(probe.stdout)?.[1]
}

/** Run a command to its end: wall time from spawn to exit, and its peak memory. */
async function measure(command: string, args: string[], cwd: string, time: string | undefined): Promise<Run> {
  const stats = path.join(os.tmpdir(), `essay-edition-bench-${process.pid}-${Math.random().toString(36).slice(2)}.txt`)
  const [file, argv] = time ? [time, ['-f', '%M', '-o', stats, command, ...args]] : [command, args]
  const started = process.hrtime.bigint()
  const child = spawn(file, argv, {cwd, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  let peak = 0
  // Without GNU time: poll the child's high-water mark (threads share it) until it exits.
  const poll = time
    ? undefined
    : setInterval(() => {
        try {
          const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
          const hwm = /VmHWM:\s+(\d+) kB/.exec(status)
          if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024)
        } catch {
          // gone
        }
      }, 5)
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6
  if (poll) clearInterval(poll)
  if (time) {
    try {
      const kb = /(\d+)\s*$/.exec(fs.readFileSync(stats, 'utf8').trim())
      if (kb) peak = Number(kb[1]) * 1024
    } catch {
      // no statistics
    }
    fs.rmSync(stats, {force: true})
  }
  if (code !== 0) process.stderr.write(`bench: ${command} ${args.join(' ')} exited with ${code}\n${stderr.slice(-2000)}\n`)
  return {wallMs, peakBytes: peak, code}
}

/**
 * `essay-edition build --watch` on a copy of the corpus, from outside: after the first build, a
 * sentence is added to a paragraph in the middle of the essay, and the time is taken from the
 * write to the line the build prints when done (the watcher's 80 ms quiet spell included).
 */
async function measureRebuilds(md: string, work: string, edits: number): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(work, 'watch-'))
  for (const name of fs.readdirSync(path.dirname(md))) {
    if (name.startsWith(path.basename(md, '.md') + '.')) fs.copyFileSync(path.join(path.dirname(md), name), path.join(dir, name))
  }
  const essay = path.join(dir, path.basename(md))
  const child = spawn(process.execPath, [cli, 'build', essay, '--out', path.join(dir, 'out'), '--watch', '--verbose'], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  let waiting: {pattern: RegExp; from: number; resolve: () => void} | undefined
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    if (waiting && waiting.pattern.test(stderr.slice(waiting.from))) {
      const done = waiting
      waiting = undefined
      done.resolve()
    }
  })
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const until = (pattern: RegExp, from: number) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(stderr.slice(from))) return resolve()
      waiting = {pattern, from, resolve}
      void closed.then(() => reject(new Error(`essay-edition build --watch stopped:\n${stderr.slice(-2000)}`)))
    })
  const times: number[] = []
  try {
    await until(/watching \d+ folders? for changes/, 0)
    for (let edit = 1; edit <= edits; edit++) {
      const markdown = fs.readFileSync(essay, 'utf8')
      const at = markdown.indexOf('\n\n', Math.floor(markdown.length / 2)) + 2
      const from = stderr.length
      const started = process.hrtime.bigint()
      fs.writeFileSync(essay, `${markdown.slice(0, at)}An added sentence, edit ${edit}. ${markdown.slice(at)}`)
      await until(/built 1 of 1 essay/, from)
      times.push(Number(process.hrtime.bigint() - started) / 1e6)
    }
  } finally {
    child.kill('SIGINT')
    await closed
    fs.rmSync(dir, {recursive: true, force: true})
  }
  return times
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export interface SizeResult {
  size: SizeName
  notes: number
  works: number
  citations: number
  markdownBytes: number
  reps: number
  ours: {wallMs: number; peakBytes: number; runsMs: number[]; msPerCitation: number}
  /** `build --watch` after a one-paragraph edit: median time, the runs, and its share of a cold build. */
  rebuild?: {wallMs: number; runsMs: number[]; ofCold: number}
  pandoc?: {wallMs: number; peakBytes: number; runsMs: number[]; msPerCitation: number; perStyleMs: Record<string, number>}
  ratio?: number
}

export interface BenchResult {
  date: string
  machine: {cores: number; cpu: string; node: string; pandoc?: string; memoryMeter: string}
  styles: string[]
  sizes: SizeResult[]
  growth?: {mediumMsPerCitation: number; largeMsPerCitation: number; factor: number}
  page: {essay: string; bytes: number; limit: number; ok: boolean}
  script: {file: string; bytes: number; limit: number; ok: boolean}
  targets: {ratio?: boolean; memory?: boolean; growth?: boolean; rebuild?: boolean}
}

async function benchSize(size: SizeName, reps: number, work: string, time: string | undefined, pandoc: boolean, log: (line: string) => void): Promise<SizeResult> {
  const corpus = generateCorpus(size)
  const md = writeCorpus(corpus, corpusDir)
  const dir = path.dirname(md)
  const ours: Run[] = []
  const theirs: Array<{total: number; peak: number; perStyle: number[]}> = []
  for (let rep = 0; rep < reps; rep++) {
    const out = path.join(work, `${size}-${rep}`)
    const run = await measure(process.execPath, [cli, 'build', md, '--out', out, '--quiet'], root, time)
    if (run.code !== 0) throw new Error(`essay-edition failed on the ${size} corpus`)
    ours.push(run)
    log(`  ${size} ${rep + 1}/${reps}: essay-edition ${(run.wallMs / 1000).toFixed(2)} s, ${(run.peakBytes / MiB).toFixed(0)} MiB`)
    fs.rmSync(out, {recursive: true, force: true})
    if (pandoc) {
      const perStyle: number[] = []
      let peak = 0
      for (const id of shippedStyleIds) {
        const target = path.join(work, `${size}-${rep}-${id}.html`)
        const styleRun = await measure('pandoc', ['--quiet', '--citeproc', '--csl', path.join(shippedStylesDir, `${id}.csl`), '-s', '-t', 'html5', '-o', target, path.basename(md)], dir, time)
        if (styleRun.code !== 0) throw new Error(`pandoc failed on the ${size} corpus with ${id}`)
        perStyle.push(styleRun.wallMs)
        peak = Math.max(peak, styleRun.peakBytes)
        fs.rmSync(target, {force: true})
      }
      const total = perStyle.reduce((a, b) => a + b, 0)
      theirs.push({total, peak, perStyle})
      log(`  ${size} ${rep + 1}/${reps}: pandoc × ${shippedStyleIds.length} ${(total / 1000).toFixed(2)} s, ${(peak / MiB).toFixed(0)} MiB`)
    }
  }
  const oursMs = median(ours.map((r) => r.wallMs))
  const result: SizeResult = {
    size,
    notes: corpus.notes,
    works: corpus.works,
    citations: corpus.citations,
    markdownBytes: Buffer.byteLength(corpus.markdown),
    reps,
    ours: {wallMs: oursMs, peakBytes: median(ours.map((r) => r.peakBytes)), runsMs: ours.map((r) => r.wallMs), msPerCitation: oursMs / corpus.citations}
  }
  if (size !== 'small') {
    const runs = await measureRebuilds(md, work, 3)
    result.rebuild = {wallMs: median(runs), runsMs: runs, ofCold: median(runs) / oursMs}
    log(`  ${size}: watched rebuilds after a paragraph edit ${runs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`)
  }
  if (theirs.length > 0) {
    const pandocMs = median(theirs.map((r) => r.total))
    result.pandoc = {
      wallMs: pandocMs,
      peakBytes: median(theirs.map((r) => r.peak)),
      runsMs: theirs.map((r) => r.total),
      msPerCitation: pandocMs / corpus.citations,
      perStyleMs: Object.fromEntries(shippedStyleIds.map((id, i) => [id, median(theirs.map((r) => r.perStyle[i]!))]))
    }
    result.ratio = oursMs / pandocMs
  }
  return result
}

/** The default essay's page with the nine styles, and the client script, against their limits. */
function pageBudget(work: string): Pick<BenchResult, 'page' | 'script'> {
  const essay = path.join(root, 'essay/russia-warms-up-to-pakistan.md')
  const out = path.join(work, 'default')
  const run = spawnSync(process.execPath, [cli, 'build', essay, '--out', out, '--quiet'], {cwd: root, encoding: 'utf8'})
  if (run.status !== 0) throw new Error(`essay-edition failed on the default essay:\n${run.stderr}`)
  const bytes = fs.statSync(path.join(out, 'index.html')).size
  const script = path.join(root, 'dist/client/reader.js')
  const scriptBytes = fs.statSync(script).size
  return {
    page: {essay: path.relative(root, essay), bytes, limit: budget.pageBytes, ok: bytes <= budget.pageBytes},
    script: {file: path.relative(root, script), bytes: scriptBytes, limit: budget.scriptBytes, ok: scriptBytes <= budget.scriptBytes}
  }
}

export async function bench(options: {sizes: SizeName[]; reps?: number; log?: (line: string) => void}): Promise<BenchResult> {
  const log = options.log ?? (() => {})
  const time = gnuTime()
  const pandoc = pandocVersion()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-edition-bench-'))
  try {
    const results: SizeResult[] = []
    for (const size of options.sizes) results.push(await benchSize(size, options.reps ?? defaultReps[size], work, time, pandoc !== undefined, log))
    const medium = results.find((r) => r.size === 'medium')
    const large = results.find((r) => r.size === 'large')
    const growth = medium && large ? {mediumMsPerCitation: medium.ours.msPerCitation, largeMsPerCitation: large.ours.msPerCitation, factor: large.ours.msPerCitation / medium.ours.msPerCitation} : undefined
    const cpu = os.cpus()
    return {
      date: new Date().toISOString(),
      machine: {cores: cpu.length, cpu: cpu[0]?.model ?? 'unknown', node: process.version, ...(pandoc ? {pandoc} : {}), memoryMeter: time ? 'GNU time (max RSS)' : '/proc VmHWM'},
      styles: [...shippedStyleIds],
      sizes: results,
      ...(growth ? {growth} : {}),
      ...pageBudget(work),
      targets: {
        ...(medium?.ratio !== undefined ? {ratio: medium.ratio <= budget.ratio} : {}),
        ...(medium ? {memory: results.every((r) => r.size === 'large' || r.ours.peakBytes <= budget.peakBytes)} : {}),
        ...(growth ? {growth: growth.factor <= budget.growth} : {}),
        ...(large?.rebuild ? {rebuild: large.rebuild.ofCold <= budget.rebuild} : {})
      }
    }
  } finally {
    fs.rmSync(work, {recursive: true, force: true})
  }
}

/** The result as the README's table (Markdown). */
export function table(result: BenchResult): string {
  const s = (ms: number) => (ms / 1000).toFixed(2)
  const mib = (bytes: number) => (bytes / MiB).toFixed(0)
  const lines = [
    `| corpus | notes / works / citations | essay-edition, 9 styles | peak | Pandoc, 9 styles one after another | peak | ours / Pandoc | ms per citation, ours / Pandoc | watched rebuild after a paragraph edit (share of cold) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`
  ]
  for (const r of result.sizes) {
    lines.push(
      `| ${r.size} | ${r.notes} / ${r.works} / ${r.citations} | ${s(r.ours.wallMs)} s | ${mib(r.ours.peakBytes)} MiB | ${r.pandoc ? `${s(r.pandoc.wallMs)} s` : '–'} | ${r.pandoc ? `${mib(r.pandoc.peakBytes)} MiB` : '–'} | ${r.ratio !== undefined ? r.ratio.toFixed(2) : '–'} | ${r.ours.msPerCitation.toFixed(2)} / ${r.pandoc ? r.pandoc.msPerCitation.toFixed(2) : '–'} | ${r.rebuild ? `${s(r.rebuild.wallMs)} s (${r.rebuild.ofCold.toFixed(2)})` : '–'} |`
    )
  }
  return lines.join('\n')
}

function summary(result: BenchResult): string {
  const ok = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'ok' : 'OVER')
  const lines = [
    `essay-edition bench, ${result.date.slice(0, 10)}: ${result.machine.cores} cores (${result.machine.cpu}), Node ${result.machine.node}, ${result.machine.pandoc ? `Pandoc ${result.machine.pandoc}` : 'no Pandoc'}; memory by ${result.machine.memoryMeter}; medians`,
    '',
    table(result),
    ''
  ]
  const medium = result.sizes.find((r) => r.size === 'medium')
  if (medium?.ratio !== undefined) lines.push(`medium: ours / Pandoc ${medium.ratio.toFixed(2)} (target ≤ ${budget.ratio}) ${ok(result.targets.ratio)}`)
  if (medium) lines.push(`medium: peak memory ${(medium.ours.peakBytes / MiB).toFixed(0)} MiB (target ≤ ${budget.peakBytes / MiB} MiB) ${ok(result.targets.memory)}`)
  const large = result.sizes.find((r) => r.size === 'large')
  if (large?.rebuild) lines.push(`large: watched rebuild after a paragraph edit ${(large.rebuild.wallMs / 1000).toFixed(2)} s, ${large.rebuild.ofCold.toFixed(3)} of a cold build (target ≤ ${budget.rebuild}) ${ok(result.targets.rebuild)}`)
  if (result.growth) lines.push(`large / medium, per citation: ${result.growth.factor.toFixed(2)} (linear is 1; target ≤ ${budget.growth}) ${ok(result.targets.growth)}`)
  lines.push(`page: ${result.page.essay} with ${result.styles.length} styles, ${(result.page.bytes / KB).toFixed(1)} KB (${result.page.bytes} bytes; limit ${result.page.limit / KB} KB) ${ok(result.page.ok)}`)
  lines.push(`client script: ${result.script.file}, ${(result.script.bytes / KB).toFixed(1)} KB minified (${result.script.bytes} bytes; limit ${result.script.limit / KB} KB) ${ok(result.script.ok)}`)
  return lines.join('\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({
    options: {sizes: {type: 'string', default: 'small,medium,large'}, reps: {type: 'string'}, json: {type: 'boolean'}, preview: {type: 'boolean'}, edits: {type: 'string'}, help: {type: 'boolean', short: 'h'}}
  })
  if (values.help) {
    process.stdout.write('Usage: npm run bench [-- --sizes small,medium,large] [--reps N] [--json]\n       npm run bench -- --preview [--edits N] [--sizes small] [--json]   (--sizes small: the default essay; large: the large corpus)\n')
    process.exit(0)
  }
  if (values.preview) {
    const edits = Number(values.edits ?? 10)
    if (!(Number.isInteger(edits) && edits > 0)) {
      process.stderr.write('bench: --edits takes a whole number above 0\n')
      process.exit(2)
    }
    const result = await previewBench({root, edits, large: values.sizes!.includes('large'), essay: values.sizes!.includes('small'), log: (line) => process.stderr.write(line + '\n')})
    process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : `essay-edition preview bench, ${result.date.slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; medians\n\n${previewTable(result)}\n`)
    process.exit(0)
  }
  const chosen = values.sizes!.split(',').map((s) => s.trim()).filter(Boolean)
  for (const size of chosen) {
    if (!(size in sizes)) {
      process.stderr.write(`bench: unknown size "${size}" (small, medium, large)\n`)
      process.exit(2)
    }
  }
  const reps = values.reps !== undefined ? Number(values.reps) : undefined
  if (reps !== undefined && !(Number.isInteger(reps) && reps > 0)) {
    process.stderr.write('bench: --reps takes a whole number above 0\n')
    process.exit(2)
  }
  const result = await bench({sizes: chosen as SizeName[], ...(reps ? {reps} : {}), log: (line) => process.stderr.write(line + '\n')})
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : summary(result) + '\n')
}
