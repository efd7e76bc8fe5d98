import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from logic.content import load_corpus  # noqa: E402
from logic.model import load_model  # noqa: E402


@pytest.fixture(scope="session")
def corpus():
    return load_corpus()


@pytest.fixture(scope="session")
def model():
    return load_model()


@pytest.fixture(autouse=True, scope="session")
def _apptest_uses_navigation():
    """Make AppTest rerun app.py like the real server does.

    Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until
    ``st.navigation`` runs and switches that off for the process. The real server keeps the
    switch; AppTest resets it before every run, so from the second run on it would execute the
    page file alone, skipping app.py's chrome. Our app always calls ``st.navigation``, so the
    faithful emulation is to keep the switch off.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init_as_navigation_app(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_as_navigation_app
    yield
    PagesManager.__init__ = original_init


@pytest.fixture
def app():
    """A fresh AppTest of the whole app (app.py with st.navigation), not yet run."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
