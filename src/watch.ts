/**
 * Watching essays and rebuilding them (`build --watch`, `preview`).
 *
 * - `BuildCache` keeps each essay's last result with a hash of its inputs: the essay's bytes, the
 *   bytes of the bibliography files it reads (or would find by convention), the styles it renders
 *   (for a dependent style, its parent's XML) and the options. An essay whose hash is unchanged is
 *   not built again.
 * - `Rebuilder` watches the folders that hold those inputs (folders, not files: editors replace a
 *   file by renaming a new one over it), waits for a short quiet spell (debounce), and runs the
 *   build again when an input really changed or an essay appeared. Runs never overlap.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {VFile} from 'vfile'
import {bibliographyFiles, conventionDirsFor, failed, readEssay, type BuildOptions, type EssayCache, type EssayResult, type buildEssay} from './build.js'
import {closingFence, parser, resolveStyles} from './pipeline.js'
import {renderInThread} from './citations/pool.js'
import {HtmlMemo} from './util/html-memo.js'
import {MarkdownMemo} from './util/markdown-memo.js'
import {patchProse} from './util/prose-patch.js'
import {isInside} from './outputs/write.js'
import {Exit} from './cli/shared.js'

const sha = (data: string | Uint8Array) => crypto.createHash('sha256').update(data).digest('hex')

/** Options that change what an essay's build produces: the plain values (functions, the cache excluded). */
function optionsKey(options: BuildOptions): string {
  const plain = (value: unknown): boolean =>
    value === null || ['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every(plain))
  const entries = Object.entries(options).filter(([key, value]) => key !== 'inputs' && plain(value)).sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify([process.cwd(), entries])
}

interface Entry {
  hash: string
  /** The hash of every input but the essay's own text. */
  context: string
  result: EssayResult
  /** The options it was built with (for `stale()`). */
  options: BuildOptions
  /** Files and folders whose changes matter. */
  inputs: string[]
}

/**
 * Reads an input's bytes once per check: `snapshot` maps a path to the digest read before the
 * build, so that the hash stored after a build describes what the build read, not a later edit
 * (which then shows as a change and is built).
 */
type Snapshot = Map<string, string>

export class BuildCache implements EssayCache {
  private readonly entries = new Map<string, Entry>()
  private seen = new Set<string>()
  /** Essays built and reused in the current run; of those built, how many by patching prose. */
  rebuilt = 0
  reused = 0
  patched = 0

  private render: RenderAll = renderInThread
  /** Each essay's parsed chunks and printed blocks: a rebuild redoes only what changed. */
  private readonly memos = new Map<string, {markdownMemo: MarkdownMemo; htmlMemo: HtmlMemo}>()
  /** Renders a style again only when its citations, works or XML changed (prose edits render nothing). */
  private readonly remembering = rememberingRenderer((jobs) => this.render(jobs))

  async build(source: string, slug: string, dir: string, options: BuildOptions, run: typeof buildEssay): Promise<EssayResult> {
    this.seen.add(source)
    const entry = this.entries.get(source)
    const snapshot: Snapshot = new Map()
    const before = inputsOf(source, slug, dir, entry?.result.file, options, snapshot)
    if (entry && entry.hash === before.hash) {
      this.reused++
      return entry.result
    }
    this.render = options.renderAll ?? renderInThread
    let memos = this.memos.get(source)
    if (!memos) {
      memos = {markdownMemo: new MarkdownMemo((markdown, frontMatter) => parser({frontMatter, frontMatterClose: closingFence(markdown)}).parse(markdown)), htmlMemo: new HtmlMemo()}
      this.memos.set(source, memos)
    }
    // Only the essay's words changed (its other inputs as they were, no PDF or EPUB to make): the
    // last page with those words changed, when the edit is prose alone (src/util/prose-patch.ts).
    let result: EssayResult | undefined
    if (entry && entry.context === before.context && !options.pdf && !options.epub) {
      // Read as the build reads it; unreadable or not UTF-8, the build says why.
      const essay = readEssay(source)
      if (!failed(essay)) result = await patchProse(entry.result, String(essay.value), {...memos, smart: options.smart, onStage: options.onStage})
      if (result) this.patched++
    }
    result ??= await run(source, slug, dir, {...options, renderAll: this.remembering, ...memos})
    const after = inputsOf(source, slug, dir, result.file, options, snapshot)
    this.entries.set(source, {hash: after.hash, context: after.context, result, options, inputs: after.inputs})
    this.rebuilt++
    return result
  }

  /** A run begins: counts reset; essays not built in it are forgotten at its end. */
  beginRun(): void {
    this.seen = new Set()
    this.rebuilt = 0
    this.reused = 0
    this.patched = 0
  }

  endRun(): void {
    for (const source of this.entries.keys()) if (!this.seen.has(source)) this.entries.delete(source)
    for (const source of this.memos.keys()) if (!this.seen.has(source)) this.memos.delete(source)
  }

  has(source: string): boolean {
    return this.entries.has(source)
  }

  /** True when some essay's inputs changed since it was built. */
  stale(): boolean {
    for (const [source, entry] of this.entries) {
      const {hash} = inputsOf(source, entry.result.slug, entry.result.dir, entry.result.file, entry.options, new Map())
      if (hash !== entry.hash) return true
    }
    return false
  }

  /** Every file and folder the cached essays depend on. */
  inputs(): string[] {
    const all = new Set<string>()
    for (const entry of this.entries.values()) for (const input of entry.inputs) all.add(input)
    return [...all]
  }
}

/** The hash of an essay's inputs, and the files and folders they are in. */
export function inputsOf(source: string, slug: string, dir: string, previous: VFile | undefined, options: BuildOptions, snapshot: Snapshot = new Map()): {hash: string; context: string; inputs: string[]} {
  const digest = (file: string): string => {
    let value = snapshot.get(file)
    if (value === undefined) {
      try {
        value = sha(fs.readFileSync(file))
      } catch {
        value = 'missing'
      }
      snapshot.set(file, value)
    }
    return value
  }
  // What the previous build learnt from the front matter (bibliography:, style:) still holds when
  // the essay's bytes are the same; when they differ, the hash differs anyway.
  const file = new VFile({path: source})
  if (previous?.data.metadata) file.data.metadata = previous.data.metadata
  const conventionDirs = conventionDirsFor(source, options)
  const parts = [optionsKey(options), slug, dir, source, '']
  const inputs = [source, ...conventionDirs, ...(options.styleDirs ?? [])]
  // The files the build read (`file.data.bibliography.files`), and those it would read now.
  const bibs = new Set([...(previous?.data.bibliography?.files ?? []), ...bibliographyFiles(file, {files: options.bibliography, cwd: options.cwd, conventionDirs}).files])
  for (const bib of [...bibs].sort()) {
    parts.push(bib, digest(bib))
    inputs.push(bib)
  }
  // The images the EPUB read (src/outputs/epub.ts), found or not.
  for (const image of previous?.data.epubImages ?? []) {
    parts.push(`image:${image}`, digest(image))
    inputs.push(image)
  }
  try {
    for (const style of resolveStyles(file, options).styles) {
      const key = `style:${style.path}`
      if (!snapshot.has(key)) snapshot.set(key, sha(style.xml))
      parts.push(key, snapshot.get(key)!)
      inputs.push(style.path)
    }
  } catch {
    parts.push('styles: unreadable')
  }
  for (const message of file.messages) parts.push(`style problem: ${message.reason}`)
  const context = sha(parts.join('\0'))
  parts[4] = digest(source)
  return {hash: sha(parts.join('\0')), context, inputs}
}

/** The folder to watch for a file or folder: itself when a folder, else its parent; the nearest that exists. */
export function folderToWatch(input: string): string | undefined {
  let dir = path.resolve(input)
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir)
  } catch {
    dir = path.dirname(dir)
  }
  for (;;) {
    if (fs.existsSync(dir)) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export interface RebuilderOptions {
  /** One build; returns false when it could not start (a usage error), so any change retries. */
  run: () => Promise<boolean>
  cache: BuildCache
  /** More files or folders to watch (input folders). */
  watch?: () => string[]
  /** Changes to ignore (the output folder). */
  ignore?: (file: string) => boolean
  /** Quiet spell before a rebuild (default 25 ms). */
  debounceMs?: number
  /** Told the changed files before a rebuild. */
  onChange?: (files: string[]) => void
}

const editorNoise = /(^\.#|~$|\.sw[a-p]$|^4913$|\.tmp-\d+-[0-9a-f]+$)/

/** Runs a build now and again whenever its inputs change. */
export class Rebuilder {
  private readonly watchers = new Map<string, fs.FSWatcher>()
  private readonly changed = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private pending = false
  private lastFailed = false
  private closed = false

  constructor(private readonly options: RebuilderOptions) {}

  /** Build now (the first build, or on demand); resolves when done. */
  async runNow(): Promise<void> {
    if (this.running) {
      this.pending = true
      return this.running
    }
    this.running = (async () => {
      try {
        this.options.cache.beginRun()
        this.lastFailed = !(await this.options.run())
      } catch (error) {
        this.lastFailed = true
        throw error
      } finally {
        this.options.cache.endRun()
        this.rewatch()
        this.running = undefined
      }
    })()
    await this.running
    if (this.pending && !this.closed) {
      this.pending = false
      this.changed.add('')
      this.schedule()
    }
  }

  /** The folders watched now. */
  folders(): string[] {
    return [...this.watchers.keys()].sort()
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    for (const watcher of this.watchers.values()) watcher.close()
    this.watchers.clear()
  }

  private rewatch(): void {
    if (this.closed) return
    const wanted = new Set<string>()
    for (const input of [...this.options.cache.inputs(), ...(this.options.watch?.() ?? [])]) {
      const folder = folderToWatch(input)
      if (folder) wanted.add(folder)
    }
    for (const [folder, watcher] of this.watchers) {
      if (!wanted.has(folder)) {
        watcher.close()
        this.watchers.delete(folder)
      }
    }
    for (const folder of wanted) {
      if (this.watchers.has(folder)) continue
      try {
        const watcher = fs.watch(folder, (_event, name) => this.noticed(path.join(folder, name ? String(name) : '')))
        watcher.on('error', () => {
          watcher.close()
          this.watchers.delete(folder)
          this.noticed(folder)
        })
        this.watchers.set(folder, watcher)
      } catch {
        /* gone meanwhile: the next run looks again */
      }
    }
  }

  private noticed(file: string): void {
    if (this.closed) return
    if (editorNoise.test(path.basename(file))) return
    if (this.options.ignore?.(file)) return
    this.changed.add(file)
    this.schedule()
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.flush(), this.options.debounceMs ?? 25)
  }

  private async flush(): Promise<void> {
    this.timer = undefined
    if (this.closed) return
    if (this.running) {
      this.pending = true
      return
    }
    const changed = [...this.changed]
    this.changed.clear()
    const newEssay = changed.some((file) => /\.(md|markdown)$/i.test(file) && !this.options.cache.has(file))
    if (this.lastFailed || newEssay || changed.includes('') || this.options.cache.stale()) {
      try {
        const inputs = new Set(this.options.cache.inputs())
        this.options.onChange?.(changed.filter((file) => inputs.has(file) || /\.(md|markdown)$/i.test(file)))
        await this.runNow()
      } catch (error) {
        process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
      }
    } else this.rewatch()
  }
}

/** Resolves with the signal when the user presses Ctrl-C (SIGINT) or the process is told to stop (SIGTERM). */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals) => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve(signal)
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
  })
}

