/**
 * The reader's own annotations (browser only; imported by reader.ts): select a passage of the
 * essay's body (or "Annotate paragraph"), then Highlight it, add a Note, or Copy quote with a
 * citation of the essay in the chosen style. "My notes" lists them, deletes, exports (W3C Web
 * Annotation JSON-LD, Markdown), imports (merging by id) and prints them. Nothing leaves the
 * browser: the annotations are kept in `localStorage` under the essay's identity.
 *
 * The text model: the body paragraphs (`article p` holding a permalink) as one string, `full`,
 * made of their visible text nodes (not permalinks, note markers, math, hidden style variants or
 * the script's own controls), a newline after each paragraph; and `text`, the same without what
 * changes with the citation style (`[data-styles]`: in-text citations, the punctuation around
 * them), so that a highlight made under one style is found under another; `toFull` maps `text` to
 * `full`. An annotation is a W3C Web Annotation whose target has a TextQuoteSelector (exact,
 * prefix, suffix) and a TextPositionSelector (offsets), both in `text`, and a FragmentSelector
 * (the paragraph's id); it is anchored again on load by its quote,
 * the prefix, suffix and position choosing among repeats, so that a rebuilt essay keeps it on the
 * same words. A highlight is one `mark.annotation[data-annotation-id]` per text node, so that it
 * never breaks inline markup. Notes are plain text, always set as text.
 */

import {button, h} from './dom.js'

interface Quote {type: 'TextQuoteSelector'; exact: string; prefix: string; suffix: string}
interface Position {type: 'TextPositionSelector'; start: number; end: number}
interface Fragment {type: 'FragmentSelector'; value: string}
interface Annotation {
  id: string
  type: 'Annotation'
  motivation: 'highlighting' | 'commenting'
  created: string
  body?: {type: 'TextualBody'; value: string; format: 'text/plain'; purpose: 'commenting'}
  target: {source: string; selector: [Quote, Position, Fragment?]}
}
interface Seg {n: Text; s: number; p: HTMLElement}
type Span = [number, number]

