"""Adding, removing and downloading a slot's materials (co-leads from the agenda editor, the
presenter from their private page), and a meeting's archive of everything presented."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from planner.accounts.security import colead_required, editor, is_colead
from planner.agenda.models import Meeting, MeetingStatus, Slot
from planner.agenda.queries import get_meeting
from planner.errors import ConflictError, PlannerError
from planner.extensions import csrf, db
from planner.materials.checks import (
    CONTENT_TYPES,
    DEFAULT_MAX_BYTES,
    FORMAT_NAMES,
    MaterialError,
    content_disposition,
    megabytes,
    too_large,
)
from planner.materials.forms import MaterialForm, MeetingRecordingForm, PresenterMaterialForm
from planner.materials.models import Material
from planner.materials.operations import (
    add_file,
    add_link,
    added_by_a_presenter,
    added_by_presenter,
    archive,
    by_slot,
    data_of,
    is_public,
    materials_of,
    presenter_actor,
    public_by_slot,
    remove,
    shown_to_anyone,
)
from planner.materials.storage import follow_transactions, store_for, store_of
from planner.presenters.models import Invitation
from planner.presenters.operations import by_token, not_theirs
from planner.presenters.views import in_their_language, invitation_for, why_no_page
from planner.web import reading

bp = Blueprint("materials", __name__)

UPLOADS = ("materials.upload", "materials.presenter_upload")
# Room for the form's other fields and the multipart framing around the file.
FORM_MARGIN = 1024 * 1024
# The presenter's pages have a secret address: no shared cache keeps them, no other site learns it.
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.record_once
def _follow_transactions(_state) -> None:
    # S3 objects are deleted once the deletion of their rows commits, or when an upload rolls
    # back, whichever view (a slot's or a meeting's deletion too) made the change.
    follow_transactions(lambda: current_app.config)


def limit() -> int:
    return int(current_app.config.get("MAX_MATERIAL_BYTES") or DEFAULT_MAX_BYTES)


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, values: dict | None) -> None:
    # The app reads no body above 1 MB; the upload routes take slides from a signed-in co-lead
    # or the presenter whose link it is. This runs before every before_request function (CSRF
    # protection reads the form first), for this blueprint only. A body sent by anyone else
    # stops at the app's 1 MB unread, and its refusal shows nothing of the slot.
    if _may_upload(endpoint, values or {}):
        request.max_content_length = limit() + FORM_MARGIN


def _may_upload(endpoint: str | None, values: dict) -> bool:
    if endpoint == "materials.upload":
        return is_colead()
    if endpoint == "materials.presenter_upload":
        # Only while the slot is theirs: a declined or cancelled slot's link takes no slides,
        # so no 20 MB is read to be refused (helper-181).
        invitation = by_token(values.get("token", ""))
        return invitation is not None and not_theirs(invitation) is None
    return False


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body over the upload limit, refused before it was read: the upload page says so, to
    whoever may upload there (the co-leads' page shows a draft's slot and every material)."""
    args = request.view_args or {}
    if request.endpoint == "materials.upload" and is_colead():
        slot = db.session.get(Slot, args.get("slot_id"))
        if slot is not None:
            message = MaterialError(too_large(limit()), "file", status=413)
            return _colead_page(slot, _refused(_colead_form(formdata=None), message))
    if request.endpoint == "materials.presenter_upload":
        token = args.get("token", "")
        invitation = by_token(token)
        if invitation is None:
            # What their page says, whatever the body: a presenter replaced (their old link
            # after a handover) sending large slides was told only the request was too large.
            error = NotFound(why_no_page(token))
            return render_template("errors/error.html", error=error), 404
        # Their page's view never ran to choose its language (helper-212: a Spanish
        # presenter's 60 MB file was refused in English).
        in_their_language(invitation)
        message = MaterialError(too_large(limit()), "file", status=413)
        # A slot no longer theirs took no more than the app's 1 MB: why it takes nothing.
        if why := not_theirs(invitation):
            message = ConflictError(why)
        form = _refused(_presenter_form(formdata=None), message)
        return _presenter_page(token, invitation, form)
    if request.endpoint in UPLOADS:
        most = megabytes(request.max_content_length or 0, "en")  # in an English sentence
        error = RequestEntityTooLarge(
            f"The request is larger than {most}. Adding "
            "slides is for co-leads (sign in) and the slot's presenter (on the page their "
            "private link opens)."
        )
    return render_template("errors/error.html", error=error), 413


def _colead_form(**kwargs) -> MaterialForm:
    return MaterialForm(prefix="material", **kwargs).describe(limit())


def _presenter_form(**kwargs) -> MaterialForm:
    return PresenterMaterialForm(prefix="material", **kwargs).describe(limit())


def _refused(form: MaterialForm, error: PlannerError) -> MaterialForm:
    # A refusal about no field of the form (a cancelled slot, say) is shown with the file.
    target = getattr(form, error.field or "", None) or form.file
    target.errors = [*target.errors, error.message]
    form.status = error.status
    return form


