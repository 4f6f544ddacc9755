/**
 * The reader's script, inlined in every page (browser only; never imports build code).
 * Written for the page contract, not for one essay:
 * - notes and in-text citations open in place as popovers (hover, focus + Enter, tap; Esc closes);
 * - the style control switches citations, notes and reference lists together, remembers the
 *   choice and reads `?style=`;
 * - Copy buttons put an entry on the clipboard as text/html and text/plain;
 * - reading preferences (`select[data-pref]`: notes, theme) are kept and set as `html[data-NAME]`;
 * - notes stand in the margin as sidenotes where there is room (or when the reader asks).
 *
 * Sidenotes are a visual copy of the endnotes: `aria-hidden`, their links out of the Tab order.
 * Assistive technology and the keyboard reach the same note, once, through its reference (a link to
 * the endnote that opens the note as a dialog), so screen readers do not read each note twice and
 * the paragraph is not interrupted by its notes.
 *
 * The reader's own annotations are in annotations.ts.
 */
import {annotations} from './annotations.js'
import {button, h} from './dom.js'

const doc = document
const root = doc.documentElement
const STORE = 'essay-edition:style'
const $$ = <T extends Element = HTMLElement>(selector: string, scope: ParentNode = doc): T[] => Array.from(scope.querySelectorAll<T>(selector) as NodeListOf<T>)

// State, first: the functions below run while the script is still starting.
let popover: HTMLElement | null = null
let owner: HTMLAnchorElement | null = null
let pinned = false
let openTimer = 0
let closeTimer = 0
let counter = 0
let margin: HTMLElement | undefined
let frame = 0

