"""A real Ralph LRS (ralph-malph, France Université Numérique's) for the learning-records tests, with its file-system
backend, in its own virtual environment: its pinned FastAPI, pydantic and uvicorn never meet ours.

The environment is built once per machine (about 15 s from PyPI) under ~/.cache/landscape-academy (RALPH_VENV names
another folder), and reused by every later run and worktree. If it cannot be built (no network), the tests that need
Ralph skip with the reason.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

from tests.live_site import free_port

RALPH_VERSION = "5.1.0"
# "cli" for `ralph auth`, "lrs" for the server; the fs backend needs no extra. Ralph 5.1.0's OIDC module imports
# requests, which none of its extras installs.
RALPH_REQUIREMENTS = [f"ralph-malph[cli,lrs]=={RALPH_VERSION}", "requests"]
USERNAME = "academy"
PASSWORD = "ralph-test-password"  # noqa: S105 (a throwaway LRS of the tests)


def venv_folder() -> Path:
    if os.environ.get("RALPH_VENV"):
        return Path(os.environ["RALPH_VENV"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "landscape-academy" / f"ralph-venv-{RALPH_VERSION}"


def ensure_venv() -> Path:
    """Ralph's virtual environment, built if missing: in a new folder renamed into place once complete, so a build
    interrupted (or racing another test process) never leaves half an environment to reuse. Raises RuntimeError with
    pip's last words if it cannot be built."""
    folder = venv_folder()
    if (folder / "bin" / "ralph").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="ralph-venv-", dir=folder.parent))
    try:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(building)], check=True, capture_output=True)
        pip = subprocess.run(
            [str(building / "bin" / "python"), "-m", "pip", "install", "--quiet", *RALPH_REQUIREMENTS],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if pip.returncode != 0:
            raise RuntimeError(f"pip install {' '.join(RALPH_REQUIREMENTS)} failed: {pip.stderr[-1500:]}")
        # Moved into place whole; the tests run its python (-m ralph, -m uvicorn), which finds its packages
        # wherever the folder is (the scripts in bin/ name the folder they were built in).
        try:
            building.rename(folder)
        except OSError:  # another process finished first: use its environment
            shutil.rmtree(building, ignore_errors=True)
        print(f"\nBuilt Ralph's virtual environment in {time.monotonic() - started:.0f} s: {folder}", file=sys.stderr)
        return folder
    except (OSError, subprocess.SubprocessError) as error:
        raise RuntimeError(f"could not build Ralph's virtual environment: {error}") from error
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


# Ralph's app as `ralph runserver -b fs` serves it, less two things. Its reloader, which watches the working folder
# and leaves a child process behind when stopped. And the file-system backend's first write: it creates the
# statements file and refuses every later POST with a 500 ("fs_lrs.jsonl already exists and overwrite is not
# allowed"); appending, it keeps every statement as its database backends do.
SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


class RalphLRS:
    """One Ralph server on a port of TEST_PORTS, storing statements in files under `folder`; stop() and start()
    again keep them (the LRS down, then back)."""

    def __init__(self, venv: Path, folder: Path):
        self.venv = venv
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(folder),
            "RALPH_APP_DIR": str(folder / "ralph"),
            "RALPH_AUTH_FILE": str(folder / "ralph" / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "statements"),
        }
        (folder / "statements").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "ralph", "auth", "--username", USERNAME, "--password", PASSWORD,
             "--scope", "all", "--agent-ifi-mbox", "mailto:lrs@example.org", "--write-to-disk"],
            env=self.env, check=True, capture_output=True,
        )  # fmt: skip

    def start(self, timeout: float = 30) -> None:
        self.process = subprocess.Popen(
            [str(self.venv / "bin" / "python"), "-c", SERVE, str(self.port)],
            env=self.env, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/__lbheartbeat__", timeout=2)  # noqa: S310 (the local LRS)
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("Ralph did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def statements(self) -> list[dict]:
        """Every statement Ralph holds, read back through its xAPI API."""
        found, url = [], self.url + "/xAPI/statements?limit=500"
        while url:
            request = urllib.request.Request(  # noqa: S310
                url,
                headers={
                    "X-Experience-API-Version": "1.0.3",
                    "Authorization": "Basic " + b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode(),
                },
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                page = json.load(response)
            found += page["statements"]
            url = self.url + page["more"] if page.get("more") else None
        return found
