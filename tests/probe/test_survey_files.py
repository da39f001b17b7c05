"""Survey files as a spreadsheet or a script might write them, changed cell by cell with awkward
values (formulas, quotes, control characters, dates for lines, another separator, line ending
or encoding), imported through POST /api/v1/surveys by a co-lead: no answer is a server error,
a refusal says why and stores nothing, and a survey stored is the one its own export imports
again, unchanged."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.survey.tabular import CSV_COLUMNS
from tests.probe.support import NASTY_TEXT, PROBE, check_answer, row_counts

# The columns the import reads, as the app names them (a file may hold them in any order).
COLUMNS = list(CSV_COLUMNS)
ROW = {
    "survey": "Pilot",
    "office": "AU",
    "office_name": "IP Australia",
    "time_zone": "Australia/Sydney",
    "question": "focus",
    "recommendation": "10",
    "text": "AI search in production",
    "lines": "3-4",
    "basis": "",
    "answered_from": "2025-05-01",
    "answered_until": "2025-06-01",
}
CELLS = st.one_of(
    st.sampled_from(
        [
            *NASTY_TEXT,
            '=HYPERLINK("https://example.org","x")',
            "'=1+1",
            "@SUM(A1)",
            "+1",
            '"',
            'a "quoted" word',
            "\ufeff",
            "a\rb",
            "2-Mar",
            "10-1",
            "discuss",
            "pe",
            "PEE",
            "2025-02-30",
            "\u200b",
        ]
    ),
    st.text(max_size=12),
)


@st.composite
def survey_files(draw) -> bytes:
    header = draw(st.permutations(COLUMNS))
    rows = []
    for number in range(draw(st.integers(1, 4))):
        row = {**ROW, "recommendation": str(number + 1)}
        for name in COLUMNS:
            if draw(st.integers(0, 6)) == 6:  # the rest as a spreadsheet wrote them
                row[name] = draw(CELLS)
        rows.append([row[name] for name in header])
    out = io.StringIO()
    separator = draw(st.sampled_from([",", ";", "\t"]))
    # Excel's own: every cell holding a line break, a separator or a quote is quoted.
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue().replace("\r\n", draw(st.sampled_from(["\r\n", "\n"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding, "surrogatepass")


def _import(client, data: bytes, name: str, **fields):
    body = {"file": (io.BytesIO(data), name), **fields}
    return client.post("/api/v1/surveys", data=body, content_type="multipart/form-data")


def test_survey_files_as_a_colead(colead_client, survey):
    @settings(PROBE, max_examples=80)
    @given(data=survey_files(), label=st.sampled_from([None, "Pilot label", "CWS/13/26"]))
    def probe(data, label):
        before = row_counts()
        response = _import(colead_client, data, "pilot.csv", **({"label": label} if label else {}))
        check_answer(response, before, f"import {data[:200]!r} label={label!r}")
        if response.status_code not in (200, 201):
            return
        slug = response.get_json()["survey"]["slug"]
        for form in ("csv", "json"):
            exported = colead_client.get(f"/surveys/{slug}/survey.{form}")
            assert exported.status_code == 200, slug
            again = _import(colead_client, exported.data, f"export.{form}")
            assert again.status_code == 200, again.get_json()
            assert again.get_json()["status"] == "unchanged", (form, again.get_json())
        if slug != "CWS-13-26":
            assert colead_client.delete(f"/api/v1/surveys/{slug}").status_code == 200

    probe()
