from course.authoring.verification import _top_level_names, verify_notebook


def test_a_good_notebook_has_no_findings(files):
    assert verify_notebook(files / "good.ipynb") == []


def test_weak_stale_and_broken_tests_are_found(files):
    findings = {(f.grade_id, f.problem.split(":")[0]) for f in verify_notebook(files / "weak-tests.ipynb")}
    assert ("triple_weak", "the visible test passes on the released stub") in findings
    assert ("triple_weak", "the full test passes on the released stub") in findings
    # A top-level answer is forgotten before its stub runs, so its test fails as it should.
    assert not any(g == "constant_value" for g, _ in findings)
    assert ("broken_value", "the visible test fails on the solution") in findings
    assert ("double_values", "the visible test passes on the released stub") not in findings


def test_a_failing_source_cell_stops_the_proof(files):
    findings = verify_notebook(files / "fails.ipynb")
    assert len(findings) == 1 and "planted failure" in findings[0].problem


def test_top_level_names():
    assert _top_level_names("def f(): pass\nclass C: pass\na, (b, c) = 1, (2, 3)\nd += 1\nx: int = 1") == \
        ["f", "C", "a", "b", "c", "d", "x"]
    assert _top_level_names("def broken(:") == []


def test_plain_answers_are_checked_by_every_test(files):
    """A plain answer the tests reject is reported; the author's solution is still checked."""
    assert verify_notebook(files / "good.ipynb", plain_answers={"double": "def double(x):\n    return x + x\n"}) == []
    findings = verify_notebook(files / "good.ipynb", plain_answers={"double": "def double(x):\n    return 3 * x\n"})
    assert {(f.grade_id, f.problem.split(":")[0]) for f in findings} == {
        ("double_values", "the visible test fails on the plain answer"),
        ("double_values", "the full test fails on the plain answer")}
