"""Exporting grades: nbgrader's CSV columns."""
import csv

from grader import export


def test_export_of_an_empty_gradebook_has_nbgrader_columns(course, tmp_path, cli):
    code, _, _ = cli("export", "--course-dir", course.root, "--to", tmp_path / "g.csv")
    with open(tmp_path / "g.csv") as fh:
        rows = list(csv.reader(fh))
    assert code == 0 and rows == [list(export.CSV_COLUMNS)]
