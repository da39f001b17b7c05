"""`flask db copy`: every row of one planner database copied into another, empty one at the same
migration, in one transaction: how a deployment that began on `make run`'s SQLite moves to
PostgreSQL with its data (or back), its feeds, private links and ids as they were."""

import secrets
from collections.abc import Iterable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    make_url,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, OperationalError

from planner.config import database_address
from planner.db_types import MAX_INT
from planner.extensions import db
from planner.schema import head_revision, state_at
from planner.turns import SQLITE_WAIT_MS, take_turn

# Tables a migration writes a row into as it makes them: `db upgrade` leaves them holding it, in
# a database otherwise empty. The source's rows take its place.
WRITTEN_BY_MIGRATIONS = frozenset({"calendar_state"})
# Rows read and written at a time; a row holding a file (slides, up to MAX_MATERIAL_BYTES) alone.
BATCH = 500
# The most rows a refusal names, of those that do not fit the target.
NAMED = 20
# How every SQLite database file begins (an empty file is one too, with nothing in it yet).
_SQLITE_HEADER = b"SQLite format 3\x00"
# How long the copy waits for a lock another process holds on the target (an instance's
# `db upgrade` or `setup`, a request, a shell's open transaction) before it gives up, on SQLite
# and PostgreSQL alike: as long as a migration waits for another's turn.
TARGET_WAIT_MS = SQLITE_WAIT_MS
# Whether another session holds a lock on a PostgreSQL database that a writer may wait for:
# a turn (`take_turn`'s advisory locks), or a table or its rows taken to be written or changed.
# A client's session only: the server's own workers do not hold a copy up (autovacuum's lock on
# a table it cleans lets rows be written, and it gives way to a stronger one), so the copy said
# it waited for them, then copied at once.
_POSTGRESQL_HELD = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks JOIN pg_stat_activity AS session ON session.pid = pg_locks.pid
    WHERE pg_locks.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND pg_locks.pid <> pg_backend_pid()
    AND session.backend_type = 'client backend'
    AND (locktype = 'advisory' OR (locktype = 'relation' AND mode <> 'AccessShareLock'))
)
"""


class CopyRefused(Exception):
    """Why the copy did not happen, for the operator; nothing was written."""


def copy_database(source: Engine, target: Engine, metadata: MetaData) -> dict[str, int]:
    """Copy every table of `metadata` from `source` into `target`, parents before children, in
    one transaction on each: the source read as one snapshot, the target written all at once or
    not at all. Both must be at this release's last migration, the target hold nothing but what
    `db upgrade` writes. Ids go on, in the target, from the highest the source ever handed out.
    Returns the rows copied, by table; CopyRefused, with nothing written, says why not."""
    with source.connect() as reading, target.connect() as writing:
        _as_one_snapshot(reading)
        with writing.begin():
            try:
                copied = _copy_into(reading, writing, metadata)
            except OperationalError as error:
                if not _locked(error):
                    raise
                raise CopyRefused(
                    f"The target ({_shown(target.url)}) is still in use after the wait: stop the "
                    "instances on it (and their `db upgrade` or `setup`, or a shell's open "
                    "transaction), then copy again; nothing was copied."
                ) from None
        reading.rollback()
    return copied


def _copy_into(reading: Connection, writing: Connection, metadata: MetaData) -> dict[str, int]:
    """`copy_database`'s work, in the target's transaction: each lock it waits for there, up to
    `TARGET_WAIT_MS` (PostgreSQL's lock_timeout, SQLite's busy timeout)."""
    if writing.dialect.name == "postgresql":
        # Else a lock another session holds (a shell's open transaction) is waited for
        # without end, the copy printing nothing (helper-250).
        writing.exec_driver_sql(f"SET LOCAL lock_timeout = {int(TARGET_WAIT_MS)}")
    # Nothing migrates or sets up the target meanwhile: an instance started on it now waits
    # for the copy to end, then finds the data there.
    for turn in ("planner migrations", "planner setup"):
        take_turn(writing, turn, sqlite_wait_ms=TARGET_WAIT_MS)
    _same_migration(reading, "source")
    _same_migration(writing, "target")
    _no_unknown_tables(reading, metadata)
    _empty(writing, metadata)
    _no_rows_pointing_nowhere(reading)
    issued = ids_issued(reading, metadata)
    copied, unfit = {}, []
    for table in metadata.sorted_tables:
        if table.name in WRITTEN_BY_MIGRATIONS:
            writing.execute(delete(table))
        copied[table.name] = _copy_rows(reading, writing, table, unfit)
    if unfit:
        more = f"\n  ... and {len(unfit) - NAMED} more" if len(unfit) > NAMED else ""
        raise CopyRefused(
            "Some values do not fit the target, which refuses what SQLite kept; edit "
            "them in the source first (nothing was copied):\n  " + "\n  ".join(unfit[:NAMED]) + more
        )
    _counted_alike(reading, writing, metadata, copied)
    ids_go_on(writing, metadata, issued)
    return copied


def _as_one_snapshot(connection: Connection) -> None:
    """Every table read as it was at one moment, so that a row written meanwhile (by an instance
    left running) cannot be copied without its parent: SQLite's read transaction (the sqlite3
    module begins none before a read), PostgreSQL's repeatable read. What is written after that
    moment is not copied: the instances are stopped first."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
        try:
            # The snapshot begins at the first read, taken here: a lock another process holds
            # on the source is then told apart from one on the target.
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except OperationalError as error:
            if not _locked(error):
                raise
            raise CopyRefused(
                f"The source ({_shown(connection.engine.url)}) is locked: another process is "
                "writing to it (an instance or mail sender started on it, its `db upgrade` or "
                "`setup`, a sqlite3 shell in a transaction). Stop it (Ctrl-C stops `make run` "
                "and its mail sender), then copy again; nothing was copied."
            ) from None
    else:
        connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def _locked(error: OperationalError) -> bool:
    """Whether the database gave up waiting for a lock another process holds: SQLite's
    "database is locked", PostgreSQL's lock_timeout (SQLSTATE 55P03, lock_not_available)."""
    orig = error.orig
    return (
        getattr(orig, "sqlite_errorname", None) == "SQLITE_BUSY"
        or getattr(orig, "sqlstate", None) == "55P03"
    )


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _same_migration(connection: Connection, which: str) -> None:
    """The database at this release's last migration, which the models (what is copied) are."""
    revision = _revision(connection)
    state = state_at(revision)
    if state == "current":
        return
    upgrade = (
        f"run `flask --app app db upgrade` with DATABASE_URL set to the {which}'s address, "
        "then copy again"
    )
    if revision is None:
        said = f"The {which} has no tables of the planner (no migration ran on it): {upgrade}."
    elif state == "behind":
        said = (
            f"The {which} is at migration {revision}, this release at {head_revision()}: {upgrade}."
        )
    else:
        said = (
            f"The {which} was upgraded by a newer release (migration {revision}): copy with "
            "that release."
        )
    raise CopyRefused(said)


