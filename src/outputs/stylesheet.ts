/** The outputs' own stylesheets (print.css, epub.css), read once from the source tree: tsc does not copy CSS into dist/. */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const read = new Map<string, string>()

/** `src/outputs/NAME`, read once. */
export function outputStylesheet(name: 'print.css' | 'epub.css'): string {
  let css = read.get(name)
  if (css === undefined) read.set(name, (css = fs.readFileSync(path.resolve(here, '../../../src/outputs', name), 'utf8')))
  return css
}
