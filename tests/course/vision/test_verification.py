"""course.vision.verification against torch (torch.cdist, F.triplet_margin_loss, autograd) and
brute-force references written here."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.vision import verification as V


def test_pairwise_distances_match_cdist_and_have_no_negative_or_nan():
    g = torch.Generator().manual_seed(0)
    E = torch.randn(9, 5, generator=g, dtype=torch.float64)
    torch.testing.assert_close(V.pairwise_distances(E), torch.cdist(E, E), rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(V.pairwise_distances(E, squared=True), torch.cdist(E, E) ** 2)
    # Duplicated large rows: the expanded formula rounds below 0 in float32.
    big = (1000 + torch.randn(4, 16, generator=g)).repeat(2, 1)
    D = V.pairwise_distances(big)
    assert (D >= 0).all() and not D.isnan().any() and (torch.diagonal(D) == 0).all()
    big.requires_grad_(True)
    V.pairwise_distances(big).sum().backward()
    assert torch.isfinite(big.grad).all()


def test_triplet_loss_matches_torch():
    g = torch.Generator().manual_seed(1)
    a, p, n = (torch.randn(7, 4, generator=g, dtype=torch.float64, requires_grad=True) for _ in range(3))
    for margin in (0.2, 1.0, 3.0):
        ours = V.triplet_loss(a, p, n, margin)
        ref = F.triplet_margin_loss(a, p, n, margin=margin, eps=0.0)
        torch.testing.assert_close(ours, ref)
        grads = torch.autograd.grad(ours, (a, p, n))
        for got, want in zip(grads, torch.autograd.grad(ref, (a, p, n))):
            torch.testing.assert_close(got, want)


def _batch_hard_brute(E, labels, margin):
    # Each anchor's hardest triplet picked by loops, then scored by F.triplet_margin_loss.
    D = torch.cdist(E, E)
    rows = []
    for i in range(len(E)):
        pos = [j for j in range(len(E)) if j != i and labels[j] == labels[i]]
        neg = [j for j in range(len(E)) if labels[j] != labels[i]]
        if pos and neg:
            rows.append((i, max(pos, key=lambda j: D[i, j]), min(neg, key=lambda j: D[i, j])))
    a, p, n = (list(t) for t in zip(*rows))
    return F.triplet_margin_loss(E[a], E[p], E[n], margin=margin, eps=0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_hard_triplet_loss_matches_the_hardest_triplets(seed):
    g = torch.Generator().manual_seed(seed)
    E = torch.randn(12, 3, generator=g, dtype=torch.float64, requires_grad=True)
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 1, 0])  # class 3 has no positive
    ours = V.batch_hard_triplet_loss(E, labels, 1.0)
    ref = _batch_hard_brute(E, labels, 1.0)
    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(torch.autograd.grad(ours, E)[0], torch.autograd.grad(ref, E)[0])


def test_batch_hard_triplet_loss_of_a_batch_without_triplets_is_zero():
    E = torch.randn(3, 2, requires_grad=True)
    loss = V.batch_hard_triplet_loss(E, torch.tensor([0, 1, 2]), 0.5)
    assert float(loss.detach()) == 0.0
    loss.backward()


def test_choose_threshold_is_the_best_on_the_pairs():
    rng = np.random.default_rng(0)
    same = rng.random(200) < 0.5
    d = np.where(same, rng.normal(1.0, 0.4, 200), rng.normal(1.8, 0.4, 200))
    t, acc = V.choose_threshold(d, same)
    best = max(np.mean((d <= c) == same) for c in np.r_[-1.0, d])
    assert acc == pytest.approx(best) and V.verification_accuracy(d, same, t) == pytest.approx(best)
    assert V.choose_threshold([1.0, 2.0, 3.0, 4.0], [True, True, False, False]) == (2.5, 1.0)
    # Ties: pairs at one distance go together.
    assert V.choose_threshold([1.0, 1.0, 2.0], [True, False, False])[1] == pytest.approx(2 / 3)


def test_recognise_takes_the_nearest_enrolled_identity():
    rng = np.random.default_rng(1)
    gallery, labels = rng.normal(size=(5, 3)), np.array([7, 3, 9, 1, 4])
    query = rng.normal(size=(20, 3))
    d = torch.cdist(torch.tensor(query), torch.tensor(gallery)).numpy()
    np.testing.assert_array_equal(V.recognise(query, gallery, labels), labels[d.argmin(1)])
    t = np.median(d.min(1))
    want = np.where(d.min(1) > t, -1, labels[d.argmin(1)])
    np.testing.assert_array_equal(V.recognise(query, gallery, labels, threshold=t), want)


def test_roc_and_auc():
    d = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.2])
    same = np.array([1, 0, 1, 0, 1, 0], bool)
    fpr, tpr, thr = V.roc_curve(d, same)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1 and np.all(np.diff(thr) > 0)
    # AUC is the chance that a same pair is nearer than a different pair.
    pairs = [(a, b) for a, b in itertools.product(d[same], d[~same])]
    assert V.auc(fpr, tpr) == pytest.approx(np.mean([a < b for a, b in pairs]))


def test_pca_2d_matches_the_top_eigenvectors():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 4)) * [5, 2, 1, 0.1]
    Z = V.pca_2d(X)
    w, U = np.linalg.eigh(np.cov(X.T))
    ref = (X - X.mean(0)) @ U[:, ::-1][:, :2]
    np.testing.assert_allclose(np.abs(Z), np.abs(ref), atol=1e-9)


def test_pairs_are_balanced_and_batches_hold_p_identities_of_k():
    labels = np.repeat(np.arange(6), 10)
    i, j, same = V.make_pairs(labels, 100, seed=0)
    assert same.mean() == 0.5 and np.array_equal(labels[i] == labels[j], same) and np.all(i != j)
    for batch in V.pk_batches(labels, 4, 3, 5, seed=0):
        assert len(batch) == 12 and sorted(np.bincount(labels[batch])[np.bincount(labels[batch]) > 0]) == [3] * 4


def test_training_separates_two_easy_identities():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    X = rng.integers(0, 40, (64, 28, 28)).astype(np.uint8)
    labels = np.repeat([0, 1], 32)
    X[labels == 1, 5:20, 5:20] = 250
    net = V.make_embedding_net(dim=8, width=4)
    history = V.train_embedding(net, X, labels, num_steps=15, P=2, K=8, margin=0.5, lr=3e-3,
                                device="cpu", progress=False)
    assert len(history["loss"]) == 15 and np.isfinite(history["loss"]).all()
    E = V.embed(net, X, "cpu")
    assert E.shape == (64, 8) and np.allclose(np.linalg.norm(E, axis=1), 1, atol=1e-5)
    i, j, same = V.make_pairs(labels, 200, seed=3)
    _, acc = V.choose_threshold(V.pair_distances(E[i], E[j]), same)
    assert acc > 0.9


def test_the_written_out_adam_step_matches_torch_optim_adam():
    g = torch.Generator().manual_seed(4)
    w = torch.randn(5, 3, generator=g, dtype=torch.float64)
    mine, ref = w.clone().requires_grad_(True), w.clone().requires_grad_(True)
    opt = torch.optim.Adam([ref], lr=0.01)
    moments = [(torch.zeros_like(mine), torch.zeros_like(mine))]
    for t in range(1, 6):
        target = torch.randn(5, 3, generator=g, dtype=torch.float64)
        for p in (mine, ref):
            p.grad = None
            ((p - target) ** 2).sum().backward()
        V._adam_step([mine], moments, t, 0.01)
        opt.step()
        torch.testing.assert_close(mine, ref)


def test_batch_all_loss_averages_the_active_triplets_of_the_batch():
    g = torch.Generator().manual_seed(5)
    E = torch.randn(10, 4, generator=g, dtype=torch.float64)
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2, 3, 1])
    d = torch.cdist(E, E)
    hinged = [float((d[a, p] - d[a, n] + 0.3).clamp(min=0)) for a in range(10) for p in range(10)
              for n in range(10) if a != p and labels[a] == labels[p] and labels[n] != labels[a]]
    active = [h for h in hinged if h > 0]
    assert abs(float(V.batch_all_triplet_loss(E, labels, 0.3)) - sum(active) / len(active)) < 1e-9
    assert float(V.batch_all_triplet_loss(E * 0 + 1, labels, 0.3)) == pytest.approx(0.3)
    net = V.make_embedding_net(dim=8, width=4)
    X = np.random.default_rng(0).integers(0, 255, (32, 28, 28)).astype(np.uint8)
    history = V.train_embedding(net, X, np.repeat([0, 1, 2, 3], 8), num_steps=4, P=4, K=4, warmup_steps=2,
                                device="cpu", progress=False)
    assert len(history["loss"]) == 4 and np.isfinite(history["loss"]).all()


def test_embed_before_head_gives_the_normalised_features():
    net = V.make_embedding_net(dim=8, width=4).eval()
    X = np.random.default_rng(1).integers(0, 255, (5, 28, 28)).astype(np.uint8)
    E = V.embed(net, X, "cpu", before_head=True)
    with torch.no_grad():
        ref = F.normalize(net.features(torch.as_tensor(X, dtype=torch.float32)[:, None] / 255), dim=1).numpy()
    assert E.shape == (5, 4 * 4 * 16) and np.allclose(E, ref, atol=1e-5)
