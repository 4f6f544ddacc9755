/**
 * The preview's script (browser only), added by `essay-edition preview` to the pages it serves and
 * to no built page. It listens to the server's event stream (`/__events`) and, when the page was
 * rebuilt, patches the open page in place instead of reloading it:
 *
 * - it keeps the page as served (`pristine`: the built HTML of the version on screen, parsed),
 *   fetches the new version (`/__page`; with `from=` the version on screen, whose unchanged blocks
 *   the server sends as empty stand-ins, `printChanges`), and compares the two block by block (the element children
 *   of the page's containers, as src/util/html-memo.ts cuts them): blocks equal in both stay as
 *   they are on screen, with whatever the reader's script did to them (the open note, the style's
 *   numbers, the selection); a changed block is morphed into the new one (morphdom), an added one
 *   inserted, a removed one removed. The scroll position stays, since nothing above the edit moved.
 * - a change it cannot patch (the head but for its `meta` elements, a script, the `html` or `body`
 *   element) reloads the page and scrolls back to the same place; changed metadata (`meta`
 *   elements, JSON-LD: the description follows the essay's first sentences) is patched too.
 * - afterwards it tells the reader's script (`essay-edition:patched` on the document), which
 *   applies the chosen style to the new blocks and lays the sidenotes out again.
 *
 * The script's text is the same for every page and version (the page and version are attributes
 * of its element), so the served page's policy admits it by one hash.
 */
import morphdomExport from 'morphdom'

// morphdom's types declare an ES default export in a CommonJS package: under Node's module
// resolution TypeScript sees the module object; esbuild bundles its ES build, whose default is the function.
type Morph = typeof morphdomExport.default
const morphdom = ((morphdomExport as unknown as {default?: Morph}).default ?? morphdomExport) as Morph

const me = document.currentScript as HTMLScriptElement | null
const page = me?.dataset.page ?? 'index.html'
let version = me?.dataset.version ?? ''
const EVENTS = '/__events'
const key = 'essay-edition:preview-scroll:' + location.pathname

/* ---------- a reload keeps the scroll position ---------- */

try {
  const saved = JSON.parse(sessionStorage.getItem(key) ?? 'null') as [number, number] | null
  if (saved) {
    sessionStorage.removeItem(key)
    const restore = () => scrollTo(saved[0], saved[1])
    restore()
    addEventListener('load', restore)
    requestAnimationFrame(restore)
  }
} catch {
  /* storage refused */
}

function reload() {
  try {
    sessionStorage.setItem(key, JSON.stringify([scrollX, scrollY]))
  } catch {
    /* storage refused */
  }
  events.close()
  location.reload()
}

/* ---------- errors over the page ---------- */

let overlay: HTMLElement | null = null
function show(message: string | null) {
  if (!message) {
    overlay?.remove()
    overlay = null
    return
  }
  if (!overlay) {
    overlay = document.createElement('div')
    overlay.id = 'essay-edition-preview-error'
    overlay.setAttribute('role', 'alert')
    Object.assign(overlay.style, {position: 'fixed', left: '0', right: '0', bottom: '0', zIndex: '2147483647', maxHeight: '50vh', overflow: 'auto', margin: '0', padding: '0.75rem 1rem', background: '#2b0b0b', color: '#ffe9e9', borderTop: '4px solid #e5484d', font: '13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', boxShadow: '0 -4px 16px rgba(0,0,0,.35)'})
    const title = document.createElement('strong')
    title.textContent = 'essay-edition: the build failed; this page is the last good one.'
    Object.assign(title.style, {display: 'block', marginBottom: '0.5rem', fontFamily: 'system-ui, sans-serif'})
    const pre = document.createElement('pre')
    Object.assign(pre.style, {margin: '0', whiteSpace: 'pre-wrap'})
    overlay.append(title, pre)
    document.body.append(overlay)
  }
  overlay.querySelector('pre')!.textContent = message
}

/* ---------- patching ---------- */

/** Containers are walked into; their other element children are blocks (as src/util/html-memo.ts). */
const containers = new Set(['HTML', 'BODY', 'MAIN', 'ARTICLE', 'SECTION', 'DIV', 'NAV', 'OL', 'UL'])

