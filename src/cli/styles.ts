/**
 * `essay-edition styles`: the styles `--style ID` accepts. The shipped ones (parsed as the build
 * parses them); with `--all`, also every CSL style in the system's folders and in `--csl-dir`
 * folders, read only as far as their `<info>` block so that thousands of files list quickly.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {ParseArgsConfig} from 'node:util'
import {loadStyle, shippedStyleIds, shippedStylesDir, systemStyleDirs} from '../citations/styles.js'
import {fail, parse} from './shared.js'

export const stylesUsage = `Usage: essay-edition styles [--all] [--csl-dir DIR ...] [options]

List the citation styles: id, kind (note, author-date, numeric, author, label) and title.
Any id listed is accepted by \`build --style ID\`.

Options:
  --all                  also every CSL style in the system's folders
                         (${systemStyleDirs.join(', ')}) and in --csl-dir folders
  --csl-dir DIR          also the styles in this folder; may repeat
  --format text|json     a table (default) or a JSON array of {id, kind, class, title,
                         dependent, path}
  -h, --help             this help

Examples:
  essay-edition styles
  essay-edition styles --all | grep -i chicago
  essay-edition build --style apa-6th-edition`

export const stylesOptions = {
  all: {type: 'boolean'},
  'csl-dir': {type: 'string', multiple: true},
  format: {type: 'string'},
  help: {type: 'boolean', short: 'h'}
} satisfies ParseArgsConfig['options']

export interface StyleSummary {
  id: string
  /** `citation-format`: note, author-date, numeric, author or label. */
  kind: string
  /** `note` or `in-text`, when the file says (dependent styles take their parent's). */
  class: string | undefined
  title: string
  /** True for a dependent style (it borrows its parent's citation rules). */
  dependent: boolean
  path: string
  /** Where it was found: shipped, a --csl-dir folder, or the system's. */
  origin: 'shipped' | 'csl-dir' | 'system'
}

const decode = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&')

/** Read the start of a file, enough for `<info>` (more when `<info>` runs long). */
function head(file: string): string {
  const fd = fs.openSync(file, 'r')
  try {
    let size = 4096
    let text = ''
    for (;;) {
      const buffer = Buffer.alloc(size)
      const read = fs.readSync(fd, buffer, 0, size, 0)
      text = buffer.subarray(0, read).toString('utf8')
      if (read < size || /<\/info>/.test(text) || size >= 1 << 20) return text
      size *= 4
    }
  } finally {
    fs.closeSync(fd)
  }
}

/** What `--all` shows of a style file, from its first kilobytes; undefined if it is no CSL style. */
export function summarizeStyleFile(file: string, origin: StyleSummary['origin']): StyleSummary | undefined {
  let text: string
  try {
    text = head(file)
  } catch {
    return undefined
  }
  const style = /<style\b[^>]*>/.exec(text)
  if (!style) return undefined
  const id = path.basename(file).replace(/\.csl$/i, '')
  const title = /<info>[\s\S]*?<title>([^<]*)<\/title>/.exec(text)?.[1]
  const cls = /\sclass="([^"]*)"/.exec(style[0])?.[1]
  const format = /citation-format="([^"]*)"/.exec(text)?.[1]
  return {
    id,
    kind: format ?? (cls === 'note' ? 'note' : cls === 'in-text' ? 'author-date' : 'unknown'),
    class: cls,
    title: title ? decode(title.trim()) : id,
    dependent: /rel="independent-parent"/.test(text),
    path: file,
    origin
  }
}

/** The shipped styles, parsed as the build parses them. */
export function shippedStyles(): StyleSummary[] {
  return shippedStyleIds.map((id) => {
    const style = loadStyle(id)
    return {id, kind: style.format, class: style.class, title: style.title, dependent: false, path: style.path, origin: 'shipped' as const}
  })
}

/** Every style in the folders, first found wins (the order `--style ID` searches them). */
export function allStyles(cslDirs: string[] = []): StyleSummary[] {
  const found = new Map<string, StyleSummary>()
  for (const style of shippedStyles()) found.set(style.id, style)
  const folders: Array<[string, StyleSummary['origin']]> = [
    [shippedStylesDir, 'shipped'],
    ...cslDirs.map((dir): [string, StyleSummary['origin']] => [dir, 'csl-dir']),
    ...systemStyleDirs.map((dir): [string, StyleSummary['origin']] => [dir, 'system'])
  ]
  for (const [dir, origin] of folders) {
    for (const sub of [dir, path.join(dir, 'dependent')]) {
      let names: string[]
      try {
        names = fs.readdirSync(sub)
      } catch {
        continue
      }
      for (const name of names.sort()) {
        if (!name.endsWith('.csl') || found.has(name.slice(0, -4))) continue
        const summary = summarizeStyleFile(path.join(sub, name), origin)
        if (summary) found.set(summary.id, summary)
      }
    }
  }
  return [...found.values()]
}

export async function styles(args: string[]): Promise<number> {
  const {values, positionals} = parse(args, stylesOptions, stylesUsage)
  if (values.help) {
    process.stdout.write(stylesUsage + '\n')
    return 0
  }
  if (positionals.length > 0) fail(`styles takes no file (given: ${positionals.join(' ')})`, stylesUsage)
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'json') fail(`--format is text or json, not "${format}"`, stylesUsage)
  const cslDirs = (values['csl-dir'] ?? []).map((dir) => path.resolve(dir))
  for (const dir of cslDirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`--csl-dir ${path.relative(process.cwd(), dir) || dir} is not a folder`, stylesUsage)
  }
  const list = values.all || cslDirs.length > 0 ? (values.all ? allStyles(cslDirs) : [...shippedStyles(), ...allStyles(cslDirs).filter((s) => s.origin === 'csl-dir')]) : shippedStyles()
  if (format === 'json') {
    process.stdout.write(JSON.stringify(list.map(({origin: _origin, ...style}) => style), null, 2) + '\n')
    return 0
  }
  const idWidth = Math.min(48, Math.max(...list.map((s) => s.id.length)))
  const kindWidth = Math.max(...list.map((s) => s.kind.length))
  const lines = list.map((s) => `${s.id.padEnd(idWidth)}  ${s.kind.padEnd(kindWidth)}  ${s.title}${s.dependent ? ' (dependent)' : ''}`)
  process.stdout.write(lines.join('\n') + '\n')
  if (process.stdout.isTTY) {
    const counts = values.all ? ` (${list.filter((s) => s.origin === 'shipped').length} shipped, ${list.filter((s) => s.origin !== 'shipped').length} found)` : ''
    process.stderr.write(`essay-edition: ${list.length} style${list.length === 1 ? '' : 's'}${counts}${values.all ? '' : '; --all lists the system\'s too'}\n`)
  }
  return 0
}
