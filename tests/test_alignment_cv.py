"""The leave-one-event-out search of the candidate tier's settings, on a tiny grid."""

from __future__ import annotations

import numpy as np
import pytest

from framing.lab.alignment_cv import Signals, leave_one_event_out
from framing.lab.eval_alignment import GoldPair


def signals(event: str, z: list[list[float]], expected: set[tuple[int, int]]) -> Signals:
    pair = GoldPair(event, event, np.array(z), expected, same_event=True)
    flat = np.zeros_like(pair.z)  # no clause lift, no word signal: the candidate score is z
    return Signals(pair, event, flat, flat)


def two_events() -> tuple[list[Signals], dict[str, tuple[float, ...]]]:
    """Event A's true candidate scores 4.2 (wants the low bar); event B has a false one at
    4.3 and a true one at 4.8 (wants the high bar). Z of 7: a confident link each."""
    a = signals("g:10", [[7, 0], [0, 4.2]], {(0, 0), (1, 1)})
    b = signals("g:11", [[7, 0, 0], [0, 4.3, 0], [0, 0, 4.8]], {(0, 0), (2, 2)})
    grid = {
        "clause_offset": (1.0,),
        "token_weight": (0.0,),
        "candidate_mutual_z": (99.0,),
        "candidate_z": (4.0, 4.5),
    }
    return [a, b], grid


def test_each_event_is_scored_with_the_setting_chosen_on_the_others() -> None:
    found = leave_one_event_out(*two_events())
    chosen = {fold["held_out"]: fold["settings"]["candidate_z"] for fold in found["folds"]}
    assert chosen == {"g:10": 4.5, "g:11": 4.0}  # each from the other event
    # A held out at 4.5: its candidate is lost (tp 1, fn 1); B at 4.0: a false one (tp 2, fp 1)
    assert {k: found["held_out"][k] for k in ("tp", "fp", "fn")} == {"tp": 3, "fp": 1, "fn": 1}
    assert found["held_out"]["f1"] == 0.75
    # In sample the low bar wins on both together (tp 4, fp 1): what held-out hides
    assert found["in_sample"][0]["candidate_z"] == 4.0 and found["in_sample"][0]["f1"] == 0.889
    assert found["held_out_confident_precision"] == 1.0


def test_real_gold_events_come_from_the_grouping_gold() -> None:
    """Folds follow tests/gold/real_events.yaml, not the names' first digits: 303 (the West's
    statements, 19 Feb), 305 (no swap deal, 27 Feb) and 308 (the Bundeswehr call, 4 Mar)
    share "30" and are three events; the seed gold stays one event."""
    from framing.lab.alignment_cv import article_events, event_of

    events = article_events()
    real = {
        name: event_of("real", GoldPair(name, "x", np.zeros((1, 1)), set(), True), events)
        for name in ("101", "108", "303", "305", "308", "313", "316", "318")
    }
    assert real["101"] == real["108"] == "real:peskov_denies_trump_putin_call_2024-11-11"
    assert len({real[n] for n in ("303", "305", "308")}) == 3
    assert len({real[n] for n in ("313", "316", "318")}) == 3
    assert event_of("seed", GoldPair("001", "002", np.zeros((1, 1)), set(), True)) == "seed:00"


def test_a_constraint_limits_every_fold_to_the_points_it_keeps() -> None:
    # The events above, with a target only the high bar holds (no false pair shown
    # anywhere): both folds now choose 4.5, and the in-sample list holds only it.
    events, grid = two_events()

    def no_false_pair(row: list[dict[str, dict[str, int]]]) -> bool:
        return all(pair["shown"]["fp"] == 0 for pair in row)

    found = leave_one_event_out(events, grid, keep=no_false_pair)
    assert {fold["settings"]["candidate_z"] for fold in found["folds"]} == {4.5}
    assert [row["candidate_z"] for row in found["in_sample"]] == [4.5]
    # A held out loses its candidate (tp 1, fn 1), B keeps both (tp 2): no false pair.
    assert {k: found["held_out"][k] for k in ("tp", "fp", "fn")} == {"tp": 3, "fp": 0, "fn": 1}
    with pytest.raises(ValueError, match="no grid point"):
        leave_one_event_out(events, grid, keep=lambda row: False)


def test_f_beta_weighs_recall_as_asked() -> None:
    from framing.lab.alignment_cv import f_beta

    counts = {"tp": 2, "fp": 3, "fn": 0}
    assert f_beta(counts) == 0.571  # F1: 4 / 7
    assert f_beta(counts, 2.0) == 0.769  # F2: 10 / 13
    assert f_beta({"tp": 0, "fp": 0, "fn": 0}, 2.0) == 1.0


