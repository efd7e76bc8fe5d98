"""The browser direct-load report (tests/browser_direct.py) and the shared caches' garbage-collector freeze
(ui/data.py), both parts of the page-cost work of docs/production.md."""

from __future__ import annotations

import gc

import pytest

from tests import browser_direct, load
from tests.browser_direct import Samples, summary


def test_each_page_is_given_as_a_ratio_to_the_bare_pages_median_and_errors_are_counted():
    samples = Samples()
    for ms in (100, 110, 90):
        samples.add("bare", ms)
    for ms in (150, 160, 140):
        samples.add("/handbook", ms)
    samples.add("/search", 100)
    samples.errors.append({"target": "app", "page": "/glossary", "kind": "TimeoutError", "detail": "h1"})
    report = summary(samples, ["/handbook", "/search", "/glossary"])
    assert report["bare"] == {"n": 3, "p50_ms": 100, "p95_ms": 110}
    assert report["pages"]["/handbook"]["ratio"] == 1.5 and report["pages"]["/search"]["ratio"] == 1.0
    assert report["pages"]["/glossary"] == {"n": 0, "p50_ms": None, "p95_ms": None, "ratio": None}
    assert (report["ratio_mean"], report["ratio_worst"], report["errors"]) == (1.25, 1.5, 1)
    text = browser_direct.format_report({"rounds": 3, "load_average_before": 0.5, "load_average_after": 0.7,
                                         **report})
    assert "mean 1.25x the bare page, worst 1.5x; errors 1" in text
    assert "app /glossary: TimeoutError: h1" in text


def test_the_load_command_takes_browser_direct_with_bounded_rounds(capsys):
    args = load.parse_args(["--browser-direct", "--rounds", "3"])
    assert args.browser_direct and args.rounds == 3
    with pytest.raises(SystemExit):
        load.parse_args(["--browser-direct", "--rounds", str(load.MAX_DIRECT_ROUNDS + 1)])
    assert "--rounds" in capsys.readouterr().err


def test_a_shared_cache_entry_is_moved_out_of_the_collectors_sight():
    from ui.data import _kept_for_good

    shared = [{"clause": n} for n in range(100)]
    assert any(o is shared for o in gc.get_objects())
    try:
        assert _kept_for_good(shared) is shared
        assert gc.get_freeze_count() >= 100
        assert not any(o is shared for o in gc.get_objects()), "a full collection still walks the shared object"
    finally:
        gc.unfreeze()
