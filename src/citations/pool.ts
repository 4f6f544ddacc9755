/**
 * The render pool: the styles of an edition rendered on worker threads, one worker per core, so
 * that nine styles take about a core's share each instead of one after another.
 *
 * `renderInWorkers(jobs)` renders a list of style jobs (what `renderStyle` takes) and returns the
 * results in job order, as `renderStyle` would one after another; `createRenderPool()` keeps
 * workers for several renders (the CLI builds several essays with one pool). Each bibliography
 * goes to each worker once, however many styles use it. The heaviest styles start first.
 *
 * Workers never keep the process alive while idle (they are unreferenced then), and `close()`
 * ends them. Workers run the compiled `pool-worker.js` beside this file.
 */
import os from 'node:os'
import {Worker} from 'node:worker_threads'
import type {CslItem, renderStyle, RenderedStyle} from './render.js'
import type {WorkerReply, WorkerRequest} from './pool-worker.js'

export type RenderJob = Parameters<typeof renderStyle>[0]

export interface RenderPoolOptions {
  /** Number of worker threads (at least 1); default: `defaultPoolSize()`. */
  size?: number
  /**
   * V8 young-generation size of each worker in MiB. citeproc allocates much and briefly; a small
   * young generation keeps each worker ~20 MiB smaller at no measured cost in time. Default 12.
   */
  youngGenerationMb?: number
}

export interface RenderPool {
  /** Render the jobs on the workers; the results in job order. */
  render(jobs: RenderJob[]): Promise<RenderedStyle[]>
  /** Start the workers now (they load citeproc while the caller parses); idle, they hold nothing. */
  start(): void
  /** End the workers. Renders still running fail. */
  close(): Promise<void>
  readonly size: number
}

interface Slot {
  worker: Worker
  busy: boolean
  /** Bibliographies this worker holds. */
  has: Set<number>
  /** The job it runs now. */
  current?: Pending
  /** The worker has stopped (or is being stopped). */
  exited: boolean
}

interface Pending {
  job: number
  resolve(result: RenderedStyle): void
  reject(error: Error): void
}

const workerUrl = new URL('./pool-worker.js', import.meta.url)

/** A rough cost of a style, to start the heavy ones first (note styles and long styles cost more). */
function cost(job: RenderJob): number {
  return job.style.xml.length * (job.style.class === 'note' ? 2 : 1) * (job.style.format === 'numeric' ? 0.5 : 1)
}

/**
 * Workers to use: `ESSAY_EDITION_WORKERS` when set (0: none, render in the calling thread), else
 * one per core.
 */
export function defaultPoolSize(): number {
  const wanted = process.env.ESSAY_EDITION_WORKERS
  if (wanted !== undefined && /^\d+$/.test(wanted.trim())) return Number(wanted)
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, cores)
}

