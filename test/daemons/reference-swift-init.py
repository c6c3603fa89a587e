#!/usr/bin/python3
"""The reference swift-init: Debian's swift.common.manager driven like swift's
bin/swift-init (which Debian does not ship), with its swift dir movable.

    reference-swift-init.py --swift-dir D [swift-init options] <args>
"""
import os
import sys
from optparse import OptionParser

import swift.common.manager as manager

# swift-init's usage text, verbatim, so that help output can be compared.
USAGE = \
    """%prog <server>[.<config>] [<server>[.<config>] ...] <command> [options]

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
""" + '\n'.join('%16s: %s' % c for c in manager.Manager.list_commands())


def parser():
    p = OptionParser(USAGE, prog='swift-init')
    p.add_option('-v', '--verbose', action='store_true', default=False,
                 help='display verbose output')
    p.add_option('-w', '--no-wait', action='store_false', dest='wait',
                 default=True,
                 help="won't wait for server to start before returning")
    p.add_option('-o', '--once', action='store_true', default=False,
                 help='only run one pass of daemon')
    p.add_option('-n', '--no-daemon', action='store_false', dest='daemon',
                 default=True, help='start server interactively')
    p.add_option('-g', '--graceful', action='store_true', default=False,
                 help='send SIGHUP to supporting servers')
    p.add_option('-c', '--config-num', metavar='N', type='int',
                 dest='number', default=0,
                 help='send command to the Nth server only')
    p.add_option('-k', '--kill-wait', metavar='N', type='int',
                 dest='kill_wait', default=manager.KILL_WAIT,
                 help='wait N seconds for processes to die (default 15)')
    p.add_option('-r', '--run-dir', type='str', dest='run_dir',
                 default=manager.RUN_DIR,
                 help='alternative directory to store running pid files '
                 'default: %s' % manager.RUN_DIR)
    p.add_option('--strict', dest='strict', action='store_true',
                 help='Return non-zero status code if some config is '
                 'missing. Default mode if all servers are explicitly named.')
    p.add_option('--non-strict', dest='strict', action='store_false',
                 help='Return zero status code even if some config is '
                 'missing. Default mode if any server is a glob or one of '
                 'aliases `all`, `main` or `rest`.')
    p.add_option('--kill-after-timeout', dest='kill_after_timeout',
                 action='store_true',
                 help='Kill daemon and all children after kill-wait period.')
    # The driver's own option, worded as ours; it is not passed on to the
    # Manager.
    p.add_option('--swift-dir', dest='swift_dir',
                 default=os.environ.get('SWIFT_DIR', manager.SWIFT_DIR),
                 help='directory holding the server configs (default: '
                 '$SWIFT_DIR, else /etc/swift)')
    return p


def main():
    # Flush line by line so that our lines and those of servers sharing the
    # output (no-daemon mode) come out in the order they were written.
    sys.stdout.reconfigure(line_buffering=True)
    p = parser()
    options, args = p.parse_args()
    manager.SWIFT_DIR = os.path.abspath(options.__dict__.pop('swift_dir'))
    # Manager.reload() makes a Manager([server]) without run_dir: rebind the
    # defaults so that it, and every Server, use ours.
    manager.Manager.__init__.__defaults__ = (options.run_dir,)
    manager.Server.__init__.__defaults__ = (options.run_dir,)

    if len(args) < 2:
        p.print_help()
        print('ERROR: specify server(s) and command')
        return 1
    command, servers = args[-1], args[:-1]
    # swift-init's swap, so that `start main` works like `main start`
    commands = dict(manager.Manager.list_commands())
    if command not in commands and servers[0] in commands:
        servers.append(command)
        command = servers.pop(0)

    m = manager.Manager(servers, run_dir=options.run_dir)
    try:
        status = m.run_command(command, **options.__dict__)
    except manager.UnknownCommandError:
        p.print_help()
        print('ERROR: unknown command, %s' % command)
        status = 1
    return 1 if status else 0


if __name__ == '__main__':
    sys.exit(main())