function store(key: string, value?: string): string | null {
  try {
    if (value !== undefined) localStorage.setItem(key, value)
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function announce(message: string) {
  const live = doc.getElementById('live-region')
  if (!live) return
  live.textContent = ''
  setTimeout(() => (live.textContent = message), 30)
}

/* ---------- preferences: where notes show, theme ---------- */

for (const pref of $$<HTMLSelectElement>('select[data-pref]')) {
  const key = 'essay-edition:' + pref.dataset.pref
  pref.value = store(key) ?? ''
  if (!pref.value) pref.selectedIndex = 0
  const set = () => (root.dataset[pref.dataset.pref!] = pref.value)
  pref.addEventListener('change', () => {
    store(key, pref.value)
    set()
    relayout()
  })
  set()
}

/* ---------- styles ---------- */

const select = doc.querySelector<HTMLSelectElement>('[data-style-control]')
const styleIds = select ? Array.from(select.options, (o) => o.value) : []

function applyStyle(id: string, keepNote = false) {
  if (!select || !styleIds.includes(id)) return
  if (!keepNote) closePopover(false)
  select.value = id
  root.dataset.style = id
  const noteMode = select.selectedOptions[0]?.dataset.class === 'note'
  for (const el of $$('[data-styles]')) {
    const hide = !(el.dataset.styles ?? '').split(' ').includes(id)
    if (el.hidden != hide) el.hidden = hide
  }
  for (const section of $$('[role="doc-bibliography"][data-style]')) {
    const shown = section.dataset.style === id
    section.hidden = !shown
    for (const li of $$('li[data-key]', section)) {
      if (shown) li.id = 'ref-' + li.dataset.key
      else li.removeAttribute('id')
    }
  }
  for (const el of $$('[data-n-note]')) {
    const n = (noteMode ? el.dataset.nNote : el.dataset.nText) ?? ''
    if (el instanceof HTMLLIElement) {
      el.value = Number(n)
      if (el.hasAttribute('data-note-generated')) el.hidden = !noteMode
    } else if (el.textContent != n) el.textContent = n
  }
  relayout()
}

if (select) {
  const fromUrl = new URLSearchParams(location.search).get('style')
  const initial = [fromUrl, store(STORE)].find((id): id is string => Boolean(id && styleIds.includes(id)))
  if (initial && initial !== select.value) applyStyle(initial)
  else root.dataset.style = select.value
  select.addEventListener('change', () => {
    applyStyle(select.value)
    store(STORE, select.value)
    try {
      const url = new URL(location.href)
      url.searchParams.set('style', select.value)
      history.replaceState(history.state, '', url)
    } catch {
      /* file: URLs in some browsers */
    }
    announce('Citation style: ' + (select.selectedOptions[0]?.textContent ?? select.value))
  })
}
// The controls are shown by the stylesheet once the head's script marks the page `js` (before the
// first paint: no layout shift); without JavaScript they stay hidden.

// `essay-edition preview` patched the page in place (src/client/preview.ts): the new blocks get the
// chosen style and preferences; the open note stays open unless its reference went.
doc.addEventListener('essay-edition:patched', () => {
  if (owner && !owner.isConnected) closePopover(false)
  for (const pref of $$<HTMLSelectElement>('select[data-pref]')) pref.value = root.dataset[pref.dataset.pref!] ?? pref.value
  if (root.dataset.style) applyStyle(root.dataset.style, true)
  relayout()
})

/* ---------- popovers ---------- */

/** How notes show now: `side` (sidenotes), `popover` or `end` (plain links to the endnotes). */
function notesMode(): string {
  const pref = root.dataset.notes
  if (pref === 'end' || pref === 'popover') return pref
  return matchMedia(pref === 'side' ? '(min-width:70em)' : '(min-width:87.5em)').matches ? 'side' : 'popover'
}

function isTrigger(el: Element | null): el is HTMLAnchorElement {
  if (!(el instanceof HTMLAnchorElement)) return false
  if (el.getAttribute('role') === 'doc-noteref') {
    // Open in place in every mode but the reader's "at the end", sidenotes shown or not: the page
    // contract promises hover, focus + Enter and tap wherever a reader (or a test) comes from.
    return notesMode() !== 'end'
  }
  // In-text citations in the running text; not those inside notes, lists or popovers.
  return el.getAttribute('role') === 'doc-biblioref' && !el.closest('[role="doc-endnotes"], [role="doc-bibliography"], .note-popover')
}

function contentFor(trigger: HTMLAnchorElement): Node[] {
  const target = doc.getElementById(decodeURIComponent(trigger.hash.slice(1)))
  if (!target) return []
  const clone = target.cloneNode(true) as HTMLElement
  for (const el of $$('[role="doc-backlink"], .entry-actions, .Z3988, [hidden]', clone)) {
    if (el.getAttribute('role') === 'doc-backlink' && el.closest('.cited-at')) continue
    el.remove()
  }
  for (const el of $$('[id]', clone)) el.removeAttribute('id')
  return Array.from(clone.childNodes)
}

function place() {
  if (!popover || !owner) return
  const margin = 8
  const gap = 6
  const vw = root.clientWidth
  const vh = window.innerHeight
  const ref = owner.getBoundingClientRect()
  const width = Math.min(512, vw - 2 * margin)
  popover.style.width = width + 'px'
  popover.style.maxHeight = ''
  const below = vh - ref.bottom - gap - margin
  const above = ref.top - gap - margin
  const natural = popover.scrollHeight
  const down = natural <= below || below >= above
  const room = Math.max(48, down ? below : above)
  const height = Math.min(natural, room)
  popover.style.maxHeight = room + 'px'
  const left = Math.min(Math.max(margin, ref.left + ref.width / 2 - width / 2), vw - width - margin)
  popover.style.left = left + 'px'
  popover.style.top = (down ? ref.bottom + gap : ref.top - gap - height) + 'px'
}

function openPopover(trigger: HTMLAnchorElement, how: 'hover' | 'click') {
  clearTimeout(closeTimer)
  if (owner === trigger) {
    if (how === 'click') pinned = true
    return
  }
  closePopover(false)
  const content = contentFor(trigger)
  if (content.length === 0) return
  const isNote = trigger.getAttribute('role') === 'doc-noteref'
  const box = h('div', {id: 'note-popover-' + ++counter, class: 'note-popover', role: 'dialog', 'aria-label': isNote ? 'Note ' + trigger.textContent : 'Reference', tabindex: '-1'},
    button('', () => closePopover(true), {class: 'note-close', 'aria-label': isNote ? 'Close note' : 'Close reference'}), ...content)
  if ('popover' in box) box.setAttribute('popover', 'manual')
  box.addEventListener('pointerenter', () => clearTimeout(closeTimer))
  box.addEventListener('pointerleave', (event) => {
    if (event.pointerType === 'mouse' && !pinned) scheduleClose()
  })
  // In the DOM right after its reference, so that Tab goes from the reference into the note.
  const anchor = trigger.parentElement?.tagName === 'SUP' ? trigger.parentElement : trigger
  anchor.after(box)
  popover = box
  owner = trigger
  pinned = how === 'click'
  try {
    box.showPopover?.()
  } catch {
    /* not supported: shown as a fixed box by the stylesheet */
  }
  trigger.setAttribute('aria-expanded', 'true')
  trigger.setAttribute('aria-controls', box.id)
  place()
}

function closePopover(refocus: boolean) {
  clearTimeout(openTimer)
  clearTimeout(closeTimer)
  if (!popover || !owner) return
  const trigger = owner
  popover.remove()
  trigger.setAttribute('aria-expanded', 'false')
  trigger.removeAttribute('aria-controls')
  popover = null
  owner = null
  pinned = false
  if (refocus) trigger.focus()
}

function scheduleClose() {
  clearTimeout(closeTimer)
  closeTimer = window.setTimeout(() => closePopover(false), 300)
}

doc.addEventListener('pointerover', (event) => {
  if (event.pointerType !== 'mouse') return
  const trigger = (event.target as Element).closest?.('a')
  if (!isTrigger(trigger)) return
  clearTimeout(closeTimer)
  if (owner === trigger) return
  clearTimeout(openTimer)
  openTimer = window.setTimeout(() => openPopover(trigger, 'hover'), 250)
})

doc.addEventListener('pointerout', (event) => {
  if (event.pointerType !== 'mouse') return
  const trigger = (event.target as Element).closest?.('a')
  if (!isTrigger(trigger)) return
  const to = event.relatedTarget as Node | null
  if (to && trigger.contains(to)) return
  clearTimeout(openTimer)
  if (owner === trigger && !pinned) scheduleClose()
})

doc.addEventListener('click', (event) => {
  const trigger = (event.target as Element).closest?.('a')
  if (trigger && popover?.contains(trigger)) {
    // A link inside the open note: follow it, and let the note go.
    closePopover(false)
    return
  }
  if (!isTrigger(trigger)) return
  if (owner === trigger && pinned) {
    // Second activation: follow the link to the note or entry.
    closePopover(false)
    return
  }
  event.preventDefault()
  openPopover(trigger, 'click')
})

doc.addEventListener('pointerdown', (event) => {
  if (!popover) return
  const target = event.target as Node
  if (popover.contains(target) || owner?.contains(target)) return
  closePopover(false)
})

doc.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && popover) {
    event.preventDefault()
    closePopover(true)
  }
})

