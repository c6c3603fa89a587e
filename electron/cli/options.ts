// swift-init's command line: upstream bin/swift-init's OptionParser (usage text and options, word for word),
// plus swift-panel's --swift-dir and --json, parsed by the optparse port.

import { Manager } from '../supervisor/manager.js'
import { HelpRequested, OptionError, OptionParser, type OptionDef } from './optparse.js'

export { HelpRequested, OptionError }

export interface CliOptions {
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

const RUN_DIR = '/var/run/swift'

export const OPTIONS: OptionDef[] = [
  { short: '-h', long: '--help', dest: 'help', action: 'help', help: 'show this help message and exit' },
  { short: '-v', long: '--verbose', dest: 'verbose', action: 'store_true', help: 'display verbose output' },
  { short: '-w', long: '--no-wait', dest: 'wait', action: 'store_false', help: "won't wait for server to start before returning" },
  { short: '-o', long: '--once', dest: 'once', action: 'store_true', help: 'only run one pass of daemon' },
  { short: '-n', long: '--no-daemon', dest: 'daemon', action: 'store_false', help: 'start server interactively' },
  { short: '-g', long: '--graceful', dest: 'graceful', action: 'store_true', help: 'send SIGHUP to supporting servers' },
  {
    short: '-c',
    long: '--config-num',
    dest: 'number',
    action: 'store',
    type: 'int',
    metavar: 'N',
    help: 'send command to the Nth server only',
  },
  {
    short: '-k',
    long: '--kill-wait',
    dest: 'killWait',
    action: 'store',
    type: 'int',
    metavar: 'N',
    help: 'wait N seconds for processes to die (default 15)',
  },
  {
    short: '-r',
    long: '--run-dir',
    dest: 'run_dir',
    action: 'store',
    type: 'string',
    help: `alternative directory to store running pid files default: ${RUN_DIR}`,
  },
  {
    long: '--strict',
    dest: 'strict',
    action: 'store_true',
    help: 'Return non-zero status code if some config is missing. Default mode if all servers are explicitly named.',
  },
  {
    long: '--non-strict',
    dest: 'strict',
    action: 'store_false',
    help: 'Return zero status code even if some config is missing. Default mode if any server is a glob or one of aliases `all`, `main` or `rest`.',
  },
  {
    long: '--kill-after-timeout',
    dest: 'killAfterTimeout',
    action: 'store_true',
    help: 'Kill daemon and all children after kill-wait period.',
  },
  // swift-panel's additions
  {
    long: '--swift-dir',
    dest: 'swift_dir',
    action: 'store',
    type: 'string',
    help: 'directory holding the server configs (default: $SWIFT_DIR, else /etc/swift)',
  },
  {
    long: '--json',
    dest: 'json',
    action: 'store_true',
    help: 'status: print the instances as JSON instead of text; other commands: end with a JSON summary line',
  },
]

const USAGE = `%prog <server>[.<config>] [<server>[.<config>] ...] <command> [options]

where:
    <server>  is the name of a swift service e.g. proxy-server.
              The '-server' part of the name may be omitted.
              'all', 'main' and 'rest' are reserved words that represent a
              group of services.
              all: Expands to all swift daemons.
              main: Expands to main swift daemons.
                    (proxy, container, account, object)
              rest: Expands to all remaining background daemons (beyond
                    "main").
                    (updater, replicator, auditor, etc)
    <config>  is an explicit configuration filename without the
              .conf extension. If <config> is specified then <server> should
              refer to a directory containing the configuration file, e.g.:

                  swift-init object.1 start

              will start an object-server using the configuration file
              /etc/swift/object-server/1.conf
    <command> is a command from the list below.

Commands:
${Manager.listCommands()
  .map(([c, h]) => `${c.padStart(16)}: ${h}`)
  .join('\n')}`

export function parser(prog: string): OptionParser {
  return new OptionParser(USAGE, prog, OPTIONS)
}

/** Parses argv as swift-init does. Throws OptionError (optparse's message) or HelpRequested. */
export function parseArgs(argv: string[]): { options: CliOptions; args: string[] } {
  const { values, args } = parser('swift-init').parse(argv, {
    verbose: false,
    wait: true,
    once: false,
    daemon: true,
    graceful: false,
    number: 0,
    killWait: 15,
    run_dir: RUN_DIR,
    swift_dir: null,
    strict: null,
    killAfterTimeout: false,
    json: false,
  })
  const options: CliOptions = {
    verbose: values.verbose === true,
    wait: values.wait !== false,
    once: values.once === true,
    daemon: values.daemon !== false,
    graceful: values.graceful === true,
    number: Number(values.number),
    killWait: Number(values.killWait),
    runDir: typeof values.run_dir === 'string' ? values.run_dir : null,
    swiftDir: typeof values.swift_dir === 'string' ? values.swift_dir : null,
    strict: typeof values.strict === 'boolean' ? values.strict : null,
    killAfterTimeout: values.killAfterTimeout === true,
    json: values.json === true,
  }
  return { options, args }
}

export function usage(prog: string): string {
  return parser(prog).usage()
}

/** print_help's text; `columns`: $COLUMNS, which optparse reads for the width. */
export function help(prog: string, columns?: string): string {
  return parser(prog).formatHelp(columns)
}
