"""One UPDATE for many rows, each with its own values: ``UPDATE … FROM (VALUES …)`` on PostgreSQL.

Django's ``bulk_update`` writes ``SET f = CASE WHEN pk = 1 THEN … WHEN pk = 2 THEN … END`` for
every field, and builds each WHEN as a resolved query expression in Python: for a batch of 50
badges and 36 fields that was three quarters of a re-verification worker's CPU (cProfile of
``reverify_batch``). Here the SQL is a plain string and the values go as parameters, so the
cost is the values' own conversion. Other databases (SQLite, the embedded default) keep
``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router

# PostgreSQL takes at most 65,535 parameters per statement.
MAX_PARAMETERS = 60_000


def _cast_type(column: models.Field, connection) -> str:
    """The column's type without a varchar length: an explicit CAST to varchar(n) cuts a longer
    value short without a word, where the assignment to the column refuses it (as bulk_update does)."""
    db_type = column.db_type(connection)
    return "varchar" if db_type.startswith("varchar(") else db_type


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of every object in ``objs`` (all of one model) by primary key, like
    ``Model.objects.bulk_update(objs, fields)`` (no signals, no ``auto_now``)."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    row = "(" + ", ".join(f"CAST(%s AS {_cast_type(column, connection)})" for column in columns) + ")"
    assignments = ", ".join(f"{quote(column.column)} = v.{quote(column.column)}" for column in columns[1:])
    names = ", ".join(quote(column.column) for column in columns)
    per_statement = max(1, MAX_PARAMETERS // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in chunk for column in columns
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))}) AS v({names}) "
                f"WHERE {table}.{quote(meta.pk.column)} = v.{quote(meta.pk.column)}",
                params,
            )
