"""Neural style transfer (Day 21): the content cost, Gram matrix and style costs, the feature
extractors they are measured with, and the loop that optimises an image's pixels.

Conventions (those of the Deep Learning Specialization, Course 4, in PyTorch's layout):

- Activations are ``(1, n_C, n_H, n_W)`` tensors, one image. A layer's activations are *unrolled*
  to ``(n_C, n_H * n_W)``: one row per channel (``a.reshape(n_C, n_H * n_W)``).
- ``J_content = 1 / (4 n_H n_W n_C) * sum((a_C - a_G) ** 2)``.
- ``gram_matrix(A) = A @ A.T`` for an unrolled ``A`` (n_C, n_H n_W): channels × channels.
- ``J_style^[l] = 1 / (4 n_C**2 (n_H n_W)**2) * sum((G_S - G_G) ** 2)``; the style cost is
  ``sum_l weights[l] * J_style^[l]``, the weights used as given (not normalised);
  ``J = alpha * J_content + beta * J_style``.

Feature extractors (``feature_extractor``): VGG-19's convolutional part with the ImageNet weights
torchvision publishes (``vgg19-dcbb9e9d.pth``, read from ``torch.hub.get_dir()/checkpoints`` or
downloaded there with its checksum checked; state-dict keys ``features.N.weight/bias`` as in
torchvision, whose classifier keys are ignored; torchvision itself is not needed), or, where the
weights are not to be had, random filters of several sizes followed by a ReLU, which Ustyuzhaninov
et al. (ICLR 2017) show capture enough texture statistics to synthesise textures.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import urllib.request
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from course.data.fetch import file_sha256
from course.errors import CourseError
from course.training import progress_bar

VGG19_CFG = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
             512, 512, 512, 512, "M", 512, 512, 512, 512, "M")
VGG19_URL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth"
# torchvision's indices into vgg19().features: the ReLU after conv1_1, conv2_1, ... (Gatys et al.'s
# style layers) and after conv4_2 (their content layer).
VGG19_LAYERS = {"relu1_1": 1, "relu2_1": 6, "relu3_1": 11, "relu4_1": 20, "relu4_2": 22, "relu5_1": 29}
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class WeightsUnavailable(CourseError, RuntimeError):
    """Pretrained weights could neither be found on disk nor downloaded."""


# --- the costs (what the learner builds) -------------------------------------------------------

def compute_content_cost(a_C, a_G):
    """J_content = 1 / (4 n_H n_W n_C) * sum((a_C - a_G)^2); a_C, a_G (1, n_C, n_H, n_W) -> scalar."""
    _, n_C, n_H, n_W = a_G.shape
    return ((a_C - a_G) ** 2).sum() / (4 * n_H * n_W * n_C)


def gram_matrix(A):
    """The Gram matrix A A^T of an unrolled A (n_C, n_H n_W): (n_C, n_C)."""
    return A @ A.T


def compute_layer_style_cost(a_S, a_G):
    """One layer's style cost, 1 / (4 n_C^2 (n_H n_W)^2) * sum((G_S - G_G)^2); inputs (1, n_C, n_H, n_W)."""
    _, n_C, n_H, n_W = a_G.shape
    G_S = gram_matrix(a_S.reshape(n_C, n_H * n_W))
    G_G = gram_matrix(a_G.reshape(n_C, n_H * n_W))
    return ((G_S - G_G) ** 2).sum() / (4 * n_C ** 2 * (n_H * n_W) ** 2)


def compute_style_cost(style_features, generated_features, weights):
    """sum_l weights[l] * compute_layer_style_cost(style_features[l], generated_features[l])."""
    if not len(style_features) == len(generated_features) == len(weights):
        raise ValueError(f"compute_style_cost got {len(style_features)} style layers, "
                         f"{len(generated_features)} generated layers and {len(weights)} weights: "
                         "give one weight per layer, the layers in the same order.")
    return sum(w * compute_layer_style_cost(a_S, a_G)
               for a_S, a_G, w in zip(style_features, generated_features, weights))


