"""The one manifest of days, read by the command line, the widget, the grader and the tests.

Only what cannot be derived lives here (number, slug, title, topics). Exercises and their points
are read from each day's source notebook (its nbgrader test cells), so they are never written twice.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# The exercises of every written day, derived from the notebooks by `make student` and shipped in
# the package: where the course is installed without its notebooks (Colab), progress still knows
# what completes a day. A test fails when it drifts from the notebooks.
INDEX = Path(__file__).resolve().parent / "exercises.json"


@dataclass(frozen=True)
class Exercise:
    """One graded test cell of a day: its nbgrader ``grade_id`` and points."""

    grade_id: str
    points: float
    summary: str  # the test cell's one-line docstring: what it checks


@dataclass(frozen=True)
class Day:
    number: int
    slug: str
    title: str
    topics: tuple[str, ...]

    @property
    def name(self) -> str:
        """The folder, assignment and notebook name, e.g. ``day01-numpy``."""
        return f"day{self.number:02d}-{self.slug}"

    @property
    def notebook(self) -> Path:
        return NOTEBOOKS / self.name / f"{self.name}.ipynb"

    @property
    def available(self) -> bool:
        return self.notebook.exists()

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        if self.available:
            return exercises(self.notebook)
        return tuple(Exercise(**e) for e in _index().get(self.name, ()))

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)


def _day(number, slug, title, *topics):
    return Day(number, slug, title, tuple(topics))


DAYS: tuple[Day, ...] = (
    _day(1, "numpy", "NumPy for deep learning",
         "sigmoid and its gradient", "reshaping images to vectors", "row normalisation",
         "softmax", "L1 and L2 losses", "loops vs vectorised code, timed"),
    _day(2, "logistic-regression", "Logistic regression as a neural network",
         "parameter initialisation", "forward and backward propagation", "gradient descent",
         "prediction", "face vs non-face classification"),
    _day(3, "shallow-network", "A shallow neural network",
         "one hidden tanh layer", "forward and backward propagation", "decision boundaries"),
    _day(4, "deep-network", "A deep network, step by step",
         "L-layer initialisation", "linear and activation forward with caches", "cross-entropy cost",
         "backward propagation", "parameter updates"),
    _day(5, "deep-network-applied", "A deep network, applied",
         "2-layer vs L-layer models", "faces vs non-faces", "Fashion-MNIST, two classes"),
    _day(6, "initialisation", "Initialisation",
         "zero initialisation", "large random initialisation", "He initialisation"),
    _day(7, "regularisation", "Regularisation",
         "L2 cost and gradient", "inverted dropout forward and backward"),
    _day(8, "gradient-checking", "Gradient checking",
         "numeric gradients", "relative error", "finding a planted bug"),
    _day(9, "optimisation", "Optimisation",
         "mini-batches", "momentum", "RMSprop", "Adam with bias correction", "learning-rate decay"),
    _day(10, "batchnorm-softmax", "Batch normalisation and softmax",
         "batchnorm forward and backward", "train and test mode", "softmax cross-entropy"),
    _day(11, "pytorch", "PyTorch fundamentals",
         "tensors", "autograd", "nn.Module", "DataLoader", "a training loop on any device"),
    _day(12, "ml-projects", "Structuring ML projects",
         "train/dev/test splits", "bias and variance", "learning curves", "confusion matrix",
         "error analysis", "mismatched distributions"),
    _day(13, "convolution", "Convolution, step by step",
         "zero padding", "a convolution step", "convolution forward with stride and padding"),
    _day(14, "conv-backward-pooling", "Convolution backward and pooling",
         "convolution backward", "max and average pooling forward and backward"),
    _day(15, "cnn", "A CNN in PyTorch",
         "a convolutional network", "training loop", "misclassified examples"),
    _day(16, "resnet", "Residual networks",
         "identity blocks", "convolutional blocks", "a small ResNet", "plain vs residual depth"),
    _day(17, "transfer-learning", "Transfer learning and augmentation",
         "pretraining", "freezing", "fine-tuning", "augmentations"),
    _day(18, "detection-pieces", "Object detection: the pieces",
         "IoU", "box formats", "score filtering", "non-max suppression", "anchor boxes",
         "YOLO output decoding"),
    _day(19, "tiny-yolo", "A tiny YOLO",
         "grid targets", "YOLO loss", "mAP@0.5 evaluation", "drawing boxes"),
    _day(20, "face-verification", "Face verification",
         "Siamese embedding network", "triplet loss", "verification threshold", "ROC"),
    _day(21, "style-transfer", "Neural style transfer",
         "content cost", "Gram matrix", "style cost", "optimising the pixels"),
    _day(22, "rnn", "An RNN, step by step",
         "RNN cell", "sequence forward and backward"),
    _day(23, "lstm", "An LSTM, step by step",
         "LSTM gates", "forward and backward"),
    _day(24, "char-language-model", "A character-level language model",
         "gradient clipping", "sampling", "training on names"),
    _day(25, "music-lstm", "Music with an LSTM",
         "sequence-to-next-note model", "sampling", "MIDI out"),
    _day(26, "word-vectors", "Word vectors",
         "cosine similarity", "analogies", "neutralise and equalise"),
    _day(27, "emojify", "Emojify",
         "average-embedding classifier", "LSTM classifier"),
    _day(28, "attention", "Translation with attention",
         "encoder-decoder with attention", "human dates to ISO dates", "attention maps"),
    _day(29, "trigger-word", "Trigger-word detection",
         "spectrograms", "labels", "conv + GRU model"),
    _day(30, "transformer", "A Transformer from scratch",
         "scaled dot-product attention", "masks", "multi-head attention",
         "positional encoding", "encoder-decoder"),
)


class UnknownDay(CourseError, ValueError):
    """A day spec that matches no day of the syllabus."""


def get_day(spec: int | str | Day) -> Day:
    """The day for ``1``, ``"01"``, ``"day01"``, ``"day01-numpy"`` or ``"numpy"``."""
    if isinstance(spec, Day):
        return spec
    text = str(spec).strip().lower()
    match = re.fullmatch(r"(?:day)?0*(\d+)", text)
    for day in DAYS:
        if (match and int(match.group(1)) == day.number) or text in (day.slug, day.name):
            return day
    valid = ", ".join(f"{d.number} ({d.slug})" for d in available_days()) or "none yet"
    raise UnknownDay(
        f"There is no day {spec!r}. Give a day as a number (1, 01, day01) or a slug. "
        f"Days with notebooks: {valid}."
    )


def available_days() -> list[Day]:
    """The days whose notebook exists, in order."""
    return [d for d in DAYS if d.available]


def select(specs) -> list[Day]:
    """Days for a list of specs; all available days when the list is empty. Raises UnknownDay."""
    if not specs:
        return available_days()
    days = [get_day(s) for s in specs]
    missing = [d for d in days if not d.available]
    if missing:
        raise UnknownDay(
            "Not written yet: " + ", ".join(f"day {d.number} ({d.title})" for d in missing)
            + ". Days with notebooks: "
            + ", ".join(str(d.number) for d in available_days()) + "."
        )
    return list(dict.fromkeys(days))


def exercises(notebook: Path) -> tuple[Exercise, ...]:
    """The graded test cells of a notebook, in order."""
    return _exercises(str(notebook), notebook.stat().st_mtime_ns)


@lru_cache(maxsize=None)
def _exercises(path: str, _mtime: int) -> tuple[Exercise, ...]:
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and cell["cell_type"] == "code":
            found.append(Exercise(meta["grade_id"], float(meta.get("points", 0)),
                                  docstring(_source(cell))))
    return tuple(found)


def setup_cell(notebook: Path) -> str:
    """A notebook's set-up cell (its first code cell that calls ``course.start``) as plain Python:
    IPython's ``%`` and ``!`` lines are dropped, so it runs outside a kernel. '' when it has none."""
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        source = _source(cell)
        if cell["cell_type"] == "code" and "course.start(" in source:
            return "\n".join(line for line in source.splitlines()
                             if not line.lstrip().startswith(("%", "!"))) + "\n"
    return ""


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def docstring(source: str) -> str:
    """The first line of a cell's leading docstring ('' when it has none)."""
    match = re.match(r'\s*(?:"""|\'\'\')\s*(.*?)\s*(?:"""|\'\'\'|\n)', source)
    return match.group(1) if match else ""


@lru_cache(maxsize=None)
def read_index(path: Path) -> dict:
    """A JSON index shipped in the package (exercises, hints), read once; {} when unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _index() -> dict:
    return read_index(INDEX)


def build_index() -> dict:
    """``{day name: [exercise fields, ...]}`` for every written day, read from the notebooks."""
    from dataclasses import asdict

    return {d.name: [asdict(e) for e in exercises(d.notebook)] for d in available_days()}


if __name__ == "__main__":  # python -m course.syllabus: rewrite the shipped exercise and hint indexes
    from . import hints

    INDEX.write_text(json.dumps(build_index(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    hints.INDEX.write_text(json.dumps(hints.build_index(), indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(f"wrote {INDEX} and {hints.INDEX}")
