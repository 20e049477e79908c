"""The dates data set of Days 28 and 30: Babel's year trap, held-out days, encodings."""
import datetime as dt

import numpy as np
import pytest

pytest.importorskip("faker")
pytest.importorskip("babel")

from course.data import dates as D  # noqa: E402


def test_year_is_the_calendar_year_not_the_week_year():
    d = dt.date(2018, 12, 31)          # in ISO week 1 of 2019
    assert D.render(d, "en_GB", "d MMMM yyyy") == "31 december 2018"
    assert D.render(d, "en_GB", "d MMMM YYYY") == "31 december 2019"   # the trap the module avoids
    for loc in D.LOCALES:
        for fmt in D.FORMATS:
            for day in (dt.date(2018, 12, 31), dt.date(2021, 1, 1), dt.date(1950, 1, 2)):
                text = D.render(day, loc, fmt)
                assert str(day.year) in text, (loc, fmt, text)
                assert str(day.day) in text, (loc, fmt, text)


def test_short_format_is_refused():
    with pytest.raises(ValueError, match="two-digit year"):
        D.render(dt.date(2021, 9, 15), "en_US", "short")


def test_dataset_holds_out_test_days_and_is_seeded():
    a = D.dates_dataset(600, 200, seed=3)
    b = D.dates_dataset(600, 200, seed=3)
    c = D.dates_dataset(600, 200, seed=4)
    assert a.train_human == b.train_human and a.test_iso == b.test_iso
    assert a.train_human != c.train_human
    assert not set(a.train_iso) & set(a.test_iso)
    assert a.X_train.shape == (600, a.vocab.Tx) and a.Y_test.shape == (200, 10)
    assert a.X_train.dtype == np.int64
    assert D.decode_machine(a.Y_test, a.vocab) == a.test_iso
    assert all(dt.date.fromisoformat(s) for s in a.train_iso)
    # Several locales and formats are present, padding is 0 and nothing is unknown.
    assert (a.X_train == a.vocab.human[D.UNK]).sum() == 0
    lengths = (a.X_train != 0).sum(axis=1)
    assert lengths.min() < lengths.max() <= a.vocab.Tx
    assert any("septembre" in s or "september" in s or "settembre" in s for s in a.train_human)


def test_every_spelling_fits_and_is_known():
    v = D.vocabularies()
    every = D._all_spellings()
    X = D.encode_human(every, v)
    assert max(map(len, every)) == v.Tx
    assert (X == v.human[D.UNK]).sum() == 0
    assert v.machine[D.START_TOKEN] == 11 and len(v.inv_machine) == 12


def test_encoding_errors_say_what_is_wrong():
    v = D.vocabularies()
    with pytest.raises(ValueError, match="more than Tx"):
        D.encode_human(["x" * (v.Tx + 1)], v)
    with pytest.raises(ValueError, match="not an ISO date"):
        D.encode_machine(["15/09/2021"], v)
    assert D.encode_human(["15 sep 2021 ☃"], v)[0, 12] == v.human[D.UNK]
    assert D.exact_match(["2021-09-15", "2021-09-16"], ["2021-09-15", "2021-09-15"]) == 0.5
    with pytest.raises(ValueError):
        D.exact_match(["a"], [])
    with pytest.raises(ValueError):
        D.dates_dataset(0, 10)
