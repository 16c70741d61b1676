"""The whole site in one file, and back: the database, the uploads (images, signatures, documents, their renditions)
and the private files (generated certificate and workbook PDFs).

The archive is a tar.gz holding
- manifest.json: format version, when, from which database engine, the migrations applied, rows per model, files;
- database.jsonl: every row of every table in Django's JSON Lines serialisation (lms.backup.serializer: timestamps
  to the microsecond), primary keys kept;
- media/... and private/...: each file of the "default" and "private" storages under its storage name.

Why Django's serialiser and not pg_dump or a copy of the SQLite file: the same file restores on either engine (a site
that outgrows SQLite moves to PostgreSQL with backup + restore), needs no client tools of the right version, and is
read back through the models, so a damaged or incomplete file is refused instead of half-loaded. What makes it
faithful is that nothing is re-derived: primary keys are kept (content types and permissions included, so every
generic relation, Wagtail revision and tree path points where it did), and the target database is emptied of what
migrations put there before loading. Left out: sessions (everyone logs in again) and Wagtail's search index
(rebuilt after the restore).
"""

import io
import json
import tarfile
import tempfile
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from lms.backup.serializer import FORMAT_NAME

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
# Storage names of settings.STORAGES and the folder each has in the archive.
FILE_STORAGES = {"default": "media", "private": "private"}
EXCLUDED_APPS = ["sessions", "wagtailsearch"]


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


def _stored_files(storage, folder: str = ""):
    """Every file of a storage, as names relative to its root (works for any Django storage, not only folders)."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        if not name.startswith("."):  # .gitkeep and the like
            yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from _stored_files(storage, f"{folder}/{name}" if folder else name)


def _storage_is_empty(storage) -> bool:
    try:
        return next(iter(_stored_files(storage)), None) is None
    except FileNotFoundError:  # a folder not made yet
        return True


class _ConsistentRead:
    """Read every table as of one moment while the site keeps running: on PostgreSQL a repeatable-read snapshot, on
    SQLite a transaction (writers wait for the few seconds the reading takes)."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        outermost = not connection.in_atomic_block
        self.atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def __exit__(self, *exc_info):
        return self.atomic.__exit__(*exc_info)


@contextmanager
def _model_signals_muted():
    """Load rows without the receivers that react to saves: they are meant for edits, and some ignore Django's
    `raw` flag (wagtail-localize's locale synchronisation would build alias pages while the tree is half loaded).
    Whatever they would have made is in the backup already."""
    muted = [pre_save, post_save, pre_delete, post_delete, m2m_changed]
    kept = {}
    for signal in muted:
        with signal.lock:
            kept[signal] = signal.receivers
            signal.receivers = []
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal in muted:
            with signal.lock:
                signal.receivers = kept[signal]
                signal.sender_receivers_cache.clear()


def _rows_per_model(data: Path) -> dict[str, int]:
    counts = Counter()
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                counts[json.loads(line)["model"]] += 1
    return dict(sorted(counts.items()))


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes, modified: float) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(content)
    member.mtime = modified
    member.mode = 0o644
    archive.addfile(member, io.BytesIO(content))


