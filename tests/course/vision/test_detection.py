"""course.vision.detection against values computed by hand and brute-force loops written here
(torchvision is not a dependency: its ``nms`` semantics are spelled out in ``brute_nms``)."""
import numpy as np
import pytest

from course.vision import detection as det


def iou_pair(a, b):
    """The IoU of two corner-form boxes, one number at a time."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def brute_nms(boxes, scores, thr):
    """torchvision.ops.nms by its definition: visit by decreasing score, ties by lower index first;
    keep a box unless its IoU with a kept box is > thr."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        if all(iou_pair(boxes[i], boxes[j]) <= thr for j in keep):
            keep.append(i)
    return keep


def random_boxes(rng, n, scale=10.0):
    xy = rng.uniform(0, scale, (n, 2))
    wh = rng.uniform(0.5, scale / 2, (n, 2))
    return np.c_[xy, xy + wh]


def test_conversions_by_hand_and_round_trip():
    centre = np.array([[2.0, 3.0, 4.0, 2.0], [0.5, 0.5, 1.0, 1.0]])
    corner = np.array([[0.0, 2.0, 4.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
    np.testing.assert_allclose(det.box_cxcywh_to_xyxy(centre), corner)
    np.testing.assert_allclose(det.box_xyxy_to_cxcywh(corner), centre)
    rng = np.random.default_rng(0)
    boxes = random_boxes(rng, 20).reshape(4, 5, 4)
    np.testing.assert_allclose(det.box_cxcywh_to_xyxy(det.box_xyxy_to_cxcywh(boxes)), boxes)


def test_box_iou_by_hand():
    a = np.array([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0]])
    b = np.array([[1.0, 1.0, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0], [5.0, 5.0, 6.0, 6.0], [2.0, 0.0, 4.0, 2.0]])
    expected = np.array([[1 / 7, 1.0, 0.0, 0.0], [0.0, 0.25, 0.0, 0.0]])
    np.testing.assert_allclose(det.box_iou(a, b), expected)


def test_box_iou_matches_a_loop_and_handles_empty_boxes():
    rng = np.random.default_rng(1)
    a, b = random_boxes(rng, 7), random_boxes(rng, 5)
    loop = np.array([[iou_pair(x, y) for y in b] for x in a])
    np.testing.assert_allclose(det.box_iou(a, b), loop, rtol=1e-12)
    empty = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 3.0]])
    with np.errstate(all="raise"):
        iou = det.box_iou(empty, np.r_[empty, [[0.0, 0.0, 2.0, 2.0]]])
    np.testing.assert_array_equal(iou, np.zeros((2, 3)))
    assert det.box_iou(np.zeros((0, 4)), b).shape == (0, 5)


def test_filter_boxes():
    boxes = np.arange(12.0).reshape(3, 4)
    objectness = np.array([0.9, 0.5, 0.8])
    probs = np.array([[0.1, 0.9], [0.6, 0.4], [0.5, 0.5]])
    kept, scores, classes = det.filter_boxes(boxes, objectness, probs, 0.4)
    np.testing.assert_allclose(kept, boxes[[0, 2]])
    np.testing.assert_allclose(scores, [0.81, 0.4])
    np.testing.assert_array_equal(classes, [1, 0])
    assert classes.dtype == np.int64


def test_nms_by_hand_ties_threshold_and_empty():
    boxes = np.array([[0, 0, 2, 2], [0, 0, 2, 2.2], [3, 3, 4, 4], [0, 0, 2, 2]], dtype=float)
    np.testing.assert_array_equal(det.nms(boxes, np.array([0.9, 0.95, 0.3, 0.9]), 0.5), [1, 2])
    # a tie in score: the lower index is visited first
    np.testing.assert_array_equal(det.nms(boxes[[0, 3]], np.array([0.5, 0.5]), 0.5), [0])
    # IoU exactly at the threshold is kept (strict >)
    half = np.array([[0, 0, 2, 1], [0, 0, 1, 1]], dtype=float)  # IoU 0.5
    np.testing.assert_array_equal(det.nms(half, np.array([0.6, 0.7]), 0.5), [1, 0])
    np.testing.assert_array_equal(det.nms(half, np.array([0.6, 0.7]), 0.49), [1])
    out = det.nms(np.zeros((0, 4)), np.zeros(0), 0.5)
    assert out.shape == (0,) and out.dtype == np.int64


