/** Elements made by the reader's scripts (browser only): attributes, then children; strings are text, never HTML. */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: Array<Node | string>): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag)
  for (const k in attrs) e.setAttribute(k, attrs[k]!)
  e.append(...kids)
  return e
}

/** A button (`type="button"`) that runs `run` when pressed. */
export const button = (label: string, run: () => void, attrs: Record<string, string> = {}) => {
  const b = h('button', {type: 'button', ...attrs}, label)
  b.onclick = run
  return b
}
