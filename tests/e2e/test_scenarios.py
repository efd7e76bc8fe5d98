"""A trainer in Chromium: a whole scenario run by keyboard alone in slide mode on a 1024x768 projector, the
slide and score kept by reload, back and forward, the slide's controls whole and on screen at every width,
and axe on the new states (a slide, a quiz slide, a revealed answer)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_helpers import AXE_SUMMARY, SETTLE_TIMEOUT_MS, assert_no_exception, open_app, settle
from test_accessibility import AXE_OPTIONS, FAILING_IMPACTS, _describe, _excused

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from logic.model import load_model  # noqa: E402
from logic.scenarios import quiz  # noqa: E402
from logic.slides import deck  # noqa: E402

pytestmark = pytest.mark.browser

H1 = "Scenarios and quiz"
PROJECTOR = {"width": 1024, "height": 768}
BULLIED = "/scenarios?scenario=officer-feels-bullied&council=maldon"
NAV_BUTTONS = ("Previous", "Next", "Exit slides")


@pytest.fixture(scope="module")
def questions():
    model = load_model()
    scenario = next(s for s in model.scenarios if s.slug == "officer-feels-bullied")
    found = quiz(model, scenario, "maldon")
    return found, deck(scenario, found)


@pytest.fixture
def projector(browser, base_url):
    """A tab the size of a 1024x768 projector (the sidebar's own default context is 1280 wide)."""
    context = browser.new_context(viewport=PROJECTOR)
    context.set_default_timeout(SETTLE_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def slide(page, number: int):
    return page.locator(f".st-key-scn-slide-{number}")


def press(page, key: str, number: int) -> None:
    """Press a key and wait for slide ``number`` (counted from 1) to be the one on screen."""
    page.keyboard.press(key)
    slide(page, number).locator("h2").wait_for(state="visible")
    settle(page)


def focused(page) -> str:
    """The focused element: its tag and visible text (icons' ligature names left out)."""
    return page.evaluate("""() => { const a = document.activeElement;
        const text = [...(a.querySelectorAll('[data-testid="stMarkdownContainer"]'))].map(e => e.innerText).join(' ');
        return a.tagName + ':' + (text || a.innerText || '').trim(); }""")


def assert_slide_fills_the_screen(page, number: int, title: str) -> None:
    """Only the slide and its controls: its heading in view at the top, no page scroll, the controls whole
    and on screen, no sidebar, header, page title or pickers to be seen."""
    heading = slide(page, number).locator("h2")
    assert heading.inner_text() == title
    box = heading.bounding_box()
    assert 0 <= box["y"] <= 150, f"slide {number}'s heading is at y={box['y']}"
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop") == 0
    for hidden in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]', ".st-key-scn-pickers"):
        assert not page.locator(hidden).is_visible(), f"{hidden} is visible on a slide"
    assert page.get_by_role("heading", level=1, name=H1).count() == 1  # kept for screen readers, not drawn:
    head = page.locator(".st-key-scn-head").bounding_box()
    assert head["width"] <= 1 and head["height"] <= 1
    assert_controls_whole_and_on_screen(page)


def assert_controls_whole_and_on_screen(page) -> None:
    viewport = page.viewport_size
    nav = page.locator(".st-key-scn-nav")
    for name in NAV_BUTTONS:
        button = nav.get_by_role("button", name=name).first
        if not button.count():
            continue
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{name} is off screen sideways"
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], f"{name} is below the fold"
        truncated = button.evaluate("b => [...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)")
        assert not truncated, f"{name}'s label is cut short"


def test_a_trainer_runs_a_whole_scenario_by_keyboard_alone_in_slide_mode(projector, base_url, questions):
    page, (found, slides) = projector, questions
    titles = [s.title for s in slides]
    open_app(page, base_url + BULLIED, H1)
    # From step-through into slides by keyboard: the button is a few Tabs away.
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page).startswith("BUTTON:slideshow") or focused(page) == "BUTTON:Show as slides":
            break
    assert "Show as slides" in focused(page)
    page.keyboard.press("Enter")
    slide(page, 1).locator("h2").wait_for(state="visible")
    settle(page)
    assert "mode=present" in page.url
    assert "Exit slides" in focused(page), "focus stays on the control used, now 'Exit slides'"
    assert_slide_fills_the_screen(page, 1, titles[0])
    size = slide(page, 1).locator("p").nth(1).evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size >= 28, f"slide text is {size}px on a 1024x768 projector"

    # Through every content slide with the clicker's keys; focus stays on a slide control.
    page.get_by_role("button", name="Next").focus()
    for number, key in zip(range(2, 5), ("ArrowRight", "PageDown", "Space")):
        press(page, key, number)
        assert_slide_fills_the_screen(page, number, titles[number - 1])
        assert focused(page).startswith("BUTTON:") and "Next" in focused(page)
        assert f"step={number}" in page.url
    node_text = page.evaluate("() => Math.min(...[...document.querySelectorAll('.node text')].map("
                              "t => t.getBoundingClientRect().height))")
    assert node_text >= 20, f"the flowchart's node text is {node_text:.1f}px"
    press(page, "ArrowLeft", 3)
    press(page, "PageUp", 2)
    press(page, "PageDown", 3)
    press(page, "PageDown", 4)

    # The quiz slide: pick the right option with the arrow keys, check it, see the score.
    question = titles.index("Question 1 of 1") + 1
    press(page, "PageDown", question)
    assert_slide_fills_the_screen(page, question, "Question 1 of 1")
    page.keyboard.press("Shift+Tab")  # Previous (Check answer is disabled until an option is picked)
    page.keyboard.press("Shift+Tab")  # into the options
    right = found[0].options.index(found[0].answer)
    for _ in range(len(found[0].options)):
        page.keyboard.press("ArrowDown")
        settle(page)
        if page.locator('[data-testid="stRadio"] input:checked').evaluate("i => i.value") == str(right):
            break
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert "Check answer" in focused(page)
    page.keyboard.press("Enter")
    page.get_by_text("Correct:").wait_for()
    settle(page)
    assert "answers=" + "abcd"[right] in page.url
    assert "Score 1 of 1" in page.locator(".st-key-scn-nav").inner_text()
    assert "Hide the answer" in focused(page)
    press(page, "PageDown", question + 1)
    assert page.locator(".st-key-scn-score").inner_text() == "1 of 1 right"
    assert_slide_fills_the_screen(page, question + 1, "Your score")
    assert "Next scenario" in focused(page)
    assert_no_exception(page)


