/**
 * What every command shares: argument parsing with "did you mean", exits, and the reporter that
 * prints diagnostics as vfile-reporter does, grouped by the file they are about.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseArgs, type ParseArgsConfig} from 'node:util'
import {reporter} from 'vfile-reporter'
import {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'
import {buildEssay, type BuildOptions, type BuildPlan, type EssayResult} from '../build.js'
import type {Progress} from './progress.js'

export const version = (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string}).version

export function distance(a: string, b: string): number {
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

export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`)
  }
}

export function fail(message: string, help: string, code = 2): never {
  process.stderr.write(`essay-edition: ${message}\n\n${help}\n`)
  throw new Exit(code)
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, help: string): ReturnType<typeof parseArgs<{args: string[]; options: T; allowPositionals: true; strict: true}>> {
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
        holder = new VFile({path: path.relative(process.cwd(), name) || name})
        byFile.set(name, holder)
      }
      if (options.strict && message.fatal === false) message.fatal = true
      holder.messages.push(message)
    }
  }
  if (byFile.size === 0) return ''
  for (const holder of byFile.values()) for (const message of holder.messages) message.file = holder.path
  return reporter([...byFile.values()], {quiet: options.quiet, verbose: false})
}


/** The options every command that builds takes (build, check, preview). */
export const editionOptions = {
  bibliography: {type: 'string', multiple: true},
  style: {type: 'string', multiple: true},
  'default-style': {type: 'string'},
  'csl-dir': {type: 'string', multiple: true},
  strict: {type: 'boolean'},
  'trust-html': {type: 'boolean'},
  'no-smart': {type: 'boolean'},
  quiet: {type: 'boolean'},
  verbose: {type: 'boolean'},
  help: {type: 'boolean', short: 'h'}
} satisfies ParseArgsConfig['options']

/** What those options ask of the library, with the essays named on the command line. */
export function editionRequest(
  values: {bibliography?: string[]; style?: string[]; 'default-style'?: string; 'csl-dir'?: string[]; strict?: boolean; 'trust-html'?: boolean; 'no-smart'?: boolean},
  positionals: string[]
): BuildOptions {
  return {
    inputs: positionals,
    cwd: process.cwd(),
    ...(values.bibliography ? {bibliography: values.bibliography} : {}),
    ...(values.style ? {styles: values.style} : {}),
    ...(values['default-style'] ? {defaultStyle: values['default-style']} : {}),
    ...(values['csl-dir'] ? {styleDirs: values['csl-dir'].map((d) => path.resolve(d))} : {}),
    strict: Boolean(values.strict),
    trustHtml: Boolean(values['trust-html']),
    smart: !values['no-smart']
  }
}

/** Build every essay of a plan in turn, telling the progress display as it goes. */
export async function buildPlanned(plan: BuildPlan, options: BuildOptions, progress: Progress): Promise<EssayResult[]> {
  progress.start(plan.essays.length)
  const results: EssayResult[] = []
  for (const essay of plan.essays) {
    const hooks = progress.begin(essay.source)
    results.push(await buildEssay(essay.source, essay.slug, essay.dir, {...options, ...hooks}))
    progress.end(essay.source)
  }
  progress.stop()
  return results
}
