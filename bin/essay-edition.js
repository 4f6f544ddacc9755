#!/usr/bin/env node
// V8 tuning first (src/cli/v8-tuning.ts says why), then the command.
import v8 from 'node:v8'
import {v8Tuning} from '../dist/src/cli/v8-tuning.js'

for (const flag of v8Tuning({v8Version: process.versions.v8, execArgv: process.execArgv, env: process.env})) v8.setFlagsFromString(flag)
const {main} = await import('../dist/src/cli.js')

process.exitCode = await main(process.argv.slice(2))
