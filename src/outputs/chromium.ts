/**
 * Finding and starting Chromium (Debian's, never a downloaded one): `CHROMIUM_PATH`, else the usual
 * places. Used by the PDF output and by the browser tests.
 */
import fs from 'node:fs'
import {chromium, type Browser, type LaunchOptions} from 'playwright-core'

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']

/** How to get Chromium when it is missing. */
export const installHint = 'Install it with `apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable.'

/** The Chromium executable to use, or undefined when none is found. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.CHROMIUM_PATH
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined
  return candidates.find((candidate) => fs.existsSync(candidate))
}

/** Flags for a quiet, offline, headless Chromium (no background requests, no sandbox as root). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--mute-audio'
]

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(`Chromium was not found. ${installHint}`)
  return chromium.launch({executablePath, args: chromiumArgs, headless: true, ...options})
}
