"""Which tests the PostgreSQL run leaves out, and the check that doing so loses nothing.

`make test` runs the suite on SQLite and, beside it, on PostgreSQL. Most tests send the same
statements, with the same kinds of values, as other tests do: on PostgreSQL, running every one
of them again took over half of that run's time and sent the database nothing new. What a
test sends is its *fingerprints*: each statement it sends, as SQLAlchemy writes it for no
database in particular (so that both runs name it alike), and each statement's parameter with
the kind of value the test sent in it (`kind`: empty, long or very long text, text with
capitals, beyond ASCII or with a NUL; an integer beyond 32 bits; a time with or without its
offset...), which is where the two databases part ways (PostgreSQL refuses a NUL, an
over-long string or number; compares text by case).

The PostgreSQL run keeps every test that must run there (`must_run`: hostile values in
tests/probe, the migrations in tests/test_setup.py, a test marked `committed`, whose other
connections, threads or processes meet PostgreSQL's locking and isolation) and, of the others,
enough that each fingerprint is sent by two of them (by each test that sends it, where fewer
do). The others are listed in tests/postgresql-left-out.txt, written by

    .venv/bin/python -m tests.statements

which runs the suite on SQLite, in the two shares `make test` runs it in, recording what each
test sends (about four minutes). A test not in the list runs on both databases, as every new
test does until the list is written again.

The list cannot go stale unseen: the SQLite runs of `make test` record the fingerprints too
(PLANNER_TEST_STATEMENTS names the file), and `python -m tests.statements --check FILE...`
then fails if a test left out sends a fingerprint that no test the PostgreSQL run keeps sends,
naming both and the command above.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

HERE = Path(__file__).resolve().parent
LEFT_OUT = HERE / "postgresql-left-out.txt"
# The file to record each test's fingerprints in, if set (`make test`'s SQLite runs).
ENVIRONMENT = "PLANNER_TEST_STATEMENTS"
# The suite that runs on SQLite and PostgreSQL, as `make test` runs it in its SQLite shares (the
# browser tests run once, on SQLite, and the newcomer's quick start beside them: neither uses
# the app's database).
SUITE = ["--ignore=tests/browser", "--ignore=tests/test_newcomer.py"]
# How many kept tests should send each fingerprint.
TIMES = 2

# How many texts' kinds the recorder keeps at most (3,147 texts, 0.4 M characters, in tests/agenda).
_TEXTS_KEPT = 50_000
_SPACE = re.compile(r"\s+")
# The numbers SQLAlchemy gives anonymous names (`:param_1`, `anon_2`), which differ between
# two statements that are the same.
_NUMBERED = re.compile(r"_\d+\b")


def left_out() -> frozenset[str]:
    """The tests the PostgreSQL run leaves out (their node ids)."""
    if not LEFT_OUT.exists():
        return frozenset()
    lines = (line.strip() for line in LEFT_OUT.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def runs_on_postgresql(item: pytest.Item) -> bool:
    """Whether a test uses the app's database at all (a test of a pure module passes or fails
    alike on both) and is not one of the combinations of flows run on SQLite only."""
    return "app" in item.fixturenames and item.get_closest_marker("one_database") is None


def must_run(item: pytest.Item) -> bool:
    """A test the PostgreSQL run keeps whatever others send (see the module's docstring)."""
    path = item.nodeid.split("::")[0]
    return (
        path.startswith("tests/probe/")
        or path == "tests/test_setup.py"
        or item.get_closest_marker("committed") is not None
    )


def kind(value) -> str:
    """The kind of a value sent as a parameter, as far as the two databases may differ on it."""
    simple = _KINDS.get(type(value))
    if simple is not None:
        return simple
    if isinstance(value, str):
        if not value:
            return "str empty"
        marks = [
            "very long" if len(value) > 1000 else "long" if len(value) > 255 else "",
            "" if value.isascii() else "not ASCII",
            "capitals" if value != value.lower() else "",
            "NUL" if "\x00" in value else "",
        ]
        return " ".join(["str", *filter(None, marks)])
    if isinstance(value, int):  # bool is told by its type above
        return "int" if -(2**31) <= value < 2**31 else "int beyond 32 bits"
    if isinstance(value, datetime):
        return "datetime" if value.tzinfo is None else "datetime with offset"
    return type(value).__name__


# Kinds told by the type alone (the commonest first looked up).
_KINDS = {
    type(None): "None",
    bool: "bool",
    float: "float",
    date: "date",
    time: "time",
    bytes: "bytes",
    list: "list",
    tuple: "list",
}


def install(config: pytest.Config) -> None:
    """Record each test's fingerprints into the file ENVIRONMENT names, if it names one."""
    path = os.environ.get(ENVIRONMENT)
    if path:
        recorder = Recorder(Path(path))
        config.pluginmanager.register(recorder, "planner-statements")
        event.listen(Engine, "before_cursor_execute", recorder.executed)


class Recorder:
    """A pytest plugin recording, for each test, the fingerprints of what it sends."""

    def __init__(self, path: Path):
        self.path = path
        self.test: str | None = None
        self.sent: dict[str, set[tuple[str, ...]]] = {}
        # Each finished test's fingerprints, as text (no containers left for the collector).
        self.done: dict[str, list[str]] = {}
        self.seconds: Counter[str] = Counter()
        self.tests: dict[str, dict] = {}
        self._statements: dict[str, str] = {}
        self._names: dict[str, str] = {}
        # Each text parameter's kind, by its text: the same texts are sent again and again (the
        # bundled survey's rows written in some 1,900 tests, `survey` in tests/conftest.py), and
        # a text's hash is kept with it, where its kind is read anew (its length, its case).
        self._texts: dict[str, str] = {}

    # Each statement's neutral SQL, written once for each SQL the dialect wrote (the same
    # statement is sent again and again). Keyed by text, not by the compiled statement: holding
    # those would keep thousands of statements' objects alive, for the collector to go through.
    def _statement(self, compiled) -> str:
        written = compiled.string
        neutral = self._statements.get(written)
        if neutral is None:
            try:
                text = str(compiled.statement)
            except Exception:  # a construct of one dialect only: its own SQL names it
                text = written
            neutral = self._statements[written] = _NUMBERED.sub("_N", _SPACE.sub(" ", text).strip())
        return neutral

    def executed(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.test is None or context is None or context.compiled is None:
            return  # outside a test, or SQL the driver was handed as it is (a PRAGMA)
        sql = self._statement(context.compiled)
        sent = self.sent.setdefault(self.test, set())
        sent.add((sql,))
        names, texts = self._names, self._texts
        for parameters in context.compiled_parameters or ():
            for name, value in parameters.items():
                if (named := names.get(name)) is None:
                    named = names[name] = _NUMBERED.sub("_N", name)
                if type(value) is not str:
                    sent.add((sql, named, kind(value)))
                elif (known := texts.get(value)) is not None:
                    sent.add((sql, named, known))
                else:
                    if len(texts) >= _TEXTS_KEPT:
                        texts.clear()
                    sent.add((sql, named, texts.setdefault(value, kind(value))))

    def pytest_collection_modifyitems(self, items):
        for item in items:
            self.tests[item.nodeid] = {
                "postgresql": runs_on_postgresql(item),
                "must": must_run(item),
            }

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        self.test = item.nodeid

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef):
        """What a fixture of the whole run sends (the migrations, the reference data) is sent
        once on each database, whichever test comes first: it is no test's."""
        if fixturedef.scope != "session":
            return (yield)
        test, self.test = self.test, None
        try:
            return (yield)
        finally:
            self.test = test

    def pytest_runtest_logreport(self, report):
        self.seconds[report.nodeid] += report.duration
        if report.when == "teardown":
            self.test = None
            self.done[report.nodeid] = sorted(map("\t".join, self.sent.pop(report.nodeid, ())))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self):
        tests = {
            test: {
                **facts,
                "seconds": self.seconds[test],
                "sent": self.done.get(test, []),
            }
            for test, facts in self.tests.items()
            if test in self.seconds
        }
        self.path.write_text(json.dumps(tests), encoding="utf-8")


