"""course.text.charlm against torch: clipping, encoding, baselines, sampling, and a short training."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.text import charlm


def test_vocab_puts_the_boundary_first():
    itos, stoi = charlm.make_vocab(["emma", "bob"])
    assert itos == [".", "a", "b", "e", "m", "o"] and stoi["."] == 0 and stoi["o"] == 5
    with pytest.raises(ValueError):
        charlm.make_vocab(["a.b"])


def test_clip_by_value_is_a_copy():
    g = np.random.default_rng(0)
    grads = {"dW": 5 * g.normal(size=(3, 4)), "db": g.normal(size=(3, 1))}
    before = {k: v.copy() for k, v in grads.items()}
    out = charlm.clip(grads, 1.5)
    for k in grads:
        assert np.array_equal(grads[k], before[k]) and out[k] is not grads[k]
        assert np.array_equal(out[k], torch.clamp(torch.tensor(before[k]), -1.5, 1.5).numpy())


def test_encode_shifts_by_one_with_boundaries():
    _, stoi = charlm.make_vocab(["emma"])
    x, y = charlm.encode("emma", stoi)
    assert x.dtype == y.dtype == torch.long
    assert x.tolist() == [0, 2, 3, 3, 1] and y.tolist() == [2, 3, 3, 1, 0]
    X, Y = charlm.encode_batch(["emma", "am"], stoi)
    assert X.shape == Y.shape == (2, 5)
    assert X[1].tolist() == [0, 1, 3, 0, 0] and Y[1].tolist() == [1, 3, 0, charlm.PAD, charlm.PAD]


def _torch_baseline(train, val, stoi, order):
    # F.cross_entropy of counted (smoothed) log-probabilities: unigram (order 1) or bigram (order 2)
    V = len(stoi)
    counts = torch.ones(V, V, dtype=torch.float64)
    for name in train:
        x, y = charlm.encode(name, stoi)
        for a, b in zip(x.tolist(), y.tolist()):
            counts[a if order == 2 else 0, b] += 1
    logp = torch.log(counts / counts.sum(dim=1, keepdim=True))
    xs = torch.cat([charlm.encode(n, stoi)[0] for n in val])
    ys = torch.cat([charlm.encode(n, stoi)[1] for n in val])
    rows = logp[xs] if order == 2 else logp[0].expand(len(ys), -1)
    return float(F.cross_entropy(rows, ys))


def test_baselines_match_torch_cross_entropy():
    names = ["anna", "bob", "ab", "nob", "bonn", "abba"]
    _, stoi = charlm.make_vocab(names + ["x"])
    train, val = names[:4], names[4:] + ["x"]
    assert charlm.unigram_cross_entropy(train, val, stoi) == pytest.approx(_torch_baseline(train, val, stoi, 1))
    assert charlm.bigram_cross_entropy(train, val, stoi) == pytest.approx(_torch_baseline(train, val, stoi, 2))


class Fixed:
    def __init__(self, logits):
        self.logits = torch.tensor(logits)

    def __call__(self, x, state=None):
        return self.logits.expand(x.shape[0], 1, -1).clone(), state


def test_sampling_follows_the_temperature():
    itos = [".", "a", "b", "c"]
    logits = [-float("inf"), 1.0, 0.0, -1.0]
    gen = torch.Generator().manual_seed(0)
    for temperature in (0.5, 1.0, 2.0):
        text = "".join(charlm.sample_many(Fixed(logits), itos, 400, temperature, 10, generator=gen))
        freq = np.array([text.count(c) for c in "abc"]) / len(text)
        want = torch.softmax(torch.tensor(logits[1:]) / temperature, 0).numpy()
        assert np.abs(freq - want).max() < 0.03
    assert charlm.sample(Fixed(logits), itos, 0, 7) == "aaaaaaa"
    one = "".join(charlm.sample(Fixed(logits), itos, 1.0, 10, generator=gen) for _ in range(300))
    freq = np.array([one.count(c) for c in "abc"]) / len(one)
    assert np.abs(freq - torch.softmax(torch.tensor(logits[1:]), 0).numpy()).max() < 0.03


def test_sampling_stops_at_the_end_token():
    itos = [".", "a", "b"]
    stop = Fixed([0.0, -float("inf"), -float("inf")])
    assert charlm.sample(stop, itos) == "" and charlm.sample_many(stop, itos, 3) == ["", "", ""]


def test_sample_and_sample_many_agree_on_a_real_model():
    itos, stoi = charlm.make_vocab(["emma", "bob", "anna"])
    torch.manual_seed(0)
    model = charlm.CharRNN(len(itos), 4, 8)
    greedy = charlm.sample(model, itos, 0, 12)
    assert charlm.sample_many(model, itos, 3, 0, 12) == [greedy] * 3


def test_a_short_training_beats_the_unigram_model():
    from course.data.names import first_names

    train, val = first_names(seed=0)
    train, val = train[:1500], val[:300]
    itos, stoi = charlm.make_vocab(train + val)
    model = charlm.CharRNN(len(itos), 16, 64)
    history = charlm.train_char_lm(model, train, val, stoi, num_epochs=3, lr=1e-2, device="cpu",
                                   progress=False)
    assert history["val_loss"][-1] < charlm.unigram_cross_entropy(train, val, stoi) - 0.2
    assert len(history["grad_norm"]) == 3 and all(n > 0 for n in history["grad_norm"])
    loss = charlm.evaluate_loss(model, val, stoi, "cpu", batch_size=7)
    assert loss == pytest.approx(history["val_loss"][-1], rel=1e-5)  # batching does not change it