def test_the_folds_choose_by_f_beta() -> None:
    # Two like events: the low bar finds one more true candidate and three false ones.
    # F1 keeps the high bar; F2 (recall four times precision) takes the low one.
    def event(name: str) -> Signals:
        z = np.zeros((5, 5))
        z[0, 0], z[1, 1] = 7.0, 4.2
        z[2, 2] = z[3, 3] = z[4, 4] = 4.3
        return signals(name, z.tolist(), {(0, 0), (1, 1)})

    grid = {
        "clause_offset": (1.0,),
        "token_weight": (0.0,),
        "candidate_mutual_z": (99.0,),
        "candidate_z": (4.5, 4.0),
    }
    events = [event("g:20"), event("g:21")]
    chosen = leave_one_event_out(events, grid)["folds"]
    assert {fold["settings"]["candidate_z"] for fold in chosen} == {4.5}
    found = leave_one_event_out(events, grid, beta=2.0)
    assert {fold["settings"]["candidate_z"] for fold in found["folds"]} == {4.0}
    assert found["held_out"]["recall"] == 1.0 and found["held_out"]["f_beta"] == 0.769
    assert found["in_sample"][0]["candidate_z"] == 4.0


def test_the_decision_grid_adds_the_named_rules_only() -> None:
    from framing.lab.alignment_cv import RULES, decision_grid

    plain = decision_grid()
    assert not set(RULES) & set(plain)
    with_near = decision_grid(["candidate_near_z"])
    assert with_near["candidate_near_z"] == RULES["candidate_near_z"]
    assert 99.0 in with_near["candidate_near_z"]  # the rule off is a grid point
    with pytest.raises(ValueError, match="unknown rules"):
        decision_grid(["candidate_anything"])


def test_strip_offset_is_a_score_setting_the_folds_can_choose() -> None:
    """The reported contents' scores (Signals.stripped) reach the candidate score through
    strip_offset, a grid value like a rule's (99: off): event A's true candidate is lifted
    over the bar only by its stripped score."""
    from framing.lab.alignment_cv import RULES, decision_grid

    assert decision_grid(["strip_offset"])["strip_offset"] == RULES["strip_offset"]
    pair = GoldPair("g:10", "g:10", np.array([[7.0, 0], [0, 3.0]]), {(0, 0), (1, 1)}, True)
    flat = np.zeros_like(pair.z)
    stripped = np.array([[-np.inf, -np.inf], [-np.inf, 5.0]])
    grid = {
        "clause_offset": (99.0,),
        "token_weight": (0.0,),
        "candidate_mutual_z": (99.0,),
        "candidate_z": (4.5,),
        "strip_offset": (0.5, 99.0),
    }
    found = leave_one_event_out([Signals(pair, "g:10", flat, flat, None, stripped)], grid)
    by_offset = {row["strip_offset"]: row["recall"] for row in found["in_sample"]}
    assert by_offset == {0.5: 1.0, 99.0: 0.5}


def test_merge_member_z_and_word_length_ratio_are_settings_the_folds_can_choose() -> None:
    """Both session-16 settings reach the candidate score through the grid: a false
    candidate lifted only by its merge (a claimless member at z 0.5) or only by its word
    score (a short sentence's words contained in a long one) falls under the bar when the
    setting is on, and stays over it when off."""
    from framing.alignment.pair_scores import Merges, WordMatches
    from framing.lab.alignment_cv import RULES, decision_grid

    grid = decision_grid(["merge_member_z", "word_length_ratio"])
    assert grid["merge_member_z"] == RULES["merge_member_z"] and -99.0 in grid["merge_member_z"]
    assert 99.0 in grid["word_length_ratio"]
    # a's 0 (a dateline, z 0.5 alone) and a's 1 (the claim, 7 against b's 0, a confident
    # link) merge at 7.1 against b's 0; b's 1 is a's 2's true counterpart at 4.8
    pair = GoldPair(
        "g:10", "g:10", np.array([[0.5, 0], [7.0, 0], [0, 4.8]]), {(1, 0), (2, 1)}, True
    )
    merges = Merges([(0, 2)], np.array([[7.1, 0.0]]), [], np.zeros((3, 0)))
    flat = np.zeros_like(pair.z)
    base = {
        "clause_offset": (99.0,),
        "token_weight": (0.0,),
        "merge_margin": (0.0,),
        "merge_offset": (0.5,),
        "candidate_mutual_z": (99.0,),
        "candidate_z": (4.5,),
    }
    found = leave_one_event_out(
        [Signals(pair, "g:10", flat, flat, merges)], {**base, "merge_member_z": (-99.0, 1.0)}
    )
    rows = found["in_sample"]
    by_floor = {row["merge_member_z"]: (row["precision"], row["recall"]) for row in rows}
    assert by_floor == {-99.0: (0.667, 1.0), 1.0: (1.0, 1.0)}
    # the word score: a's 0 (3 words) all inside b's 1 (12 words) in one direction only
    # (a's 2 and b's 1, the true pair, of like lengths: 0.8 both ways)
    matches = WordMatches(
        np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 0.8]]),
        np.array([[0.0, 0.25], [0.0, 0.0], [0.0, 0.8]]),
        np.array([3, 10, 10]),
        np.array([10, 12]),
    )
    words = matches.score()  # the larger direction, as the signals are taken
    signal = Signals(pair, "g:10", flat, words, None, None, matches)
    lifted = {**base, "token_weight": (10.0,), "merge_offset": (99.0,), "candidate_z": (5.5,)}
    found = leave_one_event_out([signal], {**lifted, "word_length_ratio": (3.0, 99.0)})
    rows = found["in_sample"]
    by_ratio = {row["word_length_ratio"]: (row["precision"], row["recall"]) for row in rows}
    assert by_ratio == {99.0: (0.667, 1.0), 3.0: (1.0, 1.0)}