def _no_unknown_tables(connection: Connection, metadata: MetaData) -> None:
    """A table the source holds and this release does not know would be left behind."""
    unknown = set(inspect(connection).get_table_names()) - set(metadata.tables)
    unknown.discard("alembic_version")
    if unknown:
        raise CopyRefused(
            f"The source holds tables this release does not know ({', '.join(sorted(unknown))}), "
            "made by other means than its migrations: they would not be copied."
        )


def _empty(connection: Connection, metadata: MetaData) -> None:
    """The target holds nothing but what the migrations wrote: the copy would mix two
    deployments' rows, or fail half-way on the first id they share."""
    held = {
        table.name: count
        for table in metadata.sorted_tables
        if table.name not in WRITTEN_BY_MIGRATIONS
        and (count := connection.scalar(select(func.count()).select_from(table)))
    }
    if held:
        rows = ", ".join(f"{name}: {count}" for name, count in held.items())
        raise CopyRefused(
            f"The target is not empty ({rows} row(s)): copy into a new database on which only "
            "`flask --app app db upgrade` ran (not `setup`, nor `make run`, which both fill it)."
        )


def _no_rows_pointing_nowhere(connection: Connection) -> None:
    """SQLite kept rows whose parent is gone, written before foreign keys were checked; the
    target would refuse them half-way."""
    if connection.dialect.name != "sqlite":
        return
    found = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if found:
        named = "; ".join(
            f"{table} row {row} (its {parent} gone)" for table, row, parent, _ in found[:NAMED]
        )
        more = f"; and {len(found) - NAMED} more" if len(found) > NAMED else ""
        raise CopyRefused(f"Rows of the source point at rows it no longer holds: {named}{more}.")


