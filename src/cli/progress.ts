/**
 * What a command says while it works. On a terminal: one live line (done / total, the current file,
 * the time so far), rewritten in place with `\r` and cleared at the end, then a summary line (built,
 * warnings, errors, time, where the output went). Not on a terminal, or with `--quiet`: nothing but
 * the diagnostics. `--verbose` adds the time of each stage of each essay, on any stream.
 */
import path from 'node:path'
import type {VFile} from 'vfile'

export interface ProgressOptions {
  /** Where to write (default: process.stderr). */
  stream?: NodeJS.WritableStream & {isTTY?: boolean; columns?: number}
  quiet?: boolean
  verbose?: boolean
  /** Force the live line on or off (default: when the stream is a terminal and not quiet). */
  live?: boolean
  /** The verb of the summary line (default "built"). */
  verb?: string
}

export interface Summary {
  /** Essays that succeeded. */
  done: number
  total: number
  /** Every file with its messages (warnings and errors are counted from them). */
  files: VFile[]
  /** Where the outputs are; none for `check`. */
  outDir?: string
  /** Essays reused unchanged (watch mode). */
  unchanged?: number
  /** Essays whose prose edit was patched into the last page (watch mode, src/util/prose-patch.ts). */
  patched?: number
}

const relative = (file: string) => path.relative(process.cwd(), file) || file

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`
}

/** Count errors and warnings as vfile-reporter does (`fatal: true` errors, `false` warnings). */
export function countMessages(files: VFile[]): {errors: number; warnings: number} {
  let errors = 0
  let warnings = 0
  for (const file of files) {
    for (const message of file.messages) {
      if (message.fatal === true) errors++
      else if (message.fatal === false) warnings++
    }
  }
  return {errors, warnings}
}

export class Progress {
  readonly live: boolean
  readonly quiet: boolean
  readonly verbose: boolean
  private readonly stream: NonNullable<ProgressOptions['stream']>
  private readonly verb: string
  private total = 0
  private finished = 0
  private readonly current: string[] = []
  private started = performance.now()
  private shown = false
  private ticker: NodeJS.Timeout | undefined
  private readonly stages = new Map<string, Array<[string, number]>>()

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr
    this.quiet = Boolean(options.quiet)
    this.verbose = Boolean(options.verbose) && !this.quiet
    this.live = options.live ?? (Boolean(this.stream.isTTY) && !this.quiet)
    this.verb = options.verb ?? 'built'
  }

  /** A run of `total` essays begins. */
  start(total: number): void {
    this.total = total
    this.finished = 0
    this.current.length = 0
    this.started = performance.now()
    if (this.live) {
      this.ticker = setInterval(() => this.draw(), 200)
      this.ticker.unref()
      this.draw()
    }
  }

  /** Work on `source` begins; returns the hooks to pass to the build (stage timings). */
  begin(source: string): {onStage?: (name: string, ms: number) => void} {
    this.current.push(source)
    this.draw()
    if (!this.verbose) return {}
    this.stages.set(source, [])
    return {onStage: (name, ms) => this.stages.get(source)?.push([name, ms])}
  }

  /** Work on `source` is done. */
  end(source: string): void {
    const at = this.current.indexOf(source)
    if (at >= 0) this.current.splice(at, 1)
    this.finished++
    const stages = this.stages.get(source)
    if (stages) {
      this.stages.delete(source)
      const total = stages.reduce((sum, [, ms]) => sum + ms, 0)
      const line = stages.length > 0
        ? `${relative(source)}: ${stages.map(([name, ms]) => `${name} ${formatMs(ms)}`).join(', ')} (${formatMs(total)})`
        : `${relative(source)}: not built (unchanged or unreadable)`
      this.print(line + '\n')
    }
    this.draw()
  }

  /** Write text (diagnostics) without tearing the live line. */
  print(text: string): void {
    this.clear()
    this.stream.write(text)
    this.draw()
  }

  /** Clear the live line and stop updating it. */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.ticker = undefined
    this.clear()
    this.current.length = 0
  }

  /** The line that ends a run: on a terminal (or with --verbose), never under --quiet. */
  summary(summary: Summary): void {
    this.stop()
    if (this.quiet || !(this.live || this.verbose)) return
    this.stream.write(summaryLine(summary, this.verb, performance.now() - this.started) + '\n')
  }

  private clear(): void {
    if (!this.shown) return
    this.stream.write('\r\x1b[2K')
    this.shown = false
  }

  private draw(): void {
    if (!this.live || !this.ticker) return
    const elapsed = `${((performance.now() - this.started) / 1000).toFixed(1)} s`
    const file = this.current.length > 0 ? relative(this.current[this.current.length - 1]!) : ''
    let line = `[${this.finished}/${this.total}] ${file ? `${this.verb === 'checked' ? 'checking' : 'building'} ${file}  ` : ''}${elapsed}`
    const width = (this.stream.columns || 80) - 1
    if (line.length > width) line = line.slice(0, Math.max(0, width - 1)) + '…'
    this.stream.write('\r\x1b[2K' + line)
    this.shown = true
  }
}

export function summaryLine(summary: Summary, verb: string, ms: number): string {
  const {errors, warnings} = countMessages(summary.files)
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const parts = [
    `essay-edition: ${verb} ${summary.done} of ${plural(summary.total, 'essay')}`,
    summary.unchanged || summary.patched ? ` (${[summary.unchanged ? `${summary.unchanged} unchanged` : '', summary.patched ? `${summary.patched} patched, words only` : ''].filter(Boolean).join(', ')})` : '',
    `, ${plural(warnings, 'warning')}, ${plural(errors, 'error')}, in ${formatMs(ms)}`,
    summary.outDir !== undefined ? `, into ${path.relative(process.cwd(), summary.outDir) || '.'}` : ''
  ]
  return parts.join('')
}
