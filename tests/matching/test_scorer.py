"""The scorer on its own: evidence decides who presents, topics and peers decide the order,
co-leads' marks override it, and nothing depends on the order of the input."""

import pytest

from planner.matching.scorer import (
    DEFAULT_WEIGHTS,
    FEATURES,
    RELEVANCE_GATE,
    Interest,
    Mark,
    Peer,
    Project,
    Scorer,
    match_offices,
)

AU = (
    "IP Australia is open to exploring use case scenarios for new technologies, applying a "
    "risk-based governance framework that enables early trial and error without needing to "
    "commit to failed concepts."
)
PL = (
    "System of automatic classification of invention and utility model applications - "
    "Autopatent was implemented in April 2021. The average accuracy reached 92%."
)
IL = "A new AI-based search tool has been provided to patent examiners."
PY = (
    "We are exploring these technologies; we need the guidance, support and cooperation of IP "
    "offices that have already implemented them."
)
ES = "In our strategic plan we have included specific projects to detect possible use cases"
PROJECTS = [
    Project("AU", 10, AU),
    Project("PL", 10, PL),
    Project("IL", 10, IL),
    Project("PY", 10, PY),
    Project("ES", 10, ES),
]


def wish(office, text, kind="discuss", context=()):
    return Interest(office, 10, ((kind, text),), tuple(context))


def ranked(matches, audience):
    return [m.presenter for m in matches if m.audience == audience]


def test_a_need_never_presents_and_a_plan_only_when_asked():
    matches = match_offices([wish("US", "AI tools")], PROJECTS)
    assert "PY" not in ranked(matches, "US") and "ES" not in ranked(matches, "US")
    with_plans = match_offices([wish("US", "AI tools")], PROJECTS, include_plans=True)
    assert "ES" in ranked(with_plans, "US") and "PY" not in ranked(with_plans, "US")
    assert next(m for m in with_plans if m.presenter == "ES").evidence == "plan"


def test_a_bare_wish_gets_a_working_project_first_not_an_echo_of_the_title():
    matches = match_offices([wish("IL", "Recommendation 10")], PROJECTS)
    top = matches[0]
    assert top.evidence == "working"
    assert top.reasons["specific"] is False and top.reasons["topics"] == []


def test_a_bare_wish_reads_the_offices_other_answers():
    context = [("low priority", "Rapid implementation of AI difficult for small offices")]
    [first, *_] = match_offices([wish("IE", "Limited resources", "challenge", context)], PROJECTS)
    assert first.reasons["read_context"] == ["low priority"]
    assert "artificial intelligence and machine learning" in first.reasons["audience_topics"]
    assert first.reasons["limited_capacity"]


def test_auto_classification_meets_ai_based_classification():
    projects = [
        Project("BR", 10, "AI-based classification of patents is in use."),
        Project("NO", 10, "Our new e-filing portal is in use."),
    ]
    [first, second] = match_offices([wish("US", "Auto classification, Search")], projects)
    assert first.presenter == "BR"
    assert [t["label"] for t in first.reasons["topics"]] == ["automated classification"]
    assert first.reasons["topic_overlap"] > second.reasons["topic_overlap"] == 0


def test_the_words_in_common_are_words_as_written_not_their_stems():
    """The page lists the words a wish and a project share beyond their topics: "accuracy",
    "average", "reached" as PL wrote them, not the stems they were compared by ("accuraci",
    "averag")."""
    [pl] = [
        m
        for m in match_offices([wish("US", "accuracy reached by the average system")], PROJECTS)
        if m.presenter == "PL"
    ]
    assert [t["term"] for t in pl.reasons["terms"]] == ["accuracy", "average", "reached"]


def test_the_governance_wish_finds_the_governance_framework_and_says_why():
    matches = match_offices(
        [wish("ES", "Rec.10, with special focus on governance and risk management")], PROJECTS
    )
    au = next(m for m in matches if m.presenter == "AU")
    assert au.reasons["topics"][0]["label"] == "governance, risk and ethics"
    il = next(m for m in matches if m.presenter == "IL")
    # Both are under way or working; governance lifts AU above the unrelated working search tool.
    assert au.relevance > il.relevance