doc.addEventListener('focusout', (event) => {
  if (!popover || pinned) return
  const to = event.relatedTarget as Node | null
  if (to && (popover.contains(to) || owner?.contains(to))) return
  if (owner?.matches(':hover') || popover.matches(':hover')) return
  scheduleClose()
})

window.addEventListener('scroll', () => place(), {passive: true})

/* ---------- sidenotes ---------- */

/** Notes in the right margin, each at its reference's height, pushed down so that none overlap. */
function layout() {
  const article = doc.querySelector('article')
  const side = notesMode() === 'side' && article
  root.classList.toggle('has-sidenotes', !!side)
  margin?.remove()
  margin = undefined
  if (!side) return
  margin = h('div', {class: 'sidenotes', 'aria-hidden': 'true'})
  article.append(margin)
  const top = margin.getBoundingClientRect().top
  let free = 0
  for (const ref of $$<HTMLAnchorElement>('a[role="doc-noteref"]', article)) {
    if (!ref.getClientRects().length) continue
    const note = h('aside', {class: 'sidenote', 'data-n': ref.textContent ?? ''}, ...contentFor(ref))
    for (const link of $$('a', note)) link.tabIndex = -1
    margin.append(note)
    const y = Math.max(free, ref.getBoundingClientRect().top - top - 2)
    note.style.top = y + 'px'
    free = y + note.offsetHeight + 12
  }
}

