"""A tiny YOLO (Day 19): grid targets, the YOLO loss, a small network, decoding to detections, and
mean average precision at an IoU threshold.

The grid follows ``course.vision.detection`` (YOLOv2/v3's decoding): an output of shape
``(N, S, S, B, 5 + K)`` holds, for the cell in row ``r`` and column ``c`` and anchor ``b`` of size
``(pw, ph)``, the raw numbers ``(tx, ty, tw, th, to, class scores...)``; the box is
``((sigmoid(tx) + c) / S, (sigmoid(ty) + r) / S, pw * exp(tw), ph * exp(th))`` in centre form,
fractions of the image.

**Targets** (``build_targets``), same shape, float32: the cell that holds a box's centre and the
anchor whose shape matches it best (``detection.assign_to_grid``) get ``(fx, fy, log(w / pw),
log(h / ph), 1, one-hot class)``, where ``fx = cx * S - c`` and ``fy = cy * S - r`` are the centre's
offsets inside its cell, in [0, 1); every other entry is 0. A later box that falls on the same
cell and anchor overwrites an earlier one.

**Loss** (``yolo_loss``), summed over the grid and averaged over the batch:
``lambda_coord * [(sigmoid(tx) - fx)^2 + (sigmoid(ty) - fy)^2 + (tw - log(w/pw))^2 + (th - ...)^2]``
on the cells and anchors that hold an object only; objectness as binary cross-entropy on logits,
target 1 where an object is and 0 elsewhere, the no-object terms weighted by ``lambda_noobj``;
class cross-entropy (softmax over the K scores) where an object is.

**mAP** (``average_precision``, ``mean_average_precision``) follows COCO's definition
(pycocotools' ``COCOeval`` with ``iouThrs=[0.5]``, all areas, no limit on detections), to which the
course's tests compare it: detections are matched greedily by decreasing score, each to the
unmatched true box of its class and image with the highest IoU, if that IoU is >= the threshold
(a second detection of an already matched box is a false positive); precision is made
non-increasing from the right (the envelope) and read at the 101 recalls 0, 0.01, ..., 1 (0 beyond
the largest recall reached); AP is their mean. A class with no true box is left out of the mean.
"""
from __future__ import annotations

import numpy as np

from course.vision import detection as det

ANCHORS = np.array([[0.22, 0.22], [0.4, 0.4]])  # two square anchors, small and large


def build_targets(boxes, classes, grid_size: int, anchors, num_classes: int) -> np.ndarray:
    """The training target of one image (see the module's docstring for its layout).

    Inputs: ``boxes`` (n, 4) corner form, fractions of the image; ``classes`` (n,) ints in
    [0, num_classes); ``grid_size`` S; ``anchors`` (B, 2); ``num_classes`` K.
    Returns a float32 array (S, S, B, 5 + K).
    """
    anchors = np.asarray(anchors, dtype=float).reshape(-1, 2)
    S = int(grid_size)
    target = np.zeros((S, S, len(anchors), 5 + num_classes), dtype=np.float32)
    for box, cls in zip(np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(classes).reshape(-1)):
        row, col, b = det.assign_to_grid(box, S, anchors)
        cx, cy, w, h = det.box_xyxy_to_cxcywh(box)
        target[row, col, b] = 0
        target[row, col, b, :5] = [cx * S - col, cy * S - row, np.log(w / anchors[b, 0]),
                                   np.log(h / anchors[b, 1]), 1.0]
        target[row, col, b, 5 + int(cls)] = 1.0
    return target


def build_all_targets(boxes_list, classes_list, grid_size: int, anchors, num_classes: int) -> np.ndarray:
    """``build_targets`` for every image: (N, S, S, B, 5 + K) float32."""
    return np.stack([build_targets(b, c, grid_size, anchors, num_classes)
                     for b, c in zip(boxes_list, classes_list)])


