#!/usr/bin/python3
"""A stand-in for a Swift WSGI server's process model (swift/common/wsgi.py run_wsgi), for the orphan and
worker tests: unlike test/daemons/standin.py, its workers share the parent's listen socket and outlive it.

Linked as swift-<server> and run as `swift-<server> CONF`. Reads [DEFAULT] bind_ip (127.0.0.1), bind_port and
workers (1) from CONF, and from [fake]: drain (seconds a worker lingers after its listen socket is shut down,
default 0) and ignore_term (workers ignore SIGTERM).

- start: setsid, bind, fork the workers; each answers every request `200 OK` (a healthcheck)
- SIGTERM: TERM to the whole group, exit (Swift's killpg)
- SIGHUP (graceful): shut the listen socket down (stops every worker from accepting), exit; workers drain
- SIGUSR1 (seamless): fork a child holding the old socket, re-exec; the new parent binds a new socket, forks
  new workers, then tells the child, which shuts the old socket down; the old workers drain
"""
import configparser
import os
import signal
import socket
import sys
import time

NOTIFY = '__FAKE_WSGI_NOTIFY_FD'


def conf():
    c = configparser.ConfigParser()
    c.read(sys.argv[1])
    d = c['DEFAULT']
    f = c['fake'] if c.has_section('fake') else {}
    return (d.get('bind_ip', '127.0.0.1'), int(d['bind_port']), int(d.get('workers', '1')),
            float(f.get('drain', '0')), f.get('ignore_term', 'false') == 'true')


def listen(ip, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((ip, port))
    s.listen(64)
    return s


def worker(sock, drain, ignore_term):
    signal.signal(signal.SIGTERM, signal.SIG_IGN if ignore_term else signal.SIG_DFL)
    for sig in (signal.SIGHUP, signal.SIGUSR1):
        signal.signal(sig, lambda *a: sock.shutdown(socket.SHUT_RDWR))
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            break  # the listen socket was shut down: finish up
        with conn:
            conn.recv(4096)
            conn.sendall(b'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nOK')
    time.sleep(drain)
    os._exit(0)


def main():
    ip, port, workers, drain, ignore_term = conf()
    try:
        os.setsid()
    except OSError:
        pass  # re-exec'd: already the leader
    sock = listen(ip, port)
    if ignore_term:  # inherited at fork, so no TERM slips in before the worker sets it
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for _ in range(workers):
        if os.fork() == 0:
            worker(sock, drain, ignore_term)
    notify = os.environ.pop(NOTIFY, None)
    if notify:
        os.write(int(notify), b'ready')
        os.close(int(notify))
    got = []
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1):
        signal.signal(sig, lambda s, f: got.append(s))
    while not got:
        time.sleep(0.05)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
    if got[0] == signal.SIGTERM:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.killpg(0, signal.SIGTERM)
        return 0
    if got[0] == signal.SIGUSR1:
        read_fd, write_fd = os.pipe()
        if os.fork() == 0:  # the temporary child keeps the old socket until the new server is ready
            os.close(write_fd)
            os.read(read_fd, 30)
            sock.shutdown(socket.SHUT_RDWR)
            os._exit(0)
        os.close(read_fd)
        os.set_inheritable(write_fd, True)
        sock.close()
        os.environ[NOTIFY] = str(write_fd)
        os.execv(sys.argv[0], sys.argv)
    sock.shutdown(socket.SHUT_RDWR)  # SIGHUP: graceful
    return 0


if __name__ == '__main__':
    sys.exit(main())
