"""Where queries go: the primary, or a read replica for the administrators' reports.

With ``DATABASE_REPLICA_URL`` set, settings add a second alias, ``replica``, and
the ``PrimaryReplicaRouter``. The router cannot tell a report's query from any
other (Django routers see a model and hints, never the request), so reads go to
the replica only inside a ``replica_reads()`` scope, which only the reports,
their exports, their drill-downs and the weekly digest open. That makes it
correct by construction:

- every write goes to the primary, in a scope or not (``db_for_write``);
- a read outside a scope goes to the primary, so everything that must see what
  the request itself just wrote (sign-in, saving a form, the check that a digest
  was not sent yet) keeps reading the primary;
- the code inside a scope writes nothing it reads back: a report is a snapshot,
  and a replica a moment behind the primary shows the same report a moment
  earlier.

The scope is a ``ContextVar``: each thread (and each asyncio task) has its own, so
one request's scope never leaks into another served at the same time.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import BooleanField, Expression, F, Func, IntegerField, QuerySet
from django.db.models.query import ModelIterable

REPLICA = "replica"

_reads_may_use_replica: ContextVar[bool] = ContextVar("reads_may_use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads go to the replica when there is one."""
    token = _reads_may_use_replica.set(True)
    try:
        yield
    finally:
        _reads_may_use_replica.reset(token)


def iterate_with_replica_reads(chunks: Iterable) -> Iterator:
    """``chunks`` (a streamed export's rows) produced inside ``replica_reads()``.

    A streamed response is read after its view has returned, so the view's own
    scope has ended by then. The scope is opened around each step only, never
    across a ``yield``: between chunks the server's code runs outside it.
    """
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class PrimaryReplicaRouter:
    """Reads inside ``replica_reads()`` go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _reads_may_use_replica.get() and replica_configured():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary through PostgreSQL's own replication.
        return db != REPLICA


# Compiled once, run for anyone ------------------------------------------------------

# Stand for the ids a query is about (a person's, a pair's, a page's) while its
# SQL is put together, and are found again among its parameters: no real id,
# date, amount or flag is equal to either.
ANY_ID = -7_240_001
ANOTHER_ID = -7_240_002
# Stands for a list of ids (a page's rows, a page of pairs' partners), in a
# ``OneOf`` test: the list is one parameter, so the SQL is the same for any list.
ANY_IDS = (-7_240_003,)
STAND_INS = (ANY_ID, ANOTHER_ID, ANY_IDS)


class OneOf(Expression):
    """``OneOf("user_id", ids)``: the field's value is one of ``ids``, given to the
    database as one parameter whatever their number (an array on PostgreSQL, a
    JSON list on SQLite), so that a query built for ``ANY_IDS`` can be compiled
    once. Django's ``__in`` writes a placeholder for each value.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable):
        super().__init__()
        self.tested = F(field)
        self.ids = ids if ids is ANY_IDS else tuple(ids)

    def get_source_expressions(self):
        return [self.tested]

    def set_source_expressions(self, expressions):
        [self.tested] = expressions

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.tested)
        return f"{sql} = ANY(%s)", (*params, self.parameter(self.ids, connection))

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.tested)
        test = f"{sql} IN (SELECT value FROM JSON_EACH(%s))"
        return test, (*params, self.parameter(self.ids, connection))

    @staticmethod
    def parameter(ids, connection):
        if ids is ANY_IDS:
            return ids
        return json.dumps(list(ids)) if connection.vendor == "sqlite" else list(ids)


