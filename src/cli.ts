#!/usr/bin/env node
/**
 * The `essay-edition` command: parses arguments, calls the library, prints diagnostics the way
 * vfile-reporter does, and exits 0 (success), 1 (input errors) or 2 (usage).
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseArgs, type ParseArgsConfig} from 'node:util'
import {reporter} from 'vfile-reporter'
import {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'
import {buildEssay, failed, planBuild, sourcesOf, UsageError, type BuildOptions, type EssayResult} from './build.js'
import {collectionPage} from './outputs/collection.js'
import {sourcesInside, writeOutputs, type OutputFiles} from './outputs/write.js'
import {clientAssets} from './pipeline.js'

const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version

const buildUsage = `Usage: essay-edition build [FILE.md|DIR ...] [options]

Build the reading edition of each essay: index.html, references.bib, references.ris,
references.json. With no FILE, every essay in essay/ goes to build/<slug>/, with
build/index.html listing them. One FILE with --out DIR goes to DIR/index.html.

Options:
  --out DIR              output folder (default: build)
  --bibliography FILE    bibliography (CSL-JSON, BibTeX, RIS); may repeat; overrides the
                         front matter's bibliography:
  --style ID|FILE.csl    a style to offer; may repeat (default: the nine shipped styles)
  --default-style ID     the style shown first (default: front matter style:, else the first)
  --csl-dir DIR          another folder of .csl styles; may repeat
  --strict               warnings are errors
  --trust-html           keep the essay's raw HTML unsanitized (trusted authors only)
  --quiet                print errors only
  -h, --help             this help

Examples:
  essay-edition build
  essay-edition build paper/paper.md --out paper/out
  essay-edition build essay/a.md essay/b.md --out site --style apa --style ieee`

const usage = `Usage: essay-edition <command> [options]

Commands:
  build      build reading editions (essay-edition build --help)

Options:
  -h, --help     this help
  -v, --version  the version`

const buildOptions = {
  out: {type: 'string'},
  bibliography: {type: 'string', multiple: true},
  style: {type: 'string', multiple: true},
  'default-style': {type: 'string'},
  'csl-dir': {type: 'string', multiple: true},
  strict: {type: 'boolean'},
  'trust-html': {type: 'boolean'},
  quiet: {type: 'boolean'},
  help: {type: 'boolean', short: 'h'}
} satisfies ParseArgsConfig['options']

function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/** "Did you mean --bibliography?" for a mistyped option. */
export function nearestOption(given: string, known: string[]): string | undefined {
  const name = given.replace(/^-+/, '').split('=')[0]!
  let best: string | undefined
  let bestDistance = Infinity
  for (const option of known) {
    const d = distance(name, option)
    if (d < bestDistance) {
      best = option
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? `--${best}` : undefined
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

function fail(message: string, help: string, code = 2): never {
  process.stderr.write(`essay-edition: ${message}\n\n${help}\n`)
  throw new Exit(code)
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, help: string) {
  try {
    return parseArgs({args, options, allowPositionals: true, strict: true})
  } catch (error) {
    const text = (error as Error).message
    const unknown = /Unknown option '([^']+)'/.exec(text)
    if (unknown) {
      const near = nearestOption(unknown[1]!, Object.keys(options))
      fail(`unknown option ${unknown[1]}${near ? ` (did you mean ${near}?)` : ''}`, help)
    }
    fail(text, help)
  }
}

/** Print messages grouped by the file they are about, as vfile-reporter does. */
export function report(files: VFile[], options: {quiet?: boolean; strict?: boolean} = {}): string {
  const byFile = new Map<string, VFile>()
  for (const file of files) {
    for (const message of file.messages) {
      const name = (message as VFileMessage & {file?: string}).file || file.path || '<input>'
      let holder = byFile.get(name)
      if (!holder) {
        holder = new VFile({path: name})
        byFile.set(name, holder)
      }
      if (options.strict && message.fatal === false) message.fatal = true
      holder.messages.push(message)
    }
  }
  if (byFile.size === 0) return ''
  const cwd = process.cwd()
  for (const holder of byFile.values()) holder.path = path.relative(cwd, holder.path) || holder.path
  return reporter([...byFile.values()], {quiet: options.quiet, verbose: false})
}

async function build(args: string[]): Promise<number> {
  const {values, positionals} = parse(args, buildOptions, buildUsage)
  if (values.help) {
    process.stdout.write(buildUsage + '\n')
    return 0
  }
  const options: BuildOptions = {
    inputs: positionals,
    cwd: process.cwd(),
    ...(values.out !== undefined ? {out: values.out} : {}),
    ...(values.bibliography ? {bibliography: values.bibliography} : {}),
    ...(values.style ? {styles: values.style} : {}),
    ...(values['default-style'] ? {defaultStyle: values['default-style']} : {}),
    ...(values['csl-dir'] ? {styleDirs: values['csl-dir'].map((d) => path.resolve(d))} : {}),
    strict: Boolean(values.strict),
    trustHtml: Boolean(values['trust-html'])
  }
  let plan
  try {
    plan = planBuild(options)
  } catch (error) {
    if (error instanceof UsageError) fail(error.message, buildUsage)
    throw error
  }
  const endangered = sourcesInside(plan.outDir, sourcesOf(plan, options))
  if (endangered.length > 0) {
    fail(`refusing to write into ${path.relative(process.cwd(), plan.outDir) || '.'}: it holds ${endangered.map((s) => path.relative(process.cwd(), s)).join(', ')}. Choose a fresh folder, e.g. --out ${path.join(path.relative(process.cwd(), path.dirname(plan.essays[0]!.source)) || '.', 'out')}`, buildUsage)
  }
  const results: EssayResult[] = []
  for (const essay of plan.essays) {
    results.push(await buildEssay(essay.source, essay.slug, essay.dir, options))
  }
  const output = report(results.map((r) => r.file), {quiet: values.quiet, strict: options.strict})
  if (output) process.stderr.write(output + '\n')
  const good = results.filter((r) => r.ok && !failed(r.file, options.strict))
  const files: OutputFiles = new Map()
  for (const result of good) for (const [name, content] of result.outputs) files.set(name, content)
  if (plan.collection && good.length > 0) {
    files.set('index.html', collectionPage(good.map((result) => ({
      href: `${result.dir}/index.html`,
      title: result.file.data.metadata?.title ?? result.slug,
      ...(result.file.data.metadata?.author ? {author: result.file.data.metadata.author.map((a) => a.name).join(', ')} : {}),
      ...(result.file.data.metadata?.date ? {date: result.file.data.metadata.date} : {}),
      excerpt: excerpt(String(result.file.value))
    })), clientAssets()))
  }
  if (files.size > 0) writeOutputs(plan.outDir, files)
  if (!values.quiet) {
    const where = path.relative(process.cwd(), plan.outDir) || '.'
    process.stderr.write(`essay-edition: built ${good.length} of ${results.length} essay${results.length === 1 ? '' : 's'} into ${where}\n`)
  }
  return good.length === results.length ? 0 : 1
}

/** The first lines of an essay's text, for the collection page. */
function excerpt(markdown: string): string {
  const body = markdown.replace(/^---\r?\n[\s\S]*?\r?\n(---|\.\.\.)\r?\n/, '')
  const paragraph = body.split(/\r?\n\s*\r?\n/).find((block) => /^[^#>\-*|`\[\s]/.test(block.trim()) && !/^\[\^/.test(block.trim())) ?? ''
  const text = paragraph.replace(/\[\^[^\]]+\]/g, '').replace(/\[@[^\]]+\]/g, '').replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim()
  return text.length > 240 ? text.slice(0, 240).replace(/\s+\S*$/, '') + '…' : text
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === '-v' || command === '--version') {
      process.stdout.write(`${version}\n`)
      return 0
    }
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(usage + '\n')
      return command === undefined ? 2 : 0
    }
    if (command === 'build') return await build(rest)
    const near = nearestOption(command, ['build'])
    fail(`unknown command "${command}"${near ? ` (did you mean ${near.slice(2)}?)` : ''}`, usage)
  } catch (error) {
    if (error instanceof Exit) return error.code
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n\nessay-edition: this is a bug in essay-edition, not in your input. Please report it, with the command and the files it read.\n`)
    return 70
  }
}
