#!/usr/bin/python3
"""Leaves a zombie of a server, for tests of what a pid file naming one means.

    zombie.py <binary> <conf>

Forks; the child execs <binary> <conf> (a stand-in whose conf makes it exit
at once, e.g. `exit_code = 0`); this parent prints the child's pid once it
has exited, and then never reaps it: the child stays a zombie, with the
server's name in /proc/<pid>/stat and no command line, until this process is
killed.
"""
import os
import signal
import sys
import time


def main():
    binary, conf = sys.argv[1], sys.argv[2]
    pid = os.fork()
    if pid == 0:
        os.execv(binary, [binary, conf])
    # wait for it to exit without reaping it: its stat turns to Z
    while True:
        with open('/proc/%d/stat' % pid) as f:
            if f.read().rsplit(')', 1)[1].split()[0] == 'Z':
                break
        time.sleep(0.01)
    print(pid, flush=True)
    while True:
        signal.pause()


if __name__ == '__main__':
    main()
