"""course.vision.yolo: targets and loss against loops written here, mAP against pycocotools (a test
dependency only: the course's code never imports it)."""
import contextlib
import io
import math
import os

import numpy as np
import pytest
import torch

from course.vision import detection as det
from course.vision import yolo


def _coco():
    """pycocotools' COCO and COCOeval; skip without it, except on CI (CI=true), where it must be there."""
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip("pycocotools is not installed (pip install pycocotools): the mAP cannot be compared with COCO's")
    return COCO, COCOeval


def coco_aps(predictions, ground_truths, num_classes):
    """Per-class AP@0.5 by pycocotools' COCOeval (iouThrs [0.5], all areas, no detection limit);
    NaN where COCO leaves the class out (-1)."""
    COCO, COCOeval = _coco()

    def xywh(b):
        return [float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]

    anns, dets = [], []
    for i, ((t_boxes, t_classes), (p_boxes, p_scores, p_classes)) in enumerate(zip(ground_truths, predictions)):
        for b, c in zip(t_boxes, t_classes):
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": int(c) + 1, "bbox": xywh(b),
                         "area": float((b[2] - b[0]) * (b[3] - b[1])), "iscrowd": 0})
        for b, s, c in zip(p_boxes, p_scores, p_classes):
            dets.append({"image_id": i + 1, "category_id": int(c) + 1, "bbox": xywh(b), "score": float(s)})
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": [{"id": i + 1} for i in range(len(ground_truths))], "annotations": anns,
                      "categories": [{"id": k + 1} for k in range(num_classes)]}
        gt.createIndex()
        dt = gt.loadRes(dets)
        E = COCOeval(gt, dt, "bbox")
        E.params.iouThrs = np.array([0.5])
        E.params.areaRng, E.params.areaRngLbl = [[0.0, 1e10]], ["all"]
        E.params.maxDets = [100000]
        E.evaluate()
        E.accumulate()
    precision = E.eval["precision"][0, :, :, 0, 0]  # (101 recalls, K)
    return np.array([np.nan if (precision[:, k] < 0).any() else precision[:, k].mean() for k in range(num_classes)])


def random_case(rng, num_images=6, num_classes=3, scale=100.0):
    """Ground truths and predictions with near-copies of true boxes (some duplicated, some of the
    wrong class), random boxes, images without objects, and a class that may have no true box."""
    ground_truths, predictions = [], []
    for _ in range(num_images):
        m = int(rng.integers(0, 6))
        xy = rng.uniform(0, scale * 0.8, (m, 2))
        t_boxes = np.c_[xy, xy + rng.uniform(scale * 0.05, scale * 0.3, (m, 2))]
        t_classes = rng.integers(0, num_classes - 1 if rng.random() < 0.3 else num_classes, m)
        p_boxes, p_classes = [], []
        for b, c in zip(t_boxes, t_classes):
            for _ in range(int(rng.integers(0, 3))):  # 0, 1 or 2 guesses near each object
                p_boxes.append(b + rng.normal(0, scale * 0.03, 4))
                p_classes.append(c if rng.random() < 0.85 else rng.integers(num_classes))
        for _ in range(int(rng.integers(0, 4))):  # background guesses
            xy = rng.uniform(0, scale * 0.8, 2)
            p_boxes.append(np.r_[xy, xy + rng.uniform(scale * 0.05, scale * 0.3, 2)])
            p_classes.append(rng.integers(num_classes))
        p_boxes = np.array(p_boxes, dtype=float).reshape(-1, 4)
        p_boxes[:, 2:] = np.maximum(p_boxes[:, 2:], p_boxes[:, :2] + 0.5)
        ground_truths.append((t_boxes, t_classes))
        predictions.append((p_boxes, rng.uniform(size=len(p_boxes)), np.array(p_classes, dtype=np.int64)))
    return predictions, ground_truths


