"""The app factory: settings, extensions, blueprints and commands, put together once."""

import copy
import functools
import os
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import click
from flask import Flask, Request, Response, has_request_context, request
from flask.cli import AppGroup, ScriptInfo
from flask_migrate.cli import db as migrate_cli
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import BadHost
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import MapAdapter, RequestRedirect

from planner import compression, http_errors, languages, log_masking, public_json, static_files
from planner.addresses import same_address
from planner.config import (
    base_url,
    database_url,
    secret_key,
    secret_key_fallbacks,
    signing_keys,
)
from planner.db_types import DatabaseIntConverter, refuse_no_row, render_item
from planner.errors import PlannerError
from planner.extensions import csrf, db, ids_never_reused, migrate
from planner.forms import error_target, opened_of
from planner.mail.messages import in_language, of_length_only, taskforce_address
from planner.mail.models import language_tag
from planner.mail.sender import settings_from_environment as mail_settings
from planner.offices.contacts import kept_as_contact
from planner.offices.operations import editor_hidden
from planner.request_input import PlannerRequest, refuse_nul, refuse_undecodable_form
from planner.routing import MatchedOnce
from planner.schema import not_migrated, schema_state
from planner.text import ends_sentence, shorten
from planner.timezones import (
    clock_span,
    day_in,
    happens_twice,
    known,
    local_time,
    moment_in,
    place_name,
    time_span,
    utc_offset,
)

ROOT = Path(__file__).resolve().parent.parent
# Seconds to wait for a PostgreSQL server that does not answer before the page says so (503).
CONNECT_TIMEOUT = 5
# How long a session lasts, and so a form's token (README "Security").
SESSION_LIFETIME = timedelta(hours=12)


class Commands(AppGroup):
    """The app's commands (`flask --app app ...`), which say so in a sentence when the database
    cannot be reached (a server down, a wrong host, port, database or password in DATABASE_URL)
    or lacks a table this version of the app needs, where they printed a traceback."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            return None
        # A copy: the command objects are shared by every app the process builds.
        saying = copy.copy(command)
        saying.invoke = functools.partial(_database_said, command.invoke)
        return saying


def _database_said(invoke, ctx: click.Context) -> Any:
    """`invoke` a command, its database's refusal to answer said as a ClickException."""
    try:
        return invoke(ctx)
    except DBAPIError as error:
        if http_errors.database_unavailable(error):
            reason = " ".join(str(error.orig).split())
            raise click.ClickException(f"The database cannot be reached: {reason}") from None
        if not_migrated(error):
            missing = "The database lacks a table or column this version of the app needs"
            if ctx.command_path.split()[1:2] == ["db"]:
                said = " ".join(str(error.orig).split())
                raise click.ClickException(f"{missing}: {said}") from None
            raise click.ClickException(missing + _what_to_do(ctx)) from None
        raise


def _what_to_do(ctx: click.Context) -> str:
    """Why the database lacks what the command needs, and what to do, read from the migration
    the database records (as the pages' 503 says it): not migrated to this version yet (new
    code deployed before `db upgrade`), or upgraded by a newer release than the one this
    command runs (an old checkout, a venv or a machine left behind), which `db upgrade` from
    here cannot mend."""
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        db.session.rollback()
        try:
            state, revision = schema_state(db.session)
        except DBAPIError:  # a database that cannot say: the likelier of the two
            state, revision = "behind", None
        finally:
            db.session.remove()
    if state == "ahead":
        return (
            f" (a newer release upgraded it, to migration {revision}): run the command with that "
            "release (`git pull`, then `pip install -e .`), not `db upgrade` with this one."
        )
    if state == "current":
        return (
            f", though it records this version's last migration ({revision}): it was changed "
            "by other means than the migrations, which `db upgrade` does not mend."
        )
    return " (it is not migrated to it yet): run `flask --app app db upgrade`."


