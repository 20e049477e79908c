"""course.text.transformer against torch: attention, positional encoding, multi-head attention,
masks, and the encoder-decoder's greedy decoding."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.text import transformer as tr


def _qkv(shape_q, shape_k, dv, seed=0):
    g = torch.Generator().manual_seed(seed)
    Q = torch.randn(*shape_q, generator=g, dtype=torch.float64)
    K = torch.randn(*shape_k, generator=g, dtype=torch.float64)
    V = torch.randn(*shape_k[:-1], dv, generator=g, dtype=torch.float64)
    return Q, K, V


@pytest.mark.parametrize("batch", [(), (3,), (2, 4)])
def test_attention_matches_torch_without_mask(batch):
    Q, K, V = _qkv((*batch, 5, 8), (*batch, 7, 8), 6)
    out, w = tr.scaled_dot_product_attention(Q, K, V)
    assert out.shape == (*batch, 5, 6) and w.shape == (*batch, 5, 7)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V), rtol=0, atol=1e-9)
    torch.testing.assert_close(w.sum(-1), torch.ones(*batch, 5, dtype=torch.float64))


def test_attention_matches_torch_with_masks():
    Q, K, V = _qkv((2, 3, 6, 4), (2, 3, 6, 4), 5, seed=1)
    causal = tr.causal_mask(6)
    out, w = tr.scaled_dot_product_attention(Q, K, V, causal)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=causal),
                               rtol=0, atol=1e-9)
    assert (w[..., ~causal] == 0).all()
    X = torch.tensor([[5, 3, 2, 0, 0, 0], [1, 1, 1, 1, 1, 7]])
    pad = tr.padding_mask(X)
    assert pad.shape == (2, 1, 1, 6) and pad.dtype == torch.bool
    out, w = tr.scaled_dot_product_attention(Q, K, V, pad & causal)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=pad & causal),
                               rtol=0, atol=1e-9)


def test_fully_masked_rows_give_zeros_not_nan_and_gradients_stay_finite():
    Q, K, V = _qkv((2, 4, 3), (2, 5, 3), 2, seed=2)
    Q.requires_grad_(True)
    mask = torch.ones(4, 5, dtype=torch.bool)
    mask[2] = False
    out, w = tr.scaled_dot_product_attention(Q, K, V, mask)
    assert not torch.isnan(out).any() and not torch.isnan(w).any()
    assert (out[:, 2] == 0).all() and (w[:, 2] == 0).all()
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, attn_mask=mask),
                               rtol=0, atol=1e-9)
    out.sum().backward()
    assert torch.isfinite(Q.grad).all() and (Q.grad[:, 2] == 0).all()


def test_positional_encoding_formula():
    pe = tr.positional_encoding(50, 16)
    assert pe.shape == (50, 16)
    for pos in (0, 1, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)
    odd = tr.positional_encoding(4, 5)
    assert odd.shape == (4, 5)
    assert odd[3, 4].item() == pytest.approx(math.sin(3 / 10000 ** (4 / 5)), abs=1e-6)


def _torch_mha_with_same_weights(mha):
    ref = torch.nn.MultiheadAttention(mha.d_model, mha.num_heads, batch_first=True,
                                      dtype=torch.float64)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.cat([mha.W_q.weight, mha.W_k.weight, mha.W_v.weight]))
        ref.in_proj_bias.copy_(torch.cat([mha.W_q.bias, mha.W_k.bias, mha.W_v.bias]))
        ref.out_proj.weight.copy_(mha.W_o.weight)
        ref.out_proj.bias.copy_(mha.W_o.bias)
    return ref


@pytest.mark.parametrize("d_model,heads", [(12, 3), (16, 4), (8, 1)])
def test_multi_head_attention_matches_torch(d_model, heads):
    torch.manual_seed(0)
    mha = tr.MultiHeadAttention(d_model, heads).double()
    ref = _torch_mha_with_same_weights(mha)
    g = torch.Generator().manual_seed(1)
    q = torch.randn(2, 5, d_model, generator=g, dtype=torch.float64)
    kv = torch.randn(2, 7, d_model, generator=g, dtype=torch.float64)
    out, w = mha(q, kv, kv)
    want, want_w = ref(q, kv, kv, average_attn_weights=False)
    torch.testing.assert_close(out, want, rtol=0, atol=1e-9)
    torch.testing.assert_close(w, want_w, rtol=0, atol=1e-9)
    # masks: torch's module takes the opposite convention (True = blocked)
    X = torch.tensor([[4, 4, 4, 4, 0, 0, 0], [4, 4, 4, 4, 4, 4, 4]])
    pad = tr.padding_mask(X)
    out, w = mha(q, kv, kv, pad)
    want, want_w = ref(q, kv, kv, key_padding_mask=~pad[:, 0, 0], average_attn_weights=False)
    torch.testing.assert_close(out, want, rtol=0, atol=1e-9)
    out, _ = mha(q, q, q, tr.causal_mask(5))
    want, _ = ref(q, q, q, attn_mask=~tr.causal_mask(5))
    torch.testing.assert_close(out, want, rtol=0, atol=1e-9)


def test_multi_head_attention_refuses_an_uneven_split():
    with pytest.raises(ValueError, match="multiple"):
        tr.MultiHeadAttention(10, 3)


def test_causal_self_attention_leaks_nothing_from_the_future():
    torch.manual_seed(0)
    mha = tr.MultiHeadAttention(8, 2).double()
    x = torch.randn(1, 6, 8, dtype=torch.float64, requires_grad=True)
    out, _ = mha(x, x, x, tr.causal_mask(6))
    for t in range(6):
        (grad,) = torch.autograd.grad(out[0, t].sum(), x, retain_graph=True)
        assert (grad[0, t + 1:] == 0).all() and grad[0, :t + 1].abs().sum() > 0


def _tiny_vocab():
    from course.data.dates import Vocab
    human = {"<pad>": 0, "<unk>": 1, **{c: i + 2 for i, c in enumerate("0123456789 abc")}}
    machine = {c: i for i, c in enumerate("0123456789-")}
    machine["<s>"] = 11
    return Vocab(human, machine, {i: c for c, i in machine.items()}, Tx=9)


def test_decoder_is_causal_and_greedy_decoding_equals_step_by_step():
    torch.manual_seed(0)
    vocab = _tiny_vocab()
    model = tr.DateTransformer(vocab, d_model=16, num_heads=2, num_layers=2, d_ff=32).eval()
    g = torch.Generator().manual_seed(3)
    X = torch.randint(2, len(vocab.human), (5, 9), generator=g)
    X[:2, 6:] = 0
    Y = torch.randint(0, 11, (5, 10), generator=g)
    Y_in = tr.shift_right(Y, model.start)
    with torch.no_grad():
        logits = model(X, Y_in)
        later = Y_in.clone()
        later[:, 4:] = (later[:, 4:] + 3) % 11
        assert torch.equal(model(X, later)[:, :4], logits[:, :4])  # positions < 4 never see later inputs
        X_pad = X.clone()
        X_pad[:2, 6:] = 1  # change what sits in the padding
        assert not torch.equal(model(X_pad, Y_in), logits)
    pred = model.greedy_decode(X)
    assert pred.shape == (5, 10) and pred.dtype == torch.long
    one_by_one = torch.cat([model.greedy_decode(X[i:i + 1]) for i in range(5)])
    assert torch.equal(pred, one_by_one)
    with torch.no_grad():  # teacher-forced on its own output, the model picks the same characters
        again = model(X, tr.shift_right(pred, model.start)).argmax(-1)
    assert torch.equal(again, pred)
    w = model.cross_attention(X, pred)
    assert w.shape == (5, 2, 10, 9)
    assert (w[:2, ..., 6:] == 0).all()  # no attention on padding
    torch.testing.assert_close(w.sum(-1), torch.ones(5, 2, 10))


def test_a_short_training_learns_something():
    from course.data.dates import dates_dataset
    data = dates_dataset(300, 50, seed=0)
    model, history, seconds = tr.train_transformer(data, epochs=2, batch_size=64, d_model=32,
                                                   d_ff=64, device="cpu", seed=0, progress=False)
    assert history["train_loss"][-1] < history["train_loss"][0] < math.log(11) + 0.5
    assert len(history["seconds"]) == 2 and seconds > 0
    assert tr.count_parameters(model) == sum(p.numel() for p in model.parameters())
    preds = tr.translate(model, data.X_test[:4], data.vocab, device="cpu")
    assert len(preds) == 4 and all(len(p) == 10 for p in preds)
    np.testing.assert_array_equal(tr.padding_mask(torch.as_tensor(data.X_test[:2]))[:, 0, 0].numpy(),
                                  data.X_test[:2] != 0)


def test_trimming_unused_padding_columns_changes_nothing():
    torch.manual_seed(1)
    vocab = _tiny_vocab()
    model = tr.DateTransformer(vocab, d_model=16, num_heads=4, num_layers=1, d_ff=32).eval()
    X = torch.randint(2, len(vocab.human), (3, 9), generator=torch.Generator().manual_seed(4))
    X[:, 5:] = 0
    X[1, 3:] = 0
    assert tr._trim(X).shape == (3, 5)
    with torch.no_grad():
        torch.testing.assert_close(model.greedy_decode(tr._trim(X)), model.greedy_decode(X))
        Y_in = torch.full((3, 4), model.start)
        torch.testing.assert_close(model(tr._trim(X), Y_in), model(X, Y_in))
