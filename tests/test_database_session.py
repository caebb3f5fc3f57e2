"""How each PostgreSQL connection plans (config/settings/base.py): no JIT compiling,
and random reads costed as reads from memory, for every database alias."""

import pytest
from django.db import connections

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="These are PostgreSQL's settings."
)


# Transactional, so the test's connections are closed after it: an open one to the
# replica alias (the test database itself) would keep it from being dropped.
@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.parametrize("alias", list(connections))
def test_every_connection_plans_without_jit_and_for_reads_from_memory(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
