"""gunicorn's settings for the site (read from the working directory, or `gunicorn -c gunicorn.conf.py`): the
production recipe in the README and the served benchmarks use it. Command-line options (-w, -b) still apply."""

import gc
import os
import re
from pathlib import Path

from gunicorn.config import Config

# Where each instance's control socket goes (`gunicornc -s var/run/gunicorn-8000.ctl`), unless --control-socket
# names one or --no-control-socket turns it off.
CONTROL_SOCKET_DIR = Path(os.environ.get("GUNICORN_CONTROL_DIR") or Path(__file__).resolve().parent / "var" / "run")


def control_socket_for(binds: list[str]) -> Path:
    """One socket per instance, named after the addresses it listens on: gunicorn 27 puts every instance's socket at
    one path in the home folder, so a second instance on the machine replaced the first's (and removed it when it
    stopped), and `gunicornc` then spoke to the wrong one."""
    name = "_".join(re.sub(r"[^A-Za-z0-9.-]+", "-", bind.removeprefix("unix:")).strip("-") for bind in binds)
    return CONTROL_SOCKET_DIR / f"gunicorn-{name or 'default'}.ctl"


def on_starting(server):
    # Runs after the command line is read and before the control socket is opened (once the workers are up).
    default = Config().settings["control_socket"].default  # $XDG_RUNTIME_DIR or $HOME/.gunicorn/gunicorn.ctl
    if server.cfg.control_socket == default and not server.cfg.control_socket_disable:
        path = control_socket_for(server.cfg.bind)
        path.parent.mkdir(parents=True, exist_ok=True)
        server.cfg.set("control_socket", str(path))


def post_worker_init(worker):
    # Everything imported and built at start-up (Django, Wagtail, the URLconf) lives as long as the worker: frozen,
    # the garbage collector stops walking it on every full collection (pauses of 100 ms and more every hundred or so
    # page requests were seen), and its memory pages stay shared with the other workers for longer.
    gc.freeze()
