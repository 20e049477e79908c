"""Day 19's exercises solved the plain way, from the student notebook's text alone."""
# %% build_targets
def build_targets(boxes, classes, grid_size, anchors, num_classes):
    """The YOLO training target of one image.

    Inputs:
    - boxes: (n, 4) float array, corner form (x1, y1, x2, y2), fractions of the image
    - classes: (n,) int array, each in [0, num_classes)
    - grid_size: S, the grid is S x S
    - anchors: (B, 2) float array, anchor widths and heights, fractions of the image
    - num_classes: K

    Returns:
    - target: (S, S, B, 5 + K) float32 array; at [row, col, b] of each box:
      (cx * S - col, cy * S - row, log(w / anchor_w), log(h / anchor_h), 1, one-hot class);
      zeros everywhere else
    """
    S, B = grid_size, len(anchors)
    target = np.zeros((S, S, B, 5 + num_classes), dtype=np.float32)
    for i in range(len(boxes)):
        x1, y1, x2, y2 = boxes[i]
        cx = (x1 + x2) / 2
        cy = (y1 + y2) / 2
        w = x2 - x1
        h = y2 - y1
        row, col, b = det.assign_to_grid(boxes[i], S, anchors)
        target[row, col, b, :] = 0
        target[row, col, b, 0] = cx * S - col
        target[row, col, b, 1] = cy * S - row
        target[row, col, b, 2] = np.log(w / anchors[b][0])
        target[row, col, b, 3] = np.log(h / anchors[b][1])
        target[row, col, b, 4] = 1
        target[row, col, b, 5 + classes[i]] = 1
    return target

# %% yolo_loss
def yolo_loss(pred, target, lambda_coord=5.0, lambda_noobj=0.5):
    """The YOLO loss of a batch.

    Inputs:
    - pred: (N, S, S, B, 5 + K) tensor, raw network output (tx, ty, tw, th, to, class scores)
    - target: (N, S, S, B, 5 + K) tensor, from build_targets
    - lambda_coord, lambda_noobj: the weights of the box terms and of the no-object terms

    Returns:
    - loss: a scalar tensor, (box + objectness + class terms) summed over the grid, divided by N
    """
    N = pred.shape[0]
    obj_mask = target[..., 4] == 1
    noobj_mask = target[..., 4] == 0
    p = pred[obj_mask]
    t = target[obj_mask]
    xy_loss = torch.sum((torch.sigmoid(p[:, 0:2]) - t[:, 0:2]) ** 2)
    wh_loss = torch.sum((p[:, 2:4] - t[:, 2:4]) ** 2)
    box_loss = lambda_coord * (xy_loss + wh_loss)
    obj_loss = F.binary_cross_entropy_with_logits(p[:, 4], torch.ones_like(p[:, 4]), reduction="sum")
    p_noobj = pred[noobj_mask]
    noobj_loss = lambda_noobj * F.binary_cross_entropy_with_logits(p_noobj[:, 4], torch.zeros_like(p_noobj[:, 4]),
                                                                   reduction="sum")
    labels = torch.argmax(t[:, 5:], dim=1)
    class_loss = F.cross_entropy(p[:, 5:], labels, reduction="sum")
    loss = (box_loss + obj_loss + noobj_loss + class_loss) / N
    return loss

# %% average_precision
def average_precision(scores, is_true_positive, num_true):
    """COCO's 101-point interpolated average precision of one class.

    Inputs:
    - scores: (n,) float array, the scores of the class's detections (any order)
    - is_true_positive: (n,) bool array, whether each detection is a true positive
    - num_true: the number of true boxes of the class (> 0)

    Returns:
    - ap: a float in [0, 1]
    """
    order = np.argsort(-scores, kind="stable")
    tp = is_true_positive[order]
    precision = []
    recall = []
    count = 0
    for i in range(len(tp)):
        if tp[i]:
            count += 1
        precision.append(count / (i + 1))
        recall.append(count / num_true)
    for i in range(len(precision) - 2, -1, -1):
        if precision[i + 1] > precision[i]:
            precision[i] = precision[i + 1]
    total = 0.0
    for r in np.linspace(0, 1, 101):
        i = np.searchsorted(recall, r, side="left")
        if i < len(precision):
            total += precision[i]
    ap = total / 101
    return ap

# %% mean_average_precision
def mean_average_precision(predictions, ground_truths, num_classes, iou_threshold=0.5):
    """The mean over classes of the average precision at an IoU threshold.

    Inputs:
    - predictions: list, one (boxes (n, 4), scores (n,), classes (n,)) tuple per image
    - ground_truths: list, one (boxes (m, 4), classes (m,)) tuple per image
    - num_classes: K; classes with no true box in any image are left out of the mean
    - iou_threshold: a detection matches a true box of its class if their IoU is >= this

    Returns:
    - mAP: a float
    """
    aps = []
    for k in range(num_classes):
        all_scores = []
        all_flags = []
        num_true = 0
        for img in range(len(predictions)):
            p_boxes, p_scores, p_classes = predictions[img]
            t_boxes, t_classes = ground_truths[img]
            pb = p_boxes[p_classes == k]
            ps = p_scores[p_classes == k]
            tb = t_boxes[t_classes == k]
            num_true += len(tb)
            used = [False] * len(tb)
            for i in np.argsort(-ps, kind="stable"):
                best_j = -1
                best_iou = iou_threshold
                for j in range(len(tb)):
                    iou = det.box_iou(pb[i:i + 1], tb[j:j + 1])[0, 0]
                    if not used[j] and iou >= best_iou:
                        best_j = j
                        best_iou = iou
                if best_j >= 0:
                    used[best_j] = True
                all_scores.append(ps[i])
                all_flags.append(best_j >= 0)
        if num_true > 0:
            aps.append(average_precision(np.array(all_scores), np.array(all_flags, dtype=bool), num_true))
    mAP = sum(aps) / len(aps)
    return mAP