def _add(form: MaterialForm, slot: Slot, by: str) -> Material | None:
    """The file or link the form sent, added to the slot; None with the form's errors set."""
    if not form.validate():
        form.status = 400
        return None
    upload, url = form.file.data, (form.url.data or "").strip()
    try:
        if upload and url:
            raise MaterialError(_("Send a file or a link, not both; add the other next."), "url")
        if upload:
            # One byte past the limit is enough to know the file is too large.
            data = upload.stream.read(limit() + 1)
            store = store_for(current_app.config)
            return add_file(slot, upload.filename, data, by, limit=limit(), store=store)
        if url:
            return add_link(slot, url, form.kind.data, by)
        raise MaterialError(_("Choose a file of slides, or give a link."), "file")
    except PlannerError as error:
        _refused(form, error)
        return None


def _added(material: Material) -> str:
    return _("Added: %(material)s.", material=material.label)


# --- Co-leads ---------------------------------------------------------------------------------


def _slot(slot_id: int) -> Slot:
    return db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")


def _colead_page(slot: Slot, form: MaterialForm):
    return render_template(
        "materials/page.html",
        slot=slot,
        materials=materials_of(slot.meeting, slot),
        upload_url=url_for(".upload", slot_id=slot.id),
        can_remove=True,
        material_form=form,
        back=url_for("agenda.edit_slot", slot_id=slot.id),
    ), getattr(form, "status", 200)


@bp.post("/slots/<int:slot_id>/materials")
@colead_required
def upload(slot_id: int):
    slot = _slot(slot_id)
    form = _colead_form()
    material = _add(form, slot, f"co-lead {editor() or ''}".strip())
    if material is None:
        return _colead_page(slot, form)
    flash(_added(material), "success")
    return redirect(url_for("agenda.edit_slot", slot_id=slot.id) + "#materials")


def _material(material_id: int) -> Material:
    return db.get_or_404(Material, material_id, description=f"There is no material {material_id}.")


@bp.post("/materials/<int:material_id>/remove")
@colead_required
def remove_view(material_id: int):
    material = _material(material_id)
    back = (
        url_for("agenda.edit_slot", slot_id=material.slot_id) + "#materials"
        if material.slot_id
        else url_for(".archive_page", meeting_id=material.meeting_id)
    )
    if request.form.get("confirmed") != "yes":
        return render_template(
            "materials/remove.html", material=material, action=request.path, back=back
        )
    remove(material, store=store_of(material, current_app.config))
    flash(_("Removed: %(material)s.", material=material.label), "success")
    return redirect(back)


@bp.post("/meetings/<int:meeting_id>/materials")
@colead_required
def meeting_link(meeting_id: int):
    meeting = _meeting(meeting_id, colead=True)
    form = MeetingRecordingForm(prefix="meeting-material")
    if form.validate():
        try:
            add_link(meeting, form.url.data, form.kind.data, f"co-lead {editor() or ''}".strip())
        except PlannerError as error:
            _refused(form, error)
        else:
            flash("The link is added to the meeting.", "success")
            return redirect(url_for(".archive_page", meeting_id=meeting.id))
    return _archive_page(meeting, form, status=getattr(form, "status", 400))


# --- The presenter ----------------------------------------------------------------------------


def _presenter_home(token: str) -> str:
    return url_for("presenters.page", token=token) + "#materials"


def _presenter_page(token: str, invitation: Invitation, form: MaterialForm):
    slot = invitation.slot
    # A slot no longer theirs offers no form, but one refused for that comes back as typed.
    locked = not_theirs(invitation)
    offered = not locked or bool(form.errors)
    page = render_template(
        "materials/page.html",
        slot=slot,
        materials=materials_of(slot.meeting, slot),
        upload_url=url_for(".presenter_upload", token=token) if offered else None,
        can_remove=not locked,
        locked=None if form.errors else locked,
        materials_token=token,
        presenter_name=invitation.name,
        material_form=form,
        back=_presenter_home(token).removesuffix("#materials"),
    )
    return page, getattr(form, "status", 200), PRIVATE


@bp.route("/presenter/<token>/materials", methods=["GET", "POST"])
@csrf.exempt
def presenter_upload(token: str):
    invitation = invitation_for(token)
    if reading():
        return _presenter_page(token, invitation, _presenter_form(formdata=None))
    form = _presenter_form()
    if why := not_theirs(invitation):
        return _presenter_page(token, invitation, _refused(form, ConflictError(why)))
    material = _add(form, invitation.slot, presenter_actor(invitation.name))
    if material is None:
        return _presenter_page(token, invitation, form)
    flash(_added(material), "success")
    return redirect(_presenter_home(token))


def _own(invitation: Invitation, material_id: int) -> Material:
    """A material of the presenter's own slot; any other is, to them, not there."""
    material = db.session.get(Material, material_id)
    if material is None or material.slot_id != invitation.slot_id:
        abort(404, _("Your slot has no material %(number)s.", number=material_id))
    return material


