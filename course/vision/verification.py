"""Face verification (Day 20): distances between embeddings, the triplet loss with batch-hard
mining, a verification threshold, one-shot recognition, ROC, and the embedding network.

Conventions: an embedding is a row; ``embeddings`` is (N, D). Distances are Euclidean (not
squared) unless ``squared=True``; a threshold is a Euclidean distance, and a pair is called "same
person" when its distance is **at most** the threshold. The losses take torch tensors (they are
trained through); the threshold, ROC and recognition functions take NumPy arrays or tensors and
return NumPy.
"""
from __future__ import annotations

import numpy as np

from ..training import progress_bar


def _numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


# ---- distances and losses (torch) -------------------------------------------------------------
def pairwise_distances(embeddings, squared: bool = False):
    """All pairwise distances between the rows of ``embeddings`` (N, D): (N, N), computed as
    ``|a|^2 - 2 a.b + |b|^2``, clamped at 0 (rounding can make it slightly negative), with an
    exact 0 on the diagonal; ``squared=False`` takes the square root with a gradient that stays
    finite where a distance is 0."""
    import torch

    sq = (embeddings * embeddings).sum(dim=1)
    d2 = sq[:, None] - 2.0 * embeddings @ embeddings.T + sq[None, :]
    d2 = d2.clamp(min=0.0)
    eye = torch.eye(len(embeddings), dtype=torch.bool, device=embeddings.device)
    d2 = d2.masked_fill(eye, 0.0)
    if squared:
        return d2
    zero = d2 == 0
    return torch.sqrt(d2 + zero.to(d2.dtype) * 1e-16) * (~zero).to(d2.dtype)


def triplet_loss(anchor, positive, negative, margin: float):
    """mean over the triplets of max(0, |a - p| - |a - n| + margin), Euclidean distances; each of
    ``anchor``, ``positive``, ``negative`` is (N, D). Matches ``F.triplet_margin_loss`` (which adds
    1e-6 inside the norms)."""
    d_ap = (anchor - positive).pow(2).sum(dim=1).clamp(min=1e-24).sqrt()
    d_an = (anchor - negative).pow(2).sum(dim=1).clamp(min=1e-24).sqrt()
    return (d_ap - d_an + margin).clamp(min=0.0).mean()


def batch_hard_triplet_loss(embeddings, labels, margin: float):
    """Batch-hard triplet loss (Hermans et al., 2017): for each anchor, its hardest positive (the
    farthest other example of its class) and its hardest negative (the nearest example of another
    class); the mean over anchors of max(0, d_hardest_pos - d_hardest_neg + margin). Anchors with no
    other example of their class, or no example of another class, are left out (the loss is 0 when
    none is left). ``embeddings`` (N, D), ``labels`` (N,)."""
    import torch

    d = pairwise_distances(embeddings)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    positive = same & ~eye
    negative = ~same
    hardest_pos = d.masked_fill(~positive, float("-inf")).max(dim=1).values
    hardest_neg = d.masked_fill(~negative, float("inf")).min(dim=1).values
    valid = positive.any(dim=1) & negative.any(dim=1)
    if not valid.any():
        return d.sum() * 0.0
    return (hardest_pos[valid] - hardest_neg[valid] + margin).clamp(min=0.0).mean()


def batch_all_triplet_loss(embeddings, labels, margin: float):
    """Batch-all triplet loss (Hermans et al., 2017): every valid triplet (a, p, n) of the batch
    (p != a of a's class, n of another class), hinged, averaged over the **active** triplets (those
    with a positive loss), so that easy triplets do not dilute the gradient. A gentler start than
    batch-hard: it cannot pull everything onto one point, since most triplets then become active."""
    import torch

    d = pairwise_distances(embeddings)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    valid = (same & ~eye)[:, :, None] & (~same)[:, None, :]
    losses = (d[:, :, None] - d[:, None, :] + margin).clamp(min=0.0) * valid.to(d.dtype)
    active = (losses > 1e-16).sum()
    return losses.sum() / active.clamp(min=1).to(d.dtype)


# ---- verification and recognition (NumPy) ----------------------------------------------------
def pair_distances(embeddings_a, embeddings_b) -> np.ndarray:
    """Euclidean distance between row i of ``embeddings_a`` and row i of ``embeddings_b``: (N,)."""
    a, b = _numpy(embeddings_a).astype(np.float64), _numpy(embeddings_b).astype(np.float64)
    return np.sqrt(((a - b) ** 2).sum(axis=1))


def verification_accuracy(distances, same, threshold: float) -> float:
    """The fraction of pairs called right when "same" means ``distance <= threshold``."""
    distances, same = _numpy(distances), _numpy(same).astype(bool)
    return float(np.mean((distances <= threshold) == same))


