"""course.text.attention against torch: the attention step (scores, masked softmax, context), the
decoder's inputs, the model's shapes, and greedy decoding against a step-by-step loop."""
import numpy as np
import pytest
import torch

from course.data.dates import dates_dataset
from course.text import attention


@pytest.fixture(scope="module")
def data():
    return dates_dataset(64, 16, seed=3)


def test_scores_match_the_concatenated_form():
    # v · tanh(W [s; a_t] + b) with W = [W_s; W_a], one position at a time
    g = torch.Generator().manual_seed(0)
    N, Tx, Hd, H2, A = 3, 5, 4, 6, 7
    s, a = torch.randn(N, Hd, generator=g), torch.randn(N, Tx, H2, generator=g)
    W_s, W_a = torch.randn(Hd, A, generator=g), torch.randn(H2, A, generator=g)
    b, v = torch.randn(A, generator=g), torch.randn(A, generator=g)
    W = torch.cat([W_s, W_a])
    want = torch.stack([torch.stack([torch.tanh(torch.cat([s[n], a[n, t]]) @ W + b) @ v
                                     for t in range(Tx)]) for n in range(N)])
    got = attention.attention_scores(s, a, W_s, W_a, b, v)
    assert got.shape == (N, Tx)
    assert torch.allclose(got, want, atol=1e-5)


def test_masked_softmax_is_torch_softmax_on_the_real_positions():
    g = torch.Generator().manual_seed(1)
    scores = 3 * torch.randn(4, 6, generator=g, dtype=torch.float64)
    lengths = [6, 3, 1, 0]
    mask = torch.arange(6)[None, :] < torch.tensor(lengths)[:, None]
    alphas = attention.masked_softmax(scores, mask)
    for n, k in enumerate(lengths):
        if k:
            assert torch.allclose(alphas[n, :k], torch.softmax(scores[n, :k], dim=0))
        assert torch.all(alphas[n, k:] == 0)  # exactly zero on padding
    assert torch.all(alphas[3] == 0) and not torch.isnan(alphas).any()  # all padding: zeros
    huge = attention.masked_softmax(torch.tensor([[1000.0, -1000.0, 5.0]]), torch.tensor([[True, True, False]]))
    assert torch.allclose(huge, torch.tensor([[1.0, 0.0, 0.0]]))


def test_masked_softmax_has_the_gradient_of_torch_softmax():
    scores = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    w = torch.randn(2, 5, dtype=torch.float64)
    (attention.masked_softmax(scores, mask) * w).sum().backward()
    ref = scores.detach().clone().requires_grad_(True)
    (torch.softmax(ref.masked_fill(~mask, float("-inf")), dim=1) * w).sum().backward()
    assert torch.allclose(scores.grad, ref.grad)


def test_context_is_the_weighted_sum_over_positions():
    g = torch.Generator().manual_seed(2)
    alphas = torch.softmax(torch.randn(3, 4, generator=g), dim=1)
    a = torch.randn(3, 4, 6, generator=g)
    got = attention.context_vector(alphas, a)
    assert got.shape == (3, 6)
    assert torch.allclose(got, torch.einsum("nt,nth->nh", alphas, a), atol=1e-6)


def test_decoder_inputs_start_with_the_start_token():
    Y = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert attention.decoder_inputs(Y, 11).tolist() == [[11, 1, 2], [11, 4, 5]]


def test_shapes_and_padding_gets_no_attention(data):
    torch.manual_seed(0)
    model = attention.DateTranslator(data.vocab, embed_dim=8, hidden_size=8, decoder_size=16,
                                     attention_size=8)
    X = torch.as_tensor(data.X_test)
    Y_in = attention.decoder_inputs(torch.as_tensor(data.Y_test), model.start)
    assert model(X, Y_in).shape == (16, 10, 12) and model(X).shape == (16, 10, 12)
    indices, attn = model.translate_with_attention(X)
    assert indices.shape == (16, 10) and indices.dtype == torch.int64
    assert attn.shape == (16, 10, data.vocab.Tx)
    pad = (X == 0).unsqueeze(1).expand_as(attn)
    assert torch.all(attn[pad] == 0)
    assert torch.allclose(attn.sum(-1), torch.ones(16, 10))
    assert attention.count_parameters(model) == sum(p.numel() for p in model.parameters())
    # an input's translation does not depend on how much padding follows it in the batch
    assert torch.equal(model.translate(X[:1]), indices[:1])


def test_greedy_decoding_equals_a_step_by_step_loop(data):
    torch.manual_seed(1)
    model = attention.DateTranslator(data.vocab, embed_dim=8, hidden_size=8, decoder_size=16,
                                     attention_size=8).eval()
    X = torch.as_tensor(data.X_test[:5])
    with torch.no_grad():
        greedy = model(X)
        memory, s = model.encode(X)
        y = torch.full((5,), model.start)
        fed = [y]
        for t in range(10):
            logits, s, _ = model.step(y, s, memory)
            assert torch.allclose(logits, greedy[:, t], atol=1e-6)
            y = logits.argmax(1)
            fed.append(y)
        # feeding the greedy outputs back as teacher-forced inputs gives the same logits
        forced = model(X, torch.stack(fed[:-1], dim=1))
    assert torch.allclose(forced, greedy, atol=1e-6)
    assert torch.equal(model.translate(X), greedy.argmax(-1))


def test_a_short_training_learns_and_is_seeded():
    small = dates_dataset(600, 100, seed=0)
    kw = dict(epochs=2, batch_size=64, lr=5e-3, device="cpu", progress=False, embed_dim=8,
              hidden_size=16, decoder_size=32, attention_size=16)
    threads = torch.get_num_threads()
    model, history, seconds = attention.train_translator(small, seed=0, **kw)
    assert torch.get_num_threads() == threads  # one thread while training, then restored
    _, h2, _ = attention.train_translator(small, seed=0, threads=None, **kw)
    assert history["loss"] == h2["loss"] and seconds > 0
    assert len(history["loss"]) == len(history["test_exact"]) == len(history["seconds"]) == 2
    assert history["loss"][1] < history["loss"][0] < np.log(12)
    exact, per_char = attention.translation_accuracy(model, small.X_test, small.test_iso, small.vocab)
    assert 0 <= exact <= per_char <= 1 and per_char > 0.2