@pytest.mark.parametrize("seed", range(5))
def test_nms_matches_the_definition_on_random_cases(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        n = int(rng.integers(0, 30))
        boxes = random_boxes(rng, n)
        scores = rng.integers(0, 6, n) / 5.0  # many ties
        thr = float(rng.choice([0.0, 0.3, 0.5, 0.7, 1.0]))
        keep = det.nms(boxes, scores, thr)
        assert keep.dtype == np.int64
        assert keep.tolist() == brute_nms(boxes, scores, thr)


def test_batched_nms_keeps_other_classes_and_matches_a_loop():
    boxes = np.array([[0, 0, 2, 2], [0, 0, 2, 2.1], [0, 0, 2, 2]], dtype=float)
    scores = np.array([0.9, 0.8, 0.7])
    np.testing.assert_array_equal(det.batched_nms(boxes, scores, np.array([0, 1, 0]), 0.5), [0, 1])
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(0, 25))
        boxes, scores = random_boxes(rng, n), rng.integers(0, 4, n) / 3.0
        classes = rng.integers(0, 3, n)
        keep = []
        for c in range(3):
            idx = np.flatnonzero(classes == c)
            keep += [int(idx[i]) for i in brute_nms(boxes[idx], scores[idx], 0.4)]
        keep.sort(key=lambda i: (-scores[i], i))
        assert det.batched_nms(boxes, scores, classes, 0.4).tolist() == keep


def test_anchor_boxes():
    anchors = np.array([[0.2, 0.4], [0.5, 0.5]])
    boxes = det.anchor_boxes(4, anchors)
    assert boxes.shape == (4, 4, 2, 4)
    # row 1, column 2: centre (2.5 / 4, 1.5 / 4)
    np.testing.assert_allclose(boxes[1, 2, 0], [0.625 - 0.1, 0.375 - 0.2, 0.625 + 0.1, 0.375 + 0.2])


def test_decode_yolo_by_hand_and_round_trip():
    anchors = np.array([[0.2, 0.4], [0.5, 0.25]])
    out = np.zeros((3, 3, 2, 5 + 2))
    out[2, 1, 1, :4] = [0.0, np.log(3.0), np.log(2.0), 0.0]  # sigmoid(log 3) = 0.75
    out[2, 1, 1, 4] = 0.0
    out[2, 1, 1, 5:] = [0.0, np.log(3.0)]
    boxes, obj, probs = det.decode_yolo(out, anchors)
    assert boxes.shape == (3, 3, 2, 4) and obj.shape == (3, 3, 2) and probs.shape == (3, 3, 2, 2)
    cx, cy, w, h = 1.5 / 3, 2.75 / 3, 1.0, 0.25
    np.testing.assert_allclose(boxes[2, 1, 1], [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    np.testing.assert_allclose(obj[2, 1, 1], 0.5)
    np.testing.assert_allclose(probs[2, 1, 1], [0.25, 0.75])
    # zeros decode to the anchors, centred on their cells
    zero_boxes, _, _ = det.decode_yolo(np.zeros((3, 3, 2, 6)), anchors)
    np.testing.assert_allclose(zero_boxes, det.anchor_boxes(3, anchors), atol=1e-12)
    # a leading batch axis
    batch = np.stack([out, np.zeros_like(out)])
    np.testing.assert_allclose(det.decode_yolo(batch, anchors)[0][0], boxes)
    # encode then decode gives the boxes back
    truth = np.array([[0.1, 0.2, 0.4, 0.5], [0.6, 0.55, 0.9, 0.7]])
    grid = det.encode_yolo(truth, np.array([1, 0]), 3, anchors, 2)
    boxes, obj, probs = det.decode_yolo(grid, anchors)
    found = obj > 0.5
    assert found.sum() == 2
    np.testing.assert_allclose(np.sort(boxes[found], axis=0), np.sort(truth, axis=0), atol=1e-5)
    with pytest.raises(ValueError, match="anchors"):
        det.decode_yolo(out, anchors[:1])


def test_module_does_not_import_torch():
    import subprocess
    import sys
    code = "import sys, course.vision.detection; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_assign_to_grid_picks_the_centre_cell_and_the_closest_anchor_shape():
    anchors = np.array([[0.3, 0.1], [0.1, 0.3]])
    assert det.assign_to_grid(np.array([0.6, 0.1, 0.7, 0.4]), 4, anchors) == (1, 2, 1)  # tall, centre (0.65, 0.25)
    assert det.assign_to_grid(np.array([0.0, 0.9, 0.3, 1.0]), 4, anchors) == (3, 0, 0)  # wide, bottom left