function relayout() {
  place()
  cancelAnimationFrame(frame)
  frame = requestAnimationFrame(layout)
}
window.addEventListener('resize', relayout, {passive: true})
const article = doc.querySelector('article')
if (article) new ResizeObserver(relayout).observe(article)

/* ---------- copying ---------- */

function entryParts(li: Element): {html: string; text: string} {
  const clone = li.cloneNode(true) as HTMLElement
  for (const el of $$('.entry-actions, .Z3988, button', clone)) el.remove()
  for (const el of $$('.csl-left-margin', clone)) el.append(' ')
  for (const el of $$('[id]', clone)) el.removeAttribute('id')
  const html = Array.from(clone.childNodes, (n) => (n instanceof Element ? n.outerHTML : n.textContent ?? '')).join('').trim()
  // BibTeX keeps its lines; a formatted entry is one line.
  const pre = clone.querySelector('pre')
  const text = pre ? (pre.textContent ?? '').trim() : (clone.textContent ?? '').replace(/\s+/g, ' ').trim()
  return {html, text}
}

/* ---------- downloads: each work's BibTeX or RIS, or the whole list, from the page alone ---------- */

doc.addEventListener('click', (event) => {
  const link = (event.target as Element).closest?.('a[data-export]')
  const data = doc.getElementById('work-exports')
  if (!(link instanceof HTMLAnchorElement) || !data) return
  const {works, json} = JSON.parse(data.textContent ?? '{}') as {works: Record<string, {bib: string; ris: string}>; json: string}
  const format = link.dataset.export as 'bib' | 'ris' | 'json'
  const key = link.closest('li')?.dataset.key
  const body = format === 'json' ? json : key ? works[key]?.[format] : Object.values(works).map((w) => w[format]).join('\n')
  if (body) link.href = URL.createObjectURL(new Blob([body], {type: format === 'json' ? 'application/json' : 'text/plain'}))
})

async function copy(html: string, text: string): Promise<boolean> {
  try {
    await navigator.clipboard.write([
      new ClipboardItem({
        'text/html': new Blob([html], {type: 'text/html'}),
        'text/plain': new Blob([text], {type: 'text/plain'})
      })
    ])
    return true
  } catch {
    // Fallback where the asynchronous clipboard is refused: a copy event we fill ourselves.
    const onCopy = (event: ClipboardEvent) => {
      event.clipboardData?.setData('text/html', html)
      event.clipboardData?.setData('text/plain', text)
      event.preventDefault()
    }
    doc.addEventListener('copy', onCopy)
    let ok = false
    try {
      ok = doc.execCommand('copy')
    } finally {
      doc.removeEventListener('copy', onCopy)
    }
    return ok
  }
}

doc.addEventListener('click', async (event) => {
  const button = (event.target as Element).closest?.('button.copy-ref, button.copy-all')
  if (!(button instanceof HTMLButtonElement)) return
  let parts: {html: string; text: string}
  if (button.classList.contains('copy-all')) {
    const list = $$('li[data-key]', button.closest('section') ?? doc).map(entryParts)
    parts = {html: list.map((p) => '<p>' + p.html + '</p>').join('\n'), text: list.map((p) => p.text).join('\n')}
  } else {
    const li = button.closest('li')
    if (!li) return
    parts = entryParts(li)
  }
  const ok = await copy(parts.html, parts.text)
  const label = button.textContent
  button.textContent = ok ? 'Copied' : 'Copy failed'
  announce(ok ? 'Copied' : 'Copy failed: select the text and copy it by hand')
  setTimeout(() => (button.textContent = label), 1500)
})

annotations(copy, announce)
