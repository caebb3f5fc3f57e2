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

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

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