def yolo_loss(pred, target, lambda_coord: float = 5.0, lambda_noobj: float = 0.5):
    """The YOLO loss of a batch (torch; see the module's docstring).

    Inputs: ``pred`` (N, S, S, B, 5 + K) raw network output; ``target`` the same shape, from
    ``build_targets``; the two weights.
    Returns a scalar tensor: (box + objectness + class terms) summed over the grid, divided by N.
    """
    import torch
    import torch.nn.functional as F

    obj = target[..., 4] > 0.5
    noobj = ~obj
    xy = torch.sigmoid(pred[..., 0:2])
    box = ((xy - target[..., 0:2]) ** 2).sum(-1) + ((pred[..., 2:4] - target[..., 2:4]) ** 2).sum(-1)
    box_term = lambda_coord * box[obj].sum()
    bce = F.binary_cross_entropy_with_logits(pred[..., 4], target[..., 4], reduction="none")
    obj_term = bce[obj].sum() + lambda_noobj * bce[noobj].sum()
    class_term = F.cross_entropy(pred[obj][:, 5:], target[obj][:, 5:].argmax(-1), reduction="sum")
    return (box_term + obj_term + class_term) / pred.shape[0]


def tiny_yolo(num_anchors: int = 2, num_classes: int = 3, width: int = 32):
    """A small fully convolutional YOLO for 64 x 64 RGB images: an 8 x 8 grid.

    A strided conv (64 -> 32), two conv-batchnorm-LeakyReLU-maxpool stages (32 -> 16 -> 8), two more
    3 x 3 convs,
    and a 1 x 1 conv to ``B * (5 + K)`` numbers per cell. Input (N, 3, H, W); output
    (N, H/8, W/8, B, 5 + K), raw (decode with ``detection.decode_yolo``).
    """
    import torch.nn as nn

    def block(c_in, c_out, pool=True, stride=1):
        layers = [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(c_out),
                  nn.LeakyReLU(0.1)]
        return layers + [nn.MaxPool2d(2)] if pool else layers

    class TinyYOLO(nn.Module):
        def __init__(self):
            super().__init__()
            w = width
            self.features = nn.Sequential(*block(3, w // 2, pool=False, stride=2), *block(w // 2, w), *block(w, 2 * w),
                                          *block(2 * w, 4 * w, pool=False), *block(4 * w, 4 * w, pool=False))
            self.head = nn.Conv2d(4 * w, num_anchors * (5 + num_classes), 1)
            self.B, self.K = num_anchors, num_classes

        def forward(self, x):
            out = self.head(self.features(x))  # (N, B * (5 + K), S, S)
            n, _, s_y, s_x = out.shape
            return out.view(n, self.B, 5 + self.K, s_y, s_x).permute(0, 3, 4, 1, 2)

    return TinyYOLO()


def postprocess(output, anchors, score_threshold: float = 0.05, iou_threshold: float = 0.5):
    """Detections from one image's raw output (S, S, B, 5 + K), a NumPy array: decode, keep the
    boxes with score >= ``score_threshold``, NMS per class. Returns a tuple of: boxes (k, 4)
    corner form, fractions of the image; scores (k,); classes (k,) int64; by decreasing score."""
    boxes, objectness, class_probs = det.decode_yolo(output, anchors)
    K = class_probs.shape[-1]
    boxes, scores, classes = det.filter_boxes(boxes.reshape(-1, 4), objectness.reshape(-1),
                                              class_probs.reshape(-1, K), score_threshold)
    keep = det.batched_nms(boxes, scores, classes, iou_threshold)
    return boxes[keep], scores[keep], classes[keep]


def detect(net, images, anchors, *, device="auto", batch_size: int = 256, **options):
    """Run ``net`` on ``images`` (N, 3, H, W) (array or tensor) in eval mode and ``postprocess``
    each output. Returns a list of N (boxes, scores, classes) tuples."""
    import torch

    from course.device import get_device
    from course.training import to_tensor

    device = get_device(device)
    was_training = net.training
    net.eval()
    X = to_tensor(images)
    results = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            out = net(X[start:start + batch_size].to(device)).float().cpu().numpy()
            results += [postprocess(o, anchors, **options) for o in out]
    net.train(was_training)
    return results


def average_precision(scores, is_true_positive, num_true: int) -> float:
    """COCO's 101-point interpolated AP of one class (see the module's docstring).

    Inputs: ``scores`` (n,) of the class's detections over all images; ``is_true_positive`` (n,)
    bools, each detection's match; ``num_true`` the number of true boxes of the class.
    Detections are ranked by decreasing score (ties keep their order: a stable sort).
    Returns a float in [0, 1]; NaN when ``num_true`` is 0 (no true box: AP undefined).
    """
    if num_true == 0:
        return float("nan")
    scores = np.asarray(scores, dtype=float).reshape(-1)
    tp = np.asarray(is_true_positive, dtype=bool).reshape(-1)[np.argsort(-scores, kind="mergesort")]
    tps, fps = np.cumsum(tp), np.cumsum(~tp)
    recall = tps / num_true
    precision = tps / np.maximum(tps + fps, np.spacing(1))
    precision = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    thresholds = np.linspace(0, 1, 101)
    idx = np.searchsorted(recall, thresholds, side="left")
    sampled = np.zeros(len(thresholds))
    found = idx < len(precision)
    sampled[found] = precision[idx[found]]
    return float(np.mean(sampled))


def match_detections(pred_boxes, pred_scores, true_boxes, iou_threshold: float = 0.5) -> np.ndarray:
    """Which detections of one class in one image are true positives: by decreasing score (stable),
    each takes the unmatched true box with the highest IoU if it is >= ``iou_threshold`` (COCO
    breaks IoU ties towards the later true box). Returns (n,) bools, in the input's order."""
    pred_boxes = np.asarray(pred_boxes, dtype=float).reshape(-1, 4)
    true_boxes = np.asarray(true_boxes, dtype=float).reshape(-1, 4)
    is_tp = np.zeros(len(pred_boxes), dtype=bool)
    if not len(pred_boxes) or not len(true_boxes):
        return is_tp
    iou = det.box_iou(pred_boxes, true_boxes)
    taken = np.zeros(len(true_boxes), dtype=bool)
    for i in np.argsort(-np.asarray(pred_scores, dtype=float).reshape(-1), kind="mergesort"):
        best, best_iou = -1, min(iou_threshold, 1 - 1e-10)
        for j in range(len(true_boxes)):
            if not taken[j] and iou[i, j] >= best_iou:
                best, best_iou = j, iou[i, j]
        if best >= 0:
            taken[best], is_tp[i] = True, True
    return is_tp


def mean_average_precision(predictions, ground_truths, num_classes: int, iou_threshold: float = 0.5,
                           *, per_class: bool = False):
    """The mean over classes of ``average_precision`` at ``iou_threshold`` (COCO's definition).

    Inputs:
    - predictions: a list, one entry per image, of ``(boxes (n, 4), scores (n,), classes (n,))``
    - ground_truths: a list, one entry per image, of ``(boxes (m, 4), classes (m,))``
    - num_classes: K; a class with no true box in any image is left out of the mean
    Returns the mAP, a float (NaN if no class has a true box); with ``per_class=True`` a tuple of
    it and the (K,) array of APs (NaN for classes left out).
    """
    if len(predictions) != len(ground_truths):
        raise ValueError(f"{len(predictions)} images of predictions but {len(ground_truths)} of ground "
                         "truths: give one entry per image in both lists, in the same order.")
    aps = np.full(num_classes, np.nan)
    for k in range(num_classes):
        scores, flags, num_true = [], [], 0
        for (p_boxes, p_scores, p_classes), (t_boxes, t_classes) in zip(predictions, ground_truths):
            p_mask = np.asarray(p_classes).reshape(-1) == k
            t_mask = np.asarray(t_classes).reshape(-1) == k
            p_scores_k = np.asarray(p_scores, dtype=float).reshape(-1)[p_mask]
            order = np.argsort(-p_scores_k, kind="mergesort")  # COCO ranks each image's detections first
            t_boxes_k = np.asarray(t_boxes, dtype=float).reshape(-1, 4)[t_mask]
            p_boxes_k = np.asarray(p_boxes, dtype=float).reshape(-1, 4)[p_mask][order]
            scores.append(p_scores_k[order])
            flags.append(match_detections(p_boxes_k, p_scores_k[order], t_boxes_k, iou_threshold))
            num_true += len(t_boxes_k)
        aps[k] = average_precision(np.concatenate(scores), np.concatenate(flags), num_true)
    value = float(np.nanmean(aps)) if np.isfinite(aps).any() else float("nan")
    return (value, aps) if per_class else value
