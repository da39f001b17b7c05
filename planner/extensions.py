"""Flask extensions shared by every package, created once and bound in `create_app`."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def ids_never_reused(metadata: MetaData) -> None:
    """A surrogate id is never handed out twice, on SQLite as by PostgreSQL's sequences
    (migration c7a4e2f9b1d6): a table made from the models keeps AUTOINCREMENT. A batch migration
    that rebuilds such a table from its reflection must pass
    table_kwargs={"sqlite_autoincrement": True}; tests/test_setup.py checks every table."""
    for table in metadata.tables.values():
        keys = [c.name for c in table.primary_key.columns]
        if keys == ["id"] and table.c.id.autoincrement in ("auto", True):
            table.dialect_kwargs["sqlite_autoincrement"] = True


migrate = Migrate()
csrf = CSRFProtect()
