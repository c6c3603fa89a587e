// swift-init, drop-in: upstream bin/swift-init's main() (same usage, options, output and exit codes), plus
// --swift-dir and --json. Built into one file (out/cli/swift-init.cjs, see bundle.config.ts) that plain `node`
// runs; run as a program, a few lines of sh in front of it note whether SIGINT was inherited as ignored (which
// Node itself resets at start-up) in SWIFT_INIT_SIGINT before they exec node on it.

import { resolve } from 'node:path'
import { inspectServer } from '../supervisor/inspect.js'
import { LockTimeoutError } from '../supervisor/locks.js'
import { Manager, UnknownCommandError } from '../supervisor/manager.js'
import { stdoutConsole } from '../supervisor/output.js'
import { FatalError, normpath, type RunOptions } from '../supervisor/server.js'
import { help, HelpRequested, OptionError, parseArgs, usage } from './options.js'

const PROG = 'swift-init'
const SWIFT_DIR = '/etc/swift'
/** Python's os.defpath: where exec looks when PATH is not set. */
const DEFAULT_PATH = '/bin:/usr/bin'
/** Set to `ignored` by the sh lines in front of the bundle when swift-init started with SIGINT ignored. */
const SIGINT_VAR = 'SWIFT_INIT_SIGINT'

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = stdoutConsole
  const printHelp = () => process.stdout.write(help(PROG, env.COLUMNS))
  let parsed
  try {
    parsed = parseArgs(argv)
  } catch (e) {
    if (e instanceof HelpRequested) {
      printHelp()
      return 0
    }
    if (!(e instanceof OptionError)) throw e
    process.stderr.write(`${usage(PROG)}\n${PROG}: error: ${e.message}\n`)
    return 2
  }
  const { options, args } = parsed
  if (args.length < 2) {
    printHelp()
    out.print('ERROR: specify server(s) and command')
    return 1
  }
  let command = args.at(-1) ?? ''
  const servers = args.slice(0, -1)
  // swift-init's "silly swap": `start main` works as well as `main start`
  const commands = Manager.listCommands().map(([c]) => c)
  const first = servers[0] ?? ''
  if (!commands.includes(command) && commands.includes(first)) {
    servers.push(command)
    servers.shift()
    command = first
  }

  const swiftDir = normpath(resolve(options.swiftDir ?? env.SWIFT_DIR ?? SWIFT_DIR))
  // swift-init uses a relative run dir as given, which garbles its conf paths (see README); we resolve it
  const runDir = normpath(resolve(options.runDir ?? ''))
  const path = env.PATH ?? DEFAULT_PATH
  const ignoreSigint = env[SIGINT_VAR] === 'ignored'
  const childEnv: NodeJS.ProcessEnv = { ...env, PATH: path }
  delete childEnv[SIGINT_VAR]
  const quiet = options.json && command === 'status'
  let manager: Manager
  try {
    manager = new Manager(servers, { swiftDir, runDir, path, childEnv, ignoreSigint, console: quiet ? { print: () => {} } : out })
  } catch (e) {
    if (!(e instanceof FatalError)) throw e
    process.stderr.write(`${PROG}: ${e.message}\n`)
    return 1
  }
  const abort = new AbortController()
  // Python keeps an inherited SIG_IGN (no KeyboardInterrupt at all); else Ctrl-C in no-daemon is "user quit"
  if (ignoreSigint) process.on('SIGINT', () => {})
  else if (!options.daemon || command === 'no-daemon') process.on('SIGINT', () => abort.abort())

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
  const inspect = () => manager.servers.flatMap((s) => inspectServer(s, swiftDir, s.confFiles({ quiet: true, number: options.number })))
  // --json status reports what the pid files say before status tidies stale ones away.
  const before = quiet ? inspect() : null
  let status: number
  try {
    status = await manager.runCommand(command, runOptions)
  } catch (e) {
    if (e instanceof UnknownCommandError) {
      printHelp()
      out.print(`ERROR: unknown command, ${command}`)
      return 1
    }
    if (e instanceof FatalError || e instanceof LockTimeoutError) {
      process.stderr.write(`${e.message}\n`)
      return 1
    }
    throw e
  }
  const exitCode = status ? 1 : 0
  if (options.json) {
    const summary = { command, exitCode, swiftDir, runDir, servers: manager.servers.map(String), instances: before ?? inspect() }
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
