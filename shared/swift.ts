// Swift's vocabulary: the server names and the commands swift-init knows. The swift-init port, the panel's
// service and the renderer all take their words from here. Plain data, no I/O, nothing of the wire.

export const MAIN_SERVERS = ['proxy-server', 'account-server', 'container-server', 'object-server'] as const

/** The background daemons (swift-init's `rest`), alphabetically. */
export const REST_SERVERS = [
  'account-auditor',
  'account-reaper',
  'account-replicator',
  'container-auditor',
  'container-reconciler',
  'container-replicator',
  'container-sharder',
  'container-sync',
  'container-updater',
  'object-auditor',
  'object-expirer',
  'object-reconstructor',
  'object-replicator',
  'object-updater',
] as const

/** Every server swift-init knows, main servers first, then the rest: our fixed display and run order. */
export const ALL_SERVERS = [...MAIN_SERVERS, ...REST_SERVERS] as const

export type Group = 'main' | 'rest'

/** swift-init's aliases for groups of servers. */
export const ALIASES: Readonly<Record<'all' | 'main' | 'rest', readonly string[]>> = {
  all: ALL_SERVERS,
  main: MAIN_SERVERS,
  rest: REST_SERVERS,
}

export function isAlias(name: string): name is keyof typeof ALIASES {
  return Object.hasOwn(ALIASES, name)
}

export function groupOf(server: string): Group {
  return (MAIN_SERVERS as readonly string[]).includes(server) ? 'main' : 'rest'
}

export interface CommandSpec {
  /** swift-init's help line: the docstring of the Manager method (manager.py, `Manager.list_commands`). */
  help: string
  /**
   * The signal sent to running servers. SIGHUP (graceful) and SIGUSR1 (seamless) go to main servers only;
   * the background daemons get SIGTERM instead (manager.py, `Server.kill_running_pids`). null: none.
   */
  signal: 'SIGTERM' | 'SIGHUP' | 'SIGUSR1' | null
  /** It ends running servers (a stop before a start counts): an attached run of its target ends first. */
  stops: boolean
  /** It starts servers (after any stop). */
  starts: boolean
  /** The panel asks before running it on more than one instance or a group. */
  confirm: boolean
}

/** Every swift-init command, in swift-init's own (sorted) order. */
export const COMMAND_TABLE = {
  'force-reload': { help: 'alias for reload', signal: 'SIGHUP', stops: true, starts: true, confirm: true },
  kill: { help: 'stop a server (no error if not running)', signal: 'SIGTERM', stops: true, starts: false, confirm: true },
  'no-daemon': { help: 'start a server interactively', signal: null, stops: false, starts: true, confirm: false },
  'no-wait': { help: 'spawn server and return immediately', signal: null, stops: false, starts: true, confirm: false },
  once: { help: 'start server and run one pass on supporting daemons', signal: null, stops: false, starts: true, confirm: false },
  reload: { help: 'graceful shutdown then restart on supporting servers', signal: 'SIGHUP', stops: true, starts: true, confirm: true },
  'reload-seamless': {
    help: 'seamlessly re-exec, then shutdown of old listen sockets on\n           supporting servers',
    signal: 'SIGUSR1',
    stops: false,
    starts: false,
    confirm: true,
  },
  restart: { help: 'stops then restarts server', signal: 'SIGTERM', stops: true, starts: true, confirm: true },
  shutdown: { help: 'allow current requests to finish on supporting servers', signal: 'SIGHUP', stops: true, starts: false, confirm: true },
  start: { help: 'starts a server', signal: null, stops: false, starts: true, confirm: false },
  status: { help: 'display status of tracked pids for server', signal: null, stops: false, starts: false, confirm: false },
  stop: { help: 'stops a server', signal: 'SIGTERM', stops: true, starts: false, confirm: true },
} as const satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof COMMAND_TABLE

export const COMMANDS = Object.keys(COMMAND_TABLE) as CommandName[]

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_TABLE, name)
}

export function commandSpec(name: CommandName): CommandSpec {
  return COMMAND_TABLE[name]
}
