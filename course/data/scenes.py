"""Generated detection scenes (Days 18 and 19): a few shapes of three classes on real textures.

Every scene is drawn from a seeded generator, so its boxes are exact: each box is the shape's own
extent (the shape as drawn, even where a later shape covers part of it), in **corner form**
``(x1, y1, x2, y2)``, **fractions of the image** (multiply by its size for pixels), the
convention of ``course.vision.detection``.

- Classes (``SCENE_CLASSES``): 0 square (a rectangle of aspect ratio 0.75 to 1.33), 1 disc (an
  ellipse of the same aspect ratios), 2 triangle (apex at the top).
- Colours: a random saturated RGB colour per shape, whatever its class (so colour says nothing).
- Background: a random crop of one of scikit-image's grey textures (``brick``, ``grass``,
  ``gravel``, bundled with scikit-image, no download), tinted with a random colour and its
  contrast lowered, plus a little pixel noise.
- Overlaps: shapes are drawn one after another and later ones cover earlier ones; a new shape is
  redrawn while its box overlaps an earlier box by more than ``max_overlap`` of the smaller box's
  area (0 makes the shapes disjoint), so every object stays mostly visible.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SCENE_CLASSES = ("square", "disc", "triangle")
TEXTURES = ("brick", "grass", "gravel")


@lru_cache(maxsize=1)
def textures() -> tuple:
    """scikit-image's grey textures as float arrays in [0, 1], each (512, 512)."""
    try:
        from skimage import data
    except ModuleNotFoundError as err:  # pragma: no cover - scikit-image is a course dependency
        raise ModuleNotFoundError("The scenes' backgrounds come from scikit-image: run "
                                  "`pip install scikit-image` and try again.") from err
    return tuple(getattr(data, name)().astype(np.float32) / 255 for name in TEXTURES)


def _background(rng, size: int, texture: bool) -> np.ndarray:
    tint = rng.uniform(0.25, 0.85, 3)
    if not texture:
        return np.clip(tint + rng.normal(0, 0.03, (size, size, 3)), 0, 1)
    grey = textures()[int(rng.integers(len(TEXTURES)))]
    step = int(rng.integers(1, 4))  # 1, 2 or 3: texture seen at a different scale
    span = size * step
    top, left = rng.integers(0, grey.shape[0] - span + 1), rng.integers(0, grey.shape[1] - span + 1)
    patch = grey[top:top + span:step, left:left + span:step]
    patch = (patch - patch.mean()) * rng.uniform(0.4, 0.9)
    image = tint + patch[..., None] * rng.uniform(0.6, 1.2, 3)
    return np.clip(image + rng.normal(0, 0.02, image.shape), 0, 1)


def _overlap(box, boxes) -> float:
    """The largest intersection of ``box`` with one of ``boxes``, over the smaller one's area."""
    if not boxes:
        return 0.0
    b = np.asarray(boxes)
    w = np.clip(np.minimum(box[2], b[:, 2]) - np.maximum(box[0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], b[:, 3]) - np.maximum(box[1], b[:, 1]), 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return float((w * h / np.minimum(area, areas)).max())


def make_scene(rng, size: int = 64, num_objects=(1, 4), *, min_size: float = 0.2,
               max_size: float = 0.45, max_overlap: float = 0.3, texture: bool = True):
    """One scene: an RGB image and the exact boxes and classes of the shapes in it.

    Inputs:
    - rng: a ``np.random.Generator`` (the scene is a function of its state)
    - size: the image's side in pixels
    - num_objects: an int, or ``(low, high)``, both included, to draw the count from
    - min_size, max_size: the range of a shape's larger side, as a fraction of the image
    - max_overlap: how much a box may overlap an earlier one (over the smaller box's area)
    - texture: a scikit-image texture behind the shapes (False: a flat, slightly noisy colour)
    Returns a tuple of: image (size, size, 3) float32 in [0, 1]; boxes (n, 4) float corner form,
    fractions of the image; classes (n,) int64 (indices into ``SCENE_CLASSES``).
    """
    count = num_objects if np.isscalar(num_objects) else int(rng.integers(num_objects[0], num_objects[1] + 1))
    image = _background(rng, size, texture)
    yy, xx = (np.mgrid[0:size, 0:size] + 0.5) / size  # pixel centres, fractions of the image
    boxes, classes = [], []
    for attempt in range(1000):
        if len(boxes) == count:
            break
        side = rng.uniform(min_size, max_size)
        aspect = np.exp(rng.uniform(np.log(0.75), np.log(4 / 3)))
        w, h = (side, side / aspect) if aspect >= 1 else (side * aspect, side)
        cx, cy = rng.uniform(w / 2, 1 - w / 2), rng.uniform(h / 2, 1 - h / 2)
        box = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        label = int(rng.integers(len(SCENE_CLASSES)))
        colour = rng.uniform(0, 1, 3)
        colour[rng.integers(3)] = rng.uniform(0.0, 0.15)  # saturated: one channel low ...
        colour[rng.integers(3)] = rng.uniform(0.85, 1.0)  # ... and one high
        if _overlap(box, boxes) > max_overlap:
            continue
        if label == 0:
            mask = (np.abs(xx - cx) <= w / 2) & (np.abs(yy - cy) <= h / 2)
        elif label == 1:
            mask = ((xx - cx) / (w / 2)) ** 2 + ((yy - cy) / (h / 2)) ** 2 <= 1
        else:  # apex at the top centre, base along the bottom
            mask = (yy >= box[1]) & (yy <= box[3]) & (np.abs(xx - cx) <= (yy - box[1]) / h * w / 2)
        image[mask] = colour
        boxes.append(box)
        classes.append(label)
    else:  # pragma: no cover - only with impossible settings
        raise ValueError(f"Could not place {count} shapes with max_overlap={max_overlap}: allow more "
                         "overlap, fewer objects or smaller shapes.")
    return (image.astype(np.float32), np.array(boxes, dtype=float).reshape(-1, 4),
            np.array(classes, dtype=np.int64))


def make_scenes(n: int, size: int = 64, *, seed: int = 0, **options):
    """``n`` scenes from one seed (see ``make_scene`` for ``options``).

    Returns a tuple of: images (n, size, size, 3) float32 in [0, 1]; a list of n boxes arrays
    (k_i, 4); a list of n classes arrays (k_i,).
    """
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size, 3), dtype=np.float32)
    boxes, classes = [], []
    for i in range(n):
        images[i], b, c = make_scene(rng, size, **options)
        boxes.append(b)
        classes.append(c)
    return images, boxes, classes