def test_peers_rank_higher_for_an_audience_with_limited_capacity():
    # The same project from a small office and a large one: only peer fit tells them apart.
    projects = [
        Project("GM", 1, "Our workflow system is in use."),
        Project("US", 1, "Our workflow system is in use."),
    ]
    peers = {
        "PY": Peer("small", "GRULAC"),
        "GM": Peer("small", "African Group"),
        "US": Peer("large", "Group B"),
        "KG": Peer("small", "CACEEC"),
    }
    limited = Interest("PY", 1, (("challenge", "Lack of resources and time for workflows"),))
    plenty = Interest("JP", 1, (("discuss", "workflows"),))
    # As small as PY, and saying nothing of its means.
    small = Interest("KG", 1, (("discuss", "workflows"),))
    matches = match_offices([limited, plenty, small], projects, offices=peers)
    score = {(m.audience, m.presenter): m.score for m in matches}
    gm = next(m for m in matches if m.audience == "PY" and m.presenter == "GM")
    us = next(m for m in matches if m.audience == "PY" and m.presenter == "US")
    assert gm.reasons["peer_fit"]["same_size"] and not us.reasons["peer_fit"]["same_size"]
    assert gm.score > us.score
    # The peer ranks higher for the audience that asks for peers than for one that does not.
    assert score["PY", "GM"] - score["PY", "US"] > score["KG", "GM"] - score["KG", "US"]
    jp = [m for m in matches if m.audience in ("JP", "KG")]
    assert all(m.reasons["peer_fit"] is None for m in jp)


def test_marks_override_the_score_and_are_shown():
    marks = {
        ("US", "AU", 10): Mark("must_present", "They asked us", "a@b.org", "2026-12-01T10:00"),
        ("US", "PL", 10): Mark("not_useful"),
    }
    matches = match_offices([wish("US", "AI tools")], PROJECTS, marks=marks)
    assert ranked(matches, "US")[0] == "AU"
    assert "PL" not in ranked(matches, "US")
    assert matches[0].reasons["mark"]["label"] == "must present to"
    assert matches[0].score == 1.0


def test_an_office_never_meets_itself():
    matches = match_offices([wish("AU", "risk-based governance")], PROJECTS)
    assert "AU" not in ranked(matches, "AU")


def test_scores_are_weighted_means_of_features_times_the_relevance_factor():
    matches = match_offices([wish("ES", "AI search tools and their governance")], PROJECTS)
    best = max(m.relevance for m in matches)
    for m in matches:
        features = m.reasons["features"]
        assert set(features) == set(FEATURES)
        assert all(0 <= v <= 1 for v in features.values())
        expected = sum(DEFAULT_WEIGHTS.as_dict()[k] * v for k, v in features.items())
        factor = 1 - RELEVANCE_GATE + RELEVANCE_GATE * m.relevance / best
        assert m.reasons["relevance_factor"] == pytest.approx(factor, abs=1e-3)
        assert m.score == pytest.approx(expected / DEFAULT_WEIGHTS.total * factor, abs=1e-3)
    assert {m.reasons["relevance_factor"] for m in matches if m.relevance == best} == {1.0}


def test_a_wish_that_names_nothing_ranks_by_the_weighted_mean_alone():
    for m in match_offices([wish("IE", "Recommendation 10")], PROJECTS):
        assert m.relevance == 0 and m.reasons["relevance_factor"] == 1.0


