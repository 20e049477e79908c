"""Human-readable dates and their ISO form, for the translation days (28: attention, 30: a Transformer).

Each example is a pair ``("mercredi 15 septembre 2021", "2021-09-15")``: a date drawn by Faker
(seeded), written by Babel in one of several locales and formats, lower-cased; the target is
always ``YYYY-MM-DD``, ten characters. The model has to read month names in six languages, skip
weekday names and punctuation, and copy the digits to the right places.

Formats are Babel patterns. Two traps, both avoided here and checked by the tests:

- the year is ``yyyy`` (or Babel's ``y``), the calendar year; ``YYYY`` is the *week-numbering*
  year, which differs from it around New Year (2018-12-31 is in week 1 of 2019);
- the locale's ``short`` format writes two-digit years (``9/15/21``) and mixes day-first and
  month-first orders between locales: its century cannot be recovered, so it is not used.

``dates_dataset`` keeps the test dates out of training: a date (the calendar day, whatever its
spelling) is in one split only, so exact match on the test set measures generalisation to unseen
dates, not memory.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np

from .fetch import DataUnavailable

LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT")
# The locale's own long forms, then a few common hand-written patterns (all with a four-digit year).
FORMATS = ("full", "long", "medium", "d MMM yyyy", "d MMMM yyyy", "dd MMM yyyy", "EEE d MMM yyyy",
           "dd.MM.yyyy")
START, END = _dt.date(1950, 1, 1), _dt.date(2049, 12, 31)

PAD, UNK = "<pad>", "<unk>"
MACHINE_CHARS = "0123456789-"
START_TOKEN = "<s>"
ISO_LENGTH = 10


def _faker_babel():
    try:
        import babel
        import babel.dates
        from faker import Faker
    except ModuleNotFoundError as err:
        raise DataUnavailable(
            f"The dates data set needs the {err.name} package: run `pip install faker babel` (in a "
            "notebook: %pip install faker babel), then restart the kernel.") from None
    return babel, babel.dates, Faker


def render(date: _dt.date, locale: str = "en_US", pattern: str = "long", *, lower: bool = True) -> str:
    """``date`` written by Babel in ``locale`` with ``pattern`` ("full", "long", "medium" or a
    pattern such as "d MMMM yyyy")."""
    babel, dates, _ = _faker_babel()
    if pattern == "short":
        raise ValueError("The 'short' format writes a two-digit year, whose century cannot be "
                         "recovered; use 'medium', 'long', 'full' or a pattern with yyyy.")
    text = dates.format_date(date, format=pattern, locale=babel.Locale.parse(locale))
    return text.lower() if lower else text


def draw_dates(n: int, *, seed: int = 0, start: _dt.date = START, end: _dt.date = END) -> list:
    """``n`` dates drawn uniformly between ``start`` and ``end`` (inclusive) by a seeded Faker."""
    _, _, Faker = _faker_babel()
    fake = Faker()
    fake.seed_instance(seed)
    return [fake.date_between_dates(date_start=start, date_end=end) for _ in range(n)]


def human_dates(dates, *, seed: int = 0, locales=LOCALES, formats=FORMATS, lower: bool = True):
    """Each date written in a locale and a format drawn uniformly (seeded); returns
    ``(human strings, ISO strings)``."""
    babel, bdates, _ = _faker_babel()
    rng = np.random.default_rng(seed)
    parsed = [babel.Locale.parse(loc) for loc in locales]
    li = rng.integers(len(locales), size=len(dates))
    fi = rng.integers(len(formats), size=len(dates))
    human = []
    for d, i, j in zip(dates, li, fi):
        text = bdates.format_date(d, format=formats[j], locale=parsed[i])
        human.append(text.lower() if lower else text)
    return human, [d.isoformat() for d in dates]


def _all_spellings(locales=LOCALES, formats=FORMATS, lower=True):
    """Every day of a year in every locale and format: what the vocabulary and the maximum
    length are built from (every month and weekday name, every day number)."""
    # Every day of 2021: every month with every weekday, one- and two-digit days.
    days = [_dt.date(2021, 1, 1) + _dt.timedelta(days=k) for k in range(365)]
    out = []
    for loc in locales:
        for fmt in formats:
            out += [render(d, loc, fmt, lower=lower) for d in days]
    return out


@dataclass(frozen=True)
class Vocab:
    """Character vocabularies. ``human``: character -> index, ``<pad>`` = 0, ``<unk>`` = 1;
    ``machine``: the 11 ISO characters, then ``<s>`` (the decoder's start token, index 11);
    ``inv_machine``: index -> character. ``Tx``: the padded input length, ``Ty`` = 10."""
    human: dict
    machine: dict
    inv_machine: dict
    Tx: int
    Ty: int = ISO_LENGTH


def vocabularies(locales=LOCALES, formats=FORMATS, *, lower: bool = True) -> Vocab:
    """The input and output vocabularies for these locales and formats (deterministic)."""
    spellings = _all_spellings(locales, formats, lower)
    chars = sorted(set("".join(spellings)) | set("0123456789"))
    human = {PAD: 0, UNK: 1, **{c: i + 2 for i, c in enumerate(chars)}}
    machine = {c: i for i, c in enumerate(MACHINE_CHARS)}
    machine[START_TOKEN] = len(machine)
    inv = {i: c for c, i in machine.items()}
    return Vocab(human, machine, inv, Tx=max(len(s) for s in spellings))


def encode_human(strings, vocab: Vocab) -> np.ndarray:
    """Index arrays ``(N, Tx)`` int64, right-padded with ``<pad>`` (0); unknown characters become
    ``<unk>`` (1)."""
    out = np.zeros((len(strings), vocab.Tx), dtype=np.int64)
    unk = vocab.human[UNK]
    for n, s in enumerate(strings):
        if len(s) > vocab.Tx:
            raise ValueError(f"{s!r} has {len(s)} characters, more than Tx = {vocab.Tx}: "
                             "build the vocabulary with the locales and formats it comes from.")
        out[n, :len(s)] = [vocab.human.get(c, unk) for c in s]
    return out


def encode_machine(strings, vocab: Vocab) -> np.ndarray:
    """ISO strings -> ``(N, 10)`` int64 indices into ``vocab.machine``."""
    out = np.empty((len(strings), vocab.Ty), dtype=np.int64)
    for n, s in enumerate(strings):
        if len(s) != vocab.Ty or any(c not in MACHINE_CHARS for c in s):
            raise ValueError(f"{s!r} is not an ISO date YYYY-MM-DD.")
        out[n] = [vocab.machine[c] for c in s]
    return out


def decode_machine(indices, vocab: Vocab) -> list:
    """``(N, Ty)`` indices (NumPy or torch) -> ISO strings (the start token, if any, is dropped)."""
    rows = np.asarray(indices.cpu() if hasattr(indices, "cpu") else indices)
    return ["".join(vocab.inv_machine[int(i)] for i in row if int(i) != vocab.machine[START_TOKEN])
            for row in rows]


@dataclass
class DatesData:
    """A dates data set: human strings, ISO strings and their encodings, train and test."""
    vocab: Vocab
    train_human: list
    train_iso: list
    test_human: list
    test_iso: list
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def dates_dataset(n_train: int = 20_000, n_test: int = 2_000, *, seed: int = 0, locales=LOCALES,
                  formats=FORMATS) -> DatesData:
    """A seeded train/test split whose test dates (calendar days) never occur in training.

    Test dates are drawn first; training draws that fall on a test day are drawn again. Each
    example's locale and format are drawn uniformly.
    """
    if n_train < 1 or n_test < 1:
        raise ValueError(f"n_train and n_test must be positive; got {n_train} and {n_test}.")
    span = (END - START).days + 1
    if n_test > span // 2:
        raise ValueError(f"n_test = {n_test} would hold out most of the {span} days; keep it "
                         f"under {span // 2}.")
    test_dates = draw_dates(n_test, seed=seed)
    held = set(test_dates)
    train_dates, k = [], 1
    while len(train_dates) < n_train:
        more = draw_dates(n_train - len(train_dates), seed=seed + 1000 * k)
        train_dates += [d for d in more if d not in held]
        k += 1
    vocab = vocabularies(locales, formats)
    tr_h, tr_i = human_dates(train_dates, seed=seed + 1, locales=locales, formats=formats)
    te_h, te_i = human_dates(test_dates, seed=seed + 2, locales=locales, formats=formats)
    return DatesData(vocab, tr_h, tr_i, te_h, te_i, encode_human(tr_h, vocab),
                     encode_machine(tr_i, vocab), encode_human(te_h, vocab),
                     encode_machine(te_i, vocab))


def exact_match(predicted, target) -> float:
    """The fraction of predictions that equal their target string exactly."""
    predicted, target = list(predicted), list(target)
    if len(predicted) != len(target):
        raise ValueError(f"{len(predicted)} predictions for {len(target)} targets.")
    return float(np.mean([p == t for p, t in zip(predicted, target)])) if target else float("nan")