def test_the_pool_holds_the_fresh_gold_as_four_more_events() -> None:
    """Session 16: the CV pool is a list of gold sets, and the fresh gold of 2023 is one of
    them, its folds the events of fresh_events.yaml: 18 events in all (the seeds one, the
    real dev gold 13, the fresh gold 4)."""
    import yaml

    from framing.lab.alignment_cv import gold_folders

    sets = {gold.name: gold for gold in gold_folders()}
    assert sets["fresh"].gold.name == "fresh_alignment.yaml"
    assert [f.name for f in sets["fresh"].folders] == ["fresh_alignment_articles"]
    events: dict[str, set[str]] = {}
    for gold in sets.values():
        for p in yaml.safe_load(gold.gold.read_text("utf-8"))["pairs"]:
            pair = GoldPair(p["a"], p["b"], np.zeros((1, 1)), set(), True)
            events.setdefault(gold.name, set()).add(gold.event_of(pair))
    assert events["fresh"] == {
        "fresh:peskov_icc_warrant_calm_2023-03-20",
        "fresh:peskov_prigozhin_absolute_lie_2023-08-25",
        "fresh:peskov_icc_warrant_void_2023-03-17",
        "fresh:peskov_kakhovka_sabotage_2023-06-06",
    }
    assert events["seed"] == {"seed:00"}
    assert len(events["real"]) == 13
    assert sum(len(names) for names in events.values()) == 18


def pivot_event() -> tuple[object, dict[str, float]]:
    """One pair (a confident link at z 7, a true counterpart at z 5.2 under the 6.0 bars)
    whose word score lifts the counterpart over the bars at token_weight 1.5, not at 0."""
    from framing.alignment.align import align, alignment_settings
    from framing.lab.alignment_pivot import Event, Parts

    z = np.array([[7.0, 0.0, 0.0], [0.0, 5.2, 0.0], [0.0, 0.0, 0.0]])
    words = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    pair = GoldPair("a", "b", z, {(0, 0), (1, 1)}, True, None, z)
    event = Event("g", [pair], {("a", "b"): pair}, {"a": ["a", "b"], "b": ["a", "b"]})
    event.parts[("a", "b")] = Parts(words, None)
    bars = {"candidate_mutual_z": 6.0, "candidate_z": 6.0, "pivot_z": 99.0, "pivot_legs": 0.0}
    assert align(z, alignment_settings(**bars), True, None, z).shown_pairs() == {(0, 0)}
    return event, bars


def test_the_pivot_cv_remakes_the_candidate_score_from_its_parts() -> None:
    from framing.lab.alignment_pivot import _direct

    event, bars = pivot_event()
    off = _direct(event, {**bars, "token_weight": 0.0})[("a", "b")]
    on = _direct(event, {**bars, "token_weight": 1.5})[("a", "b")]
    assert off.shown_pairs() == {(0, 0)}
    assert on.shown_pairs() == {(0, 0), (1, 1)}  # 5.2 + 1.5 * its standardised word score
    assert _direct(event, bars)[("a", "b")].shown_pairs() == {(0, 0)}  # no score setting