class Planner(Flask):
    """Flask, whose absolute addresses start with the configured BASE_URL rather than the
    request's Host header, which a sender may set to anything (a private link sent to
    evil.example would be followed there), and a Host header that names no host gets a 400 on
    its error page; whose requests refuse a form that is not UTF-8. The router's redirects name
    a path on this site, as the app's own do, not the request's Host. OPTIONS is a 204."""

    request_class = PlannerRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cli = Commands(self.name)

    def url_for(self, endpoint: str, *, _external: bool | None = None, **values: Any) -> str:
        if not (_external and has_request_context()):
            return super().url_for(endpoint, _external=_external, **values)
        scheme = values.pop("_scheme", None)
        path = super().url_for(endpoint, _external=False, **values)
        base = self.config["BASE_URL"]
        if scheme:
            base = f"{scheme}://{base.split('://', 1)[1]}"
        return base + path.removeprefix(request.script_root)

    def make_default_options_response(self) -> Response:
        # OPTIONS, answered for every route: the methods it takes (Allow; a public read's CORS
        # headers are `public_json`'s) and no content, not an empty body said to be HTML.
        response = super().make_default_options_response()
        response.status_code = 204
        del response.headers["Content-Type"]
        return response

    def request_context(self, environ: dict) -> MatchedOnce:
        # Its address matched once, though the session's opening asks for it before Flask does.
        return MatchedOnce(self, environ)

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        # The stylesheet, script and icons every page asks for: kept at their versioned addresses.
        return static_files.max_age(self, filename) or super().get_send_file_max_age(filename)

    def raise_routing_exception(self, request: Request) -> NoReturn:
        redirect = request.routing_exception
        if isinstance(redirect, RequestRedirect):
            # Werkzeug redirects an address to its tidy form ("/proposals//<token>", a doubled
            # slash merged) at the request's Host: sent with "Host: evil.example", the private
            # link was led there. The path and query alone go to the same site, whatever Host
            # the request named; never "//", which a browser reads as another host.
            parts = urlsplit(redirect.new_url)
            path = "/" + parts.path.lstrip("/")
            redirect.new_url = urlunsplit(("", "", path, parts.query, parts.fragment))
        super().raise_routing_exception(request)

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        try:
            return super().create_url_adapter(request)
        except BadHost:
            if request is None:
                raise
        # A Host header that names no host (an empty label, one over 63 characters) is refused
        # with a 400 on the app's own error page; the page is built with BASE_URL's host, as
        # every absolute link is, for without an adapter nothing can be built (a bare 500).
        request.routing_exception = BadHost(
            "The request's Host header names no host that a web address can have."
        )
        return self.url_map.bind_to_environ(
            request.environ, server_name=urlsplit(self.config["BASE_URL"]).netloc, subdomain=""
        )