def ids_issued(connection: Connection, metadata: MetaData) -> dict[str, int]:
    """The highest id each table ever handed out, deleted rows' too: SQLite's AUTOINCREMENT
    counter, PostgreSQL's sequence. A deleted co-lead's id given to the next account would sign
    the deleted one's session cookie in as the new co-lead (helper-200)."""
    if connection.dialect.name == "sqlite":
        if not inspect(connection).has_table("sqlite_sequence"):
            return {}
        return dict(connection.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all())
    issued = {}
    for table, sequence in _sequences(connection, metadata):
        last, called = connection.execute(
            text(f"SELECT last_value, is_called FROM {sequence}")
        ).one()
        issued[table.name] = last if called else last - 1
    return issued


def _sequences(connection: Connection, metadata: MetaData) -> Iterable[tuple[Table, str]]:
    """Each PostgreSQL table whose ids a sequence hands out, with the sequence's name."""
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = connection.scalar(
            select(func.pg_get_serial_sequence(_quoted(connection, table), column.name))
        )
        if sequence is not None:
            yield table, sequence


def _quoted(connection: Connection, table: Table) -> str:
    return connection.dialect.identifier_preparer.format_table(table)


def _copy_rows(reading: Connection, writing: Connection, table: Table, unfit: list[str]) -> int:
    """Copy `table`'s rows in the order of their keys, a batch at a time; what does not fit the
    target is added to `unfit` (and nothing more is written: the copy is refused)."""
    files = any(isinstance(column.type, LargeBinary) for column in table.columns)
    query = select(table).order_by(*table.primary_key.columns)
    rows = reading.execute(query.execution_options(yield_per=1 if files else BATCH))
    checked = writing.dialect.name == "postgresql"
    copied = 0
    for batch in rows.partitions():
        values = [dict(row._mapping) for row in batch]
        if checked:
            unfit += _unfit(table, values)
        if not unfit:
            writing.execute(insert(table), values)
        copied += len(values)
    return copied


def _unfit(table: Table, rows: list[dict]) -> list[str]:
    """What PostgreSQL refuses that SQLite keeps (a value written by an older release, or by
    hand), each named by its row: a NUL character, a text longer than its column, a number
    beyond INTEGER."""
    said = []
    for row in rows:
        for column in table.columns:
            value = row[column.key]
            if isinstance(value, str):
                length = getattr(column.type, "length", None)
                if "\x00" in value:
                    why = "holds a NUL character"
                elif isinstance(column.type, String) and length and len(value) > length:
                    why = f"holds {len(value)} characters, the column {length}"
                else:
                    continue
            elif isinstance(value, int) and isinstance(column.type, Integer):
                if -MAX_INT - 1 <= value <= MAX_INT:
                    continue
                why = f"holds {value}, beyond what an INTEGER holds"
            else:
                continue
            key = ", ".join(f"{c.name} {row[c.key]}" for c in table.primary_key.columns)
            said.append(f"{table.name} ({key}): {column.name} {why}")
    return said


