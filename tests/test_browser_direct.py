"""The browser direct-load report (tests/browser_direct.py) and the shared caches' garbage-collector freeze
(ui/data.py), both parts of the page-cost work of docs/production.md."""

from __future__ import annotations

import gc

import pytest

from tests import browser_direct, load
from tests.browser_direct import Samples, summary


def test_each_page_is_given_as_a_ratio_to_the_bare_page_opened_the_same_way_and_errors_are_counted():
    samples = Samples()
    for ms in (100, 110, 90):
        samples.add("bare /", ms)
    for ms in (200, 210, 190):
        samples.add("bare /bare", ms)
    for ms in (150, 160, 140):
        samples.add("/", ms)
    for ms in (250, 260, 240):
        samples.add("/handbook", ms)
    samples.add("/search", 200)
    samples.errors.append({"target": "app", "page": "/glossary", "kind": "TimeoutError", "detail": "h1"})
    report = summary(samples, ["/", "/handbook", "/search", "/glossary"])
    assert report["bare"] == {"/": {"n": 3, "p50_ms": 100, "p95_ms": 110},
                              "/bare": {"n": 3, "p50_ms": 200, "p95_ms": 210}}
    home, handbook, search = (report["pages"][p] for p in ("/", "/handbook", "/search"))
    assert (home["bare"], home["ratio"], home["ratio_to_bare_root"]) == ("/", 1.5, 1.5)
    assert (handbook["bare"], handbook["ratio"], handbook["ratio_to_bare_root"]) == ("/bare", 1.25, 2.5)
    assert (search["ratio"], search["ratio_to_bare_root"]) == (1.0, 2.0)
    assert report["pages"]["/glossary"]["n"] == 0 and report["pages"]["/glossary"]["ratio"] is None
    assert (report["ratio_mean"], report["ratio_worst"], report["errors"]) == (1.25, 1.5, 1)
    assert (report["ratio_to_bare_root_mean"], report["ratio_to_bare_root_worst"]) == (2.0, 2.5)
    text = browser_direct.format_report({"rounds": 3, "load_average_before": 0.5, "load_average_after": 0.7,
                                         **report})
    assert "mean 1.25x the bare page opened the same way, worst 1.5x" in text
    assert "(against the bare root: mean 2.0x, worst 2.5x); errors 1" in text
    assert "app /glossary: TimeoutError: h1" in text


def test_a_deep_link_is_compared_with_the_bare_pages_own_deep_link():
    assert [browser_direct.bare_counterpart(p) for p in ("/", "/?council=maldon", "/handbook", "/handbook?x=1")] == [
        "/", "/", "/bare", "/bare"]
    assert 'url_path="bare"' in (load.ROOT / "tests/bare_app/app.py").read_text()


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
