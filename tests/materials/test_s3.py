"""Slides in an S3-compatible store, against a real S3 server (moto's, over HTTP on loopback):
uploads go to the bucket and not the database, downloads answer as from the database, and the
bucket follows the request's transaction: an object goes only once its removal (or its slot's or
meeting's deletion) commits, and an upload that rolls back leaves no object behind."""

import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from planner.agenda.models import Slot
from planner.app import create_app
from planner.extensions import db
from planner.materials import views
from planner.materials.models import Material, MaterialFile
from tests.conftest import ServerLikeClient
from tests.materials.files import PDF, PPTX
from tests.materials.test_materials import FUTURE, colead_upload, presenter_upload
from tests.materials.test_materials import _meeting as make_meeting
from tests.materials.test_materials import _presenter as make_presenter
from tests.support import csrf_token, sent_at_once, sign_in

# Instances of their own (each on connections of its own) serve these files: what a test
# stores is committed for them to see it.
# The bucket follows SQLAlchemy's transaction events, the same on both databases; the material
# rows' queries run on PostgreSQL in test_materials: this module runs on SQLite only.
pytestmark = [pytest.mark.committed, pytest.mark.one_database]

KEYS = {
    "MATERIALS_S3_ACCESS_KEY": "planner-test",
    "MATERIALS_S3_SECRET_KEY": "planner-test-secret",
    "MATERIALS_S3_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    """A bucket of this test's own, and a boto3 client to look into it."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["MATERIALS_S3_ACCESS_KEY"],
        aws_secret_access_key=KEYS["MATERIALS_S3_SECRET_KEY"],
        region_name=KEYS["MATERIALS_S3_REGION"],
    )
    name = f"planner-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name, client


def _objects(bucket) -> dict[str, bytes]:
    name, client = bucket
    listed = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture
def s3_apps(app, bucket, s3_endpoint):
    """Instances of the planner on the test database, each built as a deployment would build
    it, with the bucket configured; closed (their connections too) after the test."""
    made = []

    def make():
        instance = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SECRET_KEY": "test-secret-key",
                "BASE_URL": "http://localhost",
                "MATERIALS_S3_BUCKET": bucket[0],
                "MATERIALS_S3_ENDPOINT": s3_endpoint,
                **KEYS,
            }
        )
        instance.test_client_class = ServerLikeClient
        made.append(instance)
        return instance

    yield make
    for instance in made:
        with instance.app_context():
            db.engine.dispose()


def _colead(instance, colead):
    """A co-lead's client of `instance`, signed in as a person would, with an API token."""
    from planner.accounts.models import ApiToken

    client = instance.test_client()
    assert sign_in(client).status_code == 302
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(colead)}"
    db.session.commit()
    return client


@pytest.fixture
def s3_colead(s3_apps, colead):
    return _colead(s3_apps(), colead)


def _materials() -> list[Material]:
    db.session.expire_all()
    return list(db.session.scalars(select(Material).order_by(Material.id)))


def _file_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(MaterialFile))


def _slot(api) -> Slot:
    return make_meeting(api, FUTURE).slots[0]


def _remove(client, material: Material):
    """A co-lead's confirmed removal, from the slot's page as a browser sends it."""
    token = csrf_token(client, f"/slots/{material.slot_id}/edit")
    address = f"/materials/{material.id}/remove"
    return client.post(address, data={"csrf_token": token, "confirmed": "yes"})


def test_an_upload_goes_to_the_bucket_not_the_database(s3_colead, bucket):
    slot = _slot(s3_colead)
    assert colead_upload(s3_colead, slot, "slides.pdf", PDF).status_code == 302
    (material,) = _materials()
    assert (material.storage, material.size) == ("s3", len(PDF))
    assert _objects(bucket) == {material.storage_key: PDF}
    assert material.storage_key.startswith(f"materials/{slot.meeting_id}/{material.id}-")
    assert _file_rows() == 0
    name, client = bucket
    head = client.head_object(Bucket=name, Key=material.storage_key)
    assert head["ContentType"] == "application/pdf"


def test_a_download_from_the_bucket_answers_as_one_from_the_database(
    s3_colead, colead_client, bucket
):
    in_s3 = _slot(s3_colead)
    in_db = _slot(colead_client)
    assert colead_upload(s3_colead, in_s3, "Talk.pptx", PPTX).status_code == 302
    assert colead_upload(colead_client, in_db, "Talk.pptx", PPTX).status_code == 302
    from_s3, from_db = _materials()
    assert (from_s3.storage, from_db.storage) == ("s3", "database")
    assert _file_rows() == 1  # the database's own

    answers = [
        s3_colead.get(f"/materials/{from_s3.id}/Talk.pptx"),
        colead_client.get(f"/materials/{from_db.id}/Talk.pptx"),
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].data == answers[1].data == PPTX
    headers = [{k: v for k, v in a.headers.items() if k != "Set-Cookie"} for a in answers]
    assert headers[0] == headers[1]
    assert headers[0]["Content-Disposition"].startswith('attachment; filename="Talk.pptx"')


def test_a_removal_deletes_the_object_once_committed(s3_colead, bucket):
    slot = _slot(s3_colead)
    colead_upload(s3_colead, slot, "slides.pdf", PDF)
    (material,) = _materials()
    assert _remove(s3_colead, material).status_code == 302
    assert _materials() == []
    assert _objects(bucket) == {}


