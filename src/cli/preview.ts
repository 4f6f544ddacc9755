/**
 * `essay-edition preview`: serve the edition on http://127.0.0.1:PORT, from memory (nothing is
 * written), rebuild it when the essay, its bibliography or a style changes (src/watch.ts), and
 * patch the open page in place, keeping its scroll position, open note, selection and chosen style.
 *
 * Live update: into each page it serves, and only there, the server adds the preview script
 * (src/client/preview.ts), which listens to Server-Sent Events on `/__events`, fetches a rebuilt
 * page's new version from `/__page` (with `from=` the version it has open, only the blocks that
 * changed: the others stand in as empty templates, `printChanges`) and morphs the blocks that
 * changed (a change of the head or of a script reloads the page at the same place). An edit of
 * words alone is not even rebuilt: the last page is patched (src/util/prose-patch.ts). The built page's Content-Security-Policy admits
 * only its own script and no connection, so the served copy gets the added script's hash in
 * `script-src` and `connect-src 'self'`; the built files are never touched. A failed build shows
 * in the terminal and, through the event stream, over the page, which stays as last built.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type {AddressInfo} from 'node:net'
import {fileURLToPath} from 'node:url'
import type {ParseArgsConfig} from 'node:util'
import {buildEssay, failed, planBuild, UsageError, type BuildOptions, type BuildPlan, type EssayResult} from '../build.js'
import {collectionPage} from '../outputs/collection.js'
import {clientAssets} from '../pipeline.js'
import {sharedRenderPool} from '../citations/pool.js'
import {BuildCache, Rebuilder, untilInterrupted} from '../watch.js'
import {excerpt} from './build.js'
import {fail, parse, report, editionOptions, editionRequest} from './shared.js'
import {cspHash} from '../util/hast.js'
import {printChanges, type PrintedNode} from '../util/html-memo.js'
import {Progress} from './progress.js'

export const previewUsage = `Usage: essay-edition preview [FILE.md|DIR] [options]

Serve the reading edition on http://127.0.0.1:PORT (this machine only), rebuild it
whenever the essay, its bibliography or a style changes, and update the open page
in place, keeping its scroll position, the open note, the selection and the chosen
style (a change of the page's head reloads it at the same place). A build error shows in the
terminal and over the page; the page stays as last built. Nothing is written.
With FILE, that essay is served at /; with DIR (default: essay/), the list of essays
is at / and each essay at /<slug>/. Ctrl-C stops.

Options:
  --port N               the port (default 4000; the next free one when it is taken;
                         0: any free port)
  --bibliography FILE    bibliography, overriding the front matter's; may repeat
  --style ID|FILE.csl    a style to offer; may repeat (default: the nine shipped styles)
  --default-style ID     the style shown first
  --csl-dir DIR          another folder of .csl styles; may repeat
  --strict               warnings are errors
  --trust-html           keep the essay's raw HTML unsanitized (trusted authors only)
  --no-smart             keep straight quotes, --, --- and ... as typed (Pandoc's
                         -f markdown-smart); default: curly quotes, dashes, ellipses
  --quiet                print errors only (and the address)
  --verbose              also the time of each stage of each essay
  -h, --help             this help

Examples:
  essay-edition preview
  essay-edition preview essay/my-essay.md
  essay-edition preview essay --port 8080 --style apa --style ieee`

export const previewOptions = {
  ...editionOptions,
  port: {type: 'string'}
} satisfies ParseArgsConfig['options']

const EVENTS = '/__events'
/** A page's built HTML at a version (`?page=NAME&version=V`), which the preview script patches from. */
const PAGE = '/__page'
/** Versions of each page kept for `/__page`: a page open at an older one reloads instead. */
const KEPT_VERSIONS = 4

const here = path.dirname(fileURLToPath(import.meta.url))
let cachedScript: {text: string; hash: string} | undefined

