"""The protocol-level load driver's own logic (tests/load_ws.py, tests/streamlit_ws.py, tests/pyspy.py).

Argument bounds, the loopback-only rule, how a page run's messages are read (exception elements,
page not found, reruns), the ratio arithmetic, the profile attribution, and the JSON report of short
real runs against the bare page (2 sessions for a few seconds; one session, two rounds).
No timing is asserted: benchmarks are commands (make load), not tests.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests import load_ws
from tests.pyspy import area_of, parse_frame, post_run_gc_lines, summarise
from tests.streamlit_ws import AppPage, PageRun, ProtocolError, Tab, loopback_base, run_to_completion


def run_main(capsys, *argv: str) -> tuple[int, dict]:
    code = load_ws.main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize("argv", [
    ["--sessions", "0"], ["--sessions", "101"], ["--sessions", "ten"],
    ["--seconds", "0"], ["--seconds", "601"],
    ["--think", "-1"], ["--think", "31"],
    ["--timeout", "0"], ["--rounds", "101"], ["--processes", "0"], ["--processes", "9"],
    ["--link", "handbook"], ["--link", "http://127.0.0.1:1/handbook"],
    ["--server-option", "postScriptGC"], ["--server-option", "runner.postScriptGC="],
    ["--server-pid", "1"],
])
def test_out_of_bounds_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        load_ws.parse_args(argv)
    assert stopped.value.code == 2
    assert "error" in capsys.readouterr().err


def test_sessions_and_seconds_at_their_bounds_are_accepted():
    args = load_ws.parse_args(["--sessions", "100", "--seconds", "600", "--think", "0"])
    assert (args.sessions, args.seconds, args.think) == (100, 600, 0.0)


@pytest.mark.parametrize("url", ["http://10.0.0.5:8501", "http://192.168.1.2:8501", "http://localhost:8501",
                                 "http://[::1]:8501", "https://127.0.0.1:8501", "http://127.0.0.1",
                                 "http://127.0.0.1:8501/handbook", "ws://127.0.0.1:8501"])
def test_only_a_127_0_0_1_base_url_may_be_driven(url, capsys):
    with pytest.raises(SystemExit) as stopped:
        load_ws.parse_args(["--url", url])
    assert stopped.value.code == 2
    with pytest.raises(ValueError):
        Tab(url)  # the client refuses too, whoever calls it


def test_a_loopback_url_is_accepted_and_measures_the_app_only():
    assert loopback_base("http://127.0.0.1:8501") == ("127.0.0.1", 8501)
    args = load_ws.parse_args(["--url", "http://127.0.0.1:8501/", "--server-pid", "42"])
    assert (args.url, args.target, args.server_pid) == ("http://127.0.0.1:8501", "app", [42])


def test_server_options_become_streamlit_run_flags():
    args = load_ws.parse_args(["--server-option", "runner.postScriptGC=false",
                               "--server-option", "runner.magicEnabled=false"])
    assert load_ws.streamlit_args(args.server_option) == (
        "--runner.postScriptGC", "false", "--runner.magicEnabled", "false")


def test_extra_deep_links_must_name_one_of_the_apps_pages():
    pages = [AppPage("/", "Home", "h0"), AppPage("/handbook", "Handbook", "h1")]
    links = load_ws.links_for(pages, ["/handbook?council=maldon&clause=3.2"])
    assert [link.name for link in links] == ["/", "/handbook", "/handbook?council=maldon&clause=3.2"]
    assert links[-1].page.script_hash == "h1"
    with pytest.raises(SystemExit, match="not one of the app's pages"):
        load_ws.links_for(pages, ["/nosuch?x=1"])


# ---------------------------------------------------------------- reading a page run


def forward(**fields) -> ForwardMsg:
    message = ForwardMsg(**{k: v for k, v in fields.items() if k != "exception"})
    if "exception" in fields:
        message.delta.new_element.exception.type = "KeyError"
        message.delta.new_element.exception.message = fields["exception"]
    return message


def test_an_exception_element_fails_the_run_with_its_message():
    with pytest.raises(ProtocolError) as failed:
        Tab._read(forward(exception="'maldon'"), PageRun())
    assert failed.value.kind == "exception" and "KeyError: 'maldon'" in failed.value.detail


def test_page_not_found_and_compile_errors_fail_the_run():
    not_found = ForwardMsg()
    not_found.page_not_found.page_name = "nosuch"
    with pytest.raises(ProtocolError) as failed:
        Tab._read(not_found, PageRun())
    assert failed.value.kind == "page-not-found"
    with pytest.raises(ProtocolError, match="compile-error"):
        Tab._read(forward(script_finished=ForwardMsg.FINISHED_WITH_COMPILE_ERROR), PageRun())


def test_a_run_ends_at_script_finished_and_an_early_finish_waits_for_the_rerun():
    run = PageRun()
    heading = ForwardMsg()
    heading.delta.new_element.heading.body = "Handbook"
    assert Tab._read(heading, run) is False
    assert Tab._read(forward(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN), run) is False
    assert Tab._read(forward(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY), run) is True
    assert (run.reruns, run.elements, run.element_count) == (1, Counter({"heading": 1}), 1)


def test_the_navigation_message_gives_the_pages_as_deep_link_paths():
    message = ForwardMsg()
    for name, path, default in (("Home", "", True), ("Handbook", "handbook", False)):
        page = message.navigation.app_pages.add()
        page.page_name, page.url_pathname, page.page_script_hash, page.is_default = name, path, f"hash-{path}", default
    run = PageRun()
    Tab._read(message, run)
    assert run.pages == [AppPage("/", "Home", "hash-"), AppPage("/handbook", "Handbook", "hash-handbook")]


# ---------------------------------------------------------------- figures


def test_percentile_picks_the_nearest_rank():
    samples = list(range(1, 101))
    assert load_ws.percentile(samples, 50) in (50, 51)
    assert load_ws.percentile(samples, 95) == 95
    assert load_ws.percentile([7.0], 95) == 7.0


def test_ratios_divide_every_app_figure_by_the_bare_pages():
    def load(cpu, rps, p50, p95, peak, pages):
        return {"server_cpu_ms_per_run": cpu, "runs_per_s": rps,
                "latency": {"p50_ms": p50, "p95_ms": p95, "max_ms": peak}, "pages": pages}

    app = {"load": load(90.0, 6.0, 250.0, 1000.0, 2000.0, {"/handbook": {"p50_ms": 300.0, "p95_ms": 1200.0}}),
           "single": {"overall": {"p50_ms": 100.0, "cpu_ms_per_run": 60.0},
                      "pages": {"/": {"p50_ms": 80.0, "cpu_ms_per_run": 45.0},
                                "/compare": {"p50_ms": 150.0, "cpu_ms_per_run": 75.0}}}}
    bare = {"load": load(30.0, 8.0, 25.0, 50.0, 100.0, {"/": {"p50_ms": 25.0, "p95_ms": 50.0}}),
            "single": {"overall": {"p50_ms": 50.0, "cpu_ms_per_run": 25.0}, "pages": {}}}
    result = load_ws.ratios(app, bare)
    assert result["load"]["server_cpu_ms_per_run"] == 3.0
    assert result["load"]["runs_per_s"] == 0.75
    assert (result["load"]["p50_ms"], result["load"]["p95_ms"], result["load"]["max_ms"]) == (10.0, 20.0, 20.0)
    assert result["load"]["pages"]["/handbook"] == {"p50_ms": 12.0, "p95_ms": 24.0}
    assert result["single"]["cpu_ms_per_run"] == 2.4
    assert result["single"]["pages"]["/compare"] == {"p50_ms": 3.0, "cpu_ms_per_run": 3.0}
    assert result["single"]["cpu_ms_per_run_worst_page"] == 3.0


def test_a_missing_or_zero_bare_figure_gives_no_ratio():
    assert load_ws.ratio(None, 10.0) is None
    assert load_ws.ratio(10.0, None) is None
    assert load_ws.ratio(10.0, 0.0) is None
    assert load_ws.ratio(5.0, 2.0) == 2.5


# ---------------------------------------------------------------- profile attribution


def test_profile_samples_are_attributed_to_gc_our_code_elements_and_io():
    gc_line = min(post_run_gc_lines())
    script = ("Thread.run (threading.py:982)",
              "ScriptRunner._run_script (streamlit/runtime/scriptrunner/script_runner.py:961)")
    stacks = Counter({
        (*script[:1], f"ScriptRunner._on_script_finished (streamlit/runtime/scriptrunner/script_runner.py:{gc_line})"):
            50,
        (*script, "<module> (app.py:35)", f"sidebar ({load_ws.ROOT}/ui/chrome.py:60)", "sub (re/__init__.py:185)"): 20,
        (*script, "<module> (app.py:35)", "show (ui/chrome.py:90)", "markdown (streamlit/elements/markdown.py:120)"):
            20,
        ("BaseEventLoop._run_once (asyncio/base_events.py:1900)", "send (websockets/protocol.py:300)"): 10,
    })
    summary = summarise(stacks)
    assert summary["samples"] == 100
    assert summary["areas"] == {"post-run gc": 50.0, "our code": 20.0, "streamlit elements": 20.0, "server I/O": 10.0}
    ours = dict(summary["our_functions"])
    assert ours["<module> (app.py)"] == 40.0 and ours["show (ui/chrome.py)"] == 20.0


def test_a_stdlib_leaf_counts_for_the_library_that_called_it():
    frames = [parse_frame(f) for f in ("ScriptRunner._run_script (streamlit/runtime/scriptrunner/script_runner.py:961)",
                                       "hash (streamlit/runtime/caching/hashing.py:100)", "deepcopy (copy.py:128)")]
    assert area_of(frames) == "streamlit caching"


# ---------------------------------------------------------------- short real runs against the bare page


def test_two_sessions_for_a_few_seconds_against_the_bare_page_report_every_figure(capsys):
    code, report = run_main(capsys, "--target", "bare", "--sessions", "2", "--seconds", "3", "--think", "0.3")
    assert code == 0
    assert report["config"]["sessions"] == 2 and report["config"]["mode"] == "deeplink"
    bare = report["targets"]["bare"]
    assert bare["pages"] == ["/"] and bare["warm_up_errors"] == []
    load = bare["load"]
    assert load["errors"] == 0 and load["error_kinds"] == {}
    assert load["runs"] >= 2 and load["runs_per_s"] > 0
    latency = load["latency"]
    assert latency["n"] == load["runs"]
    assert 0 < latency["p50_ms"] <= latency["p95_ms"] <= latency["max_ms"]
    assert load["pages"]["/"]["n"] == load["runs"] and load["pages"]["/"]["elements"] == 1
    assert load["server_cpu_ms_per_run"] > 0 and load["proxy_cpu_ms_per_run"] is None
    assert "ratios" not in report


def test_single_session_mode_reports_per_page_cpu_elements_and_bytes(capsys):
    code, report = run_main(capsys, "--target", "bare", "--single", "--rounds", "2", "--mode", "navigate")
    assert code == 0
    single = report["targets"]["bare"]["single"]
    page = single["pages"]["/"]
    assert page["n"] == 2 and page["elements"] == 1 and page["bytes"] > 0
    assert page["cpu_ms_per_run"] > 0 and single["overall"]["cpu_ms_per_run"] == page["cpu_ms_per_run"]
    assert single["errors"] == 0


def test_a_page_the_server_does_not_have_is_reported_as_page_not_found():
    server = load_ws.StreamlitServer(load_ws.ROOT, script=load_ws.TARGETS["bare"], ready="app")
    try:
        server.start()

        async def open_missing_page():
            tab = Tab(server.base_url)
            await tab.load("/nosuch")
            await tab.connect()
            try:
                return await tab.run("/nosuch")
            finally:
                await tab.close()

        with pytest.raises(ProtocolError) as failed:
            run_to_completion(asyncio.wait_for(open_missing_page(), 60))
        assert failed.value.kind == "page-not-found" and failed.value.detail == "nosuch"
    finally:
        server.stop()
        server.log_path.unlink(missing_ok=True)


def test_run_to_completion_works_where_a_loop_is_already_running_as_playwright_leaves_one():
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def failing() -> None:
        raise ProtocolError("timeout", "on purpose")

    async def from_inside_a_running_loop() -> tuple[int, str]:
        with pytest.raises(ProtocolError) as failed:
            run_to_completion(failing())
        return run_to_completion(answer()), failed.value.kind

    assert run_to_completion(from_inside_a_running_loop()) == (42, "timeout")
    assert run_to_completion(answer()) == 42