/**
 * Nodes the page's scripts added (not served): the open note, the sidenotes, this script, the
 * error; the annotations' toolbar, paragraph buttons, note tip and "My notes" panel
 * (annotations.ts, which anchors its highlights again after a patch).
 */
const addedClasses = ['note-popover', 'sidenotes', 'annotate-bar', 'annotate-para']
function added(node: Node): boolean {
  if (!(node instanceof Element)) return false
  return node === me || node === overlay || node.id === 'my-notes' || node.id === 'annotation-tip' || addedClasses.some((name) => node.classList.contains(name))
}

/**
 * A page version's built HTML, parsed; undefined when the server no longer has it. With `from`, the
 * version open, its unchanged blocks stand in as `<template data-essay-edition-same>` (`printChanges`
 * in src/util/html-memo.ts): a large page sends only what changed.
 */
async function fetchVersion(wanted: string, from?: string): Promise<Document | undefined> {
  try {
    const response = await fetch(`/__page?page=${encodeURIComponent(page)}&version=${encodeURIComponent(wanted)}${from ? `&from=${encodeURIComponent(from)}` : ''}`, {cache: 'no-store'})
    if (!response.ok) return undefined
    return new DOMParser().parseFromString(await response.text(), 'text/html')
  } catch {
    return undefined
  }
}

const executable = (script: HTMLScriptElement) => !script.type || /^(?:text|application)\/(?:java|ecma)script$|^module$/i.test(script.type)
/** The head's metadata: `meta` with a name or property, data blocks such as JSON-LD (the description follows the first sentences). */
const metadata = (head: Element) => Array.from(head.querySelectorAll('meta[name], meta[property], script')).filter((el) => !(el instanceof HTMLScriptElement && executable(el)))

/** The head without its metadata. */
function headShell(doc: Document): Node {
  const head = doc.head.cloneNode(true) as Element
  for (const el of metadata(head)) el.remove()
  return head
}

/** The open page's metadata replaced by the new version's (the policy, also in the head, stays as served). */
function patchMetadata(next: Document) {
  const live = metadata(document.head)
  const now = metadata(next.head)
  live.forEach((el, i) => (now[i] ? el.replaceWith(document.importNode(now[i]!, true)) : el.remove()))
  for (const el of now.slice(live.length)) document.head.append(document.importNode(el, true))
}
const scriptsOf = (doc: Document) => Array.from(doc.scripts).filter(executable).map((s) => s.text)
const shell = (el: Element) => el.cloneNode(false) as Element


/** True when the new version can be patched into the open page (same head but for its metadata, scripts, `html` and `body`). */
function patchable(old: Document, next: Document): boolean {
  return (
    headShell(old).isEqualNode(headShell(next)) &&
    shell(old.documentElement).isEqualNode(shell(next.documentElement)) &&
    shell(old.body).isEqualNode(shell(next.body)) &&
    scriptsOf(old).join('\0') === scriptsOf(next).join('\0')
  )
}

/** A block of the new version morphed into the one on screen, keeping the open note if it is inside. */
function morph(live: Node, next: Node) {
  morphdom(live, next.cloneNode(true), {
    onBeforeElUpdated: (from, to) => !from.isEqualNode(to),
    onBeforeNodeDiscarded: (node) => !added(node)
  })
}

const SAME = 'data-essay-edition-same'
/** Stand-ins of `next` (the server's unchanged blocks) and the blocks of `old` they stand for. */
type Kept = Array<[Element, Node]>
const standsIn = (node: Node): node is Element => node instanceof HTMLTemplateElement && node.hasAttribute(SAME)
/** True when `n` is `w`, or stands in for it (which is noted); a stand-in for another tag is a misunderstanding. */
function same(w: Node, n: Node, kept: Kept): boolean {
  if (!standsIn(n)) return w.isEqualNode(n)
  if (w.nodeName.toLowerCase() !== n.getAttribute(SAME)) throw new Error('stand-in out of line')
  kept.push([n, w])
  return true
}
/** A node of the new version shown as it is: it must hold no stand-in. */
function whole(node: Node): Node {
  if (standsIn(node) || (node instanceof Element && node.querySelector(`[${SAME}]`))) throw new Error('stand-in out of line')
  return node
}

