"""Where a material's bytes are kept: in the database by default, so that every instance behind a
proxy serves the same files, or in an S3-compatible store when `MATERIALS_S3_BUCKET` is set.

The bucket is outside the database's transaction, so S3 objects follow its outcome: an object
is written at once (the download must find it as soon as the row is committed) and deleted
again if the transaction rolls back; an object whose material, slot or meeting is deleted goes
only once the deletion is committed. Savepoints are not followed: the outermost transaction
decides. A failed clean-up is logged and leaves an orphan object, never a lost file."""

import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from planner.materials.models import Material, MaterialFile

log = logging.getLogger(__name__)

S3_SETTINGS = (
    "MATERIALS_S3_BUCKET",
    "MATERIALS_S3_ENDPOINT",
    "MATERIALS_S3_ACCESS_KEY",
    "MATERIALS_S3_SECRET_KEY",
    "MATERIALS_S3_REGION",
)

# What the session owes the bucket once its transaction ends, in `Session.info`:
# objects written in it (deleted on rollback) and objects of deleted rows (deleted on commit).
_WRITTEN = "materials_s3_written"
_DOOMED = "materials_s3_doomed"


class Store(Protocol):
    name: str

    def put(self, material: Material, data: bytes, content_type: str) -> None: ...

    def get(self, material: Material) -> bytes: ...

    def delete(self, material: Material) -> None: ...


class DatabaseStore:
    """Bytes in `material_files`, written in the request's own transaction."""

    name = "database"

    def put(self, material: Material, data: bytes, content_type: str) -> None:
        db.session.add(MaterialFile(material_id=material.id, data=data))

    def get(self, material: Material) -> bytes:
        data = db.session.scalar(
            select(MaterialFile.data).where(MaterialFile.material_id == material.id)
        )
        return bytes(data or b"")

    def delete(self, material: Material) -> None:
        pass  # the row goes with its material (ON DELETE CASCADE)


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def _client(settings: Mapping[str, str | None]):
    """One boto3 client per endpoint, keys and region, made once: making one reads botocore's
    service models (tens of milliseconds), and boto3's default session is not safe to share
    between threads. The bucket is not the client's: each call names it."""
    key = tuple(settings.get(name) or None for name in S3_SETTINGS if name != "MATERIALS_S3_BUCKET")
    with _clients_lock:
        if key not in _clients:
            import boto3  # an optional extra: only deployments that configure S3 install it

            _clients[key] = boto3.session.Session().client(
                "s3",
                endpoint_url=settings.get("MATERIALS_S3_ENDPOINT") or None,
                aws_access_key_id=settings.get("MATERIALS_S3_ACCESS_KEY") or None,
                aws_secret_access_key=settings.get("MATERIALS_S3_SECRET_KEY") or None,
                region_name=settings.get("MATERIALS_S3_REGION") or None,
            )
        return _clients[key]


class S3Store:
    """Bytes in an S3-compatible bucket (AWS, MinIO, Ceph...), under a key named by the meeting
    and the material. Needs the optional `s3` extra (boto3)."""

    name = "s3"

    def __init__(self, settings: Mapping[str, str | None]) -> None:
        self.bucket = settings["MATERIALS_S3_BUCKET"]
        self.client = _client(settings)

    def put(self, material: Material, data: bytes, content_type: str) -> None:
        material.storage_key = f"materials/{material.meeting_id}/{material.id}-{material.sha256}"
        self.client.put_object(
            Bucket=self.bucket, Key=material.storage_key, Body=data, ContentType=content_type
        )
        _owed(db.session(), _WRITTEN)[self.bucket, material.storage_key] = self

    def get(self, material: Material) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=material.storage_key)
        return answer["Body"].read()

    def delete(self, material: Material) -> None:
        """Deletes the object once the transaction that deletes the material commits."""
        if material.storage_key:
            _owed(db.session(), _DOOMED)[self.bucket, material.storage_key] = self

    def delete_now(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def s3_settings(config: Mapping) -> dict[str, str | None]:
    """The S3 settings as the app reads them: its config first, else the environment."""
    return {name: config.get(name) or os.environ.get(name) for name in S3_SETTINGS}


def store_for(config: Mapping) -> Store:
    """The store new files go to: S3 when a bucket is configured (app setting or environment)."""
    settings = s3_settings(config)
    return S3Store(settings) if settings["MATERIALS_S3_BUCKET"] else DatabaseStore()


def store_of(material: Material, config: Mapping) -> Store:
    """The store a material's bytes were written to, whatever new files use now."""
    if material.storage == S3Store.name:
        return S3Store(s3_settings(config))
    return DatabaseStore()


# --- Following the transaction ----------------------------------------------------------------


def _owed(session: Session, what: str) -> dict[tuple[str, str], S3Store]:
    return session.info.setdefault(what, {})


def _settle(owed: dict[tuple[str, str], S3Store], why: str) -> None:
    for (bucket, key), store in owed.items():
        try:
            store.delete_now(key)
        except Exception:
            # The database has its answer already; an object left behind costs only space.
            log.warning("Could not delete s3://%s/%s (%s); it is left behind.", bucket, key, why)


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint: the outer transaction may still roll back
    session.info.pop(_WRITTEN, None)
    _settle(session.info.pop(_DOOMED, {}), "its material was deleted")


def _after_rollback(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    session.info.pop(_DOOMED, None)
    _settle(session.info.pop(_WRITTEN, {}), "its upload was rolled back")


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A transaction closed without a commit or a rollback (Session.close) keeps nothing either.
    if transaction.parent is None:
        session.info.pop(_DOOMED, None)
        _settle(session.info.pop(_WRITTEN, {}), "its upload was not committed")


_config: Callable[[], Mapping] | None = None


def _doom_cascades(session: Session, _context, _instances) -> None:
    """The objects of materials that go with a deleted slot or meeting (the database deletes
    their rows by ON DELETE CASCADE, the session never sees them) or are deleted directly."""
    slots = [o.id for o in session.deleted if isinstance(o, Slot) and o.id is not None]
    meetings = [o.id for o in session.deleted if isinstance(o, Meeting) and o.id is not None]
    keys = [
        o.storage_key
        for o in session.deleted
        if isinstance(o, Material) and o.storage == S3Store.name and o.storage_key
    ]
    if slots or meetings:
        with session.no_autoflush:
            # Read as keys: loading materials into the session could change what this deletes.
            keys += session.scalars(
                select(Material.storage_key).where(
                    Material.storage == S3Store.name,
                    Material.storage_key.is_not(None),
                    or_(Material.slot_id.in_(slots), Material.meeting_id.in_(meetings)),
                )
            )
    if not keys:
        return
    settings = s3_settings(_config() if _config is not None else {})
    if not settings["MATERIALS_S3_BUCKET"]:
        log.warning("S3 materials deleted with no bucket configured: their objects stay.")
        return
    store = S3Store(settings)
    owed = _owed(session, _DOOMED)
    for key in keys:
        owed[store.bucket, key] = store


def follow_transactions(config: Callable[[], Mapping]) -> None:
    """Keep the bucket in step with the database's transactions; `config` gives the settings of
    the app at work (the views pass Flask's current one)."""
    global _config
    _config = config
    for name, listener in (
        ("before_flush", _doom_cascades),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