class CompiledQuery:
    """A queryset's SQL, compiled once, run for one id (or two) at a time.

    Some queries run on nearly every page for the person signed in (what waits
    on them, their pairs, their PD-hours ledger) or for the pair the page is
    about (its actions and measures). Putting such a queryset together and
    compiling it costs several times what the database takes to answer it, so
    the caller builds it once for ``ANY_ID`` (and ``ANOTHER_ID``, when it is
    about two things, or ``ANY_IDS`` for a list of them); each run puts the real
    ids where those stood among the parameters, in that order.

    ``rows`` gives rows as ``values_list`` does: each value goes through the
    converters Django would apply (on SQLite a day is read back as text, for
    one). ``instances`` gives model instances as iterating the queryset does.

    The SQL belongs to ``alias`` and to whatever else went into the queryset
    (a day, the time zone): ``compiled_once`` keeps one for each. A query about
    no id at all (the published courses) says so with ``for_ids=False``.
    """

    def __init__(self, queryset: QuerySet, alias: str, *, for_ids: bool = True):
        compiler = queryset.query.get_compiler(alias)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        # Each run is given one argument for each stand-in used, in ``STAND_INS``' order.
        at = [(n, STAND_INS.index(param)) for n, param in enumerate(params) if param in STAND_INS]
        used = sorted({which for _n, which in at})
        self.id_at = tuple((n, used.index(which), STAND_INS[which]) for n, which in at)
        self.ids = len(used)
        if for_ids and not self.ids:
            raise ValueError("The queryset was not built for ANY_ID.")
        if self.ids and not for_ids:
            raise ValueError("The queryset was built for ANY_ID, as a query about no id.")
        self.alias = alias
        self.model = queryset.model
        # Holds what compiling worked out (the columns, the related models'
        # places among them), which ``instances`` reads back with each run.
        self._compiler = compiler
        selected = [expression for expression, _sql, _alias in compiler.select]
        self.converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                selected[: compiler.col_count]
            ).items()
        ]

    def params_for(self, *ids: int | Iterable[int]) -> list:
        if len(ids) != self.ids:
            raise TypeError(f"The query was built for {self.ids} ids, given {len(ids)}.")
        params = list(self.params)
        for n, which, stand_in in self.id_at:
            if stand_in is ANY_IDS:
                params[n] = OneOf.parameter(ids[which], connections[self.alias])
            else:
                params[n] = ids[which]
        return params

    def rows(self, *ids: int | Iterable[int]) -> list[tuple]:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params_for(*ids))
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, functions, expression in self.converters:
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def instances(self, *ids: int | Iterable[int]) -> list:
        """The model instances for ``ids``, with what ``select_related`` and
        ``annotate`` put on them, as iterating the queryset gives them.

        Django's own ``ModelIterable`` makes them: it asks the query for a
        compiler and the compiler for its SQL, and is given this one, which
        answers with the SQL compiled already
        (https://github.com/django/django/blob/5.2.8/django/db/models/query.py,
        ``ModelIterable``; ``tests/test_compiled_queries.py`` pins it). The
        compiler is copied for each run, with this thread's connection.
        """
        compiler = copy.copy(self._compiler)
        compiler.connection = connections[self.alias]
        answer = (self.sql, self.params_for(*ids))
        compiler.as_sql = lambda *args, **kwargs: answer
        source = SimpleNamespace(
            db=self.alias,
            model=self.model,
            query=SimpleNamespace(get_compiler=lambda using: compiler),
            _known_related_objects={},
        )
        return list(ModelIterable(source))


def compiled_once(model, *, keep: int = 16, for_ids: bool = True) -> Callable:
    """Decorates a function that builds a queryset of ``model`` for ``ANY_ID`` (and
    ``ANOTHER_ID``) from its arguments: calling it gives that queryset's
    ``CompiledQuery``, for the database the router reads ``model`` from (the
    replica inside a report), compiled the first time and kept after that.

    Its arguments are what else went into the SQL (a day, a time zone), so the
    ``keep`` most recent of each are kept; most functions take none. With
    ``for_ids=False`` the queryset is about no id, and is run with none.
    """

    def decorate(build: Callable[..., QuerySet]) -> Callable[..., CompiledQuery]:
        @functools.lru_cache(maxsize=keep)
        def compiled(alias: str, *key) -> CompiledQuery:
            return CompiledQuery(build(*key), alias, for_ids=for_ids)

        @functools.wraps(build)
        def for_reading(*key) -> CompiledQuery:
            return compiled(router.db_for_read(model), *key)

        return for_reading

    return decorate


class JSONArrayLength(Func):
    """How many items a JSON list holds (a quiz's questions, the look-fors seen),
    counted by the database."""

    function = "JSONB_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_ARRAY_LENGTH", **extra_context)
