#!/usr/bin/python3
"""A stand-in Swift daemon for tests: linked as swift-<server> on a test PATH and run the way swift-init
runs a server, `swift-<server> CONF [once] [verbose]`, so /proc/<pid>/cmdline names it like the real one.

What it does comes from an optional [standin] section of CONF (a file or a .conf.d dir):
  startup_output   lines printed on stdout at start (\\n escapes allowed)
  stderr_output    lines printed on stderr at start
  exit_code        exit with this code after the output (a server that dies at start)
  exit_delay       seconds to wait before that exit
  daemonize        default true: like swift, setsid and point stdio at /dev/null, closing swift-init's pipe
  ignore_term      ignore SIGTERM
  term_delay       seconds between SIGTERM and exit
  hup_delay        seconds between SIGHUP (graceful) and exit
  usr1             'reexec': re-exec in place on SIGUSR1, same pid (seamless reload)
  workers          fork this many worker processes, which go when the parent goes
  log_every        with `verbose` (no-daemon): seconds between console log lines (default 0.2)
  log_burst        lines per log interval
  once_output      printed by a `once` pass, which then exits 0
"""
import configparser
import os
import signal
import sys
import time


def load(path):
    c = configparser.ConfigParser(interpolation=None)
    if os.path.isdir(path):
        c.read(sorted(os.path.join(path, f) for f in os.listdir(path)
                      if f.endswith('.conf') and not f.startswith('.')))
    else:
        c.read(path)
    return c['standin'] if c.has_section('standin') else {}


def text(value):
    return value.replace('\\n', '\n') if value else ''


def main():
    conf_path = sys.argv[1]
    flags = sys.argv[2:]
    conf = load(conf_path)
    name = os.path.basename(sys.argv[0])
    once = 'once' in flags
    verbose = 'verbose' in flags

    if conf.get('startup_output'):
        print(text(conf['startup_output']), flush=True)
    if conf.get('stderr_output'):
        print(text(conf['stderr_output']), file=sys.stderr, flush=True)
    if conf.get('exit_code'):
        time.sleep(float(conf.get('exit_delay', '0')))
        sys.exit(int(conf['exit_code']))
    if once:
        time.sleep(0.1)
        if conf.get('once_output'):
            print(text(conf['once_output']), flush=True)
        sys.exit(0)

    workers = []

    def leave(code=0):
        for w in workers:
            try:
                os.kill(w, signal.SIGTERM)
            except OSError:
                pass
        os._exit(code)

    def on_term(signum, frame):
        time.sleep(float(conf.get('term_delay', '0')))
        leave(0)

    def on_hup(signum, frame):
        time.sleep(float(conf.get('hup_delay', '0')))
        leave(0)

    def on_usr1(signum, frame):
        os.execv(sys.executable, [sys.executable] + sys.argv)

    signal.signal(signal.SIGTERM, signal.SIG_IGN if conf.get('ignore_term') == 'true' else on_term)
    signal.signal(signal.SIGHUP, on_hup)
    if conf.get('usr1') == 'reexec':
        signal.signal(signal.SIGUSR1, on_usr1)

    if not verbose and conf.get('daemonize', 'true') == 'true':
        try:
            os.setsid()
        except OSError:
            pass  # already a group leader after a re-exec
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)

    for _ in range(int(conf.get('workers', '0'))):
        pid = os.fork()
        if pid == 0:
            parent = os.getppid()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            while os.getppid() == parent:
                time.sleep(0.1)
            os._exit(0)
        workers.append(pid)

    every = float(conf.get('log_every', '0.2'))
    burst = int(conf.get('log_burst', '1'))
    n = 0
    while True:
        if verbose:
            for _ in range(burst):
                n += 1
                print('%s %s: log line %d' % (time.strftime('%H:%M:%S'), name, n), flush=True)
        time.sleep(every if verbose else 3600)


if __name__ == '__main__':
    main()
