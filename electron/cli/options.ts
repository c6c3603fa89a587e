// swift-init's command line, parsed the way Python's optparse parses it: interspersed arguments, clustered
// short flags (-vw), values as `-c2`, `-c 2`, `--config-num=2`, `--config-num 2`, unique prefixes of long
// options (--verb), `--` to end options. Errors carry optparse's wording.

import { Manager } from '../supervisor/manager.js'

export interface CliOptions {
  help: boolean
  verbose: boolean
  wait: boolean
  once: boolean
  daemon: boolean
  graceful: boolean
  number: number
  killWait: number
  runDir: string | null
  swiftDir: string | null
  strict: boolean | null
  killAfterTimeout: boolean
  json: boolean
}

interface OptionSpec {
  short?: string
  long: string
  metavar?: string
  help: string
  /** `typed`: the option as the user wrote it, for error messages. */
  apply(o: CliOptions, value: string, typed: string): void
}

const int = (opt: string, value: string): number => {
  // optparse's int check: Python int() of the string, so surrounding blanks and a sign are fine
  if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new OptionError(`option ${opt}: invalid integer value: '${value}'`)
  return Number(value)
}

export const OPTIONS: OptionSpec[] = [
  { short: '-h', long: '--help', help: 'show this help message and exit', apply: (o) => (o.help = true) },
  { short: '-v', long: '--verbose', help: 'display verbose output', apply: (o) => (o.verbose = true) },
  { short: '-w', long: '--no-wait', help: "won't wait for server to start before returning", apply: (o) => (o.wait = false) },
  { short: '-o', long: '--once', help: 'only run one pass of daemon', apply: (o) => (o.once = true) },
  { short: '-n', long: '--no-daemon', help: 'start server interactively', apply: (o) => (o.daemon = false) },
  { short: '-g', long: '--graceful', help: 'send SIGHUP to supporting servers', apply: (o) => (o.graceful = true) },
  {
    short: '-c',
    long: '--config-num',
    metavar: 'N',
    help: 'send command to the Nth server only',
    apply: (o, v, typed) => (o.number = int(typed, v)),
  },
  {
    short: '-k',
    long: '--kill-wait',
    metavar: 'N',
    help: 'wait N seconds for processes to die (default 15)',
    apply: (o, v, typed) => (o.killWait = int(typed, v)),
  },
  {
    short: '-r',
    long: '--run-dir',
    metavar: 'RUN_DIR',
    help: 'alternative directory to store running pid files default: /var/run/swift',
    apply: (o, v) => (o.runDir = v),
  },
  {
    long: '--strict',
    help: 'Return non-zero status code if some config is missing. Default mode if all servers are explicitly named.',
    apply: (o) => (o.strict = true),
  },
  {
    long: '--non-strict',
    help: 'Return zero status code even if some config is missing. Default mode if any server is a glob or one of aliases `all`, `main` or `rest`.',
    apply: (o) => (o.strict = false),
  },
  {
    long: '--kill-after-timeout',
    help: 'Kill daemon and all children after kill-wait period.',
    apply: (o) => (o.killAfterTimeout = true),
  },
  // swift-panel's additions
  {
    long: '--swift-dir',
    metavar: 'SWIFT_DIR',
    help: 'directory holding the server configs (default: $SWIFT_DIR, else /etc/swift)',
    apply: (o, v) => (o.swiftDir = v),
  },
  {
    long: '--json',
    help: 'status: print the instances as JSON instead of text; other commands: end with a JSON summary line',
    apply: (o) => (o.json = true),
  },
]

export class OptionError extends Error {}

export function parseArgs(argv: string[]): { options: CliOptions; args: string[] } {
  const options: CliOptions = {
    help: false,
    verbose: false,
    wait: true,
    once: false,
    daemon: true,
    graceful: false,
    number: 0,
    killWait: 15,
    runDir: null,
    swiftDir: null,
    strict: null,
    killAfterTimeout: false,
    json: false,
  }
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      args.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq === -1 ? arg : arg.slice(0, eq)
      const spec = matchLong(name)
      if (spec.metavar) {
        if (eq !== -1) spec.apply(options, arg.slice(eq + 1), spec.long)
        else if (i + 1 < argv.length) spec.apply(options, argv[++i]!, spec.long)
        else throw new OptionError(`${spec.long} option requires 1 argument`)
      } else {
        if (eq !== -1) throw new OptionError(`${spec.long} option does not take a value`)
        spec.apply(options, '', spec.long)
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      for (let j = 1; j < arg.length; j++) {
        const spec = OPTIONS.find((o) => o.short === `-${arg[j]}`)
        if (!spec) throw new OptionError(`no such option: -${arg[j]}`)
        if (spec.metavar) {
          const rest = arg.slice(j + 1)
          if (rest) spec.apply(options, rest, spec.short!)
          else if (i + 1 < argv.length) spec.apply(options, argv[++i]!, spec.short!)
          else throw new OptionError(`${spec.short} option requires 1 argument`)
          break
        }
        spec.apply(options, '', spec.short!)
      }
    } else {
      args.push(arg)
    }
  }
  return { options, args }
}

function matchLong(name: string): OptionSpec {
  const exact = OPTIONS.find((o) => o.long === name)
  if (exact) return exact
  const candidates = OPTIONS.filter((o) => o.long.startsWith(name))
  if (candidates.length === 1) return candidates[0]!
  if (candidates.length > 1) throw new OptionError(`ambiguous option: ${name} (${candidates.map((c) => c.long).join(', ')}?)`)
  throw new OptionError(`no such option: ${name}`)
}

const USAGE = `%prog <server>[.<config>] [<server>[.<config>] ...] <command> [options]

where:
    <server>    is the name of a swift service e.g. proxy-server.
                The '-server' part of the name may be omitted.
                'all', 'main' and 'rest' are reserved words that represent a
                group of services.
                all: Expands to all swift daemons.
                main: Expands to main swift daemons.
                    (proxy, container, account, object)
                rest: Expands to all remaining background daemons (beyond
                    "main").
                    (updater, replicator, auditor, etc)
    <config>    is an explicit configuration filename without the
                .conf extension. If <config> is specified then <server> should
                refer to a directory containing the configuration file, e.g.:

                    swift-init object.1 start

                will start an object-server using the configuration file
                /etc/swift/object-server/1.conf
    <command>   is a command from the list below.

Commands:
${Manager.listCommands()
  .map(([c, h]) => `${c.padStart(16)}: ${h}`)
  .join('\n')}`

export function usage(prog: string): string {
  return `Usage: ${USAGE.replace('%prog', prog)}\n`
}

/** optparse's help layout: option strings in a 24-column gutter, help wrapped at 79 columns. */
export function help(prog: string): string {
  const lines = [usage(prog), 'Options:']
  for (const o of OPTIONS) {
    const names = [o.short && (o.metavar ? `${o.short} ${o.metavar}` : o.short), o.metavar ? `${o.long}=${o.metavar}` : o.long]
      .filter(Boolean)
      .join(', ')
    const wrapped = wrap(o.help, 79 - 24)
    const head = `  ${names}`
    if (head.length <= 22) lines.push(`${head.padEnd(24)}${wrapped[0]}`)
    else lines.push(head, `${' '.repeat(24)}${wrapped[0]}`)
    for (const w of wrapped.slice(1)) lines.push(`${' '.repeat(24)}${w}`)
  }
  return lines.join('\n') + '\n'
}

function wrap(text: string, width: number): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  return [...out, line]
}
