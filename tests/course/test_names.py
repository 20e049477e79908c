"""course.data.names: the names shipped with the course and their seeded split."""
from course.data.names import NAMES_FILE, all_first_names, first_names


def test_the_file_is_small_cites_its_source_and_holds_lowercase_names():
    assert NAMES_FILE.stat().st_size < 200_000
    header = NAMES_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("#") and "Faker" in header and "MIT" in header
    everything = all_first_names()
    assert len(everything) > 3000 and len(set(everything)) == len(everything)
    assert all(n.isascii() and n.isalpha() and n.islower() for n in everything)


def test_the_split_is_seeded_and_disjoint():
    train, val = first_names(val_fraction=0.1, seed=0)
    assert (train, val) == first_names(val_fraction=0.1, seed=0)
    assert train != first_names(val_fraction=0.1, seed=1)[0]
    assert not set(train) & set(val)
    assert len(train) + len(val) == len(all_first_names()) and abs(len(val) / len(all_first_names()) - 0.1) < 0.001