@bp.post("/presenter/<token>/materials/<int:material_id>/remove")
@csrf.exempt
def presenter_remove(token: str, material_id: int):
    invitation = invitation_for(token)
    material = _own(invitation, material_id)
    if why := not_theirs(invitation):
        abort(409, why)
    if request.form.get("confirmed") != "yes":
        page = render_template(
            "materials/remove.html",
            material=material,
            action=request.path,
            back=_presenter_home(token),
            materials_token=token,
        )
        return page, 200, PRIVATE
    remove(material, store=store_of(material, current_app.config))
    flash(_("Removed: %(material)s.", material=material.label), "success")
    return redirect(_presenter_home(token))


@bp.get("/presenter/<token>/materials/<int:material_id>")
def presenter_download(token: str, material_id: int):
    invitation = invitation_for(token)
    return _file(_own(invitation, material_id), cache="private, no-store")


# --- Downloads and the archive ----------------------------------------------------------------


def _file(material: Material, *, cache: str) -> Response:
    """The file as an attachment, typed by the format its content showed, never sniffed."""
    if not material.is_file:
        abort(404, "This material is a link, not a file; follow it from the agenda.")
    data = data_of(material, store_of(material, current_app.config))
    response = Response(data, mimetype=CONTENT_TYPES[material.file_type])
    response.headers["Content-Disposition"] = content_disposition(material.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache
    # Opened in a browser tab anyway, a file runs no script and reaches nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.set_etag(material.sha256 or "")
    return response


@bp.get("/materials/<int:material_id>/<filename>")
def download(material_id: int, filename: str):
    material = _material(material_id)
    meeting = material.meeting
    if is_colead():
        cache = "private, no-store"
    elif shown_to_anyone(material):
        cache = "public, max-age=300"
    elif is_public(meeting):  # a slot whose talk is not given: as if it had no materials
        abort(404, f"There is no material {material_id}.")
    elif meeting.status == MeetingStatus.published and meeting.materials_public == "after":
        abort(404, "This meeting's materials are public once it has ended.")
    else:
        abort(404, f"There is no material {material_id}.")
    if material.filename and filename != material.filename:
        return redirect(url_for(".download", material_id=material.id, filename=material.filename))
    return _file(material, cache=cache)


def _meeting(meeting_id: int, *, colead: bool) -> Meeting:
    meeting = get_meeting(meeting_id)
    if meeting is None or (meeting.status == MeetingStatus.draft and not colead):
        abort(404, f"There is no meeting {meeting_id}.")
    if not colead and not meeting.took_place():
        abort(404, "This meeting's archive opens once the meeting has ended.")
    return meeting


def _archive_page(meeting: Meeting, form: MeetingRecordingForm | None = None, status: int = 200):
    colead = is_colead()
    shown = colead or is_public(meeting)
    if colead and form is None:
        form = MeetingRecordingForm(prefix="meeting-material", formdata=None)
    return render_template(
        "materials/archive.html",
        meeting=meeting,
        presented=archive(meeting),
        meeting_materials=by_slot(meeting).get(None, []) if shown else [],
        shown=shown,
        form=form,
    ), status


@bp.get("/meetings/<int:meeting_id>/archive")
def archive_page(meeting_id: int):
    return _archive_page(_meeting(meeting_id, colead=is_colead()))


# --- What other pages show --------------------------------------------------------------------


@bp.app_template_global()
def slot_materials(slot: Slot) -> list[Material]:
    """A slot's materials, for the agenda editor's slot page."""
    return materials_of(slot.meeting, slot)


@bp.app_template_global()
def public_materials(meeting: Meeting) -> dict[int | None, list[Material]]:
    """The meeting's materials anyone may see now, by slot id (None: the whole meeting's)."""
    return public_by_slot(meeting)


bp.add_app_template_test(added_by_presenter)
bp.add_app_template_test(added_by_a_presenter)


@bp.app_template_global()
def new_material_form(presenter: bool = False) -> MaterialForm:
    return _presenter_form(formdata=None) if presenter else _colead_form(formdata=None)


@bp.app_template_global()
def material_url(material: Material, token: str | None = None) -> str:
    if token:
        return url_for("materials.presenter_download", token=token, material_id=material.id)
    return url_for("materials.download", material_id=material.id, filename=material.filename)


def public_address(material: Material) -> str:
    """Where anyone follows a material the agenda shows them: its link, or the address that
    downloads its file, which takes no session once the material is public."""
    return material.url or url_for(
        "materials.download",
        material_id=material.id,
        filename=material.filename,
        _external=True,
    )


def material_json(material: Material) -> dict:
    """A material as the API gives it, where the agenda shows it to anyone: what it is
    (`kind`: "slides", "recording" or "other", a link the page calls "Link"), its name (the
    file's, or the link's address), where to open it, and a file's format and size in bytes
    (null for a link). Not who added it: a presenter's name is theirs to give."""
    return {
        "id": material.id,
        "kind": material.kind,
        "name": material.label,
        "url": public_address(material),
        "file_type": material.file_type,
        "size": material.size,
    }


@bp.app_template_filter()
def material_size(material: Material) -> str:
    return f"{FORMAT_NAMES.get(material.file_type or '', '')}, {megabytes(material.size or 0)}"


@bp.app_template_global()
def archive_open(meeting: Meeting) -> bool:
    """Whether the meeting's archive page is open to anyone: it took place."""
    return meeting.took_place()