def test_few_tabs_reach_next_and_none_lands_on_a_hidden_link(projector, base_url):
    page = projector
    open_app(page, base_url + BULLIED + "&mode=present&step=2", H1)
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("""() => { const a = document.activeElement; const r = a.getBoundingClientRect();
            return [a.tagName, r.width > 1 && r.height > 1 && a.checkVisibility()]; }"""))
        if "Next" in focused(page):
            break
    assert "Next" in focused(page) and len(stops) <= 4, stops
    assert all(visible for tag, visible in stops if tag == "A"), f"a Tab landed on a hidden link: {stops}"


def step_through_on_step_4(page) -> None:
    """Wait for step-through's fourth step. While the run that leaves slide mode is drawing, the step can be
    on the page twice (Streamlit keeps the last run's elements until the new run has finished); once the
    page has settled it must be there once."""
    step = page.locator(".st-key-scn-step-4 h2")
    step.first.wait_for()
    settle(page)
    assert step.count() == 1


def test_reload_keeps_the_slide_and_back_forward_move_between_slides_and_modes(projector, base_url, questions):
    page, titles = projector, [s.title for s in questions[1]]
    open_app(page, base_url + BULLIED + "&mode=present&step=3", H1)
    page.get_by_role("button", name="Next").focus()
    press(page, "PageDown", 4)
    page.reload()
    settle(page, H1)
    assert slide(page, 4).locator("h2").inner_text() == titles[3] and "step=4" in page.url
    page.go_back()
    slide(page, 3).locator("h2").wait_for()
    settle(page)
    assert "step=3" in page.url and "mode=present" in page.url
    page.go_forward()
    slide(page, 4).locator("h2").wait_for()
    settle(page)
    page.get_by_role("button", name="Exit slides").click()
    step_through_on_step_4(page)
    assert "mode=" not in page.url and "step=4" in page.url
    # The page's chrome is back (the sidebar as app.py left it: collapsed when the page was opened in slides).
    assert page.locator(".st-key-scn-pickers").is_visible() and page.locator('[data-testid="stHeader"]').is_visible()
    page.go_back()  # back into the slides, on the same slide
    slide(page, 4).locator("h2").wait_for()
    settle(page)
    assert "mode=present" in page.url and not page.locator(".st-key-scn-pickers").is_visible()
    page.go_forward()
    step_through_on_step_4(page)
    assert "mode=" not in page.url


@pytest.mark.parametrize("size", [{"width": 1440, "height": 900}, {"width": 1024, "height": 768},
                                  {"width": 800, "height": 900}, {"width": 390, "height": 844}],
                         ids=lambda s: f"{s['width']}x{s['height']}")
@pytest.mark.parametrize("step", [3, 5])
def test_slide_controls_are_whole_and_on_screen_at_every_width(browser, base_url, size, step):
    context = browser.new_context(viewport=size)
    try:
        page = context.new_page()
        path = f"/scenarios?scenario=officer-feels-bullied&council=thurrock&mode=present&step={step}"
        open_app(page, base_url + path, H1)
        slide(page, step).locator("h2").wait_for()
        assert_controls_whole_and_on_screen(page)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def answer_by_mouse(page) -> None:
    page.locator('[data-testid="stRadio"] [role="radiogroup"] label').first.click()
    settle(page)
    page.get_by_role("button", name="Check answer").click()
    page.locator('[data-testid="stAlert"]').first.wait_for()
    settle(page)


AXE_STATES = {
    "slide mode, the situation": (1, None),
    "slide mode, the flowchart": (4, None),
    "slide mode, a quiz slide": (5, None),
    "slide mode, an answer revealed": (5, answer_by_mouse),
}


@pytest.mark.parametrize("name", list(AXE_STATES))
def test_no_serious_or_critical_axe_violations_on_slides(projector, base_url, name):
    number, action = AXE_STATES[name]
    page = projector
    path = BULLIED + f"&mode=present&step={number}"
    open_app(page, base_url + path, H1)
    slide(page, number).locator("h2").wait_for()
    if action:
        action(page)
    results = Axe().run(page, options=AXE_OPTIONS).response
    failing, counted = [], 0
    for violation in results["violations"]:
        kept = [node for node in violation["nodes"] if not _excused(page, violation["id"], node)]
        counted += len(kept)
        if kept and violation["impact"] in FAILING_IMPACTS:
            failing.append(_describe(violation, kept))
    AXE_SUMMARY.append(f"axe {name} ({path}) at 1024x768: {counted} violation nodes, "
                       f"{len(failing)} serious/critical rules")
    assert not failing, f"{name}: serious/critical accessibility violations:\n" + "\n".join(failing)
    assert counted == 0, f"{name}: {counted} moderate/minor violation nodes: {results['violations']}"
