/** Shared by the tests: project paths, building essays into temporary folders, a browser. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import type {Browser} from 'playwright-core'
import {launchChromium} from '../src/outputs/chromium.js'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const cliPath = path.join(projectRoot, 'bin/essay-edition.js')
export const defaultEssay = path.join(projectRoot, 'essay/russia-warms-up-to-pakistan.md')

export function tempDir(prefix = 'essay-edition-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Run the CLI as a user would. */
export function runCli(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? projectRoot,
    env: {...process.env, ...options.env},
    encoding: 'utf8'
  })
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

/** Write files (relative path -> content) into a fresh folder. */
export function fixture(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir()
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    fs.writeFileSync(path.join(dir, name), content)
  }
  return dir
}

let builtDefault: string | undefined

/** The default essay built once per test file: the path of its index.html. */
export function buildDefaultEssay(): string {
  if (builtDefault) return builtDefault
  const out = tempDir()
  const result = runCli(['build', defaultEssay, '--out', out])
  if (result.code !== 0) throw new Error(`build failed: ${result.stderr}`)
  builtDefault = path.join(out, 'index.html')
  return builtDefault
}

export function fileUrl(file: string): string {
  return 'file://' + file
}

let browser: Browser | undefined
export async function getBrowser(): Promise<Browser> {
  browser ??= await launchChromium()
  return browser
}
export async function closeBrowser() {
  await browser?.close()
  browser = undefined
}
