import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devdata import synthetic


class Command(BaseCommand):
    help = (
        "Build a synthetic district for load tests into an empty database: at scale 1, "
        "about 50 schools, 2,000 pairs and 100,000 progress and attempt rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 is about 50 schools.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="The same seed builds the same district."
        )

    def handle(self, *args, scale: float, seed: int, **options):
        if scale <= 0:
            raise CommandError("The scale must be above zero.")
        if not synthetic.district_is_empty():
            raise CommandError(
                "This database already holds schools or pairs. generate_district only fills "
                "an empty database, so synthetic people never mix with real ones."
            )
        started = time.perf_counter()
        # The generated rows point at the real module pages and their quiz and action blocks.
        call_command("load_curriculum", stdout=self.stdout)
        try:
            counts = synthetic.generate_district(scale, seed=seed)
        except synthetic.DistrictNotEmpty as error:
            raise CommandError(str(error)) from error
        except LookupError as error:
            raise CommandError(str(error)) from error
        # The query planner chooses its indexes from table statistics; after a bulk
        # load they describe empty tables until something refreshes them. PostgreSQL
        # also reads a table's index alone only for rows VACUUM has marked visible:
        # do now what autovacuum would do in time (outside a transaction, which
        # VACUUM refuses: a test runs in one).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        elapsed = time.perf_counter() - started
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<32} {count:>9,}")
        self.stdout.write(
            f"Synthetic district at scale {scale:g} built in {elapsed:.1f} s "
            f"({sum(counts.values()):,} rows). Every password is {synthetic.SYNTHETIC_PASSWORD}."
        )
