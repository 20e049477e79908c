"""Object detection's pieces in NumPy (Day 18): box formats, IoU, score filtering, non-maximum
suppression, anchor boxes and the decoding of a YOLO output grid. Day 19's tiny YOLO imports them.

This module does not import torch: a network's output goes in as ``tensor.detach().cpu().numpy()``.

Conventions:

- A box is 4 floats. **Corner form** ``(x1, y1, x2, y2)``: left, top, right, bottom, with
  ``x2 >= x1`` and ``y2 >= y1``; **centre form** ``(cx, cy, w, h)``. Coordinates are continuous (a
  box from 0 to 2 is 2 wide, not 3 as in pixel-inclusive formulas). ``y`` grows downwards, as in an
  image. Arrays of boxes have shape ``(..., 4)``.
- ``nms`` follows ``torchvision.ops.nms``: candidates are visited by decreasing score, ties in
  score by increasing index (a stable sort); a box is dropped when its IoU with an already kept box
  is **greater than** ``iou_threshold`` (equal is kept); the result is the kept indices, in the
  order visited, as an int64 array (empty for empty input).
- A YOLO output grid (YOLOv2/v3) has shape ``(S, S, B, 5 + K)`` (any leading batch axes allowed):
  for the cell in row ``cy`` and column ``cx`` and its anchor ``b`` of size ``(pw, ph)`` (fractions
  of the image), the raw numbers ``(tx, ty, tw, th, to, class scores...)`` decode to
  ``bx = (sigmoid(tx) + cx) / S``, ``by = (sigmoid(ty) + cy) / S``, ``bw = pw * exp(tw)``,
  ``bh = ph * exp(th)``, objectness ``sigmoid(to)`` and class probabilities ``softmax(scores)``.
  Boxes come out in corner form, in fractions of the image (multiply by its width and height).
"""
from __future__ import annotations

import numpy as np


def box_cxcywh_to_xyxy(boxes):
    """Centre form ``(cx, cy, w, h)`` to corner form ``(x1, y1, x2, y2)``; ``boxes`` (..., 4)."""
    boxes = np.asarray(boxes, dtype=float)
    cx, cy, w, h = np.moveaxis(boxes, -1, 0)
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


def box_xyxy_to_cxcywh(boxes):
    """Corner form ``(x1, y1, x2, y2)`` to centre form ``(cx, cy, w, h)``; ``boxes`` (..., 4)."""
    boxes = np.asarray(boxes, dtype=float)
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    return np.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], axis=-1)


def box_area(boxes):
    """Areas of corner-form boxes (..., 4); a box with x2 < x1 or y2 < y1 has area 0."""
    boxes = np.asarray(boxes, dtype=float)
    return np.clip(boxes[..., 2] - boxes[..., 0], 0, None) * np.clip(boxes[..., 3] - boxes[..., 1], 0, None)