def test_each_match_says_whether_any_presenter_meets_the_wish():
    """A page shows a relevance of 0 beside the first presenter as what it is: the wish names no
    topic, or no presenter meets it, so each ranks by what it has to show (helper-101)."""
    met = match_offices([wish("US", "AI search tools")], PROJECTS)
    assert met[0].relevance > 0 and {m.reasons["wish_met"] for m in met} == {True}
    assert any(m.relevance == 0 for m in met)  # met by one presenter is met for the audience
    unmet = match_offices([wish("US", "Staff training and skills")], PROJECTS)
    assert unmet[0].reasons["specific"] and {m.reasons["wish_met"] for m in unmet} == {False}
    bare = match_offices([wish("US", "Recommendation 10")], PROJECTS)
    assert {(m.reasons["specific"], m.reasons["wish_met"]) for m in bare} == {(False, False)}


def test_limit_keeps_the_best_and_says_how_many_there_were():
    matches = match_offices([wish("US", "AI tools")], PROJECTS, limit=1)
    assert len(matches) == 1 and matches[0].rank == 1 and matches[0].of == 3


def test_the_result_is_deterministic():
    interests = [wish("ES", "governance and risk"), wish("EM", "AI tools evolution")]
    first = [m.as_dict() for m in match_offices(interests, PROJECTS)]
    second = [m.as_dict() for m in match_offices(list(reversed(interests)), PROJECTS[::-1])]
    assert first == second


def test_a_challenge_is_weaker_demand_than_a_wish_to_discuss():
    [challenge, *_] = match_offices([wish("IE", "Limited resources", "challenge")], PROJECTS)
    [discuss, *_] = match_offices([wish("IE", "Limited resources")], PROJECTS)
    assert challenge.reasons["interest_weight"] == 0.5
    assert discuss.reasons["interest_weight"] == 1.0


def test_best_gives_each_office_its_best_project():
    projects = [
        Project("BR", 10, "Planned – AI search."),
        Project("BR", 10, "In use – AI classification.", "proposal", 7),
    ]
    scorer = Scorer([wish("US", "AI")], projects, include_plans=True)
    [(pair, score)] = scorer.best(10).items()
    assert pair == ("US", "BR")
    [match] = scorer.matches([10])
    assert match.score == score and match.reasons["presenter_source"] == "proposal"


def test_every_audience_lists_each_office_once_at_its_best_project_ties_to_the_code():
    """Every audience's list is read from one sort of the recommendation's scores: for each
    audience an office with two projects is listed once, at its better one; equal scores go to
    the office code; a pair ruled out, and the audience's own project, are left out."""
    projects = [
        Project("BR", 10, "Planned – AI search."),
        Project("CA", 10, IL),
        Project("BR", 10, "In use – AI classification.", "proposal", 7),
        Project("AT", 10, IL),
    ]
    interests = [wish("US", "AI"), wish("JP", "AI"), wish("CA", "AI")]
    marks = {("JP", "AT", 10): Mark("not_useful")}
    found = Scorer(interests, projects, marks=marks, include_plans=True).matches([10])
    listed = {
        audience: [
            (m.presenter, m.reasons["presenter_source"], m.rank, m.of)
            for m in found
            if m.audience == audience
        ]
        for audience in ("US", "JP", "CA")
    }
    assert listed == {
        "US": [("AT", "survey", 1, 3), ("CA", "survey", 2, 3), ("BR", "proposal", 3, 3)],
        "JP": [("CA", "survey", 1, 2), ("BR", "proposal", 2, 2)],
        "CA": [("AT", "survey", 1, 2), ("BR", "proposal", 2, 2)],
    }
    assert [m.score for m in found if m.audience == "US"] == [0.6098, 0.6098, 0.5944]


def test_matching_leaves_python_s_cycle_collector_as_it_found_it(monkeypatch):
    """The matches' reasons are built with the cycle collector held back; after, it runs again
    (even when building fails), and a process that had turned it off finds it off."""
    import gc

    assert gc.isenabled()
    assert match_offices([wish("US", "AI")], PROJECTS)
    assert gc.isenabled()
    gc.disable()
    try:
        assert match_offices([wish("US", "AI")], PROJECTS)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def failing(*args, **kwargs):
        raise RuntimeError("a match that cannot be built")

    monkeypatch.setattr(Scorer, "_match", failing)
    with pytest.raises(RuntimeError):
        match_offices([wish("US", "AI")], PROJECTS)
    assert gc.isenabled()


