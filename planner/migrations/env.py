import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

from planner.turns import SQLITE_WAIT_MS, take_turn

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch operation rebuilds a table on SQLite (copy, drop, rename): with foreign
            # keys on (the app turns them on for every connection), dropping the old table would
            # run the ON DELETE rules of every table pointing at it, deleting their rows. Off
            # while migrating (outside any transaction, where SQLite honours it), then checked.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # (SQLAlchemy began a transaction for it: ended here)
        # One migration at a time: instances started together each run `db upgrade`, and
        # both read the same revision and ran the same steps (one failed on a table the other
        # had made). The turn is taken in the transaction that then reads the revision and
        # migrates (on SQLite too: every step in one transaction, all or nothing); Alembic,
        # finding it begun, runs within it.
        with connection.begin():
            take_turn(connection, "planner migrations", sqlite_wait_ms=SQLITE_WAIT_MS)
            if sqlite:
                # Rows pointing nowhere already (kept from before foreign keys were on) are not
                # the migration's doing: only new ones stop it.
                before = set(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
                issued = _ids_issued(connection)
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                **conf_args
            )
            context.run_migrations()
            if sqlite:
                found = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                broken = [row for row in found if row not in before]
                if broken:
                    raise RuntimeError(
                        f"The migration left rows pointing nowhere (table, row, parent): "
                        f"{broken[:5]}"
                    )
                _keep_ids_issued(connection, issued)
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _ids_issued(connection) -> dict[str, int]:
    """The highest id each AUTOINCREMENT table on SQLite has handed out (migration c7a4e2f9b1d6),
    deleted rows' included."""
    if not _table_sql(connection, "sqlite_sequence"):
        return {}
    return dict(connection.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").fetchall())


def _keep_ids_issued(connection, issued: dict[str, int]) -> None:
    """A batch operation's rebuild (copy, drop, rename) counts a table's ids on from the highest
    it still holds: a deleted co-lead's id, the newest, went to the next account made, their
    session cookie with it (helper-200). Each table goes on from where it was."""
    for table, seq in issued.items():
        if "AUTOINCREMENT" not in _table_sql(connection, table):
            continue  # gone, or made again without it (a downgrade before c7a4e2f9b1d6)
        kept = connection.exec_driver_sql(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, table)
        )
        if not kept.rowcount:
            connection.exec_driver_sql(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq)
            )


def _table_sql(connection, table: str) -> str:
    found = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    return found or ""


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
