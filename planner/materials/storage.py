"""Where a material's bytes are kept: in the database by default, so that every instance behind a
proxy serves the same files, or in an S3-compatible store when `MATERIALS_S3_BUCKET` is set."""

import os
from collections.abc import Mapping
from typing import Protocol

from sqlalchemy import select

from planner.extensions import db
from planner.materials.models import Material, MaterialFile


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


class S3Store:
    """Bytes in an S3-compatible bucket (AWS, MinIO, Ceph...), under a key named by the meeting
    and the material. Needs the optional `s3` extra (boto3)."""

    name = "s3"

    def __init__(self, settings: Mapping[str, str | None]) -> None:
        import boto3  # an optional extra: only deployments that configure S3 install it

        self.bucket = settings["MATERIALS_S3_BUCKET"]
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.get("MATERIALS_S3_ENDPOINT") or None,
            aws_access_key_id=settings.get("MATERIALS_S3_ACCESS_KEY") or None,
            aws_secret_access_key=settings.get("MATERIALS_S3_SECRET_KEY") or None,
            region_name=settings.get("MATERIALS_S3_REGION") or None,
        )

    def put(self, material: Material, data: bytes, content_type: str) -> None:
        material.storage_key = f"materials/{material.meeting_id}/{material.id}-{material.sha256}"
        self.client.put_object(
            Bucket=self.bucket, Key=material.storage_key, Body=data, ContentType=content_type
        )

    def get(self, material: Material) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=material.storage_key)
        return answer["Body"].read()

    def delete(self, material: Material) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=material.storage_key)


S3_SETTINGS = (
    "MATERIALS_S3_BUCKET",
    "MATERIALS_S3_ENDPOINT",
    "MATERIALS_S3_ACCESS_KEY",
    "MATERIALS_S3_SECRET_KEY",
    "MATERIALS_S3_REGION",
)


def store_for(config: Mapping) -> Store:
    """The store new files go to: S3 when a bucket is configured (app setting or environment)."""
    settings = {name: config.get(name) or os.environ.get(name) for name in S3_SETTINGS}
    return S3Store(settings) if settings["MATERIALS_S3_BUCKET"] else DatabaseStore()


def store_of(material: Material, config: Mapping) -> Store:
    """The store a material's bytes were written to, whatever new files use now."""
    if material.storage == S3Store.name:
        settings = {name: config.get(name) or os.environ.get(name) for name in S3_SETTINGS}
        return S3Store(settings)
    return DatabaseStore()
