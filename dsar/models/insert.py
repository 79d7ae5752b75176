"""One INSERT for one new row, with the statement built once per model and database.

`Model.save()` compiles its INSERT anew each time: on the intake path (a request, its status
link, its code, its e-mail and its audit event, every submission) that compiling cost more CPU
than the database's work. `insert_new()` does what `save()` does for a new row of a plain model
(one table, no parents): `pre_save` and `post_save` signals when anyone listens, every field's
`pre_save()` and `get_db_prep_save()` (defaults, `auto_now_add`, encrypted fields, JSON),
related objects' ids, the new primary key, and the instance's state afterwards. Anything else
(inheritance, database defaults, no RETURNING, a preset primary key) goes through Django's own
`Model.save(force_insert=True)`.

A model's own `save()` is not called: use it only for models whose `save()` adds nothing (or, like
the audit event's, only refuses to be called). django-fsm's record of the state as loaded is
updated as its `save()` would.
"""

from __future__ import annotations

from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save

_PLANS: dict = {}


def _plan(model, connection, conflict: str | None):
    key = (model, connection.alias, connection.vendor, conflict)
    plan = _PLANS.get(key)
    if plan is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        simple = (
            not meta.parents
            and not meta.proxy
            and meta.auto_field is not None
            and connection.features.can_return_columns_from_insert
            and not any(f.has_db_default() for f in fields)
        )
        if simple:
            quote = connection.ops.quote_name
            skip = f" ON CONFLICT ({quote(meta.get_field(conflict).column)}) DO NOTHING" if conflict else ""
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                f"VALUES ({', '.join(['%s'] * len(fields))}){skip} RETURNING {quote(meta.auto_field.column)}"
            )
            plan = (sql, fields)
        else:
            plan = (None, None)
        _PLANS[key] = plan
    return plan


def insert_new(obj, *, unless_taken: str | None = None) -> bool:
    """Insert `obj`, a new instance, as `obj.save(force_insert=True)` would, and set its pk.

    `unless_taken`: a unique field; when its value is already stored, insert nothing (`ON CONFLICT
    DO NOTHING`), leave `obj` unsaved and return False. Returns True when the row was inserted.
    """
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    sql, fields = _plan(model, connection, unless_taken)
    if unless_taken and sql is None:
        raise NotImplementedError(f"{model.__name__}: unless_taken needs a plain model and INSERT ... RETURNING")
    if sql is None or obj.pk is not None:
        models.Model.save(obj, force_insert=True, using=using)
        _after_insert(obj)
        return True
    if pre_save.has_listeners(model):
        pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    obj._prepare_related_fields_for_save(operation_name="save")
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # unless_taken: the value was stored already
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = using
    _after_insert(obj)
    if post_save.has_listeners(model):
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return True


def _after_insert(obj) -> None:
    loaded = getattr(obj, "_update_initial_state", None)  # django-fsm's ConcurrentTransitionMixin
    if loaded is not None:
        loaded()
