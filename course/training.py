"""The PyTorch training loop the days share: data to a ``DataLoader``, ``fit`` with a progress bar,
``evaluate`` and ``predict``. Day 11 builds each piece by hand; Days 15 onwards import them.

Everything runs unchanged on the CPU and on CUDA (``device="auto" | "cpu" | "cuda"``), and on the
CPU the same seed gives the same run: shuffling draws from the loader's own seeded generator, and
``fit(seed=...)`` seeds torch before training (dropout, any random layer).

>>> train_loader = to_loader(data.X_train, data.y_train, batch_size=128, shuffle=True, seed=0)  # doctest: +SKIP
>>> history = fit(net, train_loader, val_loader, num_epochs=5, lr=1e-3, device="auto")      # doctest: +SKIP
>>> history["val_accuracy"][-1]                                                                # doctest: +SKIP
"""
from __future__ import annotations

import random
import time

import numpy as np

from .device import get_device


class _NoBar:
    """The bar ``progress_bar`` gives when progress is off: every call does nothing."""

    def update(self, n=1):
        pass

    def set_description(self, desc=None):
        pass

    def set_postfix(self, *args, **kwargs):
        pass

    def close(self):
        pass


def progress_bar(progress: bool = True, **tqdm_kwargs):
    """A tqdm bar (``tqdm_kwargs``: total, desc, unit, ...) when ``progress`` is true, else one that
    shows nothing: the loops of the course call ``update``/``set_postfix``/``close`` either way.
    tqdm is imported only when a bar is shown."""
    if not progress:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(**tqdm_kwargs)


OPTIMIZERS = ("adam", "adamw", "sgd")  # torch.optim (the NumPy ones: course.nn.optim.UPDATE_RULES)


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (CPU and every GPU) random number generators."""
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # seeds CUDA too


def to_tensor(X):
    """A float32 tensor of ``X`` (a NumPy array or tensor). ``uint8`` images are scaled to [0, 1],
    and a stack of grey images (m, H, W) gets a channel axis: (m, 1, H, W)."""
    import torch

    # A copy: NumPy arrays may be read-only (Fashion-MNIST's are), which torch warns about.
    t = X if isinstance(X, torch.Tensor) else torch.tensor(np.asarray(X))
    if t.dtype == torch.uint8:
        t = t.float() / 255
    else:
        t = t.float()
    if t.dim() == 3:
        t = t.unsqueeze(1)
    return t


def to_loader(X, y, batch_size: int = 128, shuffle: bool = False, seed: int = 0):
    """A ``DataLoader`` of ``(x, y)`` batches over arrays, e.g. Fashion-MNIST's.

    Inputs:
    - X: (m, ...) examples as rows; uint8 images become float32 in [0, 1], and (m, H, W) images
      get a channel axis, (m, 1, H, W), which ``nn.Flatten`` and ``nn.Conv2d`` both accept
    - y: (m,) integer labels (become int64), or targets of any other type (become float32)
    - shuffle: a new order every epoch, drawn from a generator seeded with ``seed``, so that
      the same seed gives the same batches
    Returns a ``torch.utils.data.DataLoader``.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X_t = to_tensor(X)
    y_t = y if isinstance(y, torch.Tensor) else torch.tensor(np.asarray(y))
    y_t = y_t.long() if not torch.is_floating_point(y_t) else y_t.float()
    if len(X_t) != len(y_t):
        raise ValueError(f"X has {len(X_t)} examples but y has {len(y_t)} labels; give one label "
                         "per example (examples as rows, not columns).")
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=shuffle,
                      generator=generator)


def make_optimizer(optimizer, params, lr: float, weight_decay: float = 0.0):
    """``optimizer``: ``"adam"``, ``"adamw"``, ``"sgd"`` (momentum 0.9), a function
    ``params -> torch.optim.Optimizer``, or an optimizer already built on the network's parameters."""
    import torch

    if isinstance(optimizer, torch.optim.Optimizer):
        return optimizer
    if callable(optimizer):
        return optimizer(params)
    name = str(optimizer).lower()
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    raise ValueError(f"Unknown optimizer {optimizer!r}: use one of {', '.join(OPTIMIZERS)}, a "
                     "torch.optim optimizer, or a function that builds one from the parameters.")