def _counted_alike(
    reading: Connection, writing: Connection, metadata: MetaData, copied: dict[str, int]
) -> None:
    """Each table of the target holds as many rows as the source's: none lost, none twice."""
    for table in metadata.sorted_tables:
        count = select(func.count()).select_from(table)
        source, target = reading.scalar(count), writing.scalar(count)
        if not source == target == copied[table.name]:
            raise CopyRefused(
                f"{table.name}: the source holds {source} row(s), {copied[table.name]} were "
                f"copied and the target holds {target}; nothing was copied."
            )


def ids_go_on(connection: Connection, metadata: MetaData, issued: dict[str, int]) -> None:
    """Each table hands out ids after the highest the source ever did: rows made on the target
    neither collide with those copied nor take a deleted row's id."""
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is not None:
            highest = connection.scalar(select(func.max(column))) or 0
            issued[table.name] = max(issued.get(table.name, 0), highest)
    if connection.dialect.name == "postgresql":
        for table, sequence in _sequences(connection, metadata):
            highest = issued[table.name]
            # setval(…, 1, false): the next id is 1, where none was ever handed out.
            connection.scalar(select(func.setval(sequence, max(highest, 1), highest > 0)))
        return
    for table in metadata.sorted_tables:
        if table.dialect_options["sqlite"]["autoincrement"] and issued.get(table.name):
            kept = connection.exec_driver_sql(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?",
                (issued[table.name], table.name),
            )
            if not kept.rowcount:
                connection.exec_driver_sql(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                    (table.name, issued[table.name]),
                )


def _engine(url: str) -> Engine:
    options = {"hide_parameters": True}
    if url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": 5}
    return create_engine(url, **options)


def _address(value: str | None, option: str) -> str:
    """The database `option` names (the app's own, DATABASE_URL's, where it names none)."""
    if value is None:
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    else:
        try:
            url = database_address(value.strip(), option)
        except ValueError as error:
            said = str(error).removeprefix(f"{option} ")
            raise click.BadParameter(said, param_hint=option) from None
    parts = make_url(url)
    if parts.get_backend_name() != "sqlite":
        return url
    path = Path(parts.database or "")
    if not path.is_file():
        # SQLite would make an empty file there, and the copy then find no tables in it.
        raise click.BadParameter(
            f"there is no SQLite database at {parts.database or 'an address in memory'}",
            param_hint=option,
        )
    try:
        with path.open("rb") as file:
            start = file.read(len(_SQLITE_HEADER))
    except OSError as error:  # not ours to read: SQLite could not either
        raise click.BadParameter(
            f"{parts.database} cannot be read: {error.strerror}", param_hint=option
        ) from None
    if start and start != _SQLITE_HEADER:
        # Another file named by mistake (the secret key, a pg_dump, a CSV): SQLite said only
        # "file is not a database", after the other address was reached, naming neither.
        raise click.BadParameter(
            f"{parts.database} is not a SQLite database (a SQLite file starts with "
            "'SQLite format 3'): name the planner's database, instance/planner.sqlite3 where "
            "`make run` made it",
            param_hint=option,
        )
    return url


def _same_database(source: str, target: str) -> bool:
    """Whether the two addresses name one database: a SQLite file spelt otherwise (a relative
    path, "..", a link to it) is the same file, whose rows the copy found "not empty"."""
    one, other = make_url(source), make_url(target)
    if one == other:
        return True
    sqlite = one.get_backend_name() == other.get_backend_name() == "sqlite"
    # Both files exist: `_address` refused an address naming none.
    return sqlite and Path(one.database).samefile(other.database)


def _one_server_database(source: Engine, target: Engine) -> bool:
    """Whether two PostgreSQL addresses spelt otherwise (localhost and 127.0.0.1, the server's
    name, its socket) reach one database of one server, whose rows the copy found "not empty":
    a lock taken through the one is held when asked through the other. Advisory locks are a
    database's own, so another database of the server, or another server (a restored copy, a
    replica), takes it. Each lock ends with its transaction."""
    if not source.dialect.name == target.dialect.name == "postgresql":
        return False
    key = secrets.randbits(63)
    with source.connect() as one, target.connect() as other:
        one.execute(select(func.pg_advisory_xact_lock(key)))
        return not other.scalar(select(func.pg_try_advisory_xact_lock(key)))


