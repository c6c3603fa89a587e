#!/usr/bin/python3
"""Runs a command as a child subreaper, and reaps the daemons it leaves.

    reaper.py <program> [<arg>...]

Why: this machine's init reaps orphans only every second or two. Until then
a stopped daemon is a zombie that still answers kill(pid, 0), so swift-init
(either one) would wait on it, or give up on it with a short --kill-wait.
Under this, the daemons a command starts are adopted here when the command
exits, and reaped as soon as they die, as systemd would do.

The command's exit status goes to fd 3 (its code, or -N if killed by signal
N). Then the caller's stdio is released, and this process stays, reaping,
until none of its adopted daemons is left. SIGINT, SIGTERM and SIGHUP are
passed on to the command while it runs.

Three settings, taken from the environment (and not passed on):
  REAPER_GROUP=1       run the command in a process group of its own and
                       pass signals to the whole group, as a terminal's
                       Ctrl-C reaches every foreground process
  REAPER_IGNORE_INT=1  start the command with SIGINT ignored, as a
                       non-interactive shell starts a background job
  REAPER_HIDE=P1:P2    (root only) run the command in a mount namespace of
                       its own where these files are /dev/null and these
                       directories empty, e.g. to see what happens on a
                       machine without some binary, or without /proc
"""
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
STATUS_FD = 3
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def hide(libc, paths):
    """Makes each file /dev/null and each directory an empty tmpfs, in a new
    mount namespace of this process."""
    def check(rc, what):
        if rc != 0:
            sys.exit('reaper: %s: %s' % (what, os.strerror(ctypes.get_errno())))
    check(libc.unshare(CLONE_NEWNS), 'unshare')
    check(libc.mount(None, b'/', None, MS_REC | MS_PRIVATE, None), 'mount')
    for path in paths:
        if os.path.isdir(path):
            check(libc.mount(b'none', path.encode(), b'tmpfs', 0, None),
                  'tmpfs on ' + path)
        else:
            check(libc.mount(b'/dev/null', path.encode(), None, MS_BIND, None),
                  'bind ' + path)


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit('reaper: prctl: %s' % os.strerror(ctypes.get_errno()))
    group = os.environ.pop('REAPER_GROUP', '') == '1'
    ignore_int = os.environ.pop('REAPER_IGNORE_INT', '') == '1'
    hidden = [p for p in os.environ.pop('REAPER_HIDE', '').split(':') if p]
    command = os.fork()
    if command == 0:
        os.close(STATUS_FD)  # only the reaper reports the status
        try:
            if group:
                os.setpgid(0, 0)
            if ignore_int:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            if hidden:
                hide(libc, hidden)
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)  # exec failed; the traceback is on stderr
    if group:
        try:
            os.setpgid(command, command)  # whichever of the two runs first
        except OSError:
            pass
    target = -command if group else command
    for sig in FORWARDED:
        signal.signal(sig, lambda signo, _frame: os.kill(target, signo))
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return
        if pid == command:
            for sig in FORWARDED:
                signal.signal(sig, signal.SIG_DFL)
            code = os.waitstatus_to_exitcode(status)
            os.write(STATUS_FD, str(code).encode())
            os.close(STATUS_FD)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)


if __name__ == '__main__':
    main()
