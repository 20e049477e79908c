"""The progress widget in a real JupyterLab 4 and Notebook 7, driven by headless Chromium.

A Jupyter server runs on a learner workspace holding Day 01's source notebook (so its tests
pass), with a fresh COURSE_HOME. The browser opens the day in one front end (JupyterLab at
/lab/tree/..., or Notebook 7 at /notebooks/..., both served by the same `jupyter lab` server when
the `notebook` package is installed), runs every cell, and the widget of the first cell, shown
before any test ran, must then say that all the day's exercises passed: it updated itself live.
A last cell breaks `sigmoid` and runs its test again: the failure must render as the test cell's
line, the message and how to ask for a hint, without the frames of the course's own code. The
journal and the portfolio are then built from the run's recorded progress.
`make setup` installs Debian's chromium; without it this test is skipped.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from course.authoring import notebook as nbtools
from course import progress
from course.progress import FILENAME, Store
from course.syllabus import get_day

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Front end (JupyterLab 4, Notebook 7) -> the URL of a notebook in it. Each gets its own server
# and COURSE_HOME, so the first widget always starts at zero and the live update is checked in each.
FRONT_ENDS = {"lab": "lab/tree/{path}", "notebook": "notebooks/{path}"}
SCREENSHOT = "/tmp/course-progress-widget-{front_end}.png"  # the first widget
PAGE_SCREENSHOT = "/tmp/course-progress-page-{front_end}.png"  # the page around it
FAILURE_SCREENSHOT = "/tmp/course-failed-check-{front_end}.png"  # a failed check's output

pytestmark = pytest.mark.slow


class Clock:
    """Phase times, printed (pytest shows them when the test fails)."""

    def __init__(self):
        self.start = time.monotonic()

    def __call__(self, phase: str) -> None:
        print(f"{time.monotonic() - self.start:5.1f} s  {phase}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=list(FRONT_ENDS))
def jupyter(request, tmp_path):
    """A Jupyter server on a workspace with Day 01, the day opened in one front end.

    Yields (front end, the day's URL in it, COURSE_HOME, clock).
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y "
                    "chromium; `make setup` does it as root or in CI) to run the browser test.")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (the dev extra)")
    clock = Clock()
    day = get_day(1)
    workspace, home = tmp_path / "workspace", tmp_path / "home"
    (workspace / day.name).mkdir(parents=True)
    nb = nbtools.read(day.notebook)
    for cell in nb.cells:  # small sizes: the day's own CI setting
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace("fast = False", "fast = True")
    [test] = [c for c in nb.cells if nbtools.nbgrader_meta(c).get("grade_id") == "sigmoid_values"]
    start = test.source.index(nbtools.BEGIN_HIDDEN)
    end = test.source.index(nbtools.END_HIDDEN) + len(nbtools.END_HIDDEN)
    nb.cells += [nbformat.v4.new_code_cell("def sigmoid(z):\n    return 1 / (1 + np.exp(z))"),
                 nbformat.v4.new_code_cell(test.source[:start] + test.source[end:])]
    nbtools.write(nb, workspace / day.name / f"{day.name}.ipynb")
    port, token = _free_port(), uuid.uuid4().hex
    env = {**os.environ, "COURSE_HOME": str(home), "COURSE_PROGRESS": "on", "MPLBACKEND": "agg",
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           # as `make lab` serves learners: nbgrader's instructor panels hidden
           "JUPYTER_CONFIG_PATH": str(Path(nbtools.__file__).parents[2] / "binder" / "learner"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces")}
    # No "Would you like to receive official Jupyter news?" toast.
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    jupyter = Path(sys.executable).parent / "jupyter"
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--allow-root", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={workspace}",
         # window.jupyterapp, to ask the page whether its kernel is connected
         "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True"],
        cwd=workspace, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Jupyter did not start:\n" + (tmp_path / "lab.log").read_text())
                time.sleep(0.3)
        # Start the notebook's kernel now, while Chromium starts: the page will connect to it.
        session = json.dumps({"path": f"{day.name}/{day.name}.ipynb", "type": "notebook",
                              "name": f"{day.name}.ipynb", "kernel": {"name": "python3"}})
        urllib.request.urlopen(urllib.request.Request(
            f"{url}/api/sessions?token={token}", data=session.encode(), method="POST",
            headers={"Content-Type": "application/json"}), timeout=60)
        clock("Jupyter is up")
        front_end = request.param
        path = FRONT_ENDS[front_end].format(path=f"{day.name}/{day.name}.ipynb")
        yield front_end, f"{url}/{path}?token={token}", home, clock
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_the_widget_counts_passes_live(jupyter):
    from playwright.sync_api import sync_playwright

    front_end, url, home, clock = jupyter
    total = len(get_day(1).exercises)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            clock("Chromium is up")
            page.goto(url)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            _wait_for_kernel(page)
            clock("the kernel is idle")
            menus = page.locator(".lm-MenuBar-itemLabel").all_text_contents()
            assert "Run" in menus and not any("nbgrader" in m.lower() for m in menus), menus
            _run_all(page)
            clock("the cells are running")
            widgets = page.locator(".course-progress")
            done = f"{total} of {total} exercises passed"
            page.wait_for_function(
                """([done, n]) => {
                    const counts = [...document.querySelectorAll(
                        '.course-progress .course-day-count')];
                    return counts.length >= n && counts.every(c => c.textContent.includes(done));
                }""", arg=[done, 2], timeout=60_000)
            clock("every widget counts all exercises")
            first = widgets.first  # shown by cell 1 before any test ran: it updated live
            first.scroll_into_view_if_needed()
            assert done in first.locator(".course-day-count").text_content()
            assert "1 day streak" in first.locator(".course-streak").text_content()
            assert first.locator(".widget-hprogress").count() == 2
            assert first.locator(".course-heatmap div[title]").count() >= 7 * 19
            first.screenshot(path=SCREENSHOT.format(front_end=front_end))
            page.screenshot(path=PAGE_SCREENSHOT.format(front_end=front_end))
            failure = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]',
                                   has_text="Stuck?").first
            failure.wait_for(timeout=60_000)
            failure.scroll_into_view_if_needed()
            text = failure.inner_text()
            clock("the failed check is shown")
            failure.screenshot(path=FAILURE_SCREENSHOT.format(front_end=front_end))
            assert 'check_close("sigmoid(z)"' in text and "sign inside np.exp is flipped" in text
            assert 'Stuck? course.hint("sigmoid") shows hint 1 of' in text
            assert "checks.py" not in text and "site-packages" not in text, text
        finally:
            browser.close()
    events = Store(home / FILENAME).events()
    assert {e.exercise for e in events if e.outcome == "passed"} == \
        {e.grade_id for e in get_day(1).exercises}
    assert {e.environment for e in events} == {"lab"}
    # The learner's journal and portfolio, from this recorded run: what they built and reached,
    # the failed attempt, the day's figure kept as a PNG.
    store = Store(home / FILENAME)
    assert any(e.outcome == "failed" and e.exercise == "sigmoid_values" for e in events)
    text = progress.journal(store, images=home / "images")
    assert text.startswith("## Day 1: ") and "- Built: `sigmoid`, `sigmoid_derivative`" in text
    assert "- Reached: speedup " in text and "- Day complete: all 8 exercises passed." in text
    assert (home / "images" / "day01.png").read_bytes()[:4] == b"\x89PNG"
    assert progress.portfolio(store, home / "portfolio.html") == 1
    assert "data:image/png;base64," in (home / "portfolio.html").read_text()


def _wait_for_kernel(page) -> None:
    """Wait until the open notebook's kernel is connected and idle.

    The toolbar's execution indicator says idle ~3 s before the kernel is connected, and only
    JupyterLab has the status bar's "| Idle": ask the application itself (both front ends).
    """
    page.wait_for_function(
        """() => {
            const kernel = window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
            return kernel?.connectionStatus === 'connected' && kernel?.status === 'idle';
        }""", timeout=60_000)


def _run_all(page) -> None:
    """Run → Run All Cells from the menu (the same in both front ends); accept a kernel dialog."""
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        try:
            dialog.wait_for(timeout=500)
            dialog.click()
        except Exception:  # no dialog: the cells are running
            pass
        try:
            page.locator(".course-progress").first.wait_for(timeout=30_000)
            return
        except Exception:
            continue
    raise AssertionError("Run All Cells did not run the notebook (no progress widget appeared)")
