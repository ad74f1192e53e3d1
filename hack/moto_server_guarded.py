"""moto in server mode on loopback, behind the realism layer (hack/moto_realism.py), ending itself when the process
that started it is gone.

Usage: moto_server_guarded.py PORT [--exit-with-parent] [--realism SPEC] [--realism-settings NAME=VALUE,...]

SPEC says which behaviours of the realism layer are on: `all` (the default), `none`, or a comma list read left to
right from all on (`-approximateCountsLag` switches one off, `none,shortPollsReturnASubset` only one on). Without
the options, MOTO_REALISM and MOTO_REALISM_SETTINGS from the environment. Settings default to real AWS's values
(a 60 s purge window, counts up to 60 s old, ...); tests scale them down. The layer's control endpoint is
/moto-realism/ on the same port.

Tests start it with --exit-with-parent, so a JVM killed outright (SIGKILL, a CI time-out) leaves no stray
server behind; the sandbox starts it without, as a background service.
"""
import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app  # noqa: E402
from werkzeug.serving import run_simple  # noqa: E402

import moto_realism  # noqa: E402


def exit_when_orphaned(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("--exit-with-parent", action="store_true")
    parser.add_argument("--realism", default=os.environ.get("MOTO_REALISM", "all"))
    parser.add_argument("--realism-settings", default=os.environ.get("MOTO_REALISM_SETTINGS", ""))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    if args.exit_with_parent:
        threading.Thread(target=exit_when_orphaned, args=(os.getppid(),), daemon=True).start()

    moto_realism.CONFIG = moto_realism.Config(moto_realism.parse_behaviours(args.realism),
                                              moto_realism.parse_settings(args.realism_settings))
    moto_realism.install()
    on = [name for name, value in moto_realism.CONFIG.behaviours.items() if value]
    print(f"moto realism layer: {len(on)} of {len(moto_realism.NAMES)} behaviours on: {', '.join(on) or 'none'}; "
          f"settings {moto_realism.CONFIG.settings}", flush=True)

    # What moto.server.main does, with the realism layer in front of moto's app.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    run_simple(args.host, args.port, moto_realism.RealismMiddleware(app), threaded=True,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
