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

/** Write all files under `outDir`, each atomically (temporary file, then rename). */
export function writeOutputs(outDir: string, files: OutputFiles): string[] {
  const written: string[] = []
  const staged: Array<[string, string]> = []
  const suffix = `.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
  try {
    for (const [relative, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const target = path.join(outDir, relative)
      fs.mkdirSync(path.dirname(target), {recursive: true})
      const temporary = target + suffix
      fs.writeFileSync(temporary, content)
      staged.push([temporary, target])
    }
    for (const [temporary, target] of staged) {
      fs.renameSync(temporary, target)
      written.push(target)
    }
  } finally {
    for (const [temporary] of staged) fs.rmSync(temporary, {force: true})
  }
  return written
}
