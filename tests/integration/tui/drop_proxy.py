#!/usr/bin/env python3
"""drop_proxy.py - a TCP forwarder on 127.0.0.1 that cuts every connection
DROP_MS after it opened, so tests can check that streams (watches, a
followed log) resume.  Bytes pass through untouched (TLS included).

    drop_proxy.py TARGET_PORT DROP_MS PORT_FILE

Writes the port it listens on to PORT_FILE; runs until killed, at most
120 s (a test that forgets it does not leave it behind for long).
"""
import os
import socket
import sys
import threading
import time


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass


def serve(conn, target, drop_s):
    try:
        up = socket.create_connection(("127.0.0.1", target))
    except OSError:
        conn.close()
        return
    for a, b in ((conn, up), (up, conn)):
        threading.Thread(target=pump, args=(a, b), daemon=True).start()
    time.sleep(drop_s)
    for s in (conn, up):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def main():
    target, drop_s, port_file = int(sys.argv[1]), int(sys.argv[2]) / 1000.0, sys.argv[3]
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    ls.settimeout(1.0)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)
    end = time.time() + 120
    while time.time() < end:
        try:
            conn, _ = ls.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, target, drop_s), daemon=True).start()


if __name__ == "__main__":
    main()