def test_two_matchings_at_once_keep_the_collector_held_back_until_the_last_is_done(monkeypatch):
    """A threaded server (gunicorn --threads, Flask's dev server) builds two requests' matches
    at once, and Python has one cycle collector for both: the first to finish let it run again
    while the second still built its reasons (the speed-up gone for it), and had the process
    turned it off while both ran, the first would have turned it on under it. Now it stays held
    back until the last is done, then runs again."""
    import gc
    import threading

    build = Scorer._match
    inside = {name: threading.Event() for name in ("first", "second")}
    finish = {name: threading.Event() for name in ("first", "second")}
    found: dict[str, list] = {}

    def held(*args, **kwargs):
        name = threading.current_thread().name
        if not inside[name].is_set():
            inside[name].set()
            assert finish[name].wait(60), "the test did not let the matching finish"
        return build(*args, **kwargs)

    def matching():
        found[threading.current_thread().name] = match_offices([wish("US", "AI")], PROJECTS)

    monkeypatch.setattr(Scorer, "_match", held)
    threads = {name: threading.Thread(target=matching, name=name) for name in inside}
    assert gc.isenabled()
    try:
        for name, thread in threads.items():
            thread.start()
            assert inside[name].wait(60), f"the {name} matching built no match"
        assert not gc.isenabled()
        finish["first"].set()
        threads["first"].join(60)
        assert found["first"]
        assert not gc.isenabled()  # the second is still building its matches
        finish["second"].set()
        threads["second"].join(60)
        assert found["second"]
        assert gc.isenabled()
    finally:
        for name in finish:
            finish[name].set()
        gc.enable()


@pytest.mark.parametrize("words", [("x", "y", "z"), ("the", "and", "of")])
def test_a_survey_without_words_to_compare_still_ranks(words):
    """One-letter or stop-word answers leave TF-IDF no vocabulary (scikit-learn refuses to fit
    one): nothing is similar by its words, and the ranking still stands."""
    from planner.matching.scorer import _Vectors
    from planner.matching.vocabulary import bundled

    assert _Vectors(words, bundled()).matrix.shape == (3, 0)
    interests = [Interest("AU", 10, (("discuss", words[0]),))]
    projects = [Project("BR", 10, words[1]), Project("CA", 10, words[2])]
    found = match_offices(interests, projects)
    assert [m.presenter for m in found] == ["BR", "CA"]
    assert all(m.reasons["text_similarity"] == 0.0 for m in found)


def test_no_answers_at_all_is_no_match():
    assert match_offices([], []) == []


def test_a_row_names_the_presenters_below_it_that_meet_clearly_more_of_the_wish():
    """What the matches page says beside a row ranked above more relevant presenters: not for
    a near tie, not for a marked pair (the co-lead's word ranks it), not for a wish that names
    nothing."""
    from planner.matching.scorer import Match, more_relevant_below

    def match(presenter, relevance, **reasons):
        return Match(
            "AU", presenter, 10, 0.5, relevance, 1.0, "working", {"specific": True, **reasons}
        )

    listing = [
        match("PL", 0.01),
        match("IL", 0.46),
        match("CA", 0.75),
        match("BR", 0.04),  # a near tie with PL: not clearly more
        match("EM", 0.90, mark={"verdict": "useful"}),
    ]
    found = more_relevant_below(listing)
    assert found["AU", "PL"] == ["IL", "CA", "EM"]
    assert found["AU", "IL"] == ["CA", "EM"]
    assert found["AU", "BR"] == ["EM"]
    assert ("AU", "EM") not in found
    vague = [match("PL", 0.0, specific=False), match("CA", 0.0, specific=False)]
    assert more_relevant_below(vague) == {}


