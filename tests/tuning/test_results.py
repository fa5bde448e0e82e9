"""Search results: short reprs, a notebook table, rounds numbered from 1 for people."""

from __future__ import annotations

from trainwell.tuning import LogUniform, SearchResult, SyntheticObjective, random_search

SPACE = {"learning_rate": LogUniform(1e-4, 1.0)}


def result():
    objective = SyntheticObjective({"learning_rate": 0.01}, noise=0.05, epochs=9)
    return random_search(objective, SPACE, 20, random_state=0, rounds=2, pruner="asha")


def test_repr_is_one_short_line():
    r = result()
    text = repr(r)
    assert "\n" not in text and len(text) < 120
    assert text.startswith("SearchResult(40 trials, 2 rounds, 0 failed, ")
    assert "pruned" in text


def test_repr_html_is_a_table_of_the_best_trials():
    r = result()
    html = r._repr_html_()
    assert html.count("<tr>") == 1 + 10 and "... 30 more trials" in html
    assert "<th>learning_rate</th>" in html and "&lt;" not in repr(r)


def test_the_table_numbers_rounds_from_1_and_round_trips_to_json():
    r = result()
    rounds = {line.split()[1] for line in r.format_table().splitlines()[1:] if line[:1] != " "}
    assert rounds <= {"1", "2"}
    back = SearchResult.from_dict(r.to_dict())
    assert [t.to_dict() for t in back.trials] == [t.to_dict() for t in r.trials]
    assert back.rounds[1].box == r.rounds[1].box
