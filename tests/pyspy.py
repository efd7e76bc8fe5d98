"""Sampling-profile Streamlit server processes with py-spy and say where their CPU time goes.

Used by ``python -m tests.load_ws --profile DIR`` (see docs/production.md, "Where a page run's CPU
goes"). :class:`Profiler` records the server processes while a block runs (``py-spy record --format
raw``: one line per distinct stack, ``frame;frame;... count``); :func:`summarise` reads such files
and attributes every sample to one area:

* ``post-run gc`` : Streamlit's ``gc.collect(2)`` after every script run (``runner.postScriptGC``),
* ``our code``: a frame of this repository (app.py, pages/, ui/, logic/) is the nearest non-stdlib frame,
* ``streamlit elements``: Streamlit building and serialising elements (``streamlit/elements``,
  ``delta_generator``, protobuf, the forward-message path),
* ``pandas / pyarrow``: dataframes, Stylers and Arrow serialisation,
* ``streamlit caching``: ``st.cache_data``/``st.cache_resource`` look-ups (argument hashing, copies),
* ``streamlit runner``: the rest of the script thread (exec, session state, widgets, navigation),
* ``server I/O``: the event loop (uvicorn, starlette, websockets, HTTP and static files).

The nearest non-stdlib frame decides (a ``re`` call from ui/chrome.py counts as our code, a
``copy.deepcopy`` from the cache as caching). ``our_functions`` lists this repository's functions by
inclusive share (a function that calls st.markdown carries the markdown's cost too).
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
AREAS = (
    ("pandas / pyarrow", re.compile(r"^(pandas|pyarrow|numpy)/|/dataframe_util\.py|/arrow\.py|/style_util\.py"
                                    r"|streamlit/elements/lib/pandas_styler_utils\.py")),
    ("streamlit caching", re.compile(r"^streamlit/runtime/caching/")),
    ("streamlit elements", re.compile(r"^streamlit/(elements/|delta_generator|proto/|runtime/forward_msg"
                                      r"|runtime/runtime_util|runtime/scriptrunner_utils/script_run_context)"
                                      r"|^google/protobuf|^markdown|^streamlit/string_util")),
    ("server I/O", re.compile(r"^(uvicorn|starlette|websockets|anyio|h11|httptools)/"
                              r"|^streamlit/web/|^streamlit/runtime/(app_session|runtime|websocket_session_manager)")),
)
STDLIB = re.compile(r"^<frozen |^[a-z_]+\.py$|^(asyncio|concurrent|json|email|http|importlib|collections|"
                    r"encodings|logging|xml|urllib|ctypes|multiprocessing|unittest|html|re|copy)/")


def short_file(path: str) -> str:
    """A frame's file relative to site-packages or to this repository (py-spy gives varying forms)."""
    path = path.split("site-packages/", 1)[-1]
    with contextlib.suppress(ValueError):
        path = str(Path(path).resolve().relative_to(ROOT)) if path.startswith("/") else path
    return re.sub(r"^.*/lib/python3\.\d+/", "", path)


def parse_frame(frame: str) -> tuple[str, str, int]:
    """(function, file, line) of one py-spy frame such as ``show (ui/chrome.py:40)``."""
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip(), "", 0
    return match["function"], short_file(match["file"]), int(match["line"] or 0)


@functools.cache
def post_run_gc_lines() -> frozenset[int]:
    """The lines of the installed script_runner.py that call gc.collect (after every script run)."""
    from streamlit.runtime.scriptrunner import script_runner

    source = Path(script_runner.__file__).read_text(encoding="utf-8").splitlines()
    return frozenset(number for number, text in enumerate(source, 1) if "gc.collect(" in text)


def is_ours(file: str) -> bool:
    return bool(re.match(r"^(app\.py|pages/|ui/|logic/|tests/bare_app/)", file))


def area_of(frames: list[tuple[str, str, int]]) -> str:
    """The area one sample's CPU belongs to (frames from the outermost to the leaf)."""
    if any(function.endswith("._on_script_finished") and line in post_run_gc_lines()
           for function, _file, line in frames):
        return "post-run gc"
    in_script = any(function == "ScriptRunner._run_script" for function, _file, _line in frames)
    for _function, file, _line in reversed(frames):
        if STDLIB.match(file) or not file:
            continue
        if is_ours(file):
            return "our code"
        for name, pattern in AREAS:
            if pattern.search(file):
                return name
        return "streamlit runner" if in_script else "server I/O"
    return "streamlit runner" if in_script else "server I/O"


def read_raw(paths: list[Path]) -> Counter:
    """Stacks (as tuples of "function (file)" strings, outermost first) and their sample counts."""
    stacks: Counter = Counter()
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def summarise(stacks: Counter, top: int = 15) -> dict:
    """Shares (percent of samples) by area, our functions (inclusive), and the top self frames."""
    total = sum(stacks.values())
    if not total:
        return {"samples": 0, "areas": {}, "our_functions": [], "top_self": []}
    areas: Counter = Counter()
    ours: Counter = Counter()
    leaves: Counter = Counter()
    for stack, count in stacks.items():
        frames = [parse_frame(frame) for frame in stack]
        areas[area_of(frames)] += count
        for name in {f"{function} ({file})" for function, file, _line in frames if is_ours(file)}:
            ours[name] += count
        function, file, _line = frames[-1]
        leaves[f"{function} ({file})"] += count

    def shares(counter: Counter, n: int | None = None) -> list[list]:
        return [[name, round(100 * value / total, 1)] for name, value in counter.most_common(n)]

    return {"samples": total, "areas": dict(shares(areas)), "our_functions": shares(ours, top),
            "top_self": shares(leaves, top)}


class Profiler:
    """``py-spy record`` on the given processes while the ``with`` block runs; ``summary`` after it."""

    def __init__(self, pids: list[int], out_dir: Path, label: str, rate: int = 250):
        self.pids, self.out_dir, self.label, self.rate = pids, out_dir, label, rate
        self.processes: list[subprocess.Popen] = []
        self.files: list[Path] = []
        self.summary: dict = {}

    def __enter__(self) -> Profiler:
        binary = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for pid in self.pids:
            path = self.out_dir / f"{self.label}-{pid}.txt"
            self.files.append(path)
            self.processes.append(subprocess.Popen(
                [binary, "record", "--pid", str(pid), "--format", "raw", "--rate", str(self.rate),
                 "--nonblocking", "--output", str(path)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL))
        time.sleep(1.0)  # py-spy takes a moment to attach; samples before that would be lost
        return self

    def __exit__(self, *exc_info) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.summary = summarise(read_raw([path for path in self.files if path.exists()]))
        self.summary["files"] = [str(path) for path in self.files]
