#!/usr/bin/python3
"""A stand-in for a Swift daemon, for tests that need real processes.

Symlinked as swift-<server> and run the way swift-init runs a server:

    swift-<server> <conf file or .conf.d dir> [once] [verbose]

Behaviour comes from an optional [standin] section of the conf:

  startup_output  text printed to stdout at start (\\n means a newline)
  stderr_output   text printed to stderr at start
  interleaved     lines printed at start alternately to stdout and stderr,
                  separated by |, each flushed (their order must survive)
  startup_hex     raw bytes (hex) written to stdout at start, e.g. 41e942
  exit_code       exit with this code after the output ("dies at start");
                  a negative one -N: killed by signal N
  exit_delay      seconds to wait before that exit
  exit_detached   with exit_code: close stdio first (as a daemon does), then
                  wait exit_delay and exit ("fails late")
  serve_for       seconds to serve, then exit 0 on its own
  once_output     text printed in `once` mode, which exits 0 after a pass
  daemonize       default true: setsid, and unless `verbose`, put stdio on
                  /dev/null, which closes swift-init's pipe like a real server
  ignore_term     ignore SIGTERM
  term_delay      seconds between SIGTERM and exiting
  hup_delay       seconds between SIGHUP and exiting (graceful shutdown)
  usr1            `reexec`: on SIGUSR1 exec itself again, same pid and argv
                  (a seamless reload); otherwise SIGUSR1 stops it like TERM
  workers         number of worker processes to fork
  worker_ignore_term  workers ignore SIGTERM and outlive the server (which
                  then exits without waiting for them)
  log_every       seconds between log lines in `verbose` mode (default 0.2),
                  the first one after one interval
  log_burst       lines per interval (default 1)

SIGINT ends it (and its workers) quietly with status 0, as Ctrl-C ends a
real server, unless SIGINT was inherited as ignored, which it then keeps.

It never writes the pid file: that is swift-init's job.
"""
import configparser
import os
import signal
import sys
import time

SERVER = os.path.basename(sys.argv[0])[len('swift-'):]
GENERATION = int(os.environ.get('STANDIN_GENERATION', '0'))
WORKER_POLL = 0.2
# SIGINT is taken too, unless inherited as ignored (a background job).
SIGINT_IGNORED = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1) + \
    (() if SIGINT_IGNORED else (signal.SIGINT,))


def read_standin_section(path):
    # A .conf.d directory is read like swift reads one: its *.conf, sorted.
    if os.path.isdir(path):
        files = sorted(os.path.join(path, name) for name in os.listdir(path)
                       if name.endswith('.conf'))
    else:
        files = [path]
    # No DEFAULT section, so [DEFAULT] keys of a real conf can't leak in.
    parser = configparser.RawConfigParser(default_section='\0', strict=False)
    parser.read(files)
    return dict(parser.items('standin')) if parser.has_section('standin') \
        else {}


def emit(stream, text):
    if text is not None:
        stream.write(text.replace('\\n', '\n') + '\n')
        stream.flush()


def truthy(value):
    return value.strip().lower() in ('1', 'true', 'yes', 'on')


def detach_stdio():
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def run_worker(parent, ignore_term):
    # dispositions first, then unblock: a signal held since the fork finds them
    signal.signal(signal.SIGTERM,
                  signal.SIG_IGN if ignore_term else signal.SIG_DFL)
    if not SIGINT_IGNORED:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # ends it quietly
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    while ignore_term or os.getppid() == parent:
        time.sleep(WORKER_POLL)
    os._exit(0)


def fork_workers(count, ignore_term=False):
    parent = os.getpid()
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            run_worker(parent, ignore_term)
        pids.append(pid)
    return pids


def stop_workers(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except OSError:
            pass


class Console:
    """Timestamped log lines for no-daemon mode, as a server logs there."""

    def __init__(self, conf):
        self.every = float(conf.get('log_every', 0.2))
        self.burst = int(conf.get('log_burst', 1))
        self.count = 0
        self.due = time.monotonic() + self.every

    def log(self):
        stamp = time.strftime('%H:%M:%S')
        lines = []
        for _ in range(self.burst):
            self.count += 1
            lines.append('%s swift-%s: log line %d\n' % (
                stamp, SERVER, self.count))
        try:
            sys.stdout.write(''.join(lines))
            sys.stdout.flush()
        except BrokenPipeError:
            detach_stdio()  # nobody reads the console any more
            sys.stdout = open(os.devnull, 'w')
        self.due = time.monotonic() + self.every


def serve(conf, verbose):
    handled = list(SIGNALS)
    if truthy(conf.get('ignore_term', 'false')):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        handled.remove(signal.SIGTERM)
    # Signals are taken synchronously with sigtimedwait: no handler races.
    signal.pthread_sigmask(signal.SIG_BLOCK, handled)
    lingering = truthy(conf.get('worker_ignore_term', 'false'))
    workers = fork_workers(int(conf.get('workers', 0)), lingering)
    console = Console(conf) if verbose else None
    deadline = None
    if 'serve_for' in conf:
        deadline = time.monotonic() + float(conf['serve_for'])
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            break
        due = [t for t in (deadline, console.due if console else None)
               if t is not None]
        timeout = max(0.0, min(due) - now) if due else 3600.0
        info = signal.sigtimedwait(handled, timeout)
        if info is None:
            if console and time.monotonic() >= console.due:
                console.log()
            continue
        if info.si_signo == signal.SIGINT:
            break
        if info.si_signo == signal.SIGUSR1 and conf.get('usr1') == 'reexec':
            stop_workers(workers)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.environ['STANDIN_GENERATION'] = str(GENERATION + 1)
            os.execv(sys.argv[0], sys.argv)
        key = 'hup_delay' if info.si_signo == signal.SIGHUP else 'term_delay'
        stop_at = now + float(conf.get(key, 0))
        deadline = stop_at if deadline is None else min(deadline, stop_at)
    if not lingering:
        stop_workers(workers)
    return 0


def main():
    # Held from the start, so a signal sent as soon as the pipe closes is
    # taken by serve(), not by Python's default action.
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    conf = read_standin_section(sys.argv[1])
    flags = sys.argv[2:]
    emit(sys.stdout, conf.get('startup_output'))
    emit(sys.stderr, conf.get('stderr_output'))
    for i, line in enumerate(conf.get('interleaved', '').split('|')):
        if line:
            emit(sys.stderr if i % 2 else sys.stdout, line)
    if 'startup_hex' in conf:
        sys.stdout.flush()
        os.write(1, bytes.fromhex(conf['startup_hex']))
    if 'exit_code' in conf or 'once' in flags:
        signal.pthread_sigmask(signal.SIG_SETMASK, [])  # no serve(): defaults
    if 'exit_code' in conf:
        if truthy(conf.get('exit_detached', 'false')):
            detach_stdio()
        time.sleep(float(conf.get('exit_delay', 0)))
        code = int(conf['exit_code'])
        if code < 0:
            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        return code
    if 'once' in flags:
        emit(sys.stdout, conf.get('once_output'))
        time.sleep(0.1)  # the pass
        return 0
    verbose = 'verbose' in flags
    if truthy(conf.get('daemonize', 'true')):
        try:
            os.setsid()  # a group of its own, which --kill-after-timeout kills
        except OSError:
            pass  # already a session leader: re-executed by a seamless reload
        if not verbose:
            detach_stdio()
    return serve(conf, verbose)


if __name__ == '__main__':
    sys.exit(main())