export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  const size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()))
  const slots: Slot[] = []
  let closed = false
  let nextJob = 0
  let nextItems = 0
  const itemIds = new WeakMap<Map<string, CslItem>, number>()
  const queue: Array<{request: Extract<WorkerRequest, {type: 'render'}>; items: Map<string, CslItem>; pending: Pending}> = []

  const spawn = (): Slot => {
    const worker = new Worker(workerUrl, {resourceLimits: {maxYoungGenerationSizeMb: options.youngGenerationMb ?? 12}})
    const slot: Slot = {worker, busy: false, has: new Set(), exited: false}
    worker.unref()
    worker.on('message', (reply: WorkerReply) => {
      const pending = slot.current
      if (!pending || pending.job !== reply.job) return
      slot.current = undefined
      slot.busy = false
      if (reply.type === 'done') pending.resolve(reply.result)
      else {
        const error = new Error(reply.error.message)
        if (reply.error.name) error.name = reply.error.name
        if (reply.error.stack) error.stack = reply.error.stack
        pending.reject(error)
      }
      dispatch()
    })
    const fail = (error: Error) => {
      slot.exited = true
      const pending = slot.current
      slot.current = undefined
      slot.busy = false
      const index = slots.indexOf(slot)
      if (index >= 0) slots.splice(index, 1)
      pending?.reject(error)
      if (!closed) dispatch()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (!slot.exited) fail(new Error(`render pool: a worker stopped (exit code ${code})`))
    })
    slots.push(slot)
    return slot
  }

  /**
   * The worker that last rendered each style: a rebuild's job goes back to it, since its memo of
   * that style's renderings (src/citations/render.ts) makes an unchanged citation cost nothing.
   */
  const lastSlot = new Map<string, Slot>()
  const styleKey = (entry: (typeof queue)[number]) => `${entry.request.options.style.id}\0${entry.request.options.style.path}`
  /** The job for an idle worker: one of its styles, else one no idle worker knows, else the first. */
  const pick = (slot: Slot): number => {
    let index = queue.findIndex((entry) => lastSlot.get(styleKey(entry)) === slot)
    if (index < 0) index = queue.findIndex((entry) => !lastSlot.get(styleKey(entry)) || lastSlot.get(styleKey(entry))!.busy || lastSlot.get(styleKey(entry))!.exited)
    return index < 0 ? 0 : index
  }

  const dispatch = () => {
    while (queue.length > 0 && !closed) {
      let slot = slots.find((s) => !s.busy)
      if (!slot && slots.length < size) slot = spawn()
      if (!slot) break
      const next = queue.splice(pick(slot), 1)[0]!
      lastSlot.set(styleKey(next), slot)
      let id = itemIds.get(next.items)
      if (id === undefined) {
        id = nextItems++
        itemIds.set(next.items, id)
      }
      if (!slot.has.has(id)) {
        slot.worker.postMessage({type: 'items', id, items: next.items} satisfies WorkerRequest)
        slot.has.add(id)
      }
      slot.busy = true
      slot.current = next.pending
      slot.worker.ref()
      slot.worker.postMessage({...next.request, items: id} satisfies WorkerRequest)
    }
    // Idle workers must not keep the process alive.
    for (const slot of slots) if (!slot.busy) slot.worker.unref()
  }

  const forget = (items: Map<string, CslItem>) => {
    const id = itemIds.get(items)
    if (id === undefined || queue.some((entry) => entry.items === items)) return
    for (const slot of slots) {
      if (slot.has.delete(id)) slot.worker.postMessage({type: 'forget', id} satisfies WorkerRequest)
    }
    itemIds.delete(items)
  }

  return {
    get size() {
      return size
    },
    start() {
      if (closed) return
      while (slots.length < size) spawn()
      dispatch()
    },
    async render(jobs) {
      if (closed) throw new Error('render pool: closed')
      const order = jobs.map((job, index) => ({job, index})).sort((a, b) => cost(b.job) - cost(a.job) || a.index - b.index)
      const results: Array<Promise<RenderedStyle>> = new Array(jobs.length)
      for (const {job, index} of order) {
        const {items, ...rest} = job
        const id = nextJob++
        results[index] = new Promise<RenderedStyle>((resolve, reject) => {
          queue.push({request: {type: 'render', job: id, items: -1, options: rest}, items, pending: {job: id, resolve, reject}})
        })
      }
      dispatch()
      // Every job settles before the items are forgotten; the first failure in job order is
      // the one reported, as when the styles render one after another.
      const settled = await Promise.allSettled(results)
      for (const job of jobs) forget(job.items)
      const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
      if (failure) throw failure.reason
      return settled.map((outcome) => (outcome as PromiseFulfilledResult<RenderedStyle>).value)
    },
    async close() {
      closed = true
      const pendings = queue.splice(0)
      for (const entry of pendings) entry.pending.reject(new Error('render pool: closed'))
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          slot.exited = true
          slot.current?.reject(new Error('render pool: closed'))
          await slot.worker.terminate()
        })
      )
    }
  }
}

/**
 * Render style jobs on worker threads (one per core, at most one per job) and return the
 * results in job order, exactly what `jobs.map(renderStyle)` returns. The workers end after.
 */
export async function renderInWorkers(jobs: RenderJob[], options: RenderPoolOptions = {}): Promise<RenderedStyle[]> {
  if (jobs.length === 0) return []
  const pool = createRenderPool({...options, size: Math.min(jobs.length, options.size ?? defaultPoolSize())})
  try {
    return await pool.render(jobs)
  } finally {
    await pool.close()
  }
}

let shared: RenderPool | undefined

/**
 * The process's pool (the CLI's): made on first use, one worker per core. Idle workers never keep
 * the process alive, so nothing needs closing; in watch mode they stay warm between builds.
 */
export function sharedRenderPool(): RenderPool {
  return (shared ??= createRenderPool())
}

/**
 * Render style jobs one after another in this thread: what stands in when there is no pool.
 * citeproc-js is loaded on first use, so that a process rendering on workers never loads it.
 */
export async function renderInThread(jobs: RenderJob[]): Promise<RenderedStyle[]> {
  const {renderStyle} = await import('./render.js')
  return jobs.map((job) => renderStyle(job))
}
