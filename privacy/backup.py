"""Back up and restore the database, and prove a restore holds what the backup did.

SQLite uses the sqlite3 module's online backup API (safe while the site runs);
PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore``. Both are driven
by ``manage.py backup`` and ``manage.py restore``; see the README.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path


def _pg_env(settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env


def _pg_args(settings: dict) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args += [flag, str(settings[key])]
    return args


def backup(settings: dict, destination: Path) -> Path:
    """Write a consistent copy of the database described by Django ``settings``."""
    destination = Path(destination)
    if settings["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(settings["NAME"])
        try:
            backup_sqlite_connection(source, destination)
        finally:
            source.close()
    elif settings["ENGINE"].endswith("postgresql"):
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={destination}"]
            + _pg_args(settings)
            + [settings["NAME"]],
            check=True,
            env=_pg_env(settings),
        )
    else:
        raise ValueError(f"No backup method for {settings['ENGINE']}.")
    return destination


def backup_sqlite_connection(source: sqlite3.Connection, destination: Path) -> None:
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()


def restore(source: Path, settings: dict) -> None:
    """Load a backup into the (empty or scratch) database described by ``settings``."""
    if settings["ENGINE"].endswith("sqlite3"):
        backup_sqlite_connection(sqlite3.connect(source), Path(settings["NAME"]))
    elif settings["ENGINE"].endswith("postgresql"):
        subprocess.run(
            ["pg_restore", "--no-owner", "--clean", "--if-exists", f"--dbname={settings['NAME']}"]
            + _pg_args(settings)
            + [str(source)],
            check=True,
            env=_pg_env(settings),
        )
    else:
        raise ValueError(f"No restore method for {settings['ENGINE']}.")


def table_checksums(vendor: str, dbapi_connection) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, table by table, in a stable order.

    Takes a plain DB-API connection (``sqlite3`` or ``psycopg``) so the original
    and the restored copy are read the same way; every value is turned into text in
    SQL so no driver's type conversion can make equal rows look different.
    """
    cursor = dbapi_connection.cursor()
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    tables = sorted(row[0] for row in cursor.fetchall())
    result = {}
    for table in tables:
        columns = _column_names(vendor, cursor, table)
        # SQLite's quote() renders any value, blobs included, as a literal.
        template = 'quote("{}")' if vendor == "sqlite" else 'CAST("{}" AS TEXT)'
        as_text = ", ".join(template.format(column) for column in columns)
        cursor.execute(f'SELECT {as_text} FROM "{table}"')  # noqa: S608 - names from the catalogue
        rows = sorted(cursor.fetchall(), key=repr)
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        result[table] = (len(rows), digest)
    return result


def _column_names(vendor: str, cursor, table: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(f'PRAGMA table_info("{table}")')
        return [row[1] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]
