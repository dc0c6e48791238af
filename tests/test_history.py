"""The record of what the half-year reports printed (`hso_eval.history`), and what it changes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_report import _thinned

from hso_eval import history as hist
from hso_eval import indicators as ind
from hso_eval.errors import RunError

PAGE = {
    ("indikator", "participations", "period", "total", ""): 12,
    ("närvaro", "HSO-2024-001"): None,
}


def test_a_page_printed_twice_is_recorded_once_and_read_back(tmp_path):
    """The record holds what the page printed, once however often the period is run."""
    first = hist.write(tmp_path, "2024H1", PAGE)
    again = hist.write(tmp_path, "2024H1", dict(reversed(list(PAGE.items()))))
    assert first == again and first.parent == tmp_path / "2024H1"
    assert len(list(tmp_path.rglob("*.json"))) == 1
    history = hist.load(tmp_path)
    assert history.of("2024H1") == (PAGE,)
    assert history.of("2024H2") == ()


def test_no_folder_is_an_empty_history(tmp_path):
    """The first report of all: nothing has been printed."""
    assert hist.load(tmp_path / "publicerat") == hist.EMPTY
    assert hist.EMPTY.digest == ""


@pytest.mark.parametrize(
    "body", ["{", '{"period": "2024H1"}', '{"period": "2024H1", "tal": [[["x"], 1.5]]}']
)
def test_a_record_that_cannot_be_read_stops_the_run_in_swedish(tmp_path, body):
    """Skipping a damaged record would decide the next report as if that page had never been
    printed: the run stops, naming the file and saying what to do."""
    path = tmp_path / "2024H1" / "trasig.json"
    path.parent.mkdir()
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RunError) as caught:
        hist.load(tmp_path)
    message = str(caught.value)
    assert "trasig.json" in message and "går inte att läsa" in message
    assert "Återställ filen" in message


def test_only_the_earlier_periods_records_are_a_change_for_a_period(tmp_path):
    """What decides H2 besides its data: H1's records; its own it prints again as they are,
    and a later period's do not concern it."""
    hist.write(tmp_path, "2024H2", PAGE)
    hist.write(tmp_path, "2025H1", PAGE)
    before = hist.load(tmp_path).before("2024H2")
    hist.write(tmp_path, "2024H2", {**PAGE, ("närvaro", "HSO-2024-002"): 3})
    assert hist.load(tmp_path).before("2024H2") == before
    hist.write(tmp_path, "2024H1", PAGE)
    assert hist.load(tmp_path).before("2024H2") != before


def _record(*pages: tuple[str, dict]) -> hist.History:
    grouped: dict[str, tuple] = {}
    for period, page in pages:
        grouped[period] = (*grouped.get(period, ()), page)
    return hist.History(grouped, {p: repr(sorted(v[0].items())) for p, v in grouped.items()})


def _pages_equal(a: ind.Published, b: ind.Published) -> None:
    assert a.indicators["display"].tolist() == b.indicators["display"].tolist()
    assert a.attendance.display.equals(b.attendance.display)
    assert a.crosstab.display().equals(b.crosstab.display())
    assert a.printed == b.printed


def test_a_record_that_still_holds_changes_no_page():
    """Nothing changed since H1 went out: H1 run again and H2 print exactly what they would
    without a record (the record hides nothing more than the data needs)."""
    h2 = _thinned("2024H2", 0, 0.3)
    h1 = SimpleNamespace(**{**vars(h2), "period": h2.period.previous()})
    args = (h2.activities, h2.participations, h2.project)
    first = ind.publish(*args, h1.period)
    assert any(v is None for v in first.printed.values())  # something hidden
    record = _record(("2024H1", first.printed))
    _pages_equal(ind.publish(*args, h1.period, history=record), first)
    _pages_equal(ind.publish(*args, h2.period, history=record), ind.publish(*args, h2.period))


def test_what_an_earlier_version_printed_is_printed_again():
    """A report run again after a late list: every number its first version printed that
    still holds is printed again, also where the page without the record would hide it (the
    reader has it: hiding it hides nothing, and a page decided as if it were hidden could give
    a count away that the reader can work out with it)."""
    h1 = _thinned("2024H1", 0, 0.3)
    args = (h1.activities, h1.participations, h1.project, h1.period)
    without = h1.participations["activity_id"] != "HSO-2024-006"
    old = ind.publish(*args[:1], h1.participations[without], *args[2:]).printed
    truth = ind.publish(*args, min_cell=1).printed  # nothing hidden
    fresh = ind.publish(*args).printed
    new = ind.publish(*args, history=_record(("2024H1", old))).printed
    holds = [k for k, v in old.items() if v is not None and truth.get(k) == v]
    assert len(holds) > 50 and len(holds) < sum(v is not None for v in old.values())
    assert [k for k in holds if fresh[k] is None]  # where the record matters
    assert all(new[k] == old[k] for k in holds)


def test_notebooks_decide_with_the_records_as_their_run_read_them(tmp_path):
    """A run's notebooks read the records from the run's own snapshot, not from the folder:
    a record another run writes meanwhile would make the page and its record differ."""
    import yaml
    from conftest import write_params

    from hso_eval.context import load_period

    params = yaml.safe_load(write_params(tmp_path, "2024H1").read_text(encoding="utf-8"))
    data = load_period(**params)
    cache = data.clean.save(tmp_path / "cache")
    hist.save_snapshot(hist.EMPTY, cache / hist.SNAPSHOT)
    hist.write(tmp_path / "reports" / hist.FOLDER, "2024H1", PAGE)  # another run, meanwhile
    assert load_period(clean_cache=str(cache), **params).history == hist.EMPTY
    assert load_period(**params).history.of("2024H1") == (PAGE,)  # by hand: the folder
    snapshot = hist.load(tmp_path / "reports" / hist.FOLDER)
    hist.save_snapshot(snapshot, cache / hist.SNAPSHOT)
    assert load_period(clean_cache=str(cache), **params).history == snapshot


def test_a_chart_row_with_its_total_hidden_is_recorded_as_not_printed():
    """The gender chart draws no bar for a work package whose total is hidden, so none of its
    cells is printed: the record says so (a reader cannot know them)."""
    h2 = _thinned("2024H2", 0, 0.2)
    page = ind.publish(h2.activities, h2.participations, h2.project, h2.period)
    rows = page.crosstab.row_hidden
    assert rows.any() and not rows.all()
    # Some cell of a hidden row is not hidden itself: only the missing bar keeps it unprinted.
    assert not page.crosstab.hidden[rows.to_numpy()].to_numpy().all()
    for wp, hidden in rows.items():
        cells = {k: v for k, v in page.printed.items() if k[:2] == ("kön per arbetspaket", wp)}
        assert cells
        if hidden:
            assert all(v is None for v in cells.values()), wp