def test_the_pivot_cv_reports_the_shipped_point_beside_each_fold() -> None:
    from framing.lab.alignment_pivot import BRIEFING, Row, cv

    def counts(tp: float, fp: float, fn: float) -> dict[str, dict[str, float]]:
        return {"shown": {"tp": tp, "fp": fp, "fn": fn}, "confident": {"tp": 1, "fp": 0, "fn": 0}}

    points = [{"candidate_z": 6.0}, {"candidate_z": 5.0}]
    rows = [
        Row("seed", *BRIEFING, "seed:00", 0, [counts(8, 1, 1), counts(8, 1, 1)]),
        Row("real", "101", "102", "real:x", 0, [counts(1, 0, 2), counts(3, 1, 0)]),
        Row("fresh", "501", "502", "fresh:y", 0, [counts(1, 0, 2), counts(3, 1, 0)]),
    ]
    found = cv(rows, points, shipped={"candidate_z": 6.0})
    fresh = [fold for fold in found["folds"] if fold["held_out"] == "fresh:y"][0]
    assert fresh["point"] == {"candidate_z": 5.0}  # chosen on the others: recall wins F2
    assert (fresh["tp"], fresh["shipped"]["tp"]) == (3, 1)
    assert found["shipped"]["by_gold"]["fresh"]["tp"] == 1
    assert found["held_out_by_gold"]["fresh"]["tp"] == 3
    assert found["shipped"]["briefing_kept"]


def test_the_pivot_cv_aligns_through_a_restatement_when_its_point_says_so() -> None:
    """``_direct`` gives each pair its restatements (the pair's within-article scores,
    ``GoldPair.inner``) at the point's restate settings; the restatement grid starts off."""
    from framing.lab.alignment_pivot import RESTATE_OFF, Event, _direct, restate_points

    z = np.array([[7.0, 0.0], [4.0, 0.0]])  # A 1 restates A 0 (within-article z 6): 4.0 to B 0
    inner = (np.array([[10.0, 6.0], [6.0, 10.0]]), np.eye(2) * 10.0)
    pair = GoldPair("a", "b", z, {(0, 0), (1, 0)}, True, None, z, inner)
    event = Event("g", [pair], {("a", "b"): pair}, {"a": ["a", "b"], "b": ["a", "b"]})
    on = {"restate_z": 3.5, "restate_inner_z": 5.0, "restate_legs": 0.0}
    assert _direct(event, on)[("a", "b")].shown_pairs() == {(0, 0), (1, 0)}
    assert _direct(event, {**on, "restate_inner_z": 6.5})[("a", "b")].shown_pairs() == {(0, 0)}
    assert _direct(event, RESTATE_OFF)[("a", "b")].shown_pairs() == {(0, 0)}
    assert restate_points()[0] == RESTATE_OFF and RESTATE_OFF["restate_z"] >= 50


def _event(gold: str, a: str, b: str, second: float):
    from framing.lab.alignment_pivot import Event

    z = np.array([[7.0, 0.0, 0.0], [0.0, second, 0.0], [0.0, 0.0, 0.0]])
    pair = GoldPair(a, b, z, {(0, 0), (1, 1)}, True, None, z)
    return Event(gold, [pair], {(a, b): pair}, {a: [a, b], b: [a, b]})


def test_the_pivot_cv_searches_a_rule_against_it_at_its_shipped_value() -> None:
    """``python -m framing.lab.alignment_pivot cv --rule R``: R's values join the grid, and
    the baseline is the same CV with R at its shipped value; a rule whose score the pivot's
    CV cannot re-make from a pair's parts is refused by name (it used to end in a KeyError)."""
    from framing.lab.alignment_cv import RULES
    from framing.lab.alignment_pivot import main, pivot_cv, searchable_rules, shipped_point

    # the seed briefing must reach its targets at some point for any point to be allowed
    data = [_event("seed", "001", "002", 8.0), _event("real", "101", "102", 5.2),
            _event("fresh", "201", "202", 5.2)]  # fmt: skip
    rule = "candidate_second_z"
    found = pivot_cv(data, rule_names=[rule])
    values = RULES[rule]
    assert found["with_pivot"]["points"] == len(values) * found["rule_off"]["points"]
    for fold in found["rule_off"]["folds"]:
        assert fold["point"][rule] == shipped_point()[rule]
    assert {"strip_offset", "word_length_ratio"}.isdisjoint(searchable_rules())
    assert "candidate_neighbour_bonus" in searchable_rules()
    with pytest.raises(ValueError, match=r"cannot search \['strip_offset'\]"):
        pivot_cv(data, rule_names=["strip_offset"])
    with pytest.raises(SystemExit) as refused:  # before the gold is loaded
        main(["cv", "--rule", "word_length_ratio"])
    assert refused.value.code == 2
