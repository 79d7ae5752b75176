"""Private files (uploads, letter PDFs, exports): no file outlives a rolled-back row.

A file is written under its final (generated, unguessable) name inside the transaction that
records its row, so a committed row always has its file, even if the process dies right after
the commit. What a rollback leaves is removed twice over:

- `atomic_with_files()` (the transaction of every service that stores files) deletes the files
  written inside it as soon as it rolls back;
- `orphan_files_clean()` (beat, hourly; `manage.py dsar_orphan_files`) deletes any private file
  that no row records once it is older than `GRACE` — a rollback of an enclosing transaction, a
  process killed mid-transaction, a row deleted by hand — and reports how many it found.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.core.files.storage import default_storage
from django.db import transaction

logger = logging.getLogger(__name__)

# Top-level folders of the private storage whose files each belong to a row.
ROOTS = ("requests", "letters")
# No transaction lives this long (task time limit 10 min, statement timeouts), so a file this
# old without a row is left over for good.
GRACE = 30 * 60

_local = threading.local()


def _written() -> list[str]:
    """Files written by this thread's open transactions (cleared as each commits)."""
    if not hasattr(_local, "written"):
        _local.written = []
    return _local.written


def file_store(field_file, content, name: str = "file") -> str:
    """Write `content` for `field_file` (a FieldFile of a row about to be saved) under the name its
    field generates; call inside `atomic_with_files()`. Sets the name on the instance (save the
    row yourself) and returns it.
    """
    field_file.save(name, content, save=False)
    written = _written()
    del written[:-1000]  # names of transactions rolled back outside a guard; the beat check has them
    written.append(field_file.name)
    transaction.on_commit(lambda: _forget(written, field_file.name))
    return field_file.name


def _forget(written: list[str], name: str) -> None:
    try:
        written.remove(name)
    except ValueError:
        pass


def _discard(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete a file after a rollback", exc_info=True)


@contextmanager
def atomic_with_files():
    """`transaction.atomic()` that deletes the files written inside it when it rolls back.

    A block that exits with an exception rolled its rows back (savepoint or transaction), so its
    files have no row. A later rollback of an outer block is left to orphan_files_clean().
    """
    written = _written()
    mark = len(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _discard(written[mark:])
        del written[mark:]
        raise


@dataclass
class OrphanReport:
    checked: int = 0
    found: int = 0  # files no row records, older than the grace period
    deleted: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _walk(storage, top: str):
    try:
        dirs, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{top}/{name}"
    for d in dirs:
        yield from _walk(storage, f"{top}/{d}")


def _age(storage, name: str, now: float) -> float:
    try:
        return now - os.path.getmtime(storage.path(name))
    except NotImplementedError:  # a storage with no local paths (e.g. object storage): ask it instead
        return now - storage.get_modified_time(name).timestamp()


def _recorded(names: list[str]) -> set[str]:
    from .models import Attachment, Letter

    found = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
    return found | set(Letter.objects.filter(file__in=names).values_list("file", flat=True))


def orphan_files_clean(*, dry_run: bool = False, grace: float = GRACE) -> OrphanReport:
    """Delete the private files no row records; report how many were found.

    The listing is taken before the rows are read, so a file whose row commits meanwhile is
    already recorded; `grace` spares the files of transactions still running.
    """
    storage = default_storage
    report = OrphanReport()
    now = time.time()
    for root in ROOTS:
        batch: list[str] = []
        for name in _walk(storage, root):
            batch.append(name)
            if len(batch) >= 500:
                _check(storage, batch, report, now, dry_run, grace)
                batch = []
        _check(storage, batch, report, now, dry_run, grace)
    if report.found:
        logger.warning("Orphan file check: %s", report.as_dict())
    return report


def _check(storage, names: list[str], report: OrphanReport, now: float, dry_run: bool, grace: float) -> None:
    if not names:
        return
    report.checked += len(names)
    recorded = _recorded(names)
    for name in names:
        if name in recorded:
            continue
        try:
            if _age(storage, name, now) <= grace:
                continue
        except OSError:
            continue  # deleted meanwhile
        report.found += 1
        if not dry_run:
            storage.delete(name)
            report.deleted += 1