@pytest.mark.parametrize("seed", range(40))
def test_map_agrees_with_pycocotools(seed):
    rng = np.random.default_rng(seed)
    predictions, ground_truths = random_case(rng, num_images=int(rng.integers(1, 12)))
    if not sum(len(p[0]) for p in predictions):
        predictions[0] = (np.array([[1.0, 1.0, 5.0, 5.0]]), np.array([0.5]), np.array([0]))
    expected = coco_aps(predictions, ground_truths, 3)
    value, aps = yolo.mean_average_precision(predictions, ground_truths, 3, per_class=True)
    np.testing.assert_allclose(aps, expected, atol=1e-6, equal_nan=True)
    if np.isfinite(expected).any():
        assert abs(value - np.nanmean(expected)) < 1e-6


def test_map_agrees_with_pycocotools_on_scenes():
    """A realistic case: the true boxes of generated scenes, jittered, as predictions."""
    from course.data.scenes import make_scenes

    _, boxes, classes = make_scenes(30, size=32, seed=3)
    rng = np.random.default_rng(0)
    predictions = []
    for b, c in zip(boxes, classes):
        noisy = np.r_[b + rng.normal(0, 0.04, b.shape), b[:1] + 0.01]
        noisy[:, 2:] = np.maximum(noisy[:, 2:], noisy[:, :2] + 0.01)  # COCO ignores boxes of negative area
        predictions.append((noisy, rng.uniform(size=len(noisy)), np.r_[c, c[:1]]))
    ground_truths = list(zip(boxes, classes))
    np.testing.assert_allclose(yolo.mean_average_precision(predictions, ground_truths, 3, per_class=True)[1],
                               coco_aps(predictions, ground_truths, 3), atol=1e-6)


def test_average_precision_by_hand():
    # ranked TP, FP, TP with 3 true boxes: precision 1, 1/2, 2/3 at recall 1/3, 1/3, 2/3; the envelope
    # gives 1 for recall <= 1/3, 2/3 up to 2/3, then 0: (34 * 1 + 33 * 2/3) / 101.
    ap = yolo.average_precision([0.9, 0.8, 0.7], [True, False, True], 3)
    assert ap == pytest.approx((34 + 33 * 2 / 3) / 101)
    assert yolo.average_precision([0.1, 0.9], [True, False], 1) == pytest.approx(0.5)  # ranked by score
    assert yolo.average_precision([], [], 2) == 0.0
    assert math.isnan(yolo.average_precision([0.5], [False], 0))


def test_duplicates_are_false_positives():
    true = np.array([[0.0, 0.0, 1.0, 1.0]])
    flags = yolo.match_detections(np.array([[0, 0, 1, 1.0], [0, 0, 1, 1.02]]), [0.5, 0.9], true)
    assert flags.tolist() == [False, True]


def test_build_targets_by_hand():
    anchors = np.array([[0.25, 0.25], [0.5, 0.5]])
    boxes = np.array([[0.1, 0.6, 0.3, 0.8],     # centre (0.2, 0.7): col 0, row 2 of 4; small
                      [0.4, 0.05, 0.9, 0.45]])  # centre (0.65, 0.25): col 2, row 1; large
    target = yolo.build_targets(boxes, [2, 0], 4, anchors, 3)
    assert target.shape == (4, 4, 2, 8) and target.dtype == np.float32
    np.testing.assert_allclose(target[2, 0, 0], [0.8, 0.8, math.log(0.8), math.log(0.8), 1, 0, 0, 1], rtol=1e-6)
    np.testing.assert_allclose(target[1, 2, 1], [0.6, 0.0, 0.0, math.log(0.8), 1, 1, 0, 0], atol=1e-6)
    assert np.count_nonzero(target[..., 4]) == 2 and np.count_nonzero(target) == 6 + 4


def test_targets_decode_back_to_the_boxes():
    from course.data.scenes import make_scenes

    _, boxes, classes = make_scenes(20, seed=5)
    for b, c in zip(boxes, classes):
        target = yolo.build_targets(b, c, 8, yolo.ANCHORS, 3)
        raw = target.astype(float).copy()
        f = np.clip(raw[..., :2], 1e-9, 1 - 1e-9)
        raw[..., :2] = np.log(f / (1 - f))
        decoded, _, _ = det.decode_yolo(raw, yolo.ANCHORS)
        found = decoded[target[..., 4] > 0]
        assert 1 <= len(found) <= len(b)  # two boxes may share a cell and anchor: the later one wins
        # every box held by the grid decodes to one of the true boxes
        assert np.isclose(det.box_iou(found, b).max(axis=1), 1).all()
        np.testing.assert_array_equal(target[..., 5:][target[..., 4] > 0].sum(-1), 1)