def _reached(which: str, engine: Engine) -> None:
    """Said before anything else: which of the two cannot be reached (a server down, a wrong
    host, port, database or password)."""
    try:
        engine.connect().close()
    except DBAPIError as error:
        said = " ".join(str(error.orig).split())
        raise click.ClickException(
            f"The {which} ({_shown(engine.url)}) cannot be reached: {said}"
        ) from None


def _written_now(engine: Engine) -> bool:
    """Whether another process holds a lock on the database now that the copy waits for: a
    SQLite database's write lock (`take_turn`); on PostgreSQL, a turn, or a table or its rows
    taken to be written."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return bool(connection.scalar(text(_POSTGRESQL_HELD)))
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError:
            return True
        connection.rollback()
    return False


def _shown(url) -> str:
    return make_url(url).render_as_string(hide_password=True)


@click.command("copy")
@click.option(
    "--from",
    "source",
    metavar="URL",
    help="The database to copy (default: this app's, DATABASE_URL's or instance/planner.sqlite3).",
)
@click.option(
    "--to",
    "target",
    metavar="URL",
    help="The empty, upgraded database to copy into (default: this app's).",
)
@with_appcontext
def copy_command(source: str | None, target: str | None) -> None:
    """Copy every row of the planner's database into another: an empty one on which `db
    upgrade` ran, at the same migration (`--to postgresql://user:password@host/planner`), or
    from another into this app's (`--from sqlite:///instance/planner.sqlite3`). All or
    nothing, in one transaction; each table's rows are counted alike at the end."""
    if source is None and target is None:
        raise click.UsageError(
            "Name the database to copy into (--to URL) or from (--from URL); the other is this "
            "app's (DATABASE_URL, else instance/planner.sqlite3)."
        )
    source, target = _address(source, "--from"), _address(target, "--to")
    if _same_database(source, target):
        raise click.UsageError("--from and --to name the same database.")
    engines = {"source": _engine(source), "target": _engine(target)}
    try:
        for which, engine in engines.items():
            _reached(which, engine)
        if _one_server_database(engines["source"], engines["target"]):
            raise click.UsageError(
                f"--from and --to name the same database: {_shown(source)} and {_shown(target)} "
                "reach one database of one server."
            )
        if _written_now(engines["target"]):
            # Said before the wait, which is silent and lasts up to TARGET_WAIT_MS (helper-234:
            # the command seemed to hang, printing nothing, while an instance held the file).
            click.echo(
                f"The target ({_shown(target)}) is in use: another process is writing to it (an "
                f"instance started on it, its `db upgrade` or `setup`, a shell's open "
                f"transaction). Waiting up to {TARGET_WAIT_MS // 60_000} minutes for it to end; "
                "stop the instances on the target (Ctrl-C stops this copy, writing nothing).",
                err=True,
            )
        copied = copy_database(engines["source"], engines["target"], db.metadata)
    except CopyRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    except DBAPIError as error:
        said = " ".join(str(error.orig).split())
        raise click.ClickException(f"The copy stopped, and nothing was copied: {said}") from None
    finally:
        for engine in engines.values():
            engine.dispose()
    for table, rows in copied.items():
        click.echo(f"  {table}: {rows}")
    click.echo(
        f"Copied {sum(copied.values())} row(s) of {len(copied)} tables from {_shown(source)} to "
        f"{_shown(target)}; each table holds as many rows as the source's.\n"
        "Start the instances on it with the SECRET_KEY the source's ran with (without it set, "
        "the one in instance/secret_key): presenters', office feeds' and unsubscribe links are "
        "signed with it, and would no longer open."
    )