export function annotations(copy: (html: string, text: string) => Promise<boolean>, announce: (message: string) => void) {
  const doc = document
  const root = doc.documentElement
  const article = doc.querySelector('article')
  // "My notes" stands in the page's controls from the first paint (rehype-document.ts): nothing moves.
  const myNotes = doc.querySelector<HTMLButtonElement>('[data-reader-controls] .my-notes-toggle')
  if (!article || !myNotes) return
  const toggleButton = myNotes
  const meta = (name: string) => doc.querySelector<HTMLMetaElement>(`meta[name="citation_${name}"]`)?.content
  const title = meta('title') ?? doc.title
  const source = meta('doi') ? 'https://doi.org/' + meta('doi') : meta('public_url') ?? title
  const KEY = 'essay-edition:annotations:' + source
  const PLACEHOLDER = '999999'
  const LOST = 'Not found in this version'

  const marks = (id: string) => Array.from(doc.querySelectorAll<HTMLElement>('mark.annotation')).filter((m) => m.dataset.annotationId === id)
  const paragraphs = () => Array.from(article.querySelectorAll('p > a.permalink'), (a) => a.parentElement!)
  /** The number of the paragraph an annotation starts in (its `p-N` as the reference lists count). */
  const paragraphOf = (ann: Annotation) => paragraphs().indexOf(doc.getElementById(ann.target.selector[2]?.value ?? '')!) + 1

  /* ---------- the text model ---------- */

  let full = ''
  let text = ''
  let toFull: number[] = []
  let segs: Seg[] = []
  function scan() {
    full = text = ''
    toFull = []
    segs = []
    for (const p of paragraphs()) {
      const walk = doc.createTreeWalker(p, NodeFilter.SHOW_TEXT, {
        acceptNode: (n) => (n.parentElement!.closest('.permalink,.annotate-para,[hidden],[role=doc-noteref],.note-popover,math,.katex,script') ? 2 : 1)
      })
      for (let n: Node | null; (n = walk.nextNode()); ) {
        const data = (n as Text).data
        segs.push({n: n as Text, s: full.length, p})
        if (!n.parentElement!.closest('[data-styles]')) {
          for (let i = 0; i < data.length; i++) toFull.push(full.length + i)
          text += data
        }
        full += data
      }
      toFull.push(full.length)
      full += '\n'
      text += '\n'
    }
    toFull.push(full.length)
  }
  /** A range's place in `text`, without the whitespace at its ends. */
  function span(r: Range): Span | undefined {
    let a = -1
    let b = -1
    for (const {n, s} of segs) {
      if (!r.intersectsNode(n)) continue
      if (a < 0) a = s + (n === r.startContainer ? r.startOffset : 0)
      b = s + (n === r.endContainer ? r.endOffset : n.length)
    }
    a = toFull.findIndex((x) => x >= a)
    b = toFull.findIndex((x) => x >= b)
    while (a < b && /\s/.test(text[a]!)) a++
    while (b > a && /\s/.test(text[b - 1]!)) b--
    return a < b ? [a, b] : undefined
  }
  const segAt = (i: number) => segs.findLast((g) => g.s <= i)
  /** Where the quote stands now: the occurrence whose surroundings and place match best. */
  function locate(ann: Annotation): Span | undefined {
    const [q, pos] = ann.target.selector
    const pattern = new RegExp(q.exact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'), 'g')
    let best: Span | undefined
    let score = -Infinity
    for (const m of text.matchAll(pattern)) {
      const i = m.index
      const j = i + m[0].length
      let k = 0
      let l = 0
      while (k < q.prefix.length && text[i - 1 - k] === q.prefix[q.prefix.length - 1 - k]) k++
      while (l < q.suffix.length && text[j + l] === q.suffix[l]) l++
      const value = k + l - Math.abs(i - pos.start) / 1e7
      if (value > score) [score, best] = [value, [i, j]]
    }
    return best
  }

  /* ---------- highlights ---------- */

  const valid = (a: Annotation) => typeof a?.id === 'string' && /\S/.test(a.target?.selector?.[0]?.exact) && a.target.selector[1]?.start >= 0
  let list: Annotation[] = []
  let refused = false
  const found = new Map<string, number>()
  try {
    list = (JSON.parse(localStorage.getItem(KEY) ?? '[]') as Annotation[]).filter(valid)
  } catch {
    refused = true
  }
  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(list))
    } catch {
      refused = true
    }
    render()
  }

  /** Wrap the annotation's words in marks, one a text node; false when its quote is not found. */
  function place(ann: Annotation): boolean {
    const at = locate(ann)
    found.delete(ann.id)
    if (!at) return false
    const pos = ann.target.selector[1]
    ;[pos.start, pos.end] = at
    found.set(ann.id, at[0])
    // In `full`: from the quote's first character to just after its last, whatever lies between.
    const a = toFull[at[0]]!
    const b = toFull[at[1] - 1]! + 1
    ann.target.selector[2] = {type: 'FragmentSelector', value: segAt(a)!.p.id}
    for (const {n, s} of segs) {
      const i = Math.max(a - s, 0)
      const j = Math.min(b - s, n.length)
      if (i >= j) continue
      if (j < n.length) n.splitText(j)
      const t = i ? n.splitText(i) : n
      const m = h('mark', {class: 'annotation', 'data-annotation-id': ann.id})
      t.replaceWith(m)
      m.append(t)
    }
    scan()
    decorate(ann)
    return true
  }
  /** The first mark is the annotation's place: focusable, with an id to link to; a note shows. */
  function decorate(ann: Annotation) {
    marks(ann.id).forEach((m, i) => {
      m.classList.toggle('has-note', !!ann.body)
      if (i) return
      m.id = 'annotation-' + ann.id.slice(-12)
      m.tabIndex = 0
    })
  }
  function unplace(ann: Annotation) {
    for (const m of marks(ann.id)) {
      const parent = m.parentNode!
      m.replaceWith(...m.childNodes)
      parent.normalize()
    }
    found.delete(ann.id)
    scan()
  }

  /* ---------- the toolbar ---------- */

  let current: {ann?: Annotation; at?: Span} = {}
  const noteShown = h('p')
  const field = h('textarea', {'aria-label': 'Note', rows: '3'})
  const editor = h('div', {}, field, button('Save note', saveNote), button('Cancel', () => hide(true)))
  const highlightButton = button('Highlight', () => {
    highlight()
    hide(true)
  })
  const bar = h('div', {role: 'toolbar', 'aria-label': 'Annotate', class: 'annotate-bar'},
    noteShown, highlightButton,
    button('Note', () => {
      const ann = highlight()
      editor.hidden = false
      field.value = ann.body?.value ?? ''
      field.focus()
    }),
    button('Copy quote', async () => {
      const parts = quote(current.ann ?? draft())
      const ok = await copy(`<p>${esc(parts.quote)} ${parts.html}</p>`, parts.quote + ' ' + parts.text)
      announce(ok ? 'Quote copied' : 'Copy failed')
      if (!current.ann) hide()
    }),
    editor)
  bar.hidden = true
  bar.addEventListener('pointerdown', (e) => e.target !== field && e.preventDefault())
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) saveNote()
  })

  let opener: HTMLElement | null = null
  function show(what: typeof current, near: DOMRect, after: Element) {
    opener = doc.activeElement as HTMLElement
    current = what
    editor.hidden = true
    highlightButton.hidden = !!what.ann
    noteShown.hidden = !(noteShown.textContent = what.ann?.body?.value ?? '')
    after.after(bar)
    bar.hidden = false
    put(bar, near)
  }
  /** Beside a rectangle: below it if there is room, else above; inside the viewport. */
  function put(e: HTMLElement, r: DOMRect) {
    const box = e.offsetParent!.getBoundingClientRect()
    const below = r.bottom + e.offsetHeight + 8 < innerHeight
    e.style.left = Math.max(8, Math.min(r.left, root.clientWidth - e.offsetWidth - 8)) - box.left + 'px'
    e.style.top = (below ? r.bottom + 6 : r.top - e.offsetHeight - 6) - box.top + 'px'
  }
  function hide(refocus?: boolean) {
    if (bar.hidden) return
    bar.hidden = true
    if (refocus) (current.ann ? marks(current.ann.id)[0] : opener)?.focus()
    current = {}
  }
  /** A new annotation for the current span (not yet kept). */
  function draft(): Annotation {
    const [a, b] = current.at!
    return {
      // A blob URL ends in a random UUID in every context (crypto.randomUUID needs a secure one).
      id: 'urn:uuid:' + URL.createObjectURL(new Blob()).slice(-36),
      type: 'Annotation',
      motivation: 'highlighting',
      created: new Date().toISOString(),
      target: {
        source,
        selector: [
          {type: 'TextQuoteSelector', exact: text.slice(a, b).replace(/\s+/g, ' '), prefix: text.slice(Math.max(0, a - 32), a), suffix: text.slice(b, b + 32)},
          {type: 'TextPositionSelector', start: a, end: b},
          {type: 'FragmentSelector', value: segAt(toFull[a]!)!.p.id}
        ]
      }
    }
  }
  function highlight(): Annotation {
    if (current.ann) return current.ann
    const ann = draft()
    list.push(ann)
    place(ann)
    save()
    getSelection()?.removeAllRanges()
    current = {ann}
    return ann
  }
  function saveNote() {
    const ann = current.ann
    if (!ann) return
    const value = field.value.trim()
    ann.motivation = value ? 'commenting' : 'highlighting'
    if (value) ann.body = {type: 'TextualBody', value, format: 'text/plain', purpose: 'commenting'}
    else delete ann.body
    decorate(ann)
    save()
    hide(true)
    announce('Note saved')
  }

  let timer = 0
  doc.addEventListener('selectionchange', () => {
    clearTimeout(timer)
    timer = window.setTimeout(() => {
      const s = getSelection()
      if (!s || s.isCollapsed || !s.rangeCount) {
        if (current.at && !bar.contains(doc.activeElement)) hide()
        return
      }
      const r = s.getRangeAt(0)
      if (bar.contains(r.commonAncestorContainer)) return
      scan()
      const at = span(r)
      if (at) show({at}, r.getBoundingClientRect(), segAt(toFull[at[0]]!)!.p)
    }, 150)
  })
  doc.addEventListener('click', (e) => {
    const m = (e.target as Element).closest?.<HTMLElement>('mark.annotation')
    const ann = list.find((a) => a.id === m?.dataset.annotationId)
    // Not when a link in the highlight opened its popover (reader.ts), nor at the end of a selection.
    if (ann && !e.defaultPrevented && getSelection()?.isCollapsed !== false) show({ann}, m!.getBoundingClientRect(), m!.closest('p')!)
    else if (!bar.contains(e.target as Node) && !current.at) hide()
  })
  doc.addEventListener('keydown', (e) => {
    const m = (e.target as Element).closest?.('mark.annotation')
    if (e.key === 'Enter' && m) (m as HTMLElement).click()
    if (e.key !== 'Escape') return
    if (!bar.hidden) hide(true)
    else if (!panel.hidden) toggle(false)
  })

  // Each paragraph's permalink also offers "Annotate paragraph": the whole paragraph, by keyboard.
  const paragraphButtons = () => paragraphs().forEach((p) => p.querySelector('.annotate-para') || p.querySelector(':scope > a.permalink')!.after(button('', () => {
      scan()
      const r = doc.createRange()
      r.selectNodeContents(p)
      const at = span(r)
      if (!at) return
      show({at}, p.getBoundingClientRect(), p)
      highlightButton.focus()
    }, {class: 'annotate-para', 'aria-label': 'Annotate paragraph'})))
  paragraphButtons()

  /* ---------- notes shown on hover, focus and tap ---------- */

  const tip = h('div', {role: 'tooltip', id: 'annotation-tip'})
  tip.hidden = true
  doc.body.insertBefore(tip, doc.currentScript)
  const showTip = (e: Event) => {
    const m = (e.target as Element).closest?.<HTMLElement>('mark.has-note')
    const ann = list.find((a) => a.id === m?.dataset.annotationId)
    tip.hidden = !ann?.body || !bar.hidden
    if (tip.hidden) return
    tip.textContent = ann!.body!.value
    put(tip, m!.getBoundingClientRect())
    m!.setAttribute('aria-describedby', 'annotation-tip')
  }
  doc.addEventListener('pointerover', showTip)
  doc.addEventListener('focusin', showTip)

  /* ---------- Copy quote and the citation ---------- */

  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  function quote(ann: Annotation): {quote: string; html: string; text: string} {
    const cites = JSON.parse(doc.getElementById('quote-citations')?.textContent ?? '{}') as Record<string, string>
    const html = (cites[root.dataset.style!] ?? '').split(PLACEHOLDER).join(String(paragraphOf(ann)))
    return {quote: `“${ann.target.selector[0].exact}”`, html, text: new DOMParser().parseFromString(html, 'text/html').body.textContent ?? ''}
  }

  /* ---------- My notes ---------- */

  toggleButton.onclick = () => toggle(panel.hidden)
  toggleButton.setAttribute('aria-controls', 'my-notes')
  const items = h('ol')
  const refusal = h('p', {}, 'This browser keeps no notes here: export them.')
  const input = h('input', {type: 'file', accept: '.json'})
  const panel = h('aside', {id: 'my-notes', 'aria-labelledby': 'my-notes-heading', tabindex: '-1'},
    h('h2', {id: 'my-notes-heading'}, 'My notes'),
    button('Close', () => toggle(false), {'aria-label': 'Close my notes'}),
    refusal, items,
    h('div', {},
      button('Export', () => download('annotations.json', 'application/ld+json', JSON.stringify({'@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection', label: 'My notes: ' + title, total: list.length, items: ordered()}, null, 2))),
      button('Export Markdown', () => download('annotations.md', 'text/markdown', markdown())),
      button('Print my notes', () => {
        // print() returns once the print dialog is closed.
        root.classList.add('print-notes')
        print()
        root.classList.remove('print-notes')
      }),
      h('label', {}, 'Import ', input)))
  panel.hidden = true
  // Before the script, which stays the last element of the page.
  doc.body.insertBefore(panel, doc.currentScript)

  function toggle(open: boolean) {
    panel.hidden = !open
    toggleButton.setAttribute('aria-expanded', String(open))
    ;(open ? panel : toggleButton).focus()
  }
  /** In the order of the text; those not found at the end. */
  const ordered = () => [...list].sort((a, b) => (found.get(a.id) ?? Infinity) - (found.get(b.id) ?? Infinity))
  function render() {
    refusal.hidden = !refused
    items.replaceChildren(...ordered().map((ann) => {
      const here = found.has(ann.id)
      return h('li', here ? {} : {class: 'lost'},
        h('blockquote', {}, ann.target.selector[0].exact),
        ...(ann.body ? [h('p', {}, ann.body.value)] : []),
        h('p', {},
          here ? h('a', {href: '#' + marks(ann.id)[0]?.id}, '¶ ' + paragraphOf(ann)) : LOST,
          ' ',
          button('Delete', () => {
            list = list.filter((a) => a !== ann)
            unplace(ann)
            save()
            panel.focus()
          })))
    }))
    if (!list.length) items.append(h('li', {}, 'No notes yet: select a passage.'))
  }
  function markdown(): string {
    return `# My notes: ${title}\n\n` + ordered().map((ann) => {
      const q = quote(ann)
      return `> ${q.quote} ${q.text}\n\n` + (ann.body ? ann.body.value + '\n\n' : '') + (found.has(ann.id) ? '' : `(${LOST})\n\n`)
    }).join('')
  }
  function download(name: string, type: string, body: string) {
    h('a', {download: name, href: URL.createObjectURL(new Blob([body], {type}))}).click()
  }
  input.addEventListener('change', async () => {
    let added = 0
    try {
      const data = JSON.parse((await input.files?.[0]?.text()) ?? '') as {items?: Annotation[]}
      for (const ann of data.items ?? []) {
        if (!valid(ann) || list.some((a) => a.id === ann.id)) continue
        list.push(ann)
        place(ann)
        added++
      }
      save()
      announce('Imported: ' + added)
    } catch {
      announce('Import failed')
    }
    input.value = ''
  })

  const placeAll = () => {
    scan()
    for (const ann of list) place(ann)
    render()
  }
  placeAll()
  // `essay-edition preview` patched the page in place (preview.ts): a changed paragraph lost its
  // marks and button; every annotation is anchored again on the new text.
  doc.addEventListener('essay-edition:patched', () => {
    for (const ann of list) unplace(ann)
    paragraphButtons()
    placeAll()
  })
}
