"""moto in server mode on loopback, ending itself when the process that started it is gone.

Usage: moto_server_guarded.py PORT [--exit-with-parent]

Tests start it with --exit-with-parent, so a JVM killed outright (SIGKILL, a CI time-out) leaves no stray
server behind; the sandbox starts it without, as a background service.
"""
import os
import sys
import threading
import time

from moto.server import main as moto_main


def exit_when_orphaned(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


if __name__ == "__main__":
    port = sys.argv[1]
    if "--exit-with-parent" in sys.argv[2:]:
        threading.Thread(target=exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    moto_main(["-H", "127.0.0.1", "-p", port])
