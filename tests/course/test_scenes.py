"""course.data.scenes: seeded, exact boxes, the overlap rule, textured backgrounds."""
import numpy as np

from course.data import scenes


def test_seeded_and_shapes():
    a = scenes.make_scenes(8, size=48, seed=2)
    b = scenes.make_scenes(8, size=48, seed=2)
    assert a[0].shape == (8, 48, 48, 3) and a[0].dtype == np.float32
    np.testing.assert_array_equal(a[0], b[0])
    for boxes, classes, boxes_b in zip(a[1], a[2], b[1]):
        np.testing.assert_array_equal(boxes, boxes_b)
        assert boxes.shape == (len(classes), 4) and 1 <= len(classes) <= 4
        assert classes.dtype == np.int64 and set(classes.tolist()) <= {0, 1, 2}
    assert 0 <= a[0].min() and a[0].max() <= 1
    assert not np.array_equal(a[0], scenes.make_scenes(8, size=48, seed=3)[0])


def test_boxes_are_exact_for_disjoint_shapes():
    rng = np.random.default_rng(0)
    for _ in range(20):
        image, boxes, classes = scenes.make_scene(rng, size=128, num_objects=3, max_overlap=0.0, texture=False)
        assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 1).all()
        for box, label in zip(boxes, classes):
            x1, y1, x2, y2 = box * 128
            inside = image[int(np.ceil(y1)) + 1:int(y2) - 1, int(np.ceil(x1)) + 1:int(x2) - 1]
            centre = image[int((y1 + y2) / 2), int((x1 + x2) / 2)]
            if label != 2:  # a square or disc covers its centre pixel and reaches each side's middle
                assert np.allclose(image[int((y1 + y2) / 2), int(np.ceil(x1))], centre)
                assert np.allclose(image[int(np.ceil(y1)), int((x1 + x2) / 2)], centre)
            assert inside.size > 0
        w = np.minimum(boxes[:, None, 2], boxes[None, :, 2]) - np.maximum(boxes[:, None, 0], boxes[None, :, 0])
        h = np.minimum(boxes[:, None, 3], boxes[None, :, 3]) - np.maximum(boxes[:, None, 1], boxes[None, :, 1])
        overlap = (np.clip(w, 0, None) * np.clip(h, 0, None))[~np.eye(3, dtype=bool)]
        assert (overlap == 0).all()


def test_overlaps_allowed_up_to_the_limit():
    rng = np.random.default_rng(1)
    seen = 0.0
    for _ in range(50):
        _, boxes, _ = scenes.make_scene(rng, num_objects=4, max_overlap=0.3)
        for i in range(len(boxes)):
            for j in range(i):
                seen = max(seen, scenes._overlap(boxes[i], [boxes[j]]))
    assert 0 < seen <= 0.3


def test_textures_come_from_scikit_image():
    assert len(scenes.textures()) == len(scenes.TEXTURES)
    assert all(t.shape == (512, 512) for t in scenes.textures())
