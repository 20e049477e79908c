import json

from course.authoring import notebook as nbtools


def test_student_version_stubs_solutions_and_drops_hidden_tests(files):
    source = nbtools.read(files / "good.ipynb")
    student = nbtools.student_version(source)
    text = "\n".join(c.source for c in student.cells)
    assert "return 2 * x" not in text and "raise NotImplementedError()" in text
    assert "double(-3.5)" not in text and "HIDDEN" not in text
    assert "double(2)" in text  # visible tests stay
    assert len(student.cells) == len(source.cells)
    assert nbtools.nbgrader_meta(student.cells[-1])["checksum"]  # as nbgrader's release writes
    assert "return 2 * x" in source.cells[3].source  # the source is left alone


def test_strip_keeps_metadata(files):
    nb = nbtools.read(files / "good.ipynb")
    nb.cells[1].outputs = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    nb.cells[1].execution_count = 3
    clean = nbtools.strip(nb)
    assert clean.cells[1].outputs == [] and clean.cells[1].execution_count is None
    assert nbtools.nbgrader_meta(clean.cells[1]) == nbtools.nbgrader_meta(nb.cells[1])


def test_parameters_and_metrics(files):
    nb = nbtools.read(files / "good.ipynb")
    assert nbtools.parameters(nb) == {"fast": False, "device": "auto", "seed": 0}
    nb.cells[1].outputs = [{"output_type": "display_data", "metadata": {}, "data": {
        nbtools.METRIC_MIME: json.dumps({"name": "acc", "value": 0.9}), "text/plain": "acc"}}]
    assert nbtools.metrics(nb) == {"acc": {"name": "acc", "value": 0.9}}