/**
 * The script added to served pages (src/client/preview.ts, bundled with morphdom by `npm run
 * compile`): it patches the open page in place when the essay is rebuilt. Its text is the same
 * for every page and version, so one hash admits it.
 */
export function previewScript(): {text: string; hash: string} {
  if (!cachedScript) {
    const text = fs.readFileSync(path.resolve(here, '../../client/preview.js'), 'utf8').trim()
    if (/<\/script|<!--/i.test(text)) throw new Error('the bundled preview script cannot be inlined (it holds </script or <!--)')
    cachedScript = {text, hash: cspHash(text)}
  }
  return cachedScript
}

const decodeAttribute = (value: string) =>
  value.replace(/&#x27;|&#39;|&apos;/gi, "'").replace(/&quot;|&#x22;|&#34;/gi, '"').replace(/&lt;/gi, '<').replace(/&gt;/gi, '>').replace(/&amp;/gi, '&')
const encodeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;')

/** A Content-Security-Policy that also admits a script of this hash and connections to the page's origin. */
export function adaptPolicy(policy: string, scriptHash: string): string {
  const directives = policy.split(';').map((d) => d.trim()).filter(Boolean).map((d) => d.split(/\s+/))
  const find = (name: string) => directives.find((d) => d[0]!.toLowerCase() === name)
  const script = find('script-src')
  if (script) {
    if (script.length === 2 && script[1] === "'none'") script.pop()
    script.push(scriptHash)
  } else {
    const fallback = (find('default-src') ?? []).slice(1).filter((s) => s !== "'none'")
    directives.push(['script-src', ...fallback, scriptHash])
  }
  const connect = find('connect-src')
  if (connect) connect.splice(1, connect.length - 1, "'self'")
  else directives.push(['connect-src', "'self'"])
  return directives.map((d) => d.join(' ')).join('; ')
}

/** The page as served in preview: the live script added, the policy widened for it alone. */
export function adaptPage(html: string, page: string, version: string): string {
  const {text: script, hash} = previewScript()
  let adapted = html.replace(/<meta\b[^>]*http-equiv=(["']?)content-security-policy\1[^>]*>/i, (tag) =>
    tag.replace(/\bcontent=(?:"([^"]*)"|'([^']*)')/i, (_, double: string | undefined, single: string | undefined) =>
      `content="${encodeAttribute(adaptPolicy(decodeAttribute(double ?? single ?? ''), hash))}"`))
  const tag = `<script data-essay-edition-preview data-page="${encodeAttribute(page)}" data-version="${encodeAttribute(version)}">${script}</script>`
  // At the end of the head: the body stays node for node as built, which the script patches from.
  const end = adapted.toLowerCase().indexOf('</head>')
  adapted = end >= 0 ? adapted.slice(0, end) + tag + adapted.slice(end) : tag + adapted
  return adapted
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '')

/** Shown at an essay's address until it builds once. */
function waitingPage(title: string, error: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<title>${escapeHtml(title)} (not built)</title></head>
<body><h1>${escapeHtml(title)}</h1><p>This essay has not built yet. Fix the problem below and save: the page reloads itself.</p>
<pre>${escapeHtml(error)}</pre></body></html>
`
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.bib': 'application/x-bibtex; charset=utf-8',
  '.ris': 'application/x-research-info-systems; charset=utf-8',
  '.pdf': 'application/pdf',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8'
}

interface Client {
  response: http.ServerResponse
  page: string
}

/** The edition in memory: the last good outputs of each essay, and what went wrong since. */
export class PreviewSite {
  /** Path (`index.html`, `<slug>/index.html`, `<slug>/references.bib`) -> content. */
  readonly files = new Map<string, string | Uint8Array>()
  private readonly versions = new Map<string, string>()
  /**
   * Page -> its last versions (version -> the built HTML, and the page as printed block by block
   * when the build kept it), for the preview script to patch from.
   */
  private readonly history = new Map<string, Map<string, {html: string; printed?: PrintedNode[] | undefined}>>()
  /** Essay folder ('' for a single essay) -> the build's messages, when it failed. */
  private readonly errors = new Map<string, string>()
  /** A problem with the whole preview (no essay found), shown on every page. */
  private general: string | undefined
  private readonly clients = new Set<Client>()
  private readonly lastGood = new Map<string, EssayResult>()
  private readonly previous = new Map<string, EssayResult>()
  private plan: BuildPlan | undefined
  /** Versions are this server's (`boot`, so that no earlier server's page takes one for its own), counted. */
  private readonly boot = crypto.randomBytes(4).toString('hex')
  private counter = 0

  constructor(private readonly options: BuildOptions, private readonly flags: {quiet?: boolean | undefined; verbose?: boolean | undefined}, readonly cache = new BuildCache()) {}

  /** Build what changed; false when no essay could be planned (any change retries). */
  async rebuild(): Promise<boolean> {
    try {
      this.plan = planBuild(this.options)
      this.general = undefined
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      this.general = error.message
      process.stderr.write(`essay-edition: ${error.message}\n`)
      this.broadcast()
      return false
    }
    const plan = this.plan
    const progress = new Progress({quiet: this.flags.quiet, verbose: this.flags.verbose, verb: 'built'})
    progress.start(plan.essays.length)
    const results: EssayResult[] = []
    for (const essay of plan.essays) {
      const hooks = progress.begin(essay.source)
      results.push(await buildEssay(essay.source, essay.slug, essay.dir, {...this.options, cache: this.cache, ...hooks}))
      progress.end(essay.source)
    }
    progress.stop()
    const fresh = results.filter((result) => this.previous.get(result.source) !== result)
    this.previous.clear()
    for (const result of results) this.previous.set(result.source, result)
    const output = report(fresh.map((r) => r.file), {quiet: this.flags.quiet, strict: this.options.strict})
    if (output) process.stderr.write(output + '\n')

    const files = new Map<string, string | Uint8Array>()
    const printed = new Map<string, PrintedNode[]>()
    this.errors.clear()
    for (const result of results) {
      const good = result.ok && !failed(result.file, this.options.strict)
      if (good) this.lastGood.set(result.source, result)
      else this.errors.set(result.dir, stripAnsi(report([result.file], {strict: this.options.strict})) || 'The build failed.')
      const shown = good ? result : this.lastGood.get(result.source)
      if (shown && shown.dir === result.dir) {
        for (const [name, content] of shown.outputs) files.set(name, content)
        if (shown.printed) printed.set(shown.dir ? `${shown.dir}/index.html` : 'index.html', shown.printed)
      }
      else files.set(result.dir ? `${result.dir}/index.html` : 'index.html', waitingPage(result.file.data.metadata?.title ?? result.slug, this.errors.get(result.dir) ?? ''))
    }
    for (const source of this.lastGood.keys()) if (!plan.essays.some((e) => e.source === source)) this.lastGood.delete(source)
    if (plan.collection) {
      const listed = plan.essays.map((e) => this.lastGood.get(e.source)).filter((r): r is EssayResult => Boolean(r))
      files.set('index.html', collectionPage(listed.map((result) => ({
        href: `${result.dir}/`,
        title: result.file.data.metadata?.title ?? result.slug,
        ...(result.file.data.metadata?.author ? {author: result.file.data.metadata.author.map((a) => a.name).join(', ')} : {}),
        ...(result.file.data.metadata?.date ? {date: result.file.data.metadata.date} : {}),
        excerpt: excerpt(String(result.file.value))
      })), clientAssets(), 'Essays (preview)'))
    }
    // A file keeps its version while its content is the same; new content gets a new version
    // (not a digest: hashing a 16 MB page would take longer than patching it).
    const before = new Map(this.files)
    const versions = new Map(this.versions)
    this.files.clear()
    this.versions.clear()
    for (const [name, content] of files) {
      this.files.set(name, content)
      const previous = before.get(name)
      const version = (previous === content && versions.get(name)) || `${this.boot}-${++this.counter}`
      this.versions.set(name, version)
      if (typeof content === 'string' && name.endsWith('.html')) this.remember(name, version, {html: content, printed: printed.get(name)})
    }
    for (const name of this.history.keys()) if (!this.files.has(name)) this.history.delete(name)
    const good = results.filter((r) => r.ok && !failed(r.file, this.options.strict)).length
    progress.summary({done: good, total: results.length, files: results.map((r) => r.file), unchanged: this.cache.reused, patched: this.cache.patched})
    this.broadcast()
    return true
  }

  private remember(name: string, version: string, page: {html: string; printed?: PrintedNode[] | undefined}): void {
    let kept = this.history.get(name)
    if (!kept) this.history.set(name, (kept = new Map()))
    kept.delete(version)
    kept.set(version, page)
    while (kept.size > KEPT_VERSIONS) kept.delete(kept.keys().next().value!)
  }

  /** What a page's script is told: the page's current version, and the error to show over it. */
  state(page: string): {version: string | undefined; error: string | null} {
    let error: string | undefined = this.general
    if (!error) {
      const dir = page.includes('/') ? page.slice(0, page.indexOf('/')) : ''
      if (this.plan?.collection && dir === '') error = [...this.errors.values()].join('\n') || undefined
      else error = this.errors.get(dir)
    }
    return {version: this.versions.get(page), error: error ?? null}
  }

  /** Handle a request: the event stream, a page (adapted), another output, or 404. */
  handle(request: http.IncomingMessage, response: http.ServerResponse, host: string): void {
    const url = new URL(request.url ?? '/', `http://${host}`)
    if (request.headers.host !== host && request.headers.host !== host.replace('127.0.0.1', 'localhost')) {
      response.writeHead(403, {'content-type': 'text/plain; charset=utf-8'}).end('essay-edition preview answers only to ' + host + '\n')
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, {allow: 'GET, HEAD'}).end()
      return
    }
    if (url.pathname === EVENTS) return this.subscribe(url.searchParams.get('page') ?? 'index.html', response)
    if (url.pathname === PAGE) {
      // With `from` (the version the page has open), unchanged blocks stand in as templates.
      const kept = this.history.get(url.searchParams.get('page') ?? '')
      const wanted = kept?.get(url.searchParams.get('version') ?? '')
      const from = kept?.get(url.searchParams.get('from') ?? '')
      const html = wanted && (from?.printed && wanted.printed ? printChanges(from.printed, wanted.printed) : wanted.html)
      if (html === undefined) response.writeHead(404, {'cache-control': 'no-store'}).end()
      else response.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff'}).end(request.method === 'HEAD' ? undefined : html)
      return
    }
    let name: string
    try {
      name = decodeURIComponent(url.pathname).replace(/^\/+/, '')
    } catch {
      response.writeHead(400).end()
      return
    }
    if (name === '' || name.endsWith('/')) name += 'index.html'
    if (name.split('/').some((part) => part === '..' || part === '.')) {
      response.writeHead(400).end()
      return
    }
    let content = this.files.get(name)
    if (content === undefined && this.files.has(`${name}/index.html`)) {
      response.writeHead(302, {location: `/${name}/${url.search}`}).end()
      return
    }
    if (content === undefined) {
      response.writeHead(404, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'})
      response.end(request.method === 'HEAD' ? undefined : `<!doctype html><title>Not found</title><p>Nothing at ${escapeHtml(url.pathname)}. <a href="/">The edition</a>.</p>\n`)
      return
    }
    const type = contentTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream'
    if (type.startsWith('text/html')) content = adaptPage(String(content), name, this.versions.get(name) ?? '')
    const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    response.writeHead(200, {'content-type': type, 'content-length': body.byteLength, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff'})
    response.end(request.method === 'HEAD' ? undefined : body)
  }

  private subscribe(page: string, response: http.ServerResponse): void {
    response.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive'})
    response.write('retry: 500\n\n')
    const client: Client = {response, page}
    this.clients.add(client)
    this.send(client)
    response.on('close', () => this.clients.delete(client))
  }

  private send(client: Client): void {
    client.response.write(`data: ${JSON.stringify(this.state(client.page))}\n\n`)
  }

  /** Tell every open page what changed. */
  broadcast(): void {
    for (const client of this.clients) this.send(client)
  }

  /** Keep idle event streams open through proxies and sleeping laptops. */
  ping(): void {
    for (const client of this.clients) client.response.write(': ping\n\n')
  }

  close(): void {
    for (const client of this.clients) client.response.end()
    this.clients.clear()
  }
}

/** Listen on 127.0.0.1, at `port` or the next free one (up to 50 further); 0 takes any. */
async function listen(server: http.Server, port: number): Promise<number> {
  for (let candidate = port; ; candidate++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => {
          server.off('listening', onListening)
          reject(error)
        }
        const onListening = () => {
          server.off('error', onError)
          resolve()
        }
        server.once('error', onError)
        server.once('listening', onListening)
        server.listen(candidate, '127.0.0.1')
      })
      return (server.address() as AddressInfo).port
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if ((code !== 'EADDRINUSE' && code !== 'EACCES') || port === 0 || candidate >= Math.min(65535, port + 50)) throw error
    }
  }
}