def test_no_wish_at_all_is_no_row_to_normalise():
    """helper-60: a recommendation no office asks about scored no rows, and scikit-learn's
    normalize refuses an empty matrix: a 500 on a line-up reserving a slot for it."""
    from planner.matching.scorer import _Vectors
    from planner.matching.vocabulary import bundled

    vectors = _Vectors(("Recommendation 10: AI for classification", "a filing portal"), bundled())
    assert vectors.matrix.shape[1] > 0
    assert vectors.combined([]).shape == (0, vectors.matrix.shape[1])


def test_concreteness_counts_most_where_the_project_meets_the_wish():
    """Named systems say a project can be shown; they say it is worth showing to this audience
    only as far as the project meets what the audience asked for. An audience that names
    nothing values concreteness as such."""
    named = [
        Project("FI", 5, "Our bulk data service uses ST.96 and runs in the ACME Publisher system."),
        Project("NO", 5, "Our OCR pipeline uses ST.36 and runs in the ACME Scanner system."),
    ]
    asking = match_offices([Interest("US", 5, (("discuss", "open data and bulk data"),))], named)
    features = {m.presenter: m.reasons["features"] for m in asking}
    assert features["FI"]["concrete"] == features["NO"]["concrete"] > 0
    assert features["FI"]["relevant_concrete"] == features["FI"]["concrete"]
    assert features["NO"]["relevant_concrete"] < features["FI"]["relevant_concrete"]
    bare = match_offices([Interest("US", 5, (("discuss", "Recommendation 5"),))], named)
    for m in bare:
        assert m.reasons["features"]["relevant_concrete"] == m.reasons["features"]["concrete"]


def test_an_office_named_inside_another_offices_name_is_not_named():
    """A survey brings the United Kingdom's office, stored as WIPO lists it: "Intellectual
    Property Office (IPO)". Canada's work on its own "Canadian Intellectual Property Office"
    names Canada, not the UK; yet for the UK it scored 0 and ranked last, "no news to GB: CA's
    work names GB itself", as did Ireland's. A text names the office whose whole name it
    writes there."""
    from planner.matching.evidence import names_of

    offices = {
        code: Peer(names=names_of(name))
        for code, name in (
            ("GB", "Intellectual Property Office (IPO)"),
            ("CA", "Canadian Intellectual Property Office (CIPO)"),
            ("IE", "Intellectual Property Office of Ireland (IPOI)"),
            ("EP", "European Patent Office (EPO)"),
        )
    }
    projects = [
        Project("CA", 10, "The Canadian Intellectual Property Office has AI search in use."),
        Project("IE", 10, "The Intellectual Property Office of Ireland has AI search in use."),
        Project("PL", 10, "AI search, with the European Patent Office, is in use."),
    ]
    matches = match_offices(
        [wish("GB", "AI search"), wish("EP", "AI search")], projects, offices=offices
    )
    uk = {m.presenter: m for m in matches if m.audience == "GB"}
    assert all(m.score > 0 and m.reasons["names_audience"] is None for m in uk.values())
    europe = {m.presenter: m for m in matches if m.audience == "EP"}
    assert europe["PL"].score == 0
    assert europe["PL"].reasons["names_audience"] == (
        "AI search, with the European Patent Office, is in use"
    )


def test_an_acronym_several_offices_share_names_none_of_them():
    """A survey brings Portugal's "Instituto Nacional da Propriedade Industrial (INPI)" beside
    Brazil's "National Institute of Industrial Property (INPI)". Brazil's "INPI Brazil has AI
    search in use" speaks of Brazil itself, yet it scored 0 for Portugal, "no news to PT: BR's
    work names PT itself". A name that is more than one office's names none of them."""
    from planner.matching.evidence import names_of

    offices = {
        "BR": Peer(names=names_of("National Institute of Industrial Property (INPI)")),
        "PT": Peer(names=names_of("Instituto Nacional da Propriedade Industrial (INPI)")),
    }
    projects = [Project("BR", 10, "INPI Brazil has AI search in use.")]
    matches = match_offices([wish("PT", "AI search")], projects, offices=offices)
    assert matches[0].score > 0 and matches[0].reasons["names_audience"] is None
