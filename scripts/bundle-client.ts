/**
 * Bundle the reader's script (TypeScript, browser only) and stylesheet into dist/client, minified.
 * Run by `npm run compile` after tsc; the build inlines the results in every page.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {build, transform} from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const out = path.join(root, 'dist/client')
fs.mkdirSync(out, {recursive: true})
// The preview's script (src/client/preview.ts, with morphdom) is added by `preview` alone, never to a built page.
for (const name of ['reader', 'preview']) {
  await build({
    entryPoints: [path.join(root, `src/client/${name}.ts`)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'none',
    outfile: path.join(out, `${name}.js`),
    logLevel: 'warning'
  })
}
const css = await transform(fs.readFileSync(path.join(root, 'src/client/reader.css'), 'utf8'), {loader: 'css', minify: true, target: 'chrome100'})
fs.writeFileSync(path.join(out, 'reader.css'), css.code)
