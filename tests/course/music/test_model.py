import numpy as np
import torch

from course.music import model


def _reference_logits(net, X, state=None):
    """Embedding, LSTM and linear layer run by hand with torch's equations (gates i, f, g, o)."""
    lstm = net.lstm
    H = lstm.hidden_size
    e = net.embed.weight[X]  # (N, T, E)
    N, T, _ = e.shape
    h = torch.zeros(N, H, dtype=e.dtype) if state is None else state[0][0]
    c = torch.zeros(N, H, dtype=e.dtype) if state is None else state[1][0]
    outs = []
    for t in range(T):
        z = e[:, t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
        i, f, g, o = z.split(H, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outs.append(h)
    return net.out(torch.stack(outs, dim=1)), (h, c)


def test_note_model_matches_the_equations_and_carries_state():
    torch.manual_seed(0)
    net = model.NoteModel(11, embed_dim=5, hidden_size=7).double()
    X = torch.randint(0, 11, (3, 6))
    logits, (h, c) = net(X)
    ref, (h_ref, c_ref) = _reference_logits(net, X)
    assert logits.shape == (3, 6, 11) and h.shape == (1, 3, 7)
    torch.testing.assert_close(logits, ref)
    torch.testing.assert_close(h[0], h_ref)
    # two halves with the state carried = the whole
    l1, s = net(X[:, :2])
    l2, _ = net(X[:, 2:], s)
    torch.testing.assert_close(torch.cat([l1, l2], dim=1), logits)


def test_next_token_loss_shifts_and_skips_padding():
    X = torch.tensor([[1, 3, 4, 2], [1, 5, 2, 0]])
    logits = torch.randn(2, 3, 6, generator=torch.Generator().manual_seed(0))
    lp = torch.log_softmax(logits, dim=2)
    picks = [lp[0, 0, 3], lp[0, 1, 4], lp[0, 2, 2], lp[1, 0, 5], lp[1, 1, 2]]
    expected = -torch.stack(picks).mean()
    torch.testing.assert_close(model.next_token_loss(logits, X, pad_id=0), expected)


def test_pad_batch():
    X = model.pad_batch([[1, 2, 3], [4]], pad_id=0)
    assert X.tolist() == [[1, 2, 3], [4, 0, 0]] and X.dtype == torch.long


class _Chain(torch.nn.Module):
    """A fake model: logits = table[last token] + bonus[position], the position counted via the state."""

    def __init__(self, table, bonus):
        super().__init__()
        self.table = torch.nn.Parameter(torch.tensor(table, dtype=torch.float64))
        self.bonus = torch.tensor(bonus, dtype=torch.float64)

    def forward(self, X, state=None):
        pos0 = 0 if state is None else int(state)
        pos = torch.arange(pos0, pos0 + X.shape[1]).clamp(max=len(self.bonus) - 1)
        return (self.table[X] + self.bonus[pos]).float(), pos0 + X.shape[1]


def test_sample_follows_the_tempered_distribution_and_stops_at_end():
    table = np.log(np.array([[1, 1, 1, 1], [1, 1, 6, 2], [1, 1, 1, 1], [1, 1, 1, 1]]) + 0.0)
    table[:, 0] = -np.inf  # never the pad
    bonus = np.zeros((10, 4))
    net = _Chain(table, bonus)
    g = torch.Generator().manual_seed(0)
    firsts = [model.sample(net, 1, 3, max_len=1, temperature=0.5, generator=g)[0] for _ in range(3000)]
    p = np.array([0, 1, 36, 4]) / 41  # (1, 1, 6, 2)^(1/0.5), without the pad
    freq = np.bincount(firsts, minlength=4) / 3000
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / 3000) + 1e-9)
    seq = model.sample(net, 1, 3, max_len=50, generator=torch.Generator().manual_seed(1))
    assert len(seq) <= 50 and (seq[-1] == 3 or len(seq) == 50) and 3 not in seq[:-1]


def test_sample_draws_on_the_cpu_with_a_cpu_generator_whatever_the_device():
    """The notebook passes torch.Generator() (a CPU one): sample must draw on the CPU, also for a
    model on the GPU (torch.multinomial refuses a CPU generator for a CUDA tensor)."""
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    runs = []
    for dev in devices:
        torch.manual_seed(0)
        net = model.NoteModel(7, embed_dim=4, hidden_size=8).to(dev)
        torch.manual_seed(123)  # the global seed must not matter: the generator decides
        a = model.sample(net, 1, 2, max_len=20, generator=torch.Generator().manual_seed(3))
        torch.manual_seed(456)
        b = model.sample(net, 1, 2, max_len=20, generator=torch.Generator().manual_seed(3))
        assert a == b and 1 <= len(a) <= 20
        runs.append(a)


def test_training_lowers_the_loss_on_a_repeating_pattern():
    seqs = [[1] + [3, 4, 5] * 6 + [2] for _ in range(16)]
    net = model.NoteModel(6, embed_dim=4, hidden_size=16)
    h = model.train_next_note(net, seqs, seqs[:4], num_epochs=30, batch_size=8, lr=3e-2, device="cpu",
                              progress=False)
    assert h["val_loss"][-1] < 0.4 < 1.0 < h["val_loss"][0]
    assert len(h["train_loss"]) == len(h["seconds"]) == 30