def total_cost(J_content, J_style, alpha=10, beta=40):
    """J = alpha * J_content + beta * J_style."""
    return alpha * J_content + beta * J_style


# --- VGG-19 and its weights --------------------------------------------------------------------

def make_vgg_layers(cfg=VGG19_CFG):
    """torchvision's ``vgg.features``: 3×3 convolutions (padding 1) each followed by a ReLU, "M" a
    2×2 max pool; the same indices, so that a state dict's ``features.N`` keys fit."""
    layers, channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(channels, v, kernel_size=3, padding=1), nn.ReLU()]
            channels = v
    return nn.Sequential(*layers)


class VGGFeatures(nn.Module):
    """VGG's convolutional part, returning the activations of chosen layers.

    ``layers`` maps a name to an index into ``self.features`` (the output of that module is kept).
    Input: images (N, 3, H, W) with values in [0, 1]; they are normalised with ImageNet's mean and
    standard deviation, as the weights expect. Returns a dict name -> (N, C, H', W').
    """

    def __init__(self, cfg=VGG19_CFG, layers=None):
        super().__init__()
        self.features = make_vgg_layers(cfg)
        self.layers = dict(layers if layers is not None else VGG19_LAYERS)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, x):
        x = (x - self.mean) / self.std
        by_index = {index: name for name, index in self.layers.items()}
        out, last = {}, max(by_index)
        for index, module in enumerate(self.features):
            x = module(x)
            if index in by_index:
                out[by_index[index]] = x
            if index == last:
                break
        return out


def hash_prefix(filename) -> str:
    """The SHA-256 prefix in a file name such as ``vgg19-dcbb9e9d.pth`` (torch.hub's convention)."""
    match = re.search(r"-([0-9a-f]{6,64})\.", Path(filename).name)
    if not match:
        raise ValueError(f"{filename!r} carries no checksum: expected a name like 'vgg19-dcbb9e9d.pth'.")
    return match.group(1)


def download_checked(url, path, *, progress=True, timeout=30.0) -> Path:
    """Download ``url`` to ``path`` through a temporary file; keep it only if its SHA-256 starts
    with the prefix in the file name. Raises ``WeightsUnavailable`` (a sentence) otherwise."""
    path = Path(path)
    prefix = hash_prefix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".partial")
    try:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, os.fdopen(fd, "wb") as f:
                total = int(response.headers.get("Content-Length") or 0) or None
                bar = progress_bar(progress, total=total, unit="B", unit_scale=True, desc=path.name)
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    f.write(chunk)
                    bar.update(len(chunk))
                bar.close()
        except OSError as e:  # URLError, timeouts and refused connections are OSErrors
            raise WeightsUnavailable(f"Could not download {url} ({e}). Check the connection, or copy "
                                     f"the file to {path} by hand.") from None
        digest = file_sha256(tmp)
        if not digest.startswith(prefix):
            raise WeightsUnavailable(f"The file downloaded from {url} has SHA-256 {digest[:16]}…, not "
                                     f"{prefix}… as its name says: it is damaged or not the expected "
                                     "file, so it was deleted. Try again, or copy the right file to "
                                     f"{path} by hand.")
        shutil.move(tmp, path)
        return path
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_vgg(cfg=VGG19_CFG, *, url=VGG19_URL, cache_dir=None, download=True, progress=True,
             layers=None) -> VGGFeatures:
    """A ``VGGFeatures`` with pretrained weights, from ``cache_dir`` (default
    ``torch.hub.get_dir()/checkpoints``, where torchvision keeps them) or downloaded there.

    Only the ``features.*`` keys are read (torchvision's file also holds the classifier).
    Raises ``WeightsUnavailable`` when the file is not there and ``download`` is False or fails.
    """
    cache_dir = Path(cache_dir) if cache_dir is not None else Path(torch.hub.get_dir()) / "checkpoints"
    path = cache_dir / Path(url).name
    if not path.exists():
        if not download:
            raise WeightsUnavailable(f"{path} is not there and download=False: download {url} to it, "
                                     "or pass download=True.")
        download_checked(url, path, progress=progress)
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = VGGFeatures(cfg, layers)
    features = {k: v for k, v in state.items() if k.startswith("features.")}
    missing, unexpected = net.load_state_dict(features, strict=False)
    missing = [k for k in missing if k not in ("mean", "std")]
    if missing or unexpected:
        raise WeightsUnavailable(f"{path} does not fit this VGG (missing {missing[:3]}, unexpected "
                                 f"{unexpected[:3]}): delete it and download it again.")
    return net.eval().requires_grad_(False)