def loss_by_loops(pred, target, lambda_coord, lambda_noobj):
    """The YOLO loss one cell and anchor at a time, in plain Python floats."""
    def sig(v):
        return 1 / (1 + math.exp(-v))

    N, S1, S2, B, D = pred.shape
    total = 0.0
    for n in range(N):
        for i in range(S1):
            for j in range(S2):
                for b in range(B):
                    p, t = pred[n, i, j, b].tolist(), target[n, i, j, b].tolist()
                    if t[4] == 1:
                        total += lambda_coord * ((sig(p[0]) - t[0]) ** 2 + (sig(p[1]) - t[1]) ** 2
                                                 + (p[2] - t[2]) ** 2 + (p[3] - t[3]) ** 2)
                        total += -math.log(sig(p[4]))
                        scores = p[5:]
                        top = max(scores)
                        log_z = top + math.log(sum(math.exp(s - top) for s in scores))
                        total += log_z - scores[int(np.argmax(t[5:]))]
                    else:
                        total += lambda_noobj * -math.log(1 - sig(p[4]))
    return total / N


@pytest.mark.parametrize("lambdas", [(5.0, 0.5), (1.0, 1.0), (2.0, 0.1)])
def test_loss_against_loops(lambdas):
    rng = np.random.default_rng(1)
    target = np.stack([yolo.build_targets(rng.uniform(0, 0.5, (3, 2)).repeat(2, axis=1)[:, [0, 2, 1, 3]] + [0, 0, 0.3, 0.3],
                                          rng.integers(0, 4, 3), 5, [[0.2, 0.2], [0.5, 0.3]], 4) for _ in range(3)])
    pred = rng.normal(size=target.shape)
    got = yolo.yolo_loss(torch.tensor(pred), torch.tensor(target, dtype=torch.float64), *lambdas)
    assert float(got) == pytest.approx(loss_by_loops(pred, target, *lambdas), rel=1e-10)


def test_loss_gradient_and_no_object_box_terms():
    target = torch.zeros(2, 4, 4, 1, 7, dtype=torch.float64)
    target[0, 1, 2, 0, :5] = torch.tensor([0.3, 0.6, 0.1, -0.2, 1.0])
    target[0, 1, 2, 0, 6] = 1
    pred = torch.randn(2, 4, 4, 1, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda p: yolo.yolo_loss(p, target), (pred,))
    yolo.yolo_loss(pred, target).backward()
    grad = pred.grad.clone()
    grad[0, 1, 2, 0] = 0
    assert (grad[..., :4] == 0).all() and (grad[..., 5:] == 0).all()  # only objectness where no object


def test_tiny_yolo_shapes_and_detect():
    torch.manual_seed(0)
    net = yolo.tiny_yolo(num_anchors=2, num_classes=3, width=8)
    out = net(torch.zeros(5, 3, 64, 64))
    assert out.shape == (5, 8, 8, 2, 8)
    results = yolo.detect(net, np.zeros((2, 3, 64, 64), dtype=np.float32), yolo.ANCHORS, device="cpu",
                          score_threshold=0.0)
    assert len(results) == 2 and results[0][0].shape[1] == 4


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")
def test_loss_on_cuda_matches_cpu():
    rng = np.random.default_rng(2)
    target = torch.tensor(yolo.build_targets([[0.1, 0.1, 0.4, 0.5]], [1], 8, yolo.ANCHORS, 3))[None]
    pred = torch.tensor(rng.normal(size=target.shape), dtype=torch.float32)
    cpu = yolo.yolo_loss(pred, target)
    assert float(yolo.yolo_loss(pred.cuda(), target.cuda())) == pytest.approx(float(cpu), rel=1e-5)