def choose_threshold(distances, same):
    """The threshold with the best verification accuracy on these (validation) pairs: every
    distinct distance is tried (and one below the smallest); returns ``(threshold, accuracy)``,
    the smallest best threshold moved halfway to the next distance."""
    distances, same = _numpy(distances).astype(np.float64), _numpy(same).astype(bool)
    order = np.argsort(distances, kind="stable")
    d, s = distances[order], same[order]
    # Threshold at d[i] calls pairs 0..i "same" (ties included): correct = same in 0..i + different after i.
    last_of_tie = np.r_[d[1:] != d[:-1], True]
    correct = np.cumsum(s) + (np.sum(~s) - np.cumsum(~s))
    candidates = np.r_[np.sum(~s), correct[last_of_tie]]
    thresholds = np.r_[d[0] - 1.0 if len(d) else 0.0, d[last_of_tie]]
    best = int(np.argmax(candidates))
    threshold = thresholds[best]
    if best + 1 < len(thresholds):  # halfway to the next distance: the same pairs, a safer margin
        threshold = (thresholds[best] + thresholds[best + 1]) / 2
    return float(threshold), float(candidates[best] / max(len(d), 1))


def recognise(query, gallery, gallery_labels, threshold: float | None = None) -> np.ndarray:
    """One-shot recognition: the label of each query's nearest gallery (enrolled) embedding, or
    -1 ("nobody enrolled") where that distance is above ``threshold``. ``query`` (M, D),
    ``gallery`` (G, D), ``gallery_labels`` (G,) -> (M,) int64."""
    q, g = _numpy(query).astype(np.float64), _numpy(gallery).astype(np.float64)
    labels = _numpy(gallery_labels).astype(np.int64)
    d = np.sqrt(np.clip((q * q).sum(1)[:, None] - 2 * q @ g.T + (g * g).sum(1)[None, :], 0, None))
    nearest = d.argmin(axis=1)
    out = labels[nearest].copy()
    if threshold is not None:
        out[d[np.arange(len(q)), nearest] > threshold] = -1
    return out


def roc_curve(distances, same):
    """The ROC curve of "same when distance <= t" over all thresholds t: ``(fpr, tpr, thresholds)``,
    from (0, 0) to (1, 1), thresholds increasing (the first one, -inf, calls nothing same)."""
    distances, same = _numpy(distances).astype(np.float64), _numpy(same).astype(bool)
    order = np.argsort(distances, kind="stable")
    d, s = distances[order], same[order]
    last_of_tie = np.r_[d[1:] != d[:-1], True] if len(d) else np.zeros(0, bool)
    tp, fp = np.cumsum(s)[last_of_tie], np.cumsum(~s)[last_of_tie]
    tpr = np.r_[0.0, tp / max(s.sum(), 1)]
    fpr = np.r_[0.0, fp / max((~s).sum(), 1)]
    return fpr, tpr, np.r_[-np.inf, d[last_of_tie]]


def auc(fpr, tpr) -> float:
    """The area under a curve given by its points (trapezoids)."""
    fpr, tpr = np.asarray(fpr, float), np.asarray(tpr, float)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def pca_2d(X) -> np.ndarray:
    """The rows of ``X`` (N, D) projected on their two principal directions (NumPy SVD of the
    centred data): (N, 2)."""
    X = _numpy(X).astype(np.float64)
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Xc @ Vt[:2].T


# ---- pairs, batches, the network and its training (torch) -----------------------------------
def make_pairs(labels, n_pairs: int, seed: int = 0):
    """``n_pairs`` pairs of indices into ``labels``, half of the same identity and half of two
    different ones (each identity drawn uniformly, then two photos): ``(i, j, same)``."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    ids = np.unique(labels)
    by_id = {k: np.flatnonzero(labels == k) for k in ids}
    many = [k for k in ids if len(by_id[k]) >= 2]
    if not many or len(ids) < 2:
        raise ValueError("make_pairs needs two identities, and one with at least two examples.")
    i, j, same = [], [], []
    for n in range(n_pairs):
        if n % 2 == 0:
            k = many[rng.integers(len(many))]
            a, b = rng.choice(by_id[k], 2, replace=False)
        else:
            k1, k2 = rng.choice(ids, 2, replace=False)
            a, b = rng.choice(by_id[k1]), rng.choice(by_id[k2])
        i.append(a)
        j.append(b)
        same.append(n % 2 == 0)
    return np.array(i), np.array(j), np.array(same)


def pk_batches(labels, P: int, K: int, num_batches: int, seed: int = 0):
    """Index batches of P identities x K examples each (with replacement within an identity that
    has fewer than K), as batch-hard mining needs: a list of ``num_batches`` arrays of P*K."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    ids = np.unique(labels)
    by_id = {k: np.flatnonzero(labels == k) for k in ids}
    P = min(P, len(ids))
    out = []
    for _ in range(num_batches):
        chosen = rng.choice(ids, P, replace=False)
        out.append(np.concatenate([rng.choice(by_id[k], K, replace=len(by_id[k]) < K) for k in chosen]))
    return out


