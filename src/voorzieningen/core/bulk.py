"""Bulk upsert shared by the importers: compare, then create and update in batches; report counts."""

from collections.abc import Callable, Iterable

CHUNK = 900  # stays below SQLite's limit on query parameters


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync_objects(model, existing: dict, desired: dict, make: Callable, keep_if_blank=()) -> dict[str, int]:
    """Bring ``existing`` (key -> object) in line with ``desired`` (key -> field values).

    Fields named in ``keep_if_blank`` keep their stored value when the desired one is empty.
    """
    to_create, to_update, changed_fields = [], [], set()
    for key, fields in desired.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(make(key, fields))
            continue
        dirty = False
        for name, value in fields.items():
            if name in keep_if_blank and value in ("", None):
                continue
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed_fields.add(name)
                dirty = True
        if dirty:
            to_update.append(obj)
    for chunk in chunks(to_create):
        model.objects.bulk_create(chunk)
    for chunk in chunks(to_update):
        model.objects.bulk_update(chunk, sorted(changed_fields))
    return {
        "nieuw": len(to_create),
        "gewijzigd": len(to_update),
        "ongewijzigd": len(desired) - len(to_create) - len(to_update),
    }