def unsent(tests: dict[str, dict], out: frozenset[str]) -> list[str]:
    """What tests left out of the PostgreSQL run send that no test it keeps does: a line for
    each fingerprint (its test, the fingerprint), and how to mend it; none if all is sent."""
    kept: set[str] = set()
    for test, facts in tests.items():
        if facts["postgresql"] and (facts["must"] or test not in out):
            kept.update(facts["sent"])
    missing: dict[str, str] = {}
    for test, facts in sorted(tests.items()):
        if facts["postgresql"] and not facts["must"] and test in out:
            for sent in facts["sent"]:
                if sent not in kept:
                    missing.setdefault(sent, test)
    if not missing:
        return []
    lines = [
        f"{test}: {sent.replace(chr(9), ' | ')[:300]}" for sent, test in sorted(missing.items())
    ]
    return [
        f"{len(missing)} statement(s) or kinds of value, sent on SQLite by tests that "
        f"{LEFT_OUT.name} leaves out of the PostgreSQL run, are sent there by no test:",
        *lines,
        "Write the list again (.venv/bin/python -m tests.statements), or take the test out of it.",
    ]


def choose(tests: dict[str, dict], times: int = TIMES) -> list[str]:
    """The tests the PostgreSQL run may leave out: all but those that must run and, greedily,
    the quickest that make each fingerprint sent `times` times (or by each test that sends
    it, where fewer do)."""
    eligible = {test: facts for test, facts in tests.items() if facts["postgresql"]}
    sent = {test: set(facts["sent"]) for test, facts in eligible.items()}
    wanted = Counter(fingerprint for each in sent.values() for fingerprint in each)
    for fingerprint in wanted:
        wanted[fingerprint] = min(wanted[fingerprint], times)
    kept = {test for test, facts in eligible.items() if facts["must"]}
    for test in kept:
        wanted.subtract(sent[test])
    rest = sorted(set(eligible) - kept)
    while True:
        gains = {test: sum(wanted[f] > 0 for f in sent[test]) for test in rest}
        best = max(rest, key=lambda test: gains[test] / (eligible[test]["seconds"] + 0.02))
        if gains[best] == 0:
            break
        kept.add(best)
        rest.remove(best)
        wanted.subtract(sent[best])
    return sorted(set(eligible) - kept)


