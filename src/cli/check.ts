/**
 * `essay-edition check`: every diagnostic the build would give, nothing written. The essays go
 * through `buildEssay`, the very build, so the checks cannot drift from it.
 */
import path from 'node:path'
import type {ParseArgsConfig} from 'node:util'
import type {VFile} from 'vfile'
import {failed, planBuild, UsageError, type BuildOptions} from '../build.js'
import {fail, parse, report, editionOptions, editionRequest, buildPlanned} from './shared.js'
import {Progress} from './progress.js'

export const checkUsage = `Usage: essay-edition check [FILE.md|DIR ...] [options]

Check essays as the build does (front matter, notes, citation keys, bibliographies,
styles) and print every diagnostic. Nothing is written. Exit code 0 when no error,
1 on errors (or warnings under --strict), 2 on usage errors. With no FILE, every
essay in essay/.

Options:
  --format text|json     text as vfile-reporter prints it (default, on stderr), or a JSON
                         array of messages on stdout: file, line, column, endLine,
                         endColumn, severity, ruleId, source, reason
  --bibliography FILE    bibliography, overriding the front matter's; may repeat
  --style ID|FILE.csl    a style to check against; may repeat (default: the nine shipped)
  --default-style ID     the style shown first
  --csl-dir DIR          another folder of .csl styles; may repeat
  --strict               warnings are errors
  --trust-html           keep the essay's raw HTML unsanitized (trusted authors only)
  --no-smart             keep straight quotes, --, --- and ... as typed (Pandoc's
                         -f markdown-smart); default: curly quotes, dashes, ellipses
  --quiet                print errors only
  --verbose              also the time of each stage of each essay
  -h, --help             this help

Examples:
  essay-edition check
  essay-edition check essay/my-essay.md --strict
  essay-edition check essay --format json > problems.json`

export const checkOptions = {
  ...editionOptions,
  format: {type: 'string'}
} satisfies ParseArgsConfig['options']

export interface JsonMessage {
  file: string
  line: number | null
  column: number | null
  endLine: number | null
  endColumn: number | null
  severity: 'error' | 'warning' | 'info'
  ruleId: string | null
  source: string | null
  reason: string
}

/** Every message of the files, as plain data (paths relative to the working folder). */
export function jsonMessages(files: VFile[], strict = false): JsonMessage[] {
  const messages: JsonMessage[] = []
  for (const file of files) {
    for (const message of file.messages) {
      const name = (message as {file?: string}).file || file.path || '<input>'
      const start = message.place && 'start' in message.place ? message.place.start : message.place
      const end = message.place && 'end' in message.place ? message.place.end : undefined
      messages.push({
        file: path.relative(process.cwd(), name) || name,
        line: start?.line ?? null,
        column: start?.column ?? null,
        endLine: end?.line ?? null,
        endColumn: end?.column ?? null,
        severity: message.fatal === true || (strict && message.fatal === false) ? 'error' : message.fatal === false ? 'warning' : 'info',
        ruleId: message.ruleId ?? null,
        source: message.source ?? null,
        reason: message.reason
      })
    }
  }
  return messages
}

export async function check(args: string[]): Promise<number> {
  const {values, positionals} = parse(args, checkOptions, checkUsage)
  if (values.help) {
    process.stdout.write(checkUsage + '\n')
    return 0
  }
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'json') fail(`--format is text or json, not "${format}"`, checkUsage)
  const options: BuildOptions = editionRequest(values, positionals)
  let plan
  try {
    plan = planBuild(options)
  } catch (error) {
    if (error instanceof UsageError) fail(error.message, checkUsage)
    throw error
  }
  const json = format === 'json'
  const progress = new Progress({quiet: values.quiet, verbose: values.verbose, verb: 'checked'})
  const results = await buildPlanned(plan, options, progress)
  const files = results.map((r) => r.file)
  if (json) {
    let messages = jsonMessages(files, options.strict)
    if (values.quiet) messages = messages.filter((m) => m.severity === 'error')
    process.stdout.write(JSON.stringify(messages, null, 2) + '\n')
  } else {
    const output = report(files, {quiet: values.quiet, strict: options.strict})
    if (output) process.stderr.write(output + '\n')
  }
  const good = results.filter((r) => r.ok && !failed(r.file, options.strict))
  progress.summary({done: good.length, total: results.length, files})
  return good.length === results.length ? 0 : 1
}
