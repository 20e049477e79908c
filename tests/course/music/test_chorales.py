import math

import numpy as np
import pytest

from course.music import chorales


def test_the_shipped_file_has_a_header_and_hundreds_of_distinct_melodies():
    head = chorales.DATA_FILE.read_text(encoding="utf-8").splitlines()[:3]
    assert all(line.startswith("#") for line in head) and "music21" in head[0]
    melodies = chorales.load_chorales()
    assert len(melodies) > 250
    texts = [chorales.format_notes(m["notes"]) for m in melodies]
    assert len(set(texts)) == len(texts), "a melody appears twice: it would leak across the split"
    assert len({m["name"] for m in melodies}) == len(melodies)
    for m in melodies:
        assert -6 <= m["shift"] <= 5 and m["mode"] in ("major", "minor")
        assert all(p == 0 or 40 <= p <= 90 for p, _ in m["notes"]) and all(s > 0 for _, s in m["notes"])


@pytest.mark.parametrize("index", [0, 7, 100, -1])
def test_regenerating_chorales_from_music21_gives_the_same_rows(index):
    pytest.importorskip("music21")
    row = chorales.load_chorales()[index]
    notes, mode, shift = chorales.parse_chorale(row["name"])
    assert (notes, mode, shift) == (row["notes"], row["mode"], row["shift"])


def test_transposition_takes_keys_to_c_major_or_a_minor():
    music21 = pytest.importorskip("music21")
    for name, mode, shift in (("G", "major", 5), ("D", "major", -2), ("E", "minor", 5),
                              ("F#", "major", -6), ("C", "minor", -3), ("A", "minor", 0)):
        key = music21.key.Key(name, mode)
        assert chorales.transposition(key) == shift, (name, mode)


def test_part_notes_merges_ties_and_rests():
    music21 = pytest.importorskip("music21")
    part = music21.stream.Part()
    a = music21.note.Note("G4", quarterLength=1)
    a.tie = music21.tie.Tie("start")
    b = music21.note.Note("G4", quarterLength=0.5)
    b.tie = music21.tie.Tie("stop")
    part.append([a, b, music21.note.Rest(quarterLength=1), music21.note.Rest(quarterLength=0.5),
                 music21.note.Note("A4", quarterLength=0.25)])
    assert chorales.part_notes(part, shift=2) == [(69, 6), (0, 6), (71, 1)]


def test_vocabulary_and_tokens():
    vocab = chorales.build_vocab([[(67, 4), (60, 2)], [(67, 4), (0, 8)]])
    assert vocab == [chorales.PAD, chorales.START, chorales.END, "0:8", "60:2", "67:4"]
    stoi = {t: i for i, t in enumerate(vocab)}
    assert chorales.notes_to_tokens([(67, 4), (0, 8)], stoi) == [1, 5, 3, 2]
    assert chorales.token_note("60:2") == (60, 2) and chorales.token_note(chorales.END) is None


def test_split_is_by_chorale_and_covers_everything():
    train, val = chorales.split_by_chorale(50, 0.2, seed=3)
    assert len(val) == 10 and sorted(train + val) == list(range(50))
    assert chorales.split_by_chorale(50, 0.2, seed=3) == (train, val)


def test_bigram_cross_entropy_by_hand():
    # V = 3; training pairs: (0,1) twice, (1,2), (0,2). k = 1:
    # P(1|0) = (2+1)/(3+3) = 1/2, P(2|1) = (1+1)/(1+3) = 1/2, P(0|2) = (0+1)/(0+3) = 1/3.
    train = [[0, 1, 2], [0, 1], [0, 2]]
    val = [[0, 1, 2], [2, 0]]
    expected = -(math.log(1 / 2) + math.log(1 / 2) + math.log(1 / 3)) / 3
    assert chorales.bigram_cross_entropy(train, val, 3, k=1.0) == pytest.approx(expected, rel=1e-12)
    # k = 0.5: P(1|0) = 2.5/4.5, P(2|1) = 1.5/2.5, P(0|2) = 0.5/1.5
    expected = -(math.log(2.5 / 4.5) + math.log(1.5 / 2.5) + math.log(0.5 / 1.5)) / 3
    assert chorales.bigram_cross_entropy(train, val, 3, k=0.5) == pytest.approx(expected, rel=1e-12)


def test_bigram_of_uniform_data_is_log_v():
    g = np.random.default_rng(0)
    train = [g.integers(0, 4, 2000).tolist()]
    val = [g.integers(0, 4, 2000).tolist()]
    assert abs(chorales.bigram_cross_entropy(train, val, 4, k=1.0) - math.log(4)) < 0.01


def test_a_missing_music21_is_a_sentence_naming_pip_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "music21", None)
    with pytest.raises(chorales.Music21Missing, match="pip install music21"):
        chorales.require_music21()


def test_load_chorales_names_the_fix_for_a_missing_file(tmp_path):
    from course.errors import CourseError

    with pytest.raises(CourseError, match="python -m course.music.chorales"):
        chorales.load_chorales(tmp_path / "nothing.csv")