def _whole_number_from_environment(name: str, zero: bool = False) -> int | None:
    """A positive whole number (or 0, with `zero`) from the environment variable `name`; None
    when unset. Anything else stops the start with the variable named, rather than a limit
    silently ignored."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and (zero or int(value) > 0)):
        least = "0 or above" if zero else "above 0"
        raise SystemExit(f"{name} must be a whole number {least}, not {value!r}.")
    return int(value)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides settings (tests pass their own database URL)."""
    app = Planner(
        "planner",
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(
        # Values sent with a failed statement stay out of its error and so out of the logs: they
        # are contacts' names and addresses.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "hide_parameters": True},
        # Forms and JSON are small; anything larger is refused with 413.
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # A form's token is good as long as its session (Flask-WTF's default is an hour): a
        # volunteer writing an abstract over the afternoon, or a co-lead whose agenda page stayed
        # open over lunch, sent it and met "Your session expired", signed in as they were.
        WTF_CSRF_TIME_LIMIT=int(SESSION_LIFETIME.total_seconds()),
        # How passwords are hashed: werkzeug's scrypt at its work factor (about 100 ms a
        # check). Tests set a lower one; a hash names its method, so any stored hash still checks.
        PASSWORD_HASH_METHOD="scrypt",
    )
    app.config.update(mail_settings())
    # The Task Force's address, ORGANIZER of calendar invitations (default: MAIL_FROM's), and
    # how many days before a confirmed slot its presenter is reminded.
    app.config["TASKFORCE_EMAIL"] = os.environ.get("TASKFORCE_EMAIL", "").strip()
    # Numbers an operator may set (unset: the defaults where they are used; helper-84).
    app.config["MAIL_REMINDER_DAYS"] = _whole_number_from_environment("MAIL_REMINDER_DAYS") or 3
    # How many days messages' texts and presenters' links are kept (`personal_data.retention`).
    app.config["RETENTION_DAYS"] = _whole_number_from_environment("RETENTION_DAYS") or 180
    for name in ("MAX_MATERIAL_BYTES", "SURVEY_MAX_BYTES", "PROPOSALS_PER_HOUR"):
        if (value := _whole_number_from_environment(name)) is not None:
            app.config[name] = value
    app.config.update(config or {})
    try:
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(instance))
        app.config["BASE_URL"] = base_url(app.config.get("BASE_URL"))
    except ValueError as error:
        # A setting that cannot work stops the start saying so, not with a traceback.
        raise SystemExit(f"{error}.") from None
    # A public address on https:// is served over TLS, whether or not HTTPS was set: the
    # session cookie must never travel over plain HTTP, where anyone on the way could read it.
    https = os.environ.get("HTTPS", "").lower() in ("1", "true", "yes")
    https = https or urlsplit(app.config["BASE_URL"]).scheme == "https"  # "HTTPS://" too
    app.config.update(
        SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_SECURE=https,
        PREFERRED_URL_SCHEME="https" if https else "http",
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        options.setdefault("connect_args", {}).setdefault("connect_timeout", CONNECT_TIMEOUT)
    generated = False
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"], generated = secret_key(instance)
    if not app.config.get("SECRET_KEY_FALLBACKS"):
        # The keys before a rotation: sessions, feed, presenter and unsubscribe links signed
        # with them go on working while they are listed (README "Rotating SECRET_KEY").
        app.config["SECRET_KEY_FALLBACKS"] = secret_key_fallbacks()
    if app.config["SECRET_KEY_FALLBACKS"] and not app.config.get("WTF_CSRF_SECRET_KEY"):
        # Forms opened before the rotation are taken as before (Flask-WTF signs with the last
        # key and accepts any), not refused as if their session had expired.
        app.config["WTF_CSRF_SECRET_KEY"] = signing_keys(app.config)

    log_masking.install(app.logger.name, "werkzeug", "sqlalchemy")
    if generated and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # PostgreSQL is how the app grows past one machine; a key generated on each machine
        # would make each instance refuse the others' sessions and private links (helper-183).
        app.logger.warning(
            "SECRET_KEY is not set: this machine signs sessions and private links with its own "
            "key (instance/secret_key). Instances on other machines sharing this database must "
            "use the same key: set SECRET_KEY on each."
        )
    app.json.sort_keys = False  # keep the documented field order in API answers
    app.url_map.converters["int"] = DatabaseIntConverter  # before any route is added
    app.url_value_preprocessor(refuse_no_row)  # before the blueprints' own
    proxies = _whole_number_from_environment("TRUSTED_PROXIES", zero=True)
    if proxies:
        # Behind a reverse proxy: client address and scheme come from its headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    compression.install(app)  # first, so that it runs after every other after_request
    public_json.install(app)  # tags the JSON before it is compressed
    # Before CSRF and every view: a NUL is refused whatever the form or the address.
    app.before_request(refuse_undecodable_form)  # before anything parses the form
    app.before_request(refuse_nul)
    app.after_request(_date_from_the_server)
    app.url_defaults(static_files.add_version)
    csrf.init_app(app)
    languages.install(app)
    _register(app)
    return app


def _date_from_the_server(response: Response) -> Response:
    """The HTTP server dates each answer (`make run`'s and gunicorn both send Date): the one
    Werkzeug's conditional answers add (feeds, static files) went out as a second Date line
    from the development server (helper-78)."""
    response.headers.pop("Date", None)
    return response


def _register(app: Flask) -> None:
    # Models are imported here so that Alembic and the app see the whole schema.
    from planner import web
    from planner.accounts import security
    from planner.accounts import views as account_views
    from planner.accounts.cli import users_cli
    from planner.agenda import api as agenda_api
    from planner.agenda import views as agenda_views
    from planner.agenda.history import track_changes as track_history
    from planner.availability import views as availability_views
    from planner.bootstrap import setup_command
    from planner.calendar import views as calendar_views
    from planner.calendar.operations import track_changes
    from planner.database_copy import copy_command
    from planner.database_restore import restored_command
    from planner.lineup import api as lineup_api
    from planner.lineup import views as lineup_views
    from planner.lineup.cli import lineup_cli
    from planner.mail import models as _mail_models  # noqa: F401  (the schema)
    from planner.mail import views as mail_views
    from planner.mail.cli import mail_cli
    from planner.mail.messages import track_changes as track_messages
    from planner.matching import api as matching_api
    from planner.matching import views as matching_views
    from planner.matching.cli import match_command
    from planner.materials import views as material_views
    from planner.offices import api as offices_api
    from planner.offices import views as office_views
    from planner.personal_data.cli import personal_data_cli
    from planner.presenters import api as presenters_api
    from planner.presenters import views as presenter_views
    from planner.proposals import api as proposals_api
    from planner.proposals import views as proposal_views
    from planner.recommendations import views as recommendation_views
    from planner.survey import api as survey_api
    from planner.survey import views as survey_views
    from planner.survey.cli import survey_cli

    app.register_blueprint(survey_views.bp)
    app.register_blueprint(recommendation_views.bp)
    app.register_blueprint(office_views.bp)
    app.register_blueprint(matching_views.bp)
    app.register_blueprint(lineup_views.bp)
    app.register_blueprint(agenda_views.bp)
    app.register_blueprint(availability_views.bp)
    app.register_blueprint(calendar_views.bp)
    app.register_blueprint(account_views.bp)
    app.register_blueprint(proposal_views.bp)
    app.register_blueprint(material_views.bp)
    app.register_blueprint(presenter_views.bp)
    app.register_blueprint(mail_views.bp)
    apis = (
        survey_api.bp,
        matching_api.bp,
        lineup_api.bp,
        proposals_api.bp,
        agenda_api.bp,
        presenters_api.bp,
        offices_api.bp,
    )
    for api in apis:
        app.register_blueprint(api)
        csrf.exempt(api)
    web.install_boundary(app)
    app.cli.add_command(survey_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(match_command)
    app.cli.add_command(lineup_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(personal_data_cli)
    # `flask db copy` and `db restored`, beside Flask-Migrate's `db upgrade` (its group, shared
    # by every app).
    migrate_cli.add_command(copy_command)
    migrate_cli.add_command(restored_command)
    security.install(app)
    track_changes()
    track_messages()
    track_history()
    app.add_template_global(web.webcal, "webcal")
    app.add_template_global(web.zone_list_address, "zone_list_address")
    app.add_template_global(web.other_surveys, "other_surveys")
    http_errors.register(app)
    app.add_template_filter(_without_none, "without_none")
    app.add_template_filter(utc_offset, "utc_offset")
    app.add_template_filter(happens_twice, "happens_twice")
    app.add_template_filter(editor_hidden, "editor_hidden")
    app.add_template_filter(_and_list, "and_list")
    app.add_template_test(ends_sentence, "sentence")
    app.add_template_test(of_length_only, "length_only")
    # Cut after a whole word, never inside a character as a reader sees it (`text.shorten`).
    app.add_template_filter(lambda text, limit: shorten(text, limit, at_space=True), "shorten")
    # A message's times and days in the language it is written in (`written_in`).
    app.add_template_filter(in_language, "in_language")
    # The tag a page or message says its language by: "pt-BR", "zh-Hans" (`mail.models`).
    app.add_template_filter(language_tag, "language_tag")
    app.add_template_filter(lambda day, language: day_in(language, day), "day_in")
    app.add_template_global(local_time, "local")
    app.add_template_global(moment_in, "moment_in")
    # A zone as the co-leads' pages name it beside a time: "Geneva" for Europe/Zurich, "Lima".
    app.add_template_global(place_name, "place_name")
    app.add_template_global(known, "known_zone")
    app.add_template_global(time_span, "time_span")
    app.add_template_global(clock_span, "clock_span")
    app.add_template_global(taskforce_address, "taskforce_address")
    app.add_template_global(same_address, "same_address")
    app.add_template_global(opened_of, "opened_of")
    app.add_template_global(error_target, "error_target")
    app.add_template_global(kept_as_contact, "kept_as_contact")

    ids_never_reused(db.metadata)  # every model is imported by now


def _and_list(items, language: str = "en", words: dict | None = None) -> str:
    """ "time", "status and time", "status, time and title"; in another `language`, as it
    writes a list ("estado y hora"), each item in its `words` where they name it."""
    return languages.word_list([str((words or {}).get(item, item)) for item in items], language)


def _without_none(attributes: dict) -> dict:
    """HTML attributes minus the unset ones, for `field(**attrs)` in the form macro."""
    return {name: value for name, value in attributes.items() if value is not None}


@event.listens_for(Engine, "before_cursor_execute")
def _no_nul_to_postgresql(connection, _cursor, _statement, parameters, _context, _many):
    """No NUL character reaches PostgreSQL, whichever code path a value took: it refuses one in
    text, a server error (500). The input layer refuses them field by field, with the field
    named; a value that slipped past (a code looked up before it was checked, helper-79) is
    refused as the request's fault (400), with nothing stored. SQLite takes one as any other
    character: a lookup finds nothing, and a row written there by hand may hold one, which
    the feeds clean (tests/calendar/test_stored_values.py)."""
    if connection.dialect.name == "postgresql" and _holds_nul(parameters):
        raise PlannerError("The request contains a NUL character, which no field can hold.")


def _holds_nul(parameters) -> bool:
    """Whether a statement's parameters (a row as a dict or a tuple, or a list of rows) hold a
    text with a NUL character."""
    if isinstance(parameters, str):
        return "\x00" in parameters
    if isinstance(parameters, dict):
        parameters = parameters.values()
    elif not isinstance(parameters, list | tuple):
        return False
    return any(_holds_nul(value) for value in parameters)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys (and ON DELETE CASCADE) unless each connection asks for them.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection, _name) -> None:
    """A savepoint on SQLite is nested in a transaction, as on PostgreSQL. The sqlite3 module
    (its default, legacy transaction handling) begins one only before an INSERT, UPDATE or
    DELETE: a savepoint that is a session's first write (set_mark's insert) began the
    transaction itself, and releasing it committed everything, which the request's rollback
    then left behind. The transaction is begun here, as the module would have begun it one
    statement later. SQLAlchemy's own recipe (the module's handling off, BEGIN at every
    transaction's start) would make every request, reads too, hold SQLite's lock from its first
    read to its end, so that writers wait on readers and a read-then-write request fails at
    once against another writer."""
    driver = connection.connection.driver_connection
    if (
        type(driver).__module__.startswith("sqlite3")
        and driver.isolation_level is not None  # None: autocommit, asked for
        and not driver.in_transaction
    ):
        driver.execute(f"BEGIN {driver.isolation_level}")
