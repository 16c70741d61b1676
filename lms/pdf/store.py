"""Generated PDFs in the private storage: a file is there whole or not at all, and one process renders it.

- Written whole: a PDF goes to a temporary name in its folder and is renamed into place (os.replace), so a reader
  sees no file or the complete file, never the part a killed or slow writer had got to. On object storage (S3 and
  the like) one PUT of the complete bytes replaces the object whole.
- Checked on read: a file an older version wrote straight to its final path may have been cut short; a PDF ends
  with its `%%EOF` trailer (in its last kilobyte, as readers look for it), and one without is treated as missing,
  so it is rendered again and replaced.
- Rendered once: a lease in the shared cache says who is rendering a file. Its holder renews it from a thread while
  it works (WeasyPrint's layout is one long call), so a process that dies lets it lapse within seconds and the next
  one to ask takes over; the others wait for the file. A background build is also marked "queued" from the
  request that enqueued it until a worker takes the lease.
"""

import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from lms.pdf.render import pdf_storage

logger = logging.getLogger(__name__)

TRAILER = b"%%EOF"
TRAILER_WINDOW = 1024
QUEUED_SECONDS = 15 * 60  # how long a queued build stops other requests queueing it again
STALE_PART_SECONDS = 60 * 60  # a temporary file this old belongs to a writer that died


def lease_seconds() -> float:
    """How long a lease lasts without renewal: how soon the work of a dead process is taken over."""
    return float(getattr(settings, "PDF_BUILD_LEASE_SECONDS", 30))


def _is_complete(stored: File) -> bool:
    stored.seek(0, os.SEEK_END)
    size = stored.tell()
    stored.seek(max(0, size - TRAILER_WINDOW))
    complete = TRAILER in stored.read()
    stored.seek(0)
    return complete


def pdf_open(path: str) -> File | None:
    """The stored PDF, open at its start, or None if there is none or it was cut short."""
    storage = pdf_storage()
    try:
        stored = storage.open(path, "rb")
    except FileNotFoundError:
        return None
    if _is_complete(stored):
        return stored
    stored.close()
    logger.warning("Stored PDF %s is incomplete (no %%EOF trailer): it will be rendered again", path)
    return None


def pdf_read(path: str) -> bytes | None:
    stored = pdf_open(path)
    if stored is None:
        return None
    with stored:
        return stored.read()


def pdf_exists(path: str) -> bool:
    stored = pdf_open(path)
    if stored is None:
        return False
    stored.close()
    return True


def pdf_save(path: str, content: bytes) -> None:
    """Store the PDF under `path`, replacing what was there, so that no reader ever sees part of it."""
    storage = pdf_storage()
    if isinstance(storage, FileSystemStorage):
        _save_by_rename(storage, path, content)
    else:
        # Object storage puts the complete bytes in one request, which replaces the object whole (file_overwrite,
        # lms/settings/object_storage.py): readers get the old PDF or the new one, never none or a part.
        if not getattr(storage, "file_overwrite", False) and storage.exists(path):
            storage.delete(path)
        saved = storage.save(path, ContentFile(content))
        if saved != path:
            raise RuntimeError(f"The storage kept {path} as {saved}: it must overwrite files in place")
    logger.info("Stored %s (%d bytes)", path, len(content))


def _save_by_rename(storage: FileSystemStorage, path: str, content: bytes) -> None:
    final = Path(storage.path(path))
    final.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale_parts(final)
    descriptor, temporary = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as part:
            part.write(content)
            part.flush()
            os.fsync(part.fileno())  # the bytes are on disk before the name points at them
        if storage.file_permissions_mode is not None:
            os.chmod(temporary, storage.file_permissions_mode)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sweep_stale_parts(final: Path) -> None:
    """Temporary files left by writers killed before they could clean up."""
    cutoff = time.time() - STALE_PART_SECONDS
    for part in final.parent.glob(f".{final.name}.*.part"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
        except FileNotFoundError:
            pass  # another writer swept it


def _lease_key(name: str) -> str:
    return f"pdf:lease:{name}"


def _queued_key(name: str) -> str:
    return f"pdf:queued:{name}"


def pdf_queue(name: str) -> bool:
    """True for the one request that should queue a build of `name`; the others wait for it."""
    if cache.get(_lease_key(name)) is not None:
        return False
    return cache.add(_queued_key(name), True, timeout=QUEUED_SECONDS)


def pdf_is_leased(name: str) -> bool:
    """Whether a live process is building `name` now."""
    return cache.get(_lease_key(name)) is not None


def pdf_unqueue(name: str) -> None:
    cache.delete(_queued_key(name))


class _Renewal(threading.Thread):
    """Renews a lease every third of its length until stopped: the lease lapses only if the process dies."""

    def __init__(self, key: str, owner: str):
        super().__init__(name=f"lease {key}", daemon=True)
        self.key, self.owner, self.stopped = key, owner, threading.Event()

    def run(self):
        seconds = lease_seconds()
        while not self.stopped.wait(seconds / 3):
            try:
                if cache.get(self.key) == self.owner:
                    cache.touch(self.key, seconds)
            except Exception:  # a cache outage must not kill the render; the lease may lapse (a second render)
                logger.exception("Could not renew %s", self.key)


@contextmanager
def pdf_lease(name: str, *, wait: float | None = None) -> Iterator[bool]:
    """Hold the lease on `name` for the block, waiting up to `wait` seconds (twice the lease length by default)
    while a live process holds it. Yields False if it is still held after that: the block then runs anyway, as a
    second render is better than none (the rename keeps it harmless)."""
    key, owner = _lease_key(name), secrets.token_hex(8)
    deadline = time.monotonic() + (2 * lease_seconds() if wait is None else wait)
    try:
        held = cache.add(key, owner, timeout=lease_seconds())
        while not held and time.monotonic() < deadline:
            time.sleep(0.1)
            held = cache.add(key, owner, timeout=lease_seconds())
    except Exception:  # the cache is down: render without coordination rather than not at all
        logger.exception("No lease on %s: building it without one", name)
        held = None
    if not held:
        if held is False:
            logger.warning("%s is still leased after waiting: building it anyway", name)
        yield False
        return
    cache.delete(_queued_key(name))  # from here the lease says the build is under way
    renewal = _Renewal(key, owner)
    renewal.start()
    try:
        yield True
    finally:
        renewal.stopped.set()
        renewal.join()
        if cache.get(key) == owner:
            cache.delete(key)


def pdf_build(path: str, render: Callable[[], bytes]) -> bytes:
    """The PDF at `path`: read if it is stored whole, else rendered (by one process at a time) and stored."""
    stored = pdf_read(path)
    if stored is not None:
        return stored
    with pdf_lease(path):
        stored = pdf_read(path)  # the process we waited for stored it
        if stored is not None:
            return stored
        pdf = render()
        pdf_save(path, pdf)
        return pdf
