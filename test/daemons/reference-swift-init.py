#!/usr/bin/python3
"""The reference swift-init: Debian's swift.common.manager behind swift-init's command line, plus
--swift-dir (written to manager.SWIFT_DIR). Used by the conformance tests and the benchmark."""
import optparse
import os
import sys

from swift.common import manager


def main():
    p = optparse.OptionParser('%prog <server>[.<config>] [<server>[.<config>] ...] <command> [options]')
    p.add_option('-v', '--verbose', action='store_true', default=False)
    p.add_option('-w', '--no-wait', action='store_false', dest='wait', default=True)
    p.add_option('-o', '--once', action='store_true', default=False)
    p.add_option('-n', '--no-daemon', action='store_false', dest='daemon', default=True)
    p.add_option('-g', '--graceful', action='store_true', default=False)
    p.add_option('-c', '--config-num', type='int', dest='number', default=0)
    p.add_option('-k', '--kill-wait', type='int', dest='kill_wait', default=manager.KILL_WAIT)
    p.add_option('-r', '--run-dir', dest='run_dir', default=manager.RUN_DIR)
    p.add_option('--swift-dir', dest='swift_dir', default=os.environ.get('SWIFT_DIR', manager.SWIFT_DIR))
    p.add_option('--strict', dest='strict', action='store_true')
    p.add_option('--non-strict', dest='strict', action='store_false')
    p.add_option('--kill-after-timeout', dest='kill_after_timeout', action='store_true')
    options, args = p.parse_args()
    if len(args) < 2:
        p.print_help()
        print('ERROR: specify server(s) and command')
        return 1
    command, servers = args[-1], args[:-1]
    commands = dict(manager.Manager.list_commands()).keys()
    if command not in commands and servers[0] in commands:
        servers.append(command)
        command = servers.pop(0)
    run_dir = os.path.abspath(options.run_dir)
    manager.SWIFT_DIR = os.path.abspath(options.swift_dir)
    # Manager.reload() builds Manager([server]) without run_dir: make ours the default.
    manager.Manager.__init__.__defaults__ = (run_dir,)
    manager.Server.__init__.__defaults__ = (run_dir,)
    kwargs = dict(vars(options), run_dir=run_dir)
    del kwargs['swift_dir']
    try:
        status = manager.Manager(servers, run_dir=run_dir).run_command(command, **kwargs)
    except manager.UnknownCommandError:
        p.print_help()
        print('ERROR: unknown command, %s' % command)
        status = 1
    return 1 if status else 0


if __name__ == '__main__':
    sys.exit(main())