def _make_scheduler(scheduler, optimizer, num_epochs: int):
    import torch

    if scheduler is None:
        return None
    if callable(scheduler):
        return scheduler(optimizer)
    if str(scheduler).lower() == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=num_epochs)
    raise ValueError(f"Unknown scheduler {scheduler!r}: use 'cosine', None, or a function that "
                     "builds a torch.optim.lr_scheduler from the optimizer.")


def _batches(loader, device):
    for X, y in loader:
        yield X.to(device, non_blocking=True), y.to(device, non_blocking=True)


def _correct(y_hat, y) -> int:
    """How many rows of scores ``y_hat`` pick the label ``y`` (0 for non-class targets)."""
    if y_hat.dim() != 2 or y.dim() != 1 or y.is_floating_point():
        return 0
    return int((y_hat.argmax(dim=1) == y).sum())


def evaluate(net, loader, device="auto", *, loss_fn=None) -> dict:
    """The mean loss and the accuracy of ``net`` over all of ``loader``, in eval mode.

    ``loss_fn`` defaults to cross-entropy on class scores. Returns
    ``{"loss": float, "accuracy": float}`` (each averaged over examples, not batches).
    """
    import torch
    import torch.nn.functional as F

    device = get_device(device)
    loss_fn = loss_fn or F.cross_entropy
    was_training = net.training
    net.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for X, y in _batches(loader, device):
            y_hat = net(X)
            total_loss += float(loss_fn(y_hat, y)) * len(y)
            correct += _correct(y_hat, y)
            count += len(y)
    net.train(was_training)
    if count == 0:
        raise ValueError("The loader gave no examples to evaluate on; is the data set empty?")
    return {"loss": total_loss / count, "accuracy": correct / count}


def predict(net, loader, device="auto"):
    """Predicted classes and true labels over all of ``loader``, in the loader's order.

    Returns a tuple of NumPy arrays: y_hat (m,), y (m,).
    """
    import torch

    device = get_device(device)
    was_training = net.training
    net.eval()
    preds, labels = [], []
    with torch.no_grad():
        for X, y in _batches(loader, device):
            preds.append(net(X).argmax(dim=1).cpu())
            labels.append(y.cpu())
    net.train(was_training)
    return torch.cat(preds).numpy(), torch.cat(labels).numpy()


