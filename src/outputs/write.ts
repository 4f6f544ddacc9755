/**
 * Writing the outputs without losing anything: every file is written beside its target and renamed
 * into place, only after the whole build succeeded; files the build does not produce are left alone.
 * An output folder that holds a source is refused, since the build would write over it.
 */
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'

/** Files of one build: path relative to the output folder -> content. */
export type OutputFiles = Map<string, string | Uint8Array>

/** True when `child` is `parent` or lies inside it. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child))
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/** The sources an output folder would put at risk, if any. */
export function sourcesInside(outDir: string, sources: string[]): string[] {
  return sources.filter((source) => isInside(source, outDir))
}

/** An output that cannot be written (a folder that is a file, or not writable), said as such. */
export class OutputError extends Error {
  override name = 'OutputError'
}

/**
 * Make a folder and its missing parents. Not `mkdirSync(dir, {recursive: true})`, which loops
 * forever where a parent exists but refuses new entries with ENOENT (`/proc`).
 */
function makeFolder(dir: string): void {
  const missing: string[] = []
  for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) {
    missing.push(at)
    if (path.dirname(at) === at) break
  }
  for (const folder of missing.reverse()) fs.mkdirSync(folder)
}

/** Write all files under `outDir`, each atomically (temporary file, then rename). */
export function writeOutputs(outDir: string, files: OutputFiles): string[] {
  const written: string[] = []
  const staged: Array<[string, string]> = []
  const suffix = `.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
  try {
    for (const [relative, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const target = path.join(outDir, relative)
      makeFolder(path.dirname(target))
      const temporary = target + suffix
      fs.writeFileSync(temporary, content)
      staged.push([temporary, target])
    }
    for (const [temporary, target] of staged) {
      fs.renameSync(temporary, target)
      written.push(target)
    }
  } catch (error) {
    const {code, path: where} = error as NodeJS.ErrnoException
    if (!code) throw error
    throw new OutputError(`cannot write the outputs into ${where?.replace(suffix, '') ?? outDir}: ${code}${written.length > 0 ? ` (${written.length} of ${files.size} files were written)` : ' (nothing was written)'}`)
  } finally {
    for (const [temporary] of staged) fs.rmSync(temporary, {force: true})
  }
  return written
}
