"""Day 18's exercises solved the plain way, from the student notebook's text alone."""
# %% box_cxcywh_to_xyxy
def box_cxcywh_to_xyxy(boxes):
    """Convert boxes from centre form to corner form.

    Inputs:
    - boxes: (N, 4) float array, each row (cx, cy, w, h)

    Returns:
    - out: (N, 4) float array, each row (x1, y1, x2, y2)
    """
    cx = boxes[:, 0]
    cy = boxes[:, 1]
    w = boxes[:, 2]
    h = boxes[:, 3]
    out = np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    return out

# %% box_xyxy_to_cxcywh
def box_xyxy_to_cxcywh(boxes):
    """Convert boxes from corner form to centre form.

    Inputs:
    - boxes: (N, 4) float array, each row (x1, y1, x2, y2)

    Returns:
    - out: (N, 4) float array, each row (cx, cy, w, h)
    """
    out = np.zeros((boxes.shape[0], 4))
    out[:, 0] = (boxes[:, 0] + boxes[:, 2]) / 2
    out[:, 1] = (boxes[:, 1] + boxes[:, 3]) / 2
    out[:, 2] = boxes[:, 2] - boxes[:, 0]
    out[:, 3] = boxes[:, 3] - boxes[:, 1]
    return out

# %% box_iou
def box_iou(boxes_a, boxes_b):
    """The IoU of every box of boxes_a with every box of boxes_b.

    Inputs:
    - boxes_a: (N, 4) float array, corner form (x1, y1, x2, y2)
    - boxes_b: (M, 4) float array, corner form

    Returns:
    - iou: (N, M) float array, iou[i, j] = IoU(boxes_a[i], boxes_b[j]); 0 where the boxes are
      disjoint, and 0 (not nan) where both have area 0
    """
    x1 = np.maximum(boxes_a[:, None, 0], boxes_b[None, :, 0])
    y1 = np.maximum(boxes_a[:, None, 1], boxes_b[None, :, 1])
    x2 = np.minimum(boxes_a[:, None, 2], boxes_b[None, :, 2])
    y2 = np.minimum(boxes_a[:, None, 3], boxes_b[None, :, 3])
    inter = np.maximum(x2 - x1, 0) * np.maximum(y2 - y1, 0)
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    iou = inter / np.maximum(union, 1e-12)
    return iou

# %% filter_boxes
def filter_boxes(boxes, objectness, class_probs, score_threshold):
    """Score each box by its best class, and keep the boxes that score at least score_threshold.

    Inputs:
    - boxes: (n, 4) float array, corner form
    - objectness: (n,) float array, the probability that each box holds an object
    - class_probs: (n, K) float array, each row the class probabilities given an object
    - score_threshold: a float

    Returns a tuple of:
    - boxes_kept: (k, 4), the boxes whose score is >= score_threshold, in their original order
    - scores: (k,), their scores, objectness times the largest class probability
    - classes: (k,) int array, the index of that class
    """
    box_scores = objectness[:, None] * class_probs
    best = np.max(box_scores, axis=1)
    best_class = np.argmax(box_scores, axis=1)
    mask = best >= score_threshold
    return boxes[mask], best[mask], best_class[mask]

# %% nms
def nms(boxes, scores, iou_threshold):
    """Non-maximum suppression, as torchvision.ops.nms defines it.

    Inputs:
    - boxes: (n, 4) float array, corner form
    - scores: (n,) float array
    - iou_threshold: a float; a box is dropped if its IoU with a kept box is > iou_threshold

    Returns:
    - keep: (k,) int64 array, the indices of the kept boxes, highest score first (equal scores:
      lower index first)
    """
    order = np.argsort(-scores, kind="stable")
    keep = []
    for i in order:
        ok = True
        for j in keep:
            if box_iou(boxes[i:i + 1], boxes[j:j + 1])[0, 0] > iou_threshold:
                ok = False
                break
        if ok:
            keep.append(i)
    return np.array(keep, dtype=np.int64)

# %% batched_nms
def batched_nms(boxes, scores, classes, iou_threshold):
    """Non-maximum suppression within each class: boxes of different classes never suppress each other.

    Inputs:
    - boxes: (n, 4) float array, corner form
    - scores: (n,) float array
    - classes: (n,) int array, the class of each box
    - iou_threshold: a float, as for nms

    Returns:
    - keep: (k,) int64 array, the indices of the kept boxes (of all classes), highest score first
      (equal scores: lower index first)
    """
    keep = []
    for c in np.unique(classes):
        mask = classes == c
        keep_c = nms(boxes[mask], scores[mask], iou_threshold)
        keep.extend(np.flatnonzero(mask)[keep_c])
    keep = np.array(keep, dtype=np.int64)
    if len(keep) == 0:
        return keep
    return keep[np.lexsort((keep, -scores[keep]))]

# %% decode_yolo
def decode_yolo(output, anchors):
    """Decode a YOLO output grid into boxes, objectness and class probabilities.

    Inputs:
    - output: (S, S, B, 5 + K) float array of raw numbers; output[row, col, b] is
      (tx, ty, tw, th, to, K class scores)
    - anchors: (B, 2) float array, each row an anchor's (width, height), fractions of the image

    Returns a tuple of:
    - boxes: (S, S, B, 4), corner form (x1, y1, x2, y2), fractions of the image, where
      bx = (sigmoid(tx) + col) / S, by = (sigmoid(ty) + row) / S, bw = pw * exp(tw), bh = ph * exp(th)
    - objectness: (S, S, B), sigmoid(to)
    - class_probs: (S, S, B, K), the softmax of the class scores
    """
    S, _, B, _ = output.shape
    boxes = np.zeros((S, S, B, 4))
    objectness = np.zeros((S, S, B))
    class_probs = np.zeros((S, S, B, output.shape[3] - 5))
    for row in range(S):
        for col in range(S):
            for b in range(B):
                tx, ty, tw, th, to = output[row, col, b, :5]
                bx = (1 / (1 + np.exp(-tx)) + col) / S
                by = (1 / (1 + np.exp(-ty)) + row) / S
                bw = anchors[b, 0] * np.exp(tw)
                bh = anchors[b, 1] * np.exp(th)
                boxes[row, col, b] = box_cxcywh_to_xyxy(np.array([[bx, by, bw, bh]]))[0]
                objectness[row, col, b] = 1 / (1 + np.exp(-to))
                e = np.exp(output[row, col, b, 5:])
                class_probs[row, col, b] = e / e.sum()
    return boxes, objectness, class_probs
