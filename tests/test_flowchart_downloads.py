"""What the flowchart downloads say with and without Graphviz's `dot` on the server (ui/flowcharts.py).

Production installs graphviz (Dockerfile), so councillors get SVG/PNG files; a server without it
offers the DOT file and says so in plain words, without naming programs.
"""

from __future__ import annotations

NO_PICTURES = ("Picture downloads (SVG, PNG) are not available on this server. "
               "You can still download the chart's DOT file.")


def open_escalation(app):
    app.run()
    app.query_params.update(council="maldon", scenario="member-concern-about-officer", stage="informal")
    app.switch_page("pages/escalation.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_without_dot_the_page_offers_the_dot_file_and_says_pictures_are_unavailable(app, monkeypatch):
    monkeypatch.setattr("ui.flowcharts.renderer_available", lambda: False)
    open_escalation(app)
    assert [b.label for b in app.get("download_button")] == ["Download DOT"]
    captions = [c.value for c in app.caption]
    assert NO_PICTURES in captions
    assert not any(word in caption for caption in captions for word in ("Graphviz", "`dot`", "program"))


def test_with_dot_the_page_offers_svg_and_png_and_no_apology(app):
    open_escalation(app)
    assert [b.label for b in app.get("download_button")][:3] == ["Download DOT", "Download SVG", "Download PNG"]
    assert NO_PICTURES not in [c.value for c in app.caption]
