/**
 * The collection page (`build/index.html`): every essay built, with its title, author, date and
 * first lines, linking to its edition (and its PDF and EPUB when built, and the collection's book).
 */
import {toHtml} from 'hast-util-to-html'
import {h} from 'hastscript'
import {isoDate} from '../util/iso-date.js'

export interface CollectionEntry {
  href: string
  pdf?: string
  epub?: string
  title: string
  author?: string
  date?: string
  excerpt?: string
}

/** A date as written, in `time` with its ISO 8601 form when it has one. */
function dateOf(date: string) {
  const iso = isoDate(date)
  return iso ? h('time', {dateTime: iso}, date) : date
}

export function collectionPage(entries: CollectionEntry[], assets: {css: string}, title = 'Essays', links: {book?: string} = {}): string {
  const tree = h(null, [
    {type: 'doctype'},
    h('html', {lang: 'en'}, [
      h('head', [
        h('meta', {charSet: 'utf-8'}),
        h('meta', {name: 'viewport', content: 'width=device-width, initial-scale=1'}),
        h('meta', {httpEquiv: 'Content-Security-Policy', content: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"}),
        h('title', title),
        h('style', assets.css)
      ]),
      h('body', [
        h('header.masthead', [h('h1.title', title), links.book ? h('p', [h('a', {href: links.book}, 'The collection as an EPUB book')]) : '']),
        h('main#main', [
          h('ul.collection', entries.map((entry) =>
            h('li.collection-entry', [
              h('h2', [h('a', {href: entry.href}, entry.title)]),
              entry.author || entry.date ? h('p.byline', [entry.author ?? '', entry.author && entry.date ? ', ' : '', entry.date ? dateOf(entry.date) : '']) : '',
              entry.excerpt ? h('p.excerpt', entry.excerpt) : '',
              entry.pdf || entry.epub ? h('p', [entry.pdf ? h('a', {href: entry.pdf}, 'PDF') : '', entry.pdf && entry.epub ? ' · ' : '', entry.epub ? h('a', {href: entry.epub}, 'EPUB') : '']) : ''
            ])
          ))
        ])
      ])
    ])
  ])
  return toHtml(tree) + '\n'
}
