"""Two gunicorn instances on one machine, started by the README's command (gunicorn.conf.py read from the project's
folder): each has its own control socket, `gunicornc` reaches the instance it names, and stopping one leaves the
other's socket in place. gunicorn 27's default puts every instance's socket at one path in the home folder."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.live_site import serving

GUNICORNC = str(Path(sys.executable).parent / "gunicornc")


def gunicorn(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "lms.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"]


def listeners(socket_path: Path) -> list[str]:
    deadline = time.monotonic() + 20
    while not socket_path.exists():  # opened once the workers are up, a moment after they answer
        assert time.monotonic() < deadline, f"no control socket at {socket_path}"
        time.sleep(0.1)
    done = subprocess.run(
        [GUNICORNC, "-s", str(socket_path), "-c", "show listeners", "-j"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return [listener["address"] for listener in json.loads(done.stdout)["listeners"]]


def test_each_instance_gets_its_own_control_socket(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "HOME": str(tmp_path / "home"),  # where gunicorn's default would have put both
        "GUNICORN_CONTROL_DIR": str(tmp_path / "run"),
    }
    env.pop("XDG_RUNTIME_DIR", None)
    with (
        serving(env, gunicorn, ready_path="/health/") as first,
        serving(env, gunicorn, ready_path="/health/") as second,
    ):  # noqa: E501
        sockets = {url: tmp_path / "run" / f"gunicorn-127.0.0.1-{url.rsplit(':', 1)[1]}.ctl" for url in (first, second)}
        for url, socket_path in sockets.items():
            assert listeners(socket_path) == [url], "each socket speaks for its own instance"
        assert not (tmp_path / "home" / ".gunicorn").exists(), "nothing at the shared default path"
    # Both stopped in turn (the second first): each removed its own socket only.
    assert not any(path.exists() for path in sockets.values())


def test_stopping_one_instance_leaves_the_other_reachable(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "GUNICORN_CONTROL_DIR": str(tmp_path / "run")}
    with serving(env, gunicorn, ready_path="/health/") as first:
        first_socket = tmp_path / "run" / f"gunicorn-127.0.0.1-{first.rsplit(':', 1)[1]}.ctl"
        with serving(env, gunicorn, ready_path="/health/"):
            pass  # started and stopped while the first runs
        assert listeners(first_socket) == [first]


def test_a_socket_named_on_the_command_line_or_none_is_respected(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "GUNICORN_CONTROL_DIR": str(tmp_path / "run")}
    named = tmp_path / "named.ctl"
    with serving(env, lambda port: [*gunicorn(port), "--control-socket", str(named)], ready_path="/health/") as url:
        assert listeners(named) == [url]
    with serving(env, lambda port: [*gunicorn(port), "--no-control-socket"], ready_path="/health/"):
        assert not (tmp_path / "run").exists() or not list((tmp_path / "run").iterdir())