def _recorded(*paths: Path) -> dict[str, dict]:
    tests: dict[str, dict] = {}
    for path in paths:
        tests.update(json.loads(path.read_text(encoding="utf-8")))
    return tests


def check(paths: list[Path]) -> int:
    """Whether the PostgreSQL run sends all that the runs recorded in `paths` (the whole suite
    on SQLite, in shares) send; says what it would not send."""
    missing = [path for path in paths if not path.exists()]
    if missing:
        print(f"Not recorded (a run that stopped early?): {missing}", file=sys.stderr)
        return 1
    problem = unsent(_recorded(*paths), left_out())
    for line in problem:
        print(line, file=sys.stderr)
    return 1 if problem else 0


# The shares `make test` runs the SQLite suite in (scripts/test-both-databases.sh), which the
# list is written from too: a test may send a little more or less after the tests run before
# it in its process (a statement whose value was read already), so the list is chosen from
# what the very runs the check reads send (a list written from one whole run was refused by
# the check of a fresh clone's two halves: 16 statements that two tests sent only there).
SHARES = ("1/2", "2/2")


def write() -> int:
    """Run the suite on SQLite in `make test`'s shares, at the same time, recording what each
    test sends, and write the list."""
    with tempfile.TemporaryDirectory() as folder:
        recorded = [Path(folder) / f"statements-{n}.json" for n in range(len(SHARES))]
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE],
                cwd=HERE.parent,
                env={
                    **os.environ,
                    ENVIRONMENT: str(path),
                    "PLANNER_TEST_SHARE": share,
                    "TEST_DATABASE_URL": "",
                },
            )
            for share, path in zip(SHARES, recorded, strict=True)
        ]
        failed = [code for code in (run.wait() for run in runs) if code != 0]
        if failed:
            print("The SQLite run failed: the list is not written.", file=sys.stderr)
            return failed[0]
        tests = _recorded(*recorded)
    out = choose(tests)
    eligible = [test for test, facts in tests.items() if facts["postgresql"]]
    seconds = sum(tests[test]["seconds"] for test in eligible)
    saved = sum(tests[test]["seconds"] for test in out)
    LEFT_OUT.write_text(
        "# Tests the PostgreSQL run of `make test` leaves out: each statement they send, with\n"
        "# each kind of value, is sent there by other tests (tests/statements.py says how this\n"
        "# is chosen and checked). Written by `.venv/bin/python -m tests.statements`.\n"
        + "".join(f"{test}\n" for test in out),
        encoding="utf-8",
    )
    print(
        f"{len(out)} of the {len(eligible)} tests that use the database are left out of the "
        f"PostgreSQL run ({saved:.0f} of {seconds:.0f} s on SQLite); written to {LEFT_OUT}"
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check"]:
        sys.exit(check([Path(path) for path in sys.argv[2:]]))
    sys.exit(write())
