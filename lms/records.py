"""Learning records that exist once: one enrolment per course, one open attempt per quiz, one certificate per course.
A unique constraint in the database says "once"; this is how the code creates such a row and lives with a race."""

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction


def create_or_read_back(
    model: type[models.Model], *, unique: dict[str, Any], values: Callable[[], dict[str, Any]] | dict | None = None
) -> tuple[models.Model, bool]:
    """The one row of `model` matching `unique`: read, or created with `unique` and `values`. Returns (row, created).

    `values` may be a function: it runs only when the row is missing (it may do costly reads, or raise to refuse the
    creation) and before the insert, outside its savepoint. When a concurrent request inserts the row first, the
    unique constraint refuses ours and the winner is read back; an IntegrityError that no winner explains (the
    insert itself was bad) is raised.
    """
    existing = model.objects.filter(**unique).first()
    if existing is not None:
        return existing, False
    fields = values() if callable(values) else dict(values or {})
    try:
        with transaction.atomic():
            return model.objects.create(**unique, **fields), True
    except IntegrityError:
        winner = model.objects.filter(**unique).first()
        if winner is None:
            raise
        return winner, False
