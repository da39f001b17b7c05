"""A feed is built from one view of the database: on PostgreSQL its reads share one REPEATABLE
READ snapshot, so a change committed while it is built (by another instance) is either wholly in
it or not at all (helper-49 saw READ COMMITTED mix a slot from before a change with the removal
the change wrote, and a SEQUENCE go down). Under SQLite nothing changes."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from planner.extensions import db
from planner.web import read_one_snapshot


def test_a_feed_reads_one_snapshot(app):
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        with Session(db.engine) as session:
            session.execute(text("SELECT 1"))  # read before, as a request reads its account
            read_one_snapshot(session)
            if not postgresql:
                return  # SQLite: left to its own locking (one machine)
            level = session.execute(text("SHOW transaction_isolation")).scalar()
            assert level == "repeatable read"
            session.rollback()
        # What another connection commits while the feed is built stays out of it.
        with db.engine.begin() as other:
            other.exec_driver_sql("CREATE TABLE snapshot_probe (n integer)")
        try:
            with Session(db.engine) as session:
                read_one_snapshot(session)
                count = "SELECT count(*) FROM snapshot_probe"
                assert session.execute(text(count)).scalar() == 0
                with db.engine.begin() as other:
                    other.exec_driver_sql("INSERT INTO snapshot_probe VALUES (1)")
                assert session.execute(text(count)).scalar() == 0
                read_one_snapshot(session)  # a new view: what was committed meanwhile
                assert session.execute(text(count)).scalar() == 1
                session.rollback()
        finally:
            with db.engine.begin() as other:
                other.exec_driver_sql("DROP TABLE snapshot_probe")


def test_a_session_whose_transaction_is_not_its_own_is_left_alone(app):
    """A session bound to a connection in someone else's transaction (the tests' own) keeps it:
    nothing it read or wrote is rolled back."""
    with app.app_context(), db.engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            session.execute(text("SELECT 1"))
            read_one_snapshot(session)
            assert connection.in_transaction()
        outer.rollback()
