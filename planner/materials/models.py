"""Materials of a slot or a whole meeting: a checked file (its bytes in a table of their own, or
in an S3-compatible store) or a web address, with who added it and when."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.agenda.models import Meeting, Slot
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db

# What a material is, as the pages name it.
KIND_LABELS = {"slides": _l("Slides"), "recording": _l("Recording"), "other": _l("Link")}
MATERIAL_KINDS = tuple(KIND_LABELS)


class Material(db.Model):
    __tablename__ = "materials"
    # A slot holds a file once (the same bytes under any name), and a link once; so does a meeting
    # its own links (slot None): the database keeps to it when two adds pass the check before
    # saving at the same moment. A link is at most 500 characters (`check_link`, the column), so
    # at most 2000 bytes in UTF-8: within the 2704 bytes of a PostgreSQL index entry, whole.
    __table_args__ = (
        Index("uq_materials_slot_sha256", "slot_id", "sha256", unique=True),
        Index(
            "uq_materials_slot_url",
            "slot_id",
            "url",
            unique=True,
            sqlite_where=text("url IS NOT NULL"),
            postgresql_where=text("url IS NOT NULL"),
        ),
        Index(
            "uq_materials_meeting_url",
            "meeting_id",
            "url",
            unique=True,
            sqlite_where=text("slot_id IS NULL AND url IS NOT NULL"),
            postgresql_where=text("slot_id IS NULL AND url IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    # None: the material is the whole meeting's (its recording, say). Read by slot through
    # uq_materials_slot_sha256 above, which begins with it and holds every row: no index of its
    # own.
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="slides")
    # A file: its cleaned base name, the format its content showed, its size and digest.
    filename: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(10))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    # Where the bytes are: "database" (MaterialFile) or "s3" (under `storage_key`).
    storage: Mapped[str | None] = mapped_column(String(20))
    storage_key: Mapped[str | None] = mapped_column(String(200))
    # A link instead of a file.
    url: Mapped[str | None] = mapped_column(String(500))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(300), default="")

    meeting: Mapped[Meeting] = relationship()
    slot: Mapped[Slot | None] = relationship()

    @property
    def is_file(self) -> bool:
        return self.url is None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, KIND_LABELS["other"]))

    @property
    def label(self) -> str:
        """What a page calls it: the file's name or the link's address."""
        return self.filename or self.url or ""


class MaterialFile(db.Model):
    """A stored file's bytes, apart from its description so that listing never loads them."""

    __tablename__ = "material_files"

    material_id: Mapped[int] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
