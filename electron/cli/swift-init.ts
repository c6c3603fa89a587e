#!/usr/bin/env node
// swift-init, drop-in: same usage, options, output and exit codes as OpenStack Swift's, plus --swift-dir
// and --json. Runs with plain `node`; imports nothing heavy so that `status` starts fast.

import { resolve } from 'node:path'
import { Manager, UnknownCommandError } from '../supervisor/manager.js'
import { stdoutConsole } from '../supervisor/output.js'
import { inspectServer } from '../supervisor/inspect.js'
import { FatalError, normpath, type RunOptions } from '../supervisor/server.js'
import { help, OptionError, parseArgs, usage } from './options.js'

const PROG = 'swift-init'
const RUN_DIR = '/var/run/swift'
const SWIFT_DIR = '/etc/swift'

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed
  try {
    parsed = parseArgs(argv)
  } catch (e) {
    if (!(e instanceof OptionError)) throw e
    process.stderr.write(`${usage(PROG)}\n${PROG}: error: ${e.message}\n`)
    return 2
  }
  const { options, args } = parsed
  const out = stdoutConsole
  if (options.help) {
    out.print(help(PROG).replace(/\n$/, ''))
    return 0
  }
  if (args.length < 2) {
    out.print(help(PROG).replace(/\n$/, ''))
    out.print('ERROR: specify server(s) and command')
    return 1
  }
  let command = args.at(-1)!
  const servers = args.slice(0, -1)
  // swift-init's "silly swap": `start main` works as well as `main start`
  const commands = Manager.listCommands().map(([c]) => c)
  if (!commands.includes(command) && commands.includes(servers[0]!)) {
    servers.push(command)
    command = servers.shift()!
  }

  const swiftDir = normpath(resolve(options.swiftDir ?? env.SWIFT_DIR ?? SWIFT_DIR))
  const runDir = normpath(resolve(options.runDir ?? RUN_DIR))
  const path = env.PATH ?? ''
  const quiet = options.json && command === 'status'
  const manager = new Manager(servers, {
    swiftDir,
    runDir,
    path,
    console: quiet ? { print: () => {} } : out,
  })
  const abort = new AbortController()
  if (!options.daemon || command === 'no-daemon') process.on('SIGINT', () => abort.abort())

  const runOptions: RunOptions = {
    verbose: options.verbose,
    wait: options.wait,
    once: options.once,
    daemon: options.daemon,
    graceful: options.graceful,
    number: options.number,
    killWait: options.killWait,
    killAfterTimeout: options.killAfterTimeout,
    strict: options.strict,
    signal: abort.signal,
  }
  // --json status reports what the pid files say before status tidies stale ones away.
  const before = quiet ? manager.servers.flatMap((s) => inspectServer(s, swiftDir)) : null
  let status: number
  try {
    status = await manager.runCommand(command, runOptions)
  } catch (e) {
    if (e instanceof UnknownCommandError) {
      out.print(help(PROG).replace(/\n$/, ''))
      out.print(`ERROR: unknown command, ${command}`)
      return 1
    }
    if (e instanceof FatalError) {
      process.stderr.write(`${e.message}\n`)
      return 1
    }
    throw e
  }
  const exitCode = status ? 1 : 0
  if (options.json) {
    const instances = before ?? manager.servers.flatMap((s) => inspectServer(s, swiftDir))
    const summary = { command, exitCode, swiftDir, runDir, servers: manager.servers.map(String), instances }
    out.print(quiet ? JSON.stringify(summary, null, 2) : JSON.stringify(summary))
  }
  return exitCode
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${PROG}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  },
)
