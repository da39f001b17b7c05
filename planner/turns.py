"""One at a time across processes and instances: what must not run twice at once takes a
turn that lasts until its transaction ends, so that the next one reads what it stored. Several
instances started together each run `flask db upgrade` and `flask setup`; the two requests
of a double click may reach two instances. Without turns both read "not done yet" and both
did it: one failed half-way (a table or office the other had stored), or the same survey,
proposal or email was stored twice."""

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import object_session

# How long a process waits on SQLite for another's turn to end: a whole migration of a large
# database, or first start's import.
SQLITE_WAIT_MS = 10 * 60 * 1000


def take_turn(connection: Connection, name: str, *, sqlite_wait_ms: int | None = None) -> None:
    """Wait until no other connection holds the turn `name`, then hold it until this
    connection's transaction ends. Take it before reading what the turn decides on (whether a
    migration or the first import is still to do): what the previous holder committed is then
    read.

    PostgreSQL: a transaction-level advisory lock on `name`. SQLite: the database's one write
    lock, taken at once (BEGIN IMMEDIATE), waited for `sqlite_wait_ms` (a command's migration
    or import: SQLITE_WAIT_MS), else as long as the connection waits for a lock. A SQLite
    connection already in a transaction holds the lock once it wrote (or it is a test's one
    connection): it is left as it is."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))
        return
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver.in_transaction:
        return
    if sqlite_wait_ms is not None:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(sqlite_wait_ms)}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def try_turn(connection: Connection, name: str) -> bool:
    """On PostgreSQL, `take_turn` without waiting: False at once while another connection holds
    the turn `name` (a request to be told so rather than wait: the same retry reaching two
    instances). Elsewhere True, taking nothing: SQLite's turn is its one write lock, which
    would keep every other writer waiting until this transaction ends."""
    if connection.dialect.name != "postgresql":
        return True
    return bool(connection.scalar(select(func.pg_try_advisory_xact_lock(func.hashtext(name)))))


def hold(item) -> None:
    """Hold `item`'s row until the transaction ends, and read it again as committed now: a
    request that checks what is stored, then writes from it (is an email with this link on
    its way already?), runs after any other request holding the row, and sees what that one
    stored. PostgreSQL: SELECT ... FOR UPDATE (a change of the row waits too). SQLite: the
    database's one write lock, taken at once (BEGIN IMMEDIATE), unless the connection is in a
    transaction already (it wrote before, or a test's one connection)."""
    session = object_session(item)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        session.refresh(item)
    else:
        session.refresh(item, with_for_update=True)