def backup_create(*, path: Path) -> dict:
    """Write the backup to `path` (a .tar.gz) and return its manifest. The file appears only once complete."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / DATABASE
        with _ConsistentRead():
            call_command("dumpdata", all=True, format=FORMAT_NAME, exclude=EXCLUDED_APPS, output=str(data), verbosity=0)
            applied = sorted(MigrationRecorder(connection).applied_migrations())
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(),
            "database": connection.vendor,
            "migrations": [list(key) for key in applied],
            "rows": _rows_per_model(data),
            "files": {},
        }
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, DATABASE, data.read_bytes(), now.timestamp())
                for storage_name, folder in FILE_STORAGES.items():
                    storage = storages[storage_name]
                    names = [] if _storage_is_empty(storage) else list(_stored_files(storage))
                    for name in names:
                        with storage.open(name, "rb") as file:
                            content = file.read()
                        _add_bytes(archive, f"{folder}/{name}", content, storage.get_modified_time(name).timestamp())
                    manifest["files"][storage_name] = len(names)
                # Last, so that an archive with a manifest went through to the end.
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode(), now.timestamp())
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"This is not a complete backup of this site ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    return manifest


def _check_same_version(manifest: dict) -> None:
    """Rows load through this version's models, so the backup must come from a database at this version's schema."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    # A database migrated before a squash records the migrations the squash replaces.
    known = set(loader.graph.nodes).union(*(squash.replaces for squash in loader.replacements.values()))
    installed = {app_config.label for app_config in apps.get_app_configs()}
    applied = {tuple(key) for key in manifest["migrations"] if key[0] in installed}
    newer = sorted(f"{app}.{name}" for app, name in applied - {tuple(key) for key in known})
    older = sorted(f"{app}.{name}" for app, name in set(loader.graph.leaf_nodes()) - applied)
    if newer or older:
        raise BackupError(
            "This backup was made by another version of the site (its migrations differ: "
            f"{', '.join((newer + older)[:5])}). Restore it with the version that made it, then upgrade as usual."
        )


def _check_target_is_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already has {len(tables)} tables. Restore into a new, "
            "empty database (a new SQLite file, or `createdb` on PostgreSQL) so that nothing of another site mixes in."
        )
    for storage_name in FILE_STORAGES:
        storage = storages[storage_name]
        if not _storage_is_empty(storage):
            raise BackupError(
                f"The {storage_name!r} storage ({getattr(storage, 'location', storage)}) already holds files. "
                "Restore into empty folders."
            )


def backup_restore(*, path: Path, progress=lambda message: None) -> dict:
    """Restore a backup into an empty database and empty storages, with the version of the site that made it."""
    try:
        archive = tarfile.open(Path(path), "r:gz")  # noqa: SIM115 (closed by the with block below)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from None
    with archive, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(archive)
        _check_same_version(manifest)
        _check_target_is_empty()

        progress("Creating the tables")
        call_command("migrate", interactive=False, verbosity=0)
        # Migrations and their signals add rows (content types, Wagtail's first page and site, default groups): the
        # backup has the real ones, with their primary keys.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)

        progress(f"Loading {sum(manifest['rows'].values())} rows")
        data = Path(work) / f"database.{FORMAT_NAME}"  # loaddata tells the format by the extension
        try:
            with archive.extractfile(DATABASE) as source, data.open("wb") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        except (KeyError, tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(f"The backup's database is missing or damaged ({error}).") from None
        with _model_signals_muted():
            call_command("loaddata", str(data), verbosity=0)
        apps.get_model("contenttypes", "ContentType").objects.clear_cache()
        loaded = {label: apps.get_model(label)._base_manager.count() for label in manifest["rows"]}
        if loaded != manifest["rows"]:
            missing = {
                label: (count, loaded[label]) for label, count in manifest["rows"].items() if loaded[label] != count
            }
            raise BackupError(f"The database did not load completely (expected, loaded): {missing}")

        progress("Restoring files")
        restored = Counter()
        folders = {f"{folder}/": storage_name for storage_name, folder in FILE_STORAGES.items()}
        for member in archive:
            folder = next((prefix for prefix in folders if member.name.startswith(prefix)), None)
            if folder is None or not member.isfile():
                continue
            storage_name, name = folders[folder], member.name.removeprefix(folder)
            with archive.extractfile(member) as file:
                saved = storages[storage_name].save(name, ContentFile(file.read()))
            if saved != name:
                raise BackupError(f"{name} could not be restored under its own name (saved as {saved}).")
            restored[storage_name] += 1
        for storage_name, count in manifest["files"].items():
            if restored[storage_name] != count:
                raise BackupError(f"The backup lists {count} {storage_name} files but holds {restored[storage_name]}.")

        progress("Rebuilding the search index")
        call_command("update_index", verbosity=0)
        cache.clear()  # course structures and rate limits of whatever site used this cache before
    return manifest
