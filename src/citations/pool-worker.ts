/**
 * A worker of the render pool (pool.ts): renders one style at a time with `renderStyle`, in its
 * own thread, so that the styles of an edition spread over the machine's cores.
 *
 * Messages in:  {type: 'items', id, items}    a bibliography (a Map), kept until forgotten
 *               {type: 'forget', id}
 *               {type: 'render', job, items, options}   `options`: RenderOptions without `items`
 * Messages out: {type: 'done', job, result} | {type: 'failed', job, error: {message, stack}}
 */
import {parentPort} from 'node:worker_threads'
import {renderStyle, type CslItem, type RenderOptions} from './render.js'

export type WorkerRequest =
  | {type: 'items'; id: number; items: Map<string, CslItem>}
  | {type: 'forget'; id: number}
  | {type: 'render'; job: number; items: number; options: Omit<RenderOptions, 'items'>}

export type WorkerReply =
  | {type: 'done'; job: number; result: ReturnType<typeof renderStyle>}
  | {type: 'failed'; job: number; error: {message: string; stack?: string; name?: string}}

const port = parentPort
if (!port) throw new Error('pool-worker.js runs as a worker thread (see pool.ts)')

const bibliographies = new Map<number, Map<string, CslItem>>()

port.on('message', (message: WorkerRequest) => {
  switch (message.type) {
    case 'items':
      bibliographies.set(message.id, message.items)
      break
    case 'forget':
      bibliographies.delete(message.id)
      break
    case 'render': {
      try {
        const items = bibliographies.get(message.items)
        if (!items) throw new Error(`render pool: bibliography ${message.items} was not sent to this worker`)
        const result = renderStyle({...message.options, items})
        port.postMessage({type: 'done', job: message.job, result} satisfies WorkerReply)
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error))
        port.postMessage({type: 'failed', job: message.job, error: {message: e.message, name: e.name, ...(e.stack ? {stack: e.stack} : {})}} satisfies WorkerReply)
      }
      break
    }
  }
})