def box_iou(boxes_a, boxes_b):
    """The IoU of every box of ``boxes_a`` (N, 4) with every box of ``boxes_b`` (M, 4): (N, M).

    Intersection over union, 0 for disjoint boxes and where the union is empty (two boxes of area 0).
    """
    a = np.asarray(boxes_a, dtype=float).reshape(-1, 4)
    b = np.asarray(boxes_b, dtype=float).reshape(-1, 4)
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(bottom_right - top_left, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def filter_boxes(boxes, objectness, class_probs, score_threshold):
    """Keep the boxes whose score, objectness times the best class probability, is >= the threshold.

    Inputs: ``boxes`` (n, 4), ``objectness`` (n,), ``class_probs`` (n, K), a float threshold.
    Returns a tuple of: the kept boxes (k, 4), their scores (k,), their classes (k,) int64, in the
    input's order.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    class_probs = np.asarray(class_probs, dtype=float).reshape(len(boxes), -1)
    scores = np.asarray(objectness, dtype=float).reshape(-1) * class_probs.max(axis=1)
    classes = class_probs.argmax(axis=1).astype(np.int64)
    keep = scores >= score_threshold
    return boxes[keep], scores[keep], classes[keep]


def nms(boxes, scores, iou_threshold):
    """Non-maximum suppression as ``torchvision.ops.nms`` defines it (see the module's docstring).

    Inputs: ``boxes`` (n, 4) corner form, ``scores`` (n,), ``iou_threshold`` a float.
    Returns the indices of the kept boxes, int64 (k,), highest score first.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    iou = box_iou(boxes, boxes)
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > iou_threshold
    return np.array(keep, dtype=np.int64)


def batched_nms(boxes, scores, classes, iou_threshold):
    """NMS within each class (``torchvision.ops.batched_nms``): boxes of different classes never
    suppress each other. Returns the kept indices, int64, by decreasing score (ties by index).

    torchvision shifts each class's boxes by its own offset, beyond every other class's boxes, and
    runs ``nms`` once; this runs it once per class, which gives the same boxes without the rounding
    that shifting adds.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    classes = np.asarray(classes).reshape(-1)
    keep = [np.flatnonzero(classes == c)[nms(boxes[classes == c], scores[classes == c], iou_threshold)]
            for c in np.unique(classes)]
    keep = np.concatenate(keep).astype(np.int64) if keep else np.zeros(0, dtype=np.int64)
    return keep[np.lexsort((keep, -scores[keep]))]


def anchor_boxes(grid_size: int, anchors):
    """Every anchor centred on every cell of an S x S grid: (S, S, B, 4) in corner form, fractions
    of the image; ``anchors`` (B, 2) holds widths and heights, fractions of the image too.
    ``[row, col, b]`` is anchor ``b`` centred at ``((col + 0.5) / S, (row + 0.5) / S)``."""
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    S = int(grid_size)
    centre = (np.arange(S) + 0.5) / S
    cx = np.broadcast_to(centre[None, :, None], (S, S, len(anchors)))
    cy = np.broadcast_to(centre[:, None, None], (S, S, len(anchors)))
    w = np.broadcast_to(anchors[:, 0], (S, S, len(anchors)))
    h = np.broadcast_to(anchors[:, 1], (S, S, len(anchors)))
    return box_cxcywh_to_xyxy(np.stack([cx, cy, w, h], axis=-1))


def sigmoid(x):
    """The logistic function, without overflow warnings for large negative x."""
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x))


def softmax(x, axis: int = -1):
    """Softmax along ``axis``, shifted by the maximum for stability."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def decode_yolo(output, anchors):
    """Decode a YOLO output grid (YOLOv2/v3's convention; see the module's docstring).

    Inputs: ``output`` (..., S, S, B, 5 + K) raw numbers; ``anchors`` (B, 2) widths and heights,
    fractions of the image.
    Returns a tuple of: ``boxes`` (..., S, S, B, 4) corner form, fractions of the image;
    ``objectness`` (..., S, S, B); ``class_probs`` (..., S, S, B, K).
    """
    output = np.asarray(output, dtype=float)
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    S_y, S_x, B = output.shape[-4:-1]
    if B != len(anchors):
        raise ValueError(f"the output grid has {B} boxes per cell but {len(anchors)} anchors were given: "
                         "pass one (width, height) per box, anchors of shape (B, 2).")
    cx = np.arange(S_x)[None, :, None]
    cy = np.arange(S_y)[:, None, None]
    bx = (sigmoid(output[..., 0]) + cx) / S_x
    by = (sigmoid(output[..., 1]) + cy) / S_y
    bw = anchors[:, 0] * np.exp(output[..., 2])
    bh = anchors[:, 1] * np.exp(output[..., 3])
    boxes = box_cxcywh_to_xyxy(np.stack([bx, by, bw, bh], axis=-1))
    return boxes, sigmoid(output[..., 4]), softmax(output[..., 5:], axis=-1)


def assign_to_grid(box, grid_size: int, anchors):
    """Where a YOLO grid holds a box (corner form, fractions of the image): the ``(row, col)`` of the
    cell that contains its centre, and the anchor ``b`` whose shape matches it best (the IoU of the
    two, centred alike). Returns ``(row, col, b)``."""
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    cx, cy, w, h = box_xyxy_to_cxcywh(np.asarray(box, dtype=float).reshape(1, 4))[0]
    S = int(grid_size)
    col, row = min(max(int(cx * S), 0), S - 1), min(max(int(cy * S), 0), S - 1)
    shapes = box_iou(np.array([[0.0, 0.0, w, h]]), np.c_[np.zeros((len(anchors), 2)), anchors])[0]
    return row, col, int(np.argmax(shapes))


def encode_yolo(boxes, classes, grid_size: int, anchors, num_classes: int, *, logit: float = 8.0):
    """The output grid that ``decode_yolo`` turns back into ``boxes`` (n, 4, corner form, fractions
    of the image) with ``classes`` (n,): each box goes where ``assign_to_grid`` puts it. Objectness
    and the true class get the raw score ``logit``, everything else ``-logit``. Returns
    (S, S, B, 5 + K). A later box put in the same cell and anchor overwrites an earlier one."""
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    S, B = int(grid_size), len(anchors)
    out = np.zeros((S, S, B, 5 + num_classes))
    out[..., 4:] = -logit
    eps = 1e-6
    for box, cls in zip(np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(classes).reshape(-1)):
        row, col, b = assign_to_grid(box, S, anchors)
        cx, cy, w, h = box_xyxy_to_cxcywh(box[None])[0]
        fx = np.clip(cx * S - col, eps, 1 - eps)
        fy = np.clip(cy * S - row, eps, 1 - eps)
        out[row, col, b, :4] = [np.log(fx / (1 - fx)), np.log(fy / (1 - fy)),
                                np.log(w / anchors[b, 0]), np.log(h / anchors[b, 1])]
        out[row, col, b, 4:] = -logit
        out[row, col, b, 4] = logit
        out[row, col, b, 5 + int(cls)] = logit
    return out


def draw_boxes(ax, boxes, *, labels=None, colors="yellow", linewidth: float = 1.5, alpha: float = 1.0,
               scale=(1.0, 1.0)):
    """Outline corner-form ``boxes`` (n, 4) on a matplotlib axes, with an optional label on each.

    ``scale`` = (width, height) multiplies the coordinates (boxes in fractions of the image).
    ``colors`` is one colour or one per box.
    """
    from matplotlib.patches import Rectangle

    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4) * np.tile(np.asarray(scale, dtype=float), 2)
    colors = [colors] * len(boxes) if isinstance(colors, str) else list(colors)
    for i, (x1, y1, x2, y2) in enumerate(boxes):
        ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor=colors[i],
                               linewidth=linewidth, alpha=alpha))
        if labels is not None:
            ax.text(x1, y1, str(labels[i]), color="black", fontsize=8, va="bottom",
                    bbox={"facecolor": colors[i], "alpha": 0.8, "pad": 1, "edgecolor": "none"})
    return ax
