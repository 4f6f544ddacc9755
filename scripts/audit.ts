/**
 * `npm run audit [-- ESSAY.md]`: Lighthouse (npm `lighthouse`, its default mobile emulation and
 * simulated throttling) on a built essay (default: the default essay), with Debian's Chromium, the
 * page served from 127.0.0.1 as a web server would serve it. Prints the four category scores, the
 * audits that failed, and a Markdown table row for the README. `--json FILE` also writes the
 * Lighthouse report. Needs `npm run compile` first (the npm script does it).
 *
 * Not a test: Lighthouse's scores move a little from run to run and with the machine's load; the
 * tests assert on what they measure (tests/browser/page-quality.test.ts, tests/validity.test.ts).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import {chromiumArgs, findChromium, installHint} from '../src/outputs/chromium.js'
import {servePage} from './serve-page.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const {values, positionals} = parseArgs({allowPositionals: true, options: {json: {type: 'string'}}})
const essay = path.resolve(positionals[0] ?? path.join(root, 'essay/russia-warms-up-to-pakistan.md'))

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'essay-edition-audit-'))
const build = spawnSync(process.execPath, [path.join(root, 'bin/essay-edition.js'), 'build', essay, '--out', out, '--quiet'], {encoding: 'utf8'})
if (build.status !== 0) {
  process.stderr.write(build.stderr)
  process.exit(1)
}
const chromePath = findChromium()
if (!chromePath) {
  process.stderr.write(`Chromium was not found. ${installHint}\n`)
  process.exit(1)
}

const served = await servePage(path.join(out, 'index.html'))
const chrome = await chromeLauncher.launch({chromePath, chromeFlags: ['--headless=new', ...chromiumArgs]})
let result
try {
  result = await lighthouse(served.url, {port: chrome.port, output: 'json', logLevel: 'error'})
} finally {
  await chrome.kill()
  await served.close()
}
if (!result) throw new Error('Lighthouse returned no result')
const lhr = result.lhr
if (values.json) fs.writeFileSync(values.json, typeof result.report === 'string' ? result.report : JSON.stringify(lhr))

const categories = ['performance', 'accessibility', 'best-practices', 'seo'] as const
const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100)
const print = (line = '') => process.stdout.write(line + '\n')
print(`Lighthouse ${lhr.lighthouseVersion}, ${lhr.configSettings.formFactor} emulation, ${lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}, ${path.relative(root, essay)} served from 127.0.0.1`)
for (const id of categories) print(`  ${(lhr.categories[id]?.title ?? id).padEnd(16)} ${String(score(id)).padStart(3)}`)
const metrics = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']
print('  ' + metrics.map((id) => `${lhr.audits[id]?.title}: ${lhr.audits[id]?.displayValue ?? '?'}`).join('; '))

// An audit failed when it has a score below 1 and counts (not informative, manual or not applicable).
const failed = Object.values(lhr.audits).filter((audit) => audit.score !== null && audit.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode))
const inCategory = (id: string) => categories.filter((c) => lhr.categories[c]?.auditRefs.some((ref) => ref.id === id && ref.weight > 0)).join(', ')
print()
if (failed.length === 0) print('No failed audit.')
else {
  print('Failed audits:')
  for (const audit of failed) print(`  - ${audit.id} (${inCategory(audit.id) || 'no category weight'}; score ${audit.score}): ${audit.title}${audit.displayValue ? ` — ${audit.displayValue}` : ''}`)
}
print()
print('README row:')
print(`| ${new Date().toISOString().slice(0, 10)} | ${positionals[0] ? path.basename(essay) : 'default'} | ${categories.map(score).join(' | ')} | ${lhr.audits['cumulative-layout-shift']?.displayValue ?? '?'} | ${failed.filter((a) => inCategory(a.id)).map((a) => '`' + a.id + '`').join(', ') || 'none'} |`)
fs.rmSync(out, {recursive: true, force: true})