def fit(net, train_loader, val_loader=None, *, num_epochs: int, lr: float = 1e-3, device="auto",
        optimizer="adam", loss_fn=None, weight_decay: float = 0.0, scheduler=None,
        seed: int | None = 0, progress: bool = True, desc: str = "training",
        transform=None) -> dict:
    """Train ``net`` for ``num_epochs`` over ``train_loader``, scoring ``val_loader`` after each.

    Inputs:
    - net: a ``torch.nn.Module`` returning class scores (logits) of shape (batch, K); it is moved
      to ``device`` and trained in place
    - optimizer: ``"adam"`` (default), ``"adamw"``, ``"sgd"`` (momentum 0.9), a
      ``torch.optim.Optimizer``, or a function ``params -> Optimizer``; ``lr`` and
      ``weight_decay`` apply to the named ones
    - loss_fn: ``(y_hat, y) -> loss`` averaged over the batch; cross-entropy by default
    - scheduler: None, ``"cosine"`` (to 0 over the epochs) or ``optimizer -> LR scheduler``,
      stepped once per epoch
    - seed: seeds torch before training (None: leave the generators alone)
    - progress: show a tqdm bar over the batches, with the latest epoch's numbers
    - transform: None, or a function ``X -> X`` applied to each training batch on the device
      before the forward pass (data augmentation, Day 17); never to ``val_loader``'s batches
    Returns a history: a dict of per-epoch lists "train_loss", "train_accuracy" (both over the
    epoch's batches, in train mode), "val_loss", "val_accuracy" (empty without ``val_loader``),
    "lr" and "seconds" (cumulative).
    """
    import torch.nn.functional as F

    if num_epochs < 1:
        raise ValueError(f"num_epochs is {num_epochs}; train for at least 1 epoch.")
    if seed is not None:
        seed_everything(seed)
    device = get_device(device)
    net.to(device)
    loss_fn = loss_fn or F.cross_entropy
    opt = make_optimizer(optimizer, net.parameters(), lr, weight_decay)
    sched = _make_scheduler(scheduler, opt, num_epochs)
    history = {k: [] for k in ("train_loss", "train_accuracy", "val_loss", "val_accuracy",
                               "lr", "seconds")}
    bar = progress_bar(progress, total=num_epochs * len(train_loader), desc=desc, unit="batch",
                       leave=True)
    start = time.perf_counter()
    try:
        for epoch in range(num_epochs):
            net.train()
            total_loss, correct, count = 0.0, 0, 0
            history["lr"].append(opt.param_groups[0]["lr"])
            for X, y in _batches(train_loader, device):
                if transform is not None:
                    X = transform(X)
                y_hat = net(X)
                loss = loss_fn(y_hat, y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                total_loss += float(loss.detach()) * len(y)
                correct += _correct(y_hat.detach(), y)
                count += len(y)
                bar.update()
            if sched is not None:
                sched.step()
            history["train_loss"].append(total_loss / max(count, 1))
            history["train_accuracy"].append(correct / max(count, 1))
            if val_loader is not None:
                scores = evaluate(net, val_loader, device, loss_fn=loss_fn)
                history["val_loss"].append(scores["loss"])
                history["val_accuracy"].append(scores["accuracy"])
            history["seconds"].append(time.perf_counter() - start)
            shown = {"loss": f"{history['train_loss'][-1]:.3f}"}
            if val_loader is not None:
                shown["val_acc"] = f"{history['val_accuracy'][-1]:.3f}"
            bar.set_description(f"{desc} (epoch {epoch + 1}/{num_epochs})")
            bar.set_postfix(shown)
    finally:
        bar.close()
    return history


def count_parameters(net) -> int:
    """The number of trainable numbers in ``net``."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def mlp(n_in: int, hidden: int, n_out: int):
    """A one-hidden-layer MLP: Flatten, Linear(n_in, hidden), ReLU, Linear(hidden, n_out).

    Day 12's model, built here once for ``mlp_predictor`` and for the notebook's own epoch loop
    (early stopping), so that both train the same network.
    """
    from torch import nn

    return nn.Sequential(nn.Flatten(), nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


def mlp_predictor(X, y, *, num_steps: int = 2000, lr: float = 1e-3, hidden: int = 128,
                  batch_size: int = 128, num_classes: int = 10, seed: int = 0, device="auto"):
    """Train a new one-hidden-layer MLP with a fixed budget of Adam steps; return its ``predict``.

    Day 12's model: the same recipe for every training set and every search run, so that a change
    in the error comes from the data or the hyper-parameters, not from the recipe. Each step draws
    a mini-batch of ``batch_size`` examples with replacement (a seeded NumPy generator).

    Inputs:
    - X: (m, ...) examples (images are flattened), y: (m,) integer labels in 0 .. num_classes-1
    Returns:
    - predict: a function from examples (k, ...) to predicted labels, a NumPy array (k,)
    """
    import torch
    from torch import nn

    device = get_device(device)
    torch.manual_seed(seed)
    batches = np.random.default_rng(seed)
    X_t = torch.as_tensor(np.asarray(X, dtype=np.float32), device=device).flatten(1)
    y_t = torch.as_tensor(np.asarray(y), device=device)
    net = mlp(X_t.shape[1], hidden, num_classes).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(num_steps):
        ix = torch.as_tensor(batches.integers(0, len(X_t), batch_size), device=device)
        loss = nn.functional.cross_entropy(net(X_t[ix]), y_t[ix])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()

    def predict(X_new):
        with torch.no_grad():
            X_new = torch.as_tensor(np.asarray(X_new, dtype=np.float32), device=device).flatten(1)
            return net(X_new).argmax(dim=1).cpu().numpy()

    return predict