/**
 * Patch `live` (on screen, `old` as served plus what scripts added) into `next`: the children
 * equal at both ends stay; in between, containers with the same tag and attributes are patched in
 * turn, other blocks morphed, added or removed. False when the page does not line up with `old`.
 */
function patchChildren(live: Element, old: Element, next: Element, kept: Kept): boolean {
  const was = Array.from(old.childNodes)
  const now = Array.from(next.childNodes)
  const shown = Array.from(live.childNodes).filter((node) => !added(node))
  if (shown.length !== was.length) return false
  let start = 0
  while (start < was.length && start < now.length && same(was[start]!, now[start]!, kept)) start++
  let endWas = was.length
  let endNow = now.length
  while (endWas > start && endNow > start && same(was[endWas - 1]!, now[endNow - 1]!, kept)) {
    endWas--
    endNow--
  }
  const paired = Math.min(endWas - start, endNow - start)
  for (let i = start; i < start + paired; i++) {
    const [s, w, n] = [shown[i]!, was[i]!, now[i]!]
    if (w instanceof Element && n instanceof Element && containers.has(w.tagName) && shell(w).isEqualNode(shell(n)) && s instanceof Element) {
      if (!patchChildren(s, w, n, kept)) morph(s, whole(n))
    } else if (!same(w, n, kept)) morph(s, whole(n))
  }
  for (let i = start + paired; i < endWas; i++) shown[i]!.remove()
  const before = shown[endWas] ?? null
  for (let i = start + paired; i < endNow; i++) live.insertBefore(document.importNode(whole(now[i]!), true), before && before.parentNode === live ? before : null)
  return true
}

let pristine: Promise<Document | undefined> = fetchVersion(version)
// For `npm run bench -- --preview`: the page is ready to patch.
void pristine.then((doc) => doc && performance.mark('essay-edition:ready'))
let queue: Promise<void> = Promise.resolve()

/** Bring the page to `wanted`: patched in place when it can be, else reloaded at the same place. */
async function update(wanted: string, told: number) {
  if (wanted === version) return
  const old = await pristine
  const next = old && (await fetchVersion(wanted, version))
  const fetched = performance.now()
  const kept: Kept = []
  if (!old || !next || !patchable(old, next) || !patchChildren(document.body, old.body, next.body, kept)) return reload()
  if (!old.head.isEqualNode(next.head)) patchMetadata(next)
  version = wanted
  // The new version whole, for the next patch: each stand-in replaced by the block it stands for,
  // after the frame that shows the patch (on a large page, thousands of blocks move), or soon in a
  // hidden tab, which has no frames.
  pristine = new Promise((resolve) => {
    let done = false
    const complete = () => {
      if (done) return
      done = true
      for (const [standIn, block] of kept) standIn.replaceWith(block)
      resolve(next.querySelector(`[${SAME}]`) ? fetchVersion(wanted) : next)
    }
    requestAnimationFrame(() => setTimeout(complete))
    setTimeout(complete, 250)
  })
  document.title = next.title
  const morphed = performance.now()
  document.dispatchEvent(new CustomEvent('essay-edition:patched'))
  // For `npm run bench -- --preview`: where the time of an update went.
  performance.measure('essay-edition:fetch', {start: told, end: fetched})
  performance.measure('essay-edition:patch', {start: fetched, end: morphed})
  performance.measure('essay-edition:scripts', {start: morphed, end: performance.now()})
}

const events = new EventSource(`${EVENTS}?page=${encodeURIComponent(page)}`)
events.onmessage = (event: MessageEvent<string>) => {
  let state: {version?: string; error?: string | null}
  try {
    state = JSON.parse(event.data) as typeof state
  } catch {
    return
  }
  if (document.body) show(state.error ?? null)
  else addEventListener('DOMContentLoaded', () => show(state.error ?? null), {once: true})
  const wanted = state.version
  const told = performance.now()
  if (wanted && wanted !== version) queue = queue.then(() => update(wanted, told)).catch(reload)
}