# --- random multi-scale features ---------------------------------------------------------------

class RandomMultiscaleFeatures(nn.Module):
    """Random convolutional filters at several scales, each followed by a ReLU: the texture
    features of Ustyuzhaninov et al. (2017), made cheap. Their one layer has filters of 3 to 55
    pixels; here one bank of ``channels`` random ``kernel_size`` × ``kernel_size`` filters per
    scale is applied to the image average-pooled by 1, 2, 4, ... (``levels`` scales), so the
    filters span ``kernel_size``, 2 × ``kernel_size``, 4 × ``kernel_size``, ... pixels.

    Filters are normal random numbers, each made zero-mean and of unit norm; the input is centred
    at 0.5 and borders are padded by repeating the edge pixels. Returns a dict ``"scale{2**level}"`` -> (N, channels, H', W').
    """

    def __init__(self, levels=5, kernel_size=5, channels=64, seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.factors = tuple(2 ** level for level in range(levels))
        self.convs = nn.ModuleList()
        for _ in self.factors:
            conv = nn.Conv2d(3, channels, kernel_size, padding=kernel_size // 2, padding_mode="replicate",
                             bias=False)
            w = torch.randn(channels, 3, kernel_size, kernel_size, generator=g)
            w = w - w.mean(dim=(1, 2, 3), keepdim=True)
            conv.weight.data = w / w.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
            self.convs.append(conv)
        self.layers = {f"scale{f}": i for i, f in enumerate(self.factors)}
        self.requires_grad_(False)

    def forward(self, x):
        x = x - 0.5
        out = {}
        for f, conv in zip(self.factors, self.convs):
            x_f = F.avg_pool2d(x, f) if f > 1 else x
            out[f"scale{f}"] = F.relu(conv(x_f))
        return out


def feature_extractor(kind="auto", *, download=True, device="cpu", seed=0, progress=True):
    """The network that style transfer measures images with, and what it is.

    ``kind``: ``"vgg19"`` (raises ``WeightsUnavailable`` if the weights cannot be had),
    ``"random"``, or ``"auto"`` (VGG-19 when cached or downloadable, else random features).
    Returns a tuple of: the network (on ``device``, eval mode, frozen), its content layer name,
    its style layer names, and a one-line description.
    """
    if kind not in ("auto", "vgg19", "random"):
        raise ValueError(f'kind={kind!r}: use "auto", "vgg19" or "random".')
    if kind in ("auto", "vgg19"):
        try:
            net = load_vgg(download=download, progress=progress)
            return (net.to(device), "relu4_2", ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"],
                    "VGG-19 with ImageNet weights (torchvision's vgg19-dcbb9e9d.pth)")
        except WeightsUnavailable as e:
            if kind == "vgg19":
                raise
            reason = str(e)
    else:
        reason = "asked for"
    net = RandomMultiscaleFeatures(seed=seed).to(device)
    names = list(net.layers)
    k = net.convs[0].kernel_size[0]
    return (net, names[0], names,
            f"random {k}×{k} filters at {len(names)} scales with a ReLU (after Ustyuzhaninov et al., "
            f"2017); VGG-19: {reason}")


# --- images and the optimisation ---------------------------------------------------------------

def load_image(name, size, device="cpu"):
    """A scikit-image sample image (``skimage.data.<name>``), centre-cropped to a square and
    resized to ``size`` × ``size``: a (1, 3, size, size) float32 tensor in [0, 1] (grey images
    get their one channel three times)."""
    import numpy as np
    import skimage.data

    try:
        image = getattr(skimage.data, name)()
    except AttributeError:
        raise ValueError(f"skimage.data has no image {name!r}: try astronaut, chelsea, coffee, "
                         "rocket, brick, grass or gravel.") from None
    image = np.asarray(image, dtype=np.float32) / 255.0
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    h, w = image.shape[:2]
    s = min(h, w)
    image = image[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s, :3]
    x = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None]
    x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return x.clamp(0, 1).to(device)


