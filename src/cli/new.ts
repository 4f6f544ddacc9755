/**
 * `essay-edition new NAME`: start an essay. Writes `essay/NAME.md` (front matter, a paragraph, a
 * note with a citation) and `bibliography/NAME.json` (the one work it cites), ready to build.
 * Never overwrites anything.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {ParseArgsConfig} from 'node:util'
import {fail, parse} from './shared.js'

export const newUsage = `Usage: essay-edition new NAME [options]

Start an essay: writes essay/NAME.md (front matter, a paragraph, a note with a
citation) and bibliography/NAME.json (the work it cites), ready to build. NAME is a
slug: lower-case letters, digits and hyphens (it names the files and the web address).
Existing files are never overwritten.

Options:
  --title TEXT           the essay's title (default: from NAME)
  -h, --help             this help

Examples:
  essay-edition new my-essay
  essay-edition new rivers-of-memory --title "Rivers of Memory"
  essay-edition preview essay/my-essay.md`

export const newOptions = {
  title: {type: 'string'},
  help: {type: 'boolean', short: 'h'}
} satisfies ParseArgsConfig['options']

/** A slug that is safe as a file name and a path segment on every system. */
export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

const yamlString = (text: string) => JSON.stringify(text)

export function essayTemplate(title: string, name: string, date: string): string {
  return `---
title: ${yamlString(title)}
author: Your Name
date: ${date}
lang: en
style: chicago-fullnote-bibliography
---

Write the first paragraph here. Pandoc's citation syntax cites a work of the bibliography
(\`bibliography/${name}.json\`): Woolf asks what a writer needs [@woolf1929, p. 4].
The reader can switch between the citation styles at the top of the page.

A second paragraph, with a note of your own.[^first]

[^first]: A note may cite too: see @woolf1929 [chap. 1].
`
}

export function bibliographyTemplate(): string {
  return JSON.stringify([
    {
      id: 'woolf1929',
      type: 'book',
      title: 'A Room of One’s Own',
      author: [{family: 'Woolf', given: 'Virginia'}],
      publisher: 'Hogarth Press',
      'publisher-place': 'London',
      issued: {'date-parts': [[1929]]}
    }
  ], null, 2) + '\n'
}

export async function newEssay(args: string[]): Promise<number> {
  const {values, positionals} = parse(args, newOptions, newUsage)
  if (values.help) {
    process.stdout.write(newUsage + '\n')
    return 0
  }
  if (positionals.length !== 1) fail(positionals.length === 0 ? 'new needs a NAME' : `new takes one NAME (given: ${positionals.join(' ')})`, newUsage)
  const name = positionals[0]!
  if (!slugPattern.test(name)) {
    const suggestion = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\.(md|markdown)$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
    fail(`"${name}" is not a safe name: use lower-case letters, digits and hyphens${suggestion && slugPattern.test(suggestion) ? ` (e.g. ${suggestion})` : ''}`, newUsage)
  }
  const essay = path.join('essay', `${name}.md`)
  const bibliography = path.join('bibliography', `${name}.json`)
  const existing = [essay, bibliography].filter((file) => fs.existsSync(file))
  if (existing.length > 0) {
    process.stderr.write(`essay-edition: refusing to overwrite ${existing.join(' and ')}: choose another NAME, or remove ${existing.length === 1 ? 'it' : 'them'} first\n`)
    return 1
  }
  const title = values.title ?? name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())
  const date = new Date().toISOString().slice(0, 10)
  fs.mkdirSync('essay', {recursive: true})
  fs.mkdirSync('bibliography', {recursive: true})
  // `wx`: fail rather than overwrite a file that appeared meanwhile.
  const refuse = (error: unknown, file: string): number => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    process.stderr.write(`essay-edition: refusing to overwrite ${file}: choose another NAME, or remove it first\n`)
    return 1
  }
  try {
    fs.writeFileSync(bibliography, bibliographyTemplate(), {flag: 'wx'})
  } catch (error) {
    return refuse(error, bibliography)
  }
  try {
    fs.writeFileSync(essay, essayTemplate(title, name, date), {flag: 'wx'})
  } catch (error) {
    fs.rmSync(bibliography, {force: true})
    return refuse(error, essay)
  }
  process.stdout.write(`Created ${essay} and ${bibliography}.\nNext: essay-edition preview ${essay}   (or: essay-edition build ${essay})\n`)
  return 0
}
