/**
 * Worker of tests/citeproc-speed.test.ts: renders the style jobs it is given with `renderStyle`,
 * in a thread of its own (its own citeproc-js), under the environment the test gives it, and
 * tells whether the citeproc shortcuts were in place there.
 */
import {createRequire} from 'node:module'
import {parentPort, workerData} from 'node:worker_threads'
import {renderStyle, type RenderOptions} from '../src/citations/render.js'
import {speedUpCiteproc} from '../src/citations/citeproc-speed.js'

const {jobs, locales} = workerData as {jobs: RenderOptions[]; locales: Record<string, string>}
const core = createRequire(import.meta.url)('@citation-js/core') as {plugins: {config: {get(name: string): {locales: {add(name: string, xml: string): void}}}}}
for (const [lang, xml] of Object.entries(locales)) core.plugins.config.get('@csl').locales.add(lang, xml)
// render.js has already tried to install them; asking again only reports what it did.
const shortcuts = speedUpCiteproc()
const results = jobs.map((job) => JSON.stringify(renderStyle(job)))
parentPort!.postMessage({shortcuts, results})
