/**
 * A built page served over HTTP from 127.0.0.1, as a reader's browser (or Lighthouse) would get it
 * from a web server: `/` is the page (gzipped when the browser accepts it, as web servers and static
 * hosts send HTML); any other path is a 404. Every request is recorded, so that a
 * test can see that the page asked for nothing else (no `/favicon.ico`). Used by the browser tests
 * and by `npm run audit`.
 */
import fs from 'node:fs'
import http from 'node:http'
import zlib from 'node:zlib'
import type {AddressInfo} from 'node:net'

export interface ServedPage {
  /** `http://127.0.0.1:PORT/` */
  url: string
  /** Paths asked for, in order (`/`, `/favicon.ico`, ...). */
  requests: string[]
  close(): Promise<void>
}

export interface ServeOptions {
  /**
   * Send the page slowly, `bytes` every `ms` milliseconds, as over a phone's network: the browser
   * then paints the top of the page before the rest (and the client script at its end) arrives.
   */
  trickle?: {bytes: number; ms: number}
}

export async function servePage(htmlFile: string, options: ServeOptions = {}): Promise<ServedPage> {
  const page = fs.readFileSync(htmlFile)
  const gzipped = zlib.gzipSync(page, {level: 9})
  const requests: string[] = []
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    requests.push(pathname)
    if (pathname === '/' || pathname === '/index.html') {
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
      const html = gzip ? gzipped : page
      response.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'content-length': html.length, ...(gzip ? {'content-encoding': 'gzip'} : {}), vary: 'accept-encoding'})
      const trickle = options.trickle
      if (!trickle) return void response.end(html)
      let sent = 0
      const next = () => {
        if (response.destroyed) return
        const chunk = html.subarray(sent, sent + trickle.bytes)
        sent += chunk.length
        if (sent >= html.length) response.end(chunk)
        else response.write(chunk, () => setTimeout(next, trickle.ms))
      }
      next()
    } else {
      response.writeHead(404, {'content-type': 'text/plain; charset=utf-8'})
      response.end('not found\n')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
