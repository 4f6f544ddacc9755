#!/usr/bin/env node
/**
 * The `essay-edition` command: dispatches to one file a command (src/cli/), which parses its
 * arguments, calls the library, prints diagnostics and returns the exit code: 0 success, 1 input
 * errors, 2 usage. An unexpected exception is a bug: its stack, and a request to report it.
 */
import {Exit, fail, nearestOption, version} from './cli/shared.js'
import {build} from './cli/build.js'
import {check} from './cli/check.js'
import {preview} from './cli/preview.js'
import {styles} from './cli/styles.js'
import {newEssay} from './cli/new.js'

const usage = `Usage: essay-edition <command> [options]

Commands:
  build      build reading editions (essay-edition build --help)
  preview    serve an essay or a folder of essays on 127.0.0.1, rebuilt and reloaded on change
  check      print every diagnostic the build would, write nothing
  styles     list the citation styles (--all: also the system's CSL styles)
  new        start an essay: essay/NAME.md and bibliography/NAME.json

Run essay-edition <command> --help for its options and examples.

Options:
  -h, --help     this help
  -v, --version  the version

Examples:
  essay-edition new my-essay
  essay-edition preview essay/my-essay.md
  essay-edition check --strict
  essay-edition build`


const commands: Record<string, (args: string[]) => Promise<number>> = {build, preview, check, styles, new: newEssay}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === '-v' || command === '--version') {
      process.stdout.write(`${version}\n`)
      return 0
    }
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(usage + '\n')
      return command === undefined ? 2 : 0
    }
    const run = commands[command]
    if (run) return await run(rest)
    const near = nearestOption(command, Object.keys(commands))
    fail(`unknown command "${command}"${near ? ` (did you mean ${near.slice(2)}?)` : ''}`, usage)
  } catch (error) {
    if (error instanceof Exit) return error.code
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n\nessay-edition: this is a bug in essay-edition, not in your input. Please report it, with the command and the files it read.\n`)
    return 70
  }
}