/**
 * `build --watch`: run the build (given the cache, so unchanged essays are skipped), then again on
 * every change, until Ctrl-C. A usage error in the first run ends it with that code; later ones are
 * reported and the watching goes on.
 */
export async function watchBuild(run: (cache: BuildCache) => Promise<number>, options: {inputs: string[]; out: string; quiet?: boolean | undefined}): Promise<number> {
  const cache = new BuildCache()
  let first = true
  const rebuilder = new Rebuilder({
    cache,
    run: async () => {
      try {
        await run(cache)
        return true
      } catch (error) {
        if (error instanceof Exit && !first) return false
        throw error
      }
    },
    watch: () => options.inputs.map((input) => path.resolve(input)),
    ignore: (file) => isInside(file, options.out),
    onChange: (files) => {
      if (!options.quiet) process.stderr.write(`essay-edition: ${files.length > 0 ? `${files.map((f) => path.relative(process.cwd(), f) || f).join(', ')} changed, ` : ''}building\n`)
    }
  })
  try {
    await rebuilder.runNow()
  } catch (error) {
    rebuilder.close()
    if (error instanceof Exit) return error.code
    throw error
  }
  first = false
  if (!options.quiet) process.stderr.write(`essay-edition: watching ${rebuilder.folders().length} folder${rebuilder.folders().length === 1 ? '' : 's'} for changes (Ctrl-C stops)\n`)
  await untilInterrupted()
  rebuilder.close()
  return 0
}

