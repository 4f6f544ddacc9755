/** The commands besides `build`, end to end: check, styles, new, progress on a terminal, watch, help. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {spawn, spawnSync} from 'node:child_process'
import {cliPath, fixture, projectRoot, runCli, tempDir} from './helpers.js'

const essay = (body: string, front = 'title: Test essay') => `---\n${front}\n---\n\n${body}\n`
const bib = JSON.stringify([{id: 'doe2020', type: 'book', title: 'A book', author: [{family: 'Doe', given: 'Jane'}], issued: {'date-parts': [[2020]]}}])
const systemStyles = '/usr/share/citation-style-language/styles'

/** Every file under a folder, relative, sorted. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, {recursive: true}) as string[]).map(String).sort()
}

/** A copy of the default essay and its bibliography, as a project folder. */
function defaultProject(): string {
  const dir = tempDir()
  fs.cpSync(path.join(projectRoot, 'essay'), path.join(dir, 'essay'), {recursive: true})
  fs.cpSync(path.join(projectRoot, 'bibliography'), path.join(dir, 'bibliography'), {recursive: true})
  return dir
}

test('check: the default essay passes (exit 0) and nothing is written', () => {
  const dir = defaultProject()
  const before = listing(dir)
  const result = runCli(['check'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(listing(dir), before)
  const json = runCli(['check', 'essay/russia-warms-up-to-pakistan.md', '--format', 'json'], {cwd: dir})
  assert.equal(json.code, 0, json.stderr)
  assert.deepEqual(JSON.parse(json.stdout), [])
})

test('check: an unknown key is located; under --strict it exits 1; --format json parses', () => {
  const dir = fixture({'e.md': essay('Text\n\nMore [@nobody, p. 2] here.'), 'bibliography/e.json': bib})
  const warn = runCli(['check', 'e.md'], {cwd: dir})
  assert.equal(warn.code, 0, warn.stderr)
  assert.match(warn.stderr, /^e\.md$/m)
  assert.match(warn.stderr, /^7:6-7:21\s+warning\s+Unknown citation key `nobody`/m)
  const strict = runCli(['check', 'e.md', '--strict'], {cwd: dir})
  assert.equal(strict.code, 1)
  assert.match(strict.stderr, /^e\.md$/m)
  assert.match(strict.stderr, /^7:6-7:21\s+error\s+Unknown citation key `nobody`/m)
  const json = runCli(['check', 'e.md', '--strict', '--format', 'json'], {cwd: dir})
  assert.equal(json.code, 1)
  const messages = JSON.parse(json.stdout) as Array<Record<string, unknown>>
  assert.ok(Array.isArray(messages))
  const unknown = messages.find((m) => String(m.reason).includes('nobody'))
  assert.ok(unknown, json.stdout)
  assert.deepEqual(
    {file: unknown.file, line: unknown.line, column: unknown.column, severity: unknown.severity},
    {file: 'e.md', line: 7, column: 6, severity: 'error'}
  )
  assert.equal(typeof unknown.ruleId, 'string')
  for (const message of messages) for (const key of ['file', 'line', 'column', 'severity', 'ruleId', 'reason']) assert.ok(key in message, key)
  assert.deepEqual(listing(dir), ['bibliography', 'bibliography/e.json', 'e.md'], 'nothing written')
  assert.equal(runCli(['check', 'e.md', '--format', 'xml'], {cwd: dir}).code, 2)
})

test('styles lists the nine shipped styles with their kind', () => {
  const result = runCli(['styles'])
  assert.equal(result.code, 0, result.stderr)
  const lines = result.stdout.trim().split('\n')
  assert.equal(lines.length, 9, result.stdout)
  for (const id of ['modern-humanities-research-association', 'chicago-fullnote-bibliography', 'turabian-fullnote-bibliography', 'chicago-author-date', 'apa', 'modern-language-association', 'harvard-cite-them-right', 'ieee', 'vancouver']) {
    assert.ok(lines.some((line) => line.startsWith(id + ' ')), id)
  }
  assert.match(result.stdout, /^ieee\s+numeric\s+IEEE/m)
  assert.match(result.stdout, /^apa\s+author-date\s+American Psychological Association 7th edition/m)
  assert.match(result.stdout, /^modern-humanities-research-association\s+note\s+/m)
})

/** The CLI with room for a long output (thousands of styles). */
function runBig(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

test('styles --all adds the system\'s styles and --csl-dir folders', {skip: !fs.existsSync(systemStyles) && 'no system CSL styles'}, () => {
  const dir = fixture({'csl/my-house-style.csl': '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">\n<info><title>My House &amp; Style</title><category citation-format="note"/></info>\n<citation><layout/></citation></style>\n'})
  const started = Date.now()
  const result = runBig(['styles', '--all', '--csl-dir', 'csl'], dir)
  assert.equal(result.code, 0, result.stderr)
  assert.ok(Date.now() - started < 20000, 'quick')
  assert.match(result.stdout, /^apa-6th-edition\s+author-date\s+American Psychological Association 6th edition$/m)
  assert.match(result.stdout, /^my-house-style\s+note\s+My House & Style$/m)
  assert.ok(result.stdout.trim().split('\n').length > 1000)
  const ids = result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0])
  assert.equal(new Set(ids).size, ids.length, 'each id once')
  const json = runBig(['styles', '--all', '--format', 'json'], dir)
  assert.ok((JSON.parse(json.stdout) as Array<{id: string}>).some((s) => s.id === 'apa-6th-edition'))
})

test('build --style apa-6th-edition takes a system style by id', {skip: !fs.existsSync(path.join(systemStyles, 'apa-6th-edition.csl')) && 'no system CSL styles'}, () => {
  const dir = fixture({'e.md': essay('Text [@doe2020, p. 3].'), 'bibliography/e.json': bib})
  const result = runCli(['build', 'e.md', '--out', 'out', '--style', 'apa-6th-edition'], {cwd: dir})
  assert.equal(result.code, 0, result.stderr)
  const html = fs.readFileSync(path.join(dir, 'out/index.html'), 'utf8')
  assert.match(html, /\(Doe, 2020, p\. 3\)/)
})

test('new writes an essay and its bibliography that build; a second new refuses', () => {
  const dir = tempDir()
  const created = runCli(['new', 'my-essay'], {cwd: dir})
  assert.equal(created.code, 0, created.stderr)
  const text = fs.readFileSync(path.join(dir, 'essay/my-essay.md'), 'utf8')
  assert.match(text, /^---\ntitle: "My essay"\n/)
  assert.match(text, /\[\^\w+\]:.*@woolf1929/)
  assert.equal((JSON.parse(fs.readFileSync(path.join(dir, 'bibliography/my-essay.json'), 'utf8')) as unknown[]).length, 1)
  const built = runCli(['build', '--strict'], {cwd: dir})
  assert.equal(built.code, 0, built.stderr)
  assert.equal(built.stderr, '', 'no diagnostic')
  assert.match(fs.readFileSync(path.join(dir, 'build/my-essay/index.html'), 'utf8'), /href="#ref-woolf1929"/)

  const before = fs.readFileSync(path.join(dir, 'essay/my-essay.md'))
  fs.appendFileSync(path.join(dir, 'essay/my-essay.md'), 'My own words.\n')
  const again = runCli(['new', 'my-essay'], {cwd: dir})
  assert.equal(again.code, 1)
  assert.match(again.stderr, /refusing to overwrite essay\/my-essay\.md/)
  assert.deepEqual(fs.readFileSync(path.join(dir, 'essay/my-essay.md')), Buffer.concat([before, Buffer.from('My own words.\n')]))

  for (const bad of ['../escape', 'Has Spaces', 'a/b', '.hidden', '']) {
    const refused = runCli(['new', bad], {cwd: dir})
    assert.equal(refused.code, 2, bad)
  }
  assert.equal(runCli(['new'], {cwd: dir}).code, 2)
  assert.ok(!fs.existsSync(path.join(dir, 'escape.md')) && !fs.existsSync(path.join(dir, 'essay/../escape.md')))
})

const hasScript = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0

test('on a terminal, a build of several essays shows a live progress line and a summary', {skip: !hasScript && 'no script(1) (util-linux)'}, () => {
  const dir = fixture({'a.md': essay('One [@doe2020].', 'title: First'), 'b.md': essay('Two.', 'title: Second'), 'bibliography/a.json': bib})
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} build a.md b.md --out X`
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {cwd: dir, encoding: 'utf8', env: {...process.env, COLUMNS: '100'}})
  assert.equal(result.status, 0, result.stdout + result.stderr)
  const output = result.stdout
  assert.match(output, /\r\x1b\[2K\[[0-2]\/2\] building (a|b)\.md\s+\d+\.\d s/, JSON.stringify(output))
  assert.match(output, /\r\x1b\[2K(\r\x1b\[2K)*essay-edition: built 2 of 2 essays, 0 warnings, 0 errors, in [\d.]+ m?s, into X\r?\n/, JSON.stringify(output))
  assert.ok(fs.existsSync(path.join(dir, 'X/a/index.html')))

  // Not a terminal: only diagnostics.
  const plain = runCli(['build', 'a.md', 'b.md', '--out', 'Y'], {cwd: dir})
  assert.equal(plain.code, 0)
  assert.equal(plain.stderr, '')
  const verbose = runCli(['build', 'a.md', '--out', 'Z', '--verbose'], {cwd: dir})
  assert.match(verbose.stderr, /^a\.md: parse \d+ ms, .*render \d+(\.\d+)? m?s.*\(\d+(\.\d+)? m?s\)$/m)
  assert.match(verbose.stderr, /built 1 of 1 essay, 0 warnings/)
})

test('build --watch rebuilds a changed essay, skips the unchanged ones, and stops on Ctrl-C', async () => {
  const dir = fixture({'a.md': essay('One [@doe2020].', 'title: First'), 'b.md': essay('Two.', 'title: Second'), 'bibliography/a.json': bib})
  const child = spawn(process.execPath, [cliPath, 'build', 'a.md', 'b.md', '--out', 'site', '--watch', '--verbose'], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const until = async (pattern: RegExp, what: string) => {
    const started = Date.now()
    while (!pattern.test(stderr)) {
      if (Date.now() - started > 60000) throw new Error(`no ${what} in 60 s:\n${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  try {
    await until(/watching \d+ folders? for changes/, 'watching')
    const aBefore = fs.statSync(path.join(dir, 'site/a/index.html')).mtimeMs
    assert.match(fs.readFileSync(path.join(dir, 'site/b/index.html'), 'utf8'), /Two\./)
    fs.writeFileSync(path.join(dir, 'b.md'), essay('Two, rewritten.', 'title: Second'))
    await until(/built 2 of 2 essays \(1 unchanged\)/, 'second run')
    assert.match(stderr, /^a\.md: not built/m)
    assert.match(fs.readFileSync(path.join(dir, 'site/b/index.html'), 'utf8'), /Two, rewritten\./)
    assert.ok(fs.statSync(path.join(dir, 'site/a/index.html')).mtimeMs >= aBefore)
    // The bibliography is an input too.
    fs.writeFileSync(path.join(dir, 'bibliography/a.json'), bib.replace('A book', 'A renamed book'))
    await until(/bibliography\/a\.json changed[\s\S]*built 2 of 2 essays \(1 unchanged\)/, 'third run')
    assert.match(fs.readFileSync(path.join(dir, 'site/a/index.html'), 'utf8'), /A renamed book/)
  } finally {
    child.kill('SIGINT')
  }
  assert.equal(await exited, 0)
})

test('every command has --help with examples; --version; unknown options get the nearest', () => {
  for (const command of ['build', 'preview', 'check', 'styles', 'new']) {
    const help = runCli([command, '--help'])
    assert.equal(help.code, 0, command)
    assert.match(help.stdout, new RegExp(`^Usage: essay-edition ${command}`), command)
    assert.match(help.stdout, /\nExamples:\n  essay-edition /, command)
  }
  const top = runCli(['--help'])
  for (const command of ['build', 'preview', 'check', 'styles', 'new']) assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'))
  const version = runCli(['--version'])
  assert.equal(version.code, 0)
  assert.equal(version.stdout.trim(), (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}).version)
  for (const [args, near] of [[['check', '--stirct'], '--strict'], [['styles', '--al'], '--all'], [['preview', '--prot', '5000'], '--port'], [['new', 'x', '--titel', 'X'], '--title'], [['build', '--wacth'], '--watch']] as const) {
    const result = runCli([...args])
    assert.equal(result.code, 2, args.join(' '))
    assert.match(result.stderr, new RegExp(`did you mean ${near}\\?`), args.join(' '))
    assert.match(result.stderr, /Usage: essay-edition/)
  }
  assert.match(runCli(['chek']).stderr, /did you mean check\?/)
})