def initial_image(content, noise=0.5, seed=0):
    """The start image: ``(1 - noise) * content + noise * uniform noise``, the same for a seed."""
    g = torch.Generator().manual_seed(seed)
    u = torch.rand(content.shape, generator=g).to(content.device)
    return ((1 - noise) * content + noise * u).clamp(0, 1)


def stylise(extractor, content, style, content_layer, style_layers, *, style_weights=None,
            alpha=10.0, beta=40.0, num_steps=300, lr=0.02, lr_decay=0.01, noise=1.0, seed=0, progress=True,
            desc="style transfer", costs=None):
    """Optimise an image's pixels with Adam to lower ``alpha * J_content + beta * J_style``, the
    learning rate falling geometrically from ``lr`` to ``lr * lr_decay`` over the steps.

    ``content``, ``style``: (1, 3, H, W) in [0, 1] on the extractor's device (the style image may
    have another size). The start image is ``initial_image(content, noise, seed)``; pixels are
    kept in [0, 1] after each step. ``costs``: a dict of functions (content, layer_style) to use
    instead of this module's (the notebook passes the learner's).
    Returns a tuple of: the image (1, 3, H, W), and a history dict of lists "content", "style",
    "total" (the costs of the start image first, then after each step) and "seconds".
    """
    import time

    costs = costs or {}
    content_cost = costs.get("content", compute_content_cost)
    style_cost = costs.get("style", compute_style_cost)
    if style_weights is None:
        style_weights = [1.0 / len(style_layers)] * len(style_layers)
    with torch.no_grad():
        a_C = extractor(content)[content_layer].detach()
        feats_S = extractor(style)
        a_S = [feats_S[name].detach() for name in style_layers]
    G = initial_image(content, noise, seed).requires_grad_(True)
    optimizer = torch.optim.Adam([G], lr=lr)
    # The learning rate falls geometrically to lr * lr_decay: Adam's steps at a constant rate keep the
    # pixels jittering around the minimum, which keeps the content cost from falling further.
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=lr_decay ** (1 / max(1, num_steps)))
    history = {"content": [], "style": [], "total": [], "seconds": []}
    start = time.perf_counter()

    def measure():
        feats = extractor(G)
        J_content = content_cost(a_C, feats[content_layer])
        J_style = style_cost(a_S, [feats[name] for name in style_layers], style_weights)
        J = total_cost(J_content, J_style, alpha, beta)
        history["content"].append(J_content.item())
        history["style"].append(J_style.item())
        history["total"].append(J.item())
        history["seconds"].append(time.perf_counter() - start)
        return J

    bar = progress_bar(progress, total=num_steps, desc=desc, unit="step")
    for step in range(num_steps):
        optimizer.zero_grad()
        J = measure()
        J.backward()
        optimizer.step()
        scheduler.step()
        with torch.no_grad():
            G.clamp_(0, 1)
        bar.update(1)
        if step % 10 == 0 or step == num_steps - 1:
            bar.set_postfix(content=f"{history['content'][-1]:.3g}", style=f"{history['style'][-1]:.3g}")
    with torch.no_grad():
        measure()
    bar.close()
    return G.detach(), history