type RenderAll = NonNullable<BuildOptions['renderAll']>
type RenderJob = Parameters<RenderAll>[0][number]
type Rendered = Awaited<ReturnType<RenderAll>>[number]

/**
 * A `renderAll` that remembers its results: a style job (the style's XML, the works, the
 * citations in order with their note numbers, the language) whose every input is the same as in an
 * earlier build gives the same rendering, so an edit of the prose alone renders nothing again.
 * Keeps the last `size` renderings.
 */
export function rememberingRenderer(render: RenderAll, size = 64): RenderAll {
  const remembered = new Map<string, Rendered>()
  const itemsKeys = new WeakMap<object, string>()
  const keyOf = (job: RenderJob): string => {
    let items = itemsKeys.get(job.items)
    if (items === undefined) {
      items = sha(JSON.stringify([...job.items.entries()]))
      itemsKeys.set(job.items, items)
    }
    const {style, items: _items, ...rest} = job
    return sha(JSON.stringify([style.id, style.path, sha(style.xml), items, rest]))
  }
  return async (jobs) => {
    const keys = jobs.map(keyOf)
    const missing = jobs.map((job, index) => ({job, index})).filter(({index}) => !remembered.has(keys[index]!))
    if (missing.length > 0) {
      const rendered = await render(missing.map(({job}) => job))
      missing.forEach(({index}, at) => remembered.set(keys[index]!, rendered[at]!))
    }
    const results = keys.map((key) => {
      const result = remembered.get(key)!
      remembered.delete(key)
      remembered.set(key, result)
      return structuredClone(result)
    })
    while (remembered.size > size) remembered.delete(remembered.keys().next().value!)
    return results
  }
}