export async function preview(args: string[]): Promise<number> {
  const {values, positionals} = parse(args, previewOptions, previewUsage)
  if (values.help) {
    process.stdout.write(previewUsage + '\n')
    return 0
  }
  const port = Number(values.port ?? 4000)
  if (!/^\d+$/.test(values.port ?? '4000') || !Number.isInteger(port) || port > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}"`, previewUsage)
  if (positionals.length > 1) fail(`preview serves one FILE or one DIR (given: ${positionals.join(' ')})`, previewUsage)
  const options: BuildOptions = editionRequest(values, positionals)
  try {
    planBuild(options)
  } catch (error) {
    if (error instanceof UsageError) fail(error.message, previewUsage)
    throw error
  }
  // One FILE is served at / (planBuild puts a single essay at the top when given an output
  // folder; none is written).
  if (positionals.length === 1 && fs.statSync(path.resolve(positionals[0]!)).isFile()) options.out = '.'

  // The styles render on the build's worker threads (src/citations/pool.ts), warm between builds;
  // a style whose citations did not change is not rendered again (BuildCache).
  const pool = sharedRenderPool()
  pool.start()
  options.renderAll = (jobs) => pool.render(jobs)

  const site = new PreviewSite(options, {quiet: values.quiet, verbose: values.verbose})
  const rebuilder = new Rebuilder({
    cache: site.cache,
    run: () => site.rebuild(),
    watch: () => (positionals.length > 0 ? positionals : ['essay']).map((input) => path.resolve(input)),
    onChange: (files) => {
      if (!values.quiet) process.stderr.write(`essay-edition: ${files.length > 0 ? `${files.map((f) => path.relative(process.cwd(), f) || f).join(', ')} changed, ` : ''}rebuilding\n`)
    }
  })
  await rebuilder.runNow()

  let host = ''
  const server = http.createServer((request, response) => site.handle(request, response, host))
  let actual: number
  try {
    actual = await listen(server, port)
  } catch (error) {
    rebuilder.close()
    process.stderr.write(`essay-edition: cannot listen on 127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`)
    return 1
  }
  host = `127.0.0.1:${actual}`
  if (port !== 0 && actual !== port) process.stderr.write(`essay-edition: port ${port} is taken; using ${actual}\n`)
  process.stdout.write(`essay-edition: preview on http://${host}/ (Ctrl-C stops)\n`)
  const pinger = setInterval(() => site.ping(), 15000)
  pinger.unref()

  await untilInterrupted()
  clearInterval(pinger)
  rebuilder.close()
  site.close()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return 0
}