def make_embedding_net(dim: int = 64, width: int = 16):
    """A small CNN from (N, 1, H, W) images (28x28 or 64x64) to L2-normalised (N, dim) embeddings."""
    import torch.nn.functional as F
    from torch import nn

    class EmbeddingNet(nn.Module):
        def __init__(self):
            super().__init__()
            w = width
            self.features = nn.Sequential(
                nn.Conv2d(1, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(w, 2 * w, 3, padding=1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(2 * w, 4 * w, 3, padding=1, bias=False), nn.BatchNorm2d(4 * w), nn.ReLU(),
                nn.AdaptiveAvgPool2d(4), nn.Flatten())
            self.head = nn.Linear(4 * w * 16, dim)
            # Batch norm (no learned scale) before the L2 normalisation keeps the embeddings spread
            # out: without it batch-hard mining can collapse every image onto one point early on.
            self.spread = nn.BatchNorm1d(dim, affine=False)

        def forward(self, x):
            return F.normalize(self.spread(self.head(self.features(x))), dim=1)

    return EmbeddingNet()


def embed(net, X, device="auto", batch_size: int = 512, before_head: bool = False) -> np.ndarray:
    """``net``'s embeddings of images ``X`` (uint8 or float, (N, H, W) or (N, 1, H, W)), in eval
    mode: (N, dim) NumPy. ``before_head=True`` takes instead the convolutional features before the
    last linear layer (``net.features``), L2-normalised: (N, 16 * 4 * width). With few training
    identities these generalise better to unseen ones, as the representation before a projection
    head does in SimCLR (Chen et al., 2020): the head specialises to the training identities."""
    import torch
    import torch.nn.functional as F

    from ..device import get_device
    from ..training import to_tensor

    device = get_device(device)
    was_training = net.training
    net.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb = to_tensor(X[start:start + batch_size]).to(device)
            out.append((F.normalize(net.features(xb), dim=1) if before_head else net(xb)).cpu())
    net.train(was_training)
    return torch.cat(out).numpy() if out else np.zeros((0, 0), np.float32)


def _adam_step(params, moments, t: int, lr: float, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
    """One Adam step (Kingma & Ba; torch.optim.Adam's defaults), written out: torch.optim's first
    step imports torch._dynamo, which costs seconds that a fast run does not have."""
    import torch

    b1, b2 = betas
    with torch.no_grad():
        for p, (m, v) in zip(params, moments):
            if p.grad is None:
                continue
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (v / (1 - b2 ** t)).sqrt_().add_(eps)
            p.addcdiv_(m, denom, value=-lr / (1 - b1 ** t))


def train_embedding(net, X, labels, *, num_steps: int, P: int = 8, K: int = 8, margin: float = 0.2,
                    lr: float = 1e-3, device="auto", seed: int = 0, loss_fn=None, transform=None,
                    warmup_steps: int = 0, progress: bool = True, desc: str = "triplet training") -> dict:
    """Train ``net`` with a batch-hard triplet loss on P x K batches of ``X`` (N, H, W) with identity
    ``labels`` (N,): Adam (written out, see ``_adam_step``), learning rate annealed to 0 on a cosine. ``loss_fn(embeddings, labels, margin)``
    defaults to ``batch_hard_triplet_loss``; ``transform`` (optional) augments each batch on the
    device. The first ``warmup_steps`` steps use ``batch_all_triplet_loss`` instead (a warm-up that
    keeps batch-hard mining from collapsing the embeddings early on). Returns a history: "loss" per step, "active" (fraction of anchors with a positive
    loss) per step, "seconds" at the end."""
    import math
    import time

    import torch

    from ..device import get_device
    from ..training import seed_everything, to_tensor

    seed_everything(seed)
    device = get_device(device)
    net.to(device)
    loss_fn = loss_fn or batch_hard_triplet_loss
    X_all = to_tensor(X)
    y_all = torch.as_tensor(np.asarray(labels), dtype=torch.int64)
    params = [p for p in net.parameters() if p.requires_grad]
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    history = {"loss": [], "seconds": 0.0}
    bar = progress_bar(progress, total=num_steps, desc=desc, unit="step")
    start = time.perf_counter()
    net.train()
    try:
        for step, ix in enumerate(pk_batches(labels, P, K, num_steps, seed=seed)):
            xb, yb = X_all[ix].to(device), y_all[ix].to(device)
            if transform is not None:
                xb = transform(xb)
            step_loss = batch_all_triplet_loss if step < warmup_steps else loss_fn
            loss = step_loss(net(xb), yb, margin)
            for p in params:
                p.grad = None
            loss.backward()
            _adam_step(params, moments, step + 1, lr * 0.5 * (1 + math.cos(math.pi * step / num_steps)))
            history["loss"].append(float(loss.detach()))
            bar.update()
            if step % 20 == 0:
                bar.set_postfix(loss=f"{np.mean(history['loss'][-20:]):.3f}")
    finally:
        bar.close()
    history["seconds"] = time.perf_counter() - start
    net.eval()
    return history