def test_a_presenter_removing_their_slides_deletes_the_object(s3_apps, s3_colead, bucket):
    slot = _slot(s3_colead)
    token = make_presenter(slot)
    presenter = s3_apps().test_client()
    assert presenter_upload(presenter, token, "slides.pdf", PDF).status_code == 302
    (material,) = _materials()
    assert material.added_by == "presenter Alex Example"
    assert list(_objects(bucket)) == [material.storage_key]
    address = f"/presenter/{token}/materials/{material.id}"
    assert presenter.get(address).data == PDF
    assert presenter.post(f"{address}/remove", data={"confirmed": "yes"}).status_code == 302
    assert _objects(bucket) == {}


def _failing_after_the_change(monkeypatch):
    """The request fails (500) after the view made its change (here, as it says what it did), so
    the boundary rolls the change back."""

    def fail(*_args, **_kwargs):
        raise RuntimeError("the request failed after the change")

    monkeypatch.setattr(views, "flash", fail)


def test_a_removal_that_rolls_back_keeps_the_file(s3_colead, bucket, monkeypatch):
    slot = _slot(s3_colead)
    colead_upload(s3_colead, slot, "slides.pdf", PDF)
    (material,) = _materials()
    _failing_after_the_change(monkeypatch)
    assert _remove(s3_colead, material).status_code == 500
    monkeypatch.undo()
    assert [m.id for m in _materials()] == [material.id]
    assert _objects(bucket) == {material.storage_key: PDF}
    assert s3_colead.get(f"/materials/{material.id}/slides.pdf").data == PDF


def test_an_upload_that_rolls_back_leaves_no_object(s3_colead, bucket, monkeypatch):
    slot = _slot(s3_colead)
    _failing_after_the_change(monkeypatch)
    assert colead_upload(s3_colead, slot, "slides.pdf", PDF).status_code == 500
    assert _materials() == []
    assert _objects(bucket) == {}


def test_an_upload_that_loses_a_race_for_the_same_file_leaves_no_object(s3_apps, s3_colead, bucket):
    """Two instances take the same slides for a slot at the same moment: the one the database
    refuses stored none of its bytes in the bucket."""
    slot = _slot(s3_colead)
    token = make_presenter(slot)
    one, two = s3_apps().test_client(), s3_apps().test_client()
    first, second, meanwhile = sent_at_once(
        lambda: presenter_upload(one, token, "slides.pdf", PDF),
        lambda: presenter_upload(two, token, "slides (1).pdf", PDF),
        held_before=Material,
        given=20,
    )
    assert meanwhile
    assert (first.status_code, second.status_code) == (409, 302)
    (material,) = _materials()
    assert _objects(bucket) == {material.storage_key: PDF}


def test_a_refused_upload_writes_nothing_to_the_bucket(s3_colead, bucket):
    slot = _slot(s3_colead)
    answer = colead_upload(s3_colead, slot, "slides.pdf", b"\x7fELF" + bytes(64))
    assert answer.status_code == 400
    assert _materials() == []
    assert _objects(bucket) == {}


def test_deleting_a_draft_slot_deletes_its_objects(s3_colead, bucket):
    meeting = make_meeting(
        s3_colead, FUTURE, publish=False, talks=({"title": "One"}, {"title": "Two"})
    )
    gone, kept = meeting.slots
    colead_upload(s3_colead, gone, "gone.pdf", PDF)
    colead_upload(s3_colead, gone, "also-gone.pptx", PPTX)
    colead_upload(s3_colead, kept, "kept.pdf", PDF)
    assert len(_objects(bucket)) == 3
    answer = s3_colead.delete(f"/api/v1/slots/{gone.id}")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["result"] == "deleted"
    (left,) = _materials()
    assert left.filename == "kept.pdf"
    assert _objects(bucket) == {left.storage_key: PDF}


def test_deleting_a_draft_meeting_deletes_its_objects(s3_colead, bucket):
    meeting = make_meeting(
        s3_colead, FUTURE, publish=False, talks=({"title": "One"}, {"title": "Two"})
    )
    for slot in meeting.slots:
        colead_upload(s3_colead, slot, "slides.pdf", PDF)
    assert len(_objects(bucket)) == 2
    answer = s3_colead.delete(f"/api/v1/meetings/{meeting.id}")
    assert answer.get_json()["result"] == "deleted"
    assert _materials() == []
    assert _objects(bucket) == {}


def test_a_meeting_deletion_that_rolls_back_keeps_the_objects(s3_colead, bucket, monkeypatch):
    meeting = make_meeting(s3_colead, FUTURE, publish=False)
    colead_upload(s3_colead, meeting.slots[0], "slides.pdf", PDF)
    (material,) = _materials()
    from planner.agenda import api

    def fail(*_args, **_kwargs):
        raise RuntimeError("the request failed after the change")

    monkeypatch.setattr(api, "_saved", fail)
    assert s3_colead.delete(f"/api/v1/meetings/{meeting.id}").status_code == 500
    monkeypatch.undo()
    assert [m.id for m in _materials()] == [material.id]
    assert _objects(bucket) == {material.storage_key: PDF}


def test_another_instance_serves_the_same_file(s3_apps, s3_colead, colead, bucket):
    slot = _slot(s3_colead)
    colead_upload(s3_colead, slot, "slides.pdf", PDF)
    (material,) = _materials()
    other = _colead(s3_apps(), colead)
    answer = other.get(f"/materials/{material.id}/slides.pdf")
    assert answer.status_code == 200
    assert answer.data == PDF
    assert answer.headers["Content-Type"] == "application/pdf"
    # And the other instance's removal is the one that empties the bucket.
    assert _remove(other, material).status_code == 302
    assert _objects(bucket) == {}
