"""The choice of the tests the PostgreSQL run leaves out (tests/statements.py), and its check."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from sqlalchemy import Column, MetaData, String, Table, create_engine, event, insert

from tests.statements import Recorder, choose, kind, unsent


def _test(sent, seconds=0.1, must=False, postgresql=True):
    return {"postgresql": postgresql, "must": must, "seconds": seconds, "sent": sorted(sent)}


def test_kinds_are_what_the_two_databases_may_differ_on():
    assert kind(None) == "None"
    assert kind(True) == "bool"
    assert kind(7) == "int"
    assert kind(2**31) == "int beyond 32 bits"
    assert kind("") == "str empty"
    assert kind("ordinary words") == "str"
    assert kind("Names") == "str capitals"
    assert kind("é" * 300) == "str long not ASCII"
    assert kind("x" * 1001 + "\x00") == "str very long NUL"
    assert kind(datetime(2027, 3, 1)) == "datetime"
    assert kind(datetime(2027, 3, 1, tzinfo=UTC)) == "datetime with offset"
    assert kind(date(2027, 3, 1)) == "date"
    assert kind(b"%PDF") == "bytes"


def test_each_fingerprint_is_kept_twice_by_the_quickest_tests():
    tests = {
        "slow": _test({"a", "b"}, seconds=5),
        "quick a": _test({"a"}),
        "quick b": _test({"b"}),
        "quick ab": _test({"a", "b"}),
        "lone": _test({"c"}, seconds=9),
    }
    out = choose(tests)
    # "a" and "b" twice by the three quick ones; "c" only by the one test that sends it.
    assert out == ["slow"]
    assert unsent(tests, frozenset(out)) == []


def test_tests_that_must_run_and_pure_ones_are_never_listed():
    tests = {
        "probe": _test({"a"}, must=True, seconds=9),
        "same": _test({"a"}),
        "twin": _test({"a"}, seconds=1),
        "pure": _test(set(), postgresql=False),
    }
    # "a" twice: the probe, which runs whatever, and the quicker of the two others.
    assert choose(tests) == ["twin"]


def test_the_check_names_what_only_a_test_left_out_sends():
    tests = {"kept": _test({"a"}), "left out": _test({"a", "b\tname\tstr capitals"})}
    problem = unsent(tests, frozenset({"left out"}))
    assert problem[0].startswith("1 statement(s)")
    assert problem[1] == "left out: b | name | str capitals"
    assert "python -m tests.statements" in problem[-1]
    assert unsent(tests, frozenset()) == []


def test_a_text_sent_again_is_recorded_as_the_kind_it_is_in_every_test(tmp_path):
    """The recorder reads a text's kind once and keeps it by the text: the same texts in
    another test, in another order, with others beside them, are each their own kind."""
    recorder = Recorder(tmp_path / "sent.json")
    engine = create_engine("sqlite://")
    event.listen(engine, "before_cursor_execute", recorder.executed)
    table = Table("offices", MetaData(), Column("name", String))
    table.create(engine)
    sent = {
        "first": ["Names", "names"],
        "second": ["names", "", "Names", "é" * 300],
        "third": ["Names", "names"],
    }
    with engine.begin() as connection:
        for test, names in sent.items():
            recorder.test = test
            connection.execute(insert(table), [{"name": name} for name in names])
            report = SimpleNamespace(nodeid=test, when="teardown", duration=0.0)
            recorder.pytest_runtest_logreport(report)
    kinds = {
        test: {line.split("\t")[2] for line in lines if line.count("\t") == 2}
        for test, lines in recorder.done.items()
    }
    assert kinds == {
        "first": {"str capitals", "str"},
        "second": {"str", "str empty", "str capitals", "str long not ASCII"},
        "third": {"str capitals", "str"},
    }
