"""PyTorch as the referee for the NumPy layers, in their layout (examples as columns).

Day 10 checks the learner's batch normalisation and softmax cross-entropy against these: each calls
``torch.nn.functional`` on copies of the inputs (transposed to torch's examples-as-rows) and gives
NumPy arrays back, so that a test compares like with like.
"""
from __future__ import annotations

import numpy as np


def batchnorm(Z, gamma, beta, running: dict, *, training: bool, dout=None,
              momentum: float = 0.1, eps: float = 1e-5) -> dict:
    """``torch.nn.functional.batch_norm`` in our layout: Z (n, m), gamma and beta (n, 1).

    Returns a dict of NumPy arrays: "out" (n, m), the running "mean" and "var" (n, 1) afterwards
    and, given ``dout`` (n, m), the gradients "dZ", "dgamma", "dbeta" of ``sum(out * dout)``.
    ``running`` itself is left unchanged.
    """
    import torch
    import torch.nn.functional as F

    Z_t = torch.tensor(np.asarray(Z).T, requires_grad=True)
    gamma_t = torch.tensor(np.ravel(gamma), requires_grad=True)
    beta_t = torch.tensor(np.ravel(beta), requires_grad=True)
    mean_t = torch.tensor(np.ravel(running["mean"]))  # copies: torch updates these in place
    var_t = torch.tensor(np.ravel(running["var"]))
    out = F.batch_norm(Z_t, mean_t, var_t, gamma_t, beta_t, training=training,
                       momentum=momentum, eps=eps)
    result = {"out": out.detach().numpy().T, "mean": mean_t.numpy()[:, None],
              "var": var_t.numpy()[:, None]}
    if dout is not None:
        out.backward(torch.tensor(np.asarray(dout).T))
        result.update(dZ=Z_t.grad.numpy().T, dgamma=gamma_t.grad.numpy()[:, None],
                      dbeta=beta_t.grad.numpy()[:, None])
    return result


def cross_entropy(Z, y):
    """``torch.nn.functional.cross_entropy`` for scores Z (K, m) and integer labels y (m,).

    Returns a tuple of: the mean loss (a float), its gradient with respect to Z, (K, m).
    """
    import torch
    import torch.nn.functional as F

    Z_t = torch.tensor(np.asarray(Z).T, requires_grad=True)
    loss = F.cross_entropy(Z_t, torch.as_tensor(np.ravel(y)))
    loss.backward()
    return loss.item(), Z_t.grad.numpy().T
