import pytest
import torch
import torch.nn.functional as F

from course import training
from course.vision import augment


def images(n=64, c=2, h=5, w=7, seed=0):
    """Random images whose rows and columns all differ, so that any flip or shift shows."""
    return torch.rand(n, c, h, w, generator=torch.Generator().manual_seed(seed)) + 0.1


def test_random_flip_flips_single_images_along_the_width():
    X = images(400)
    Y = augment.random_flip(X, 0.5, torch.Generator().manual_seed(1))
    assert Y.shape == X.shape
    same = (Y == X).flatten(1).all(1)
    flipped = (Y == torch.flip(X, dims=[3])).flatten(1).all(1)
    assert (same ^ flipped).all()  # each image whole: as it was, or mirrored left-right
    assert 0.4 < flipped.float().mean() < 0.6
    assert torch.equal(augment.random_flip(X, 0.0, torch.Generator()), X)
    assert torch.equal(augment.random_flip(X, 1.0, torch.Generator()), X.flip(-1))
    rate = augment.random_flip(X, 0.2, torch.Generator().manual_seed(2))
    assert 0.12 < (rate == X.flip(-1)).flatten(1).all(1).float().mean() < 0.28


def test_random_flip_is_reproducible_from_its_generator_alone():
    X = images(50)
    torch.manual_seed(0)
    a = augment.random_flip(X, 0.5, torch.Generator().manual_seed(3))
    torch.manual_seed(1)  # the global generator is not used
    b = augment.random_flip(X, 0.5, torch.Generator().manual_seed(3))
    c = augment.random_flip(X, 0.5, torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


def windows(X, padding):
    """Every H×W window of each zero-padded image: (N, offsets, C, H, W), offsets row-major."""
    N, C, H, W = X.shape
    P = F.pad(X, (padding,) * 4)
    k = 2 * padding + 1
    return torch.stack([P[:, :, i:i + H, j:j + W] for i in range(k) for j in range(k)], dim=1)


def test_random_crop_cuts_a_window_of_the_zero_padded_image_per_image():
    X = images(300, c=3)
    Y = augment.random_crop(X, 2, torch.Generator().manual_seed(0))
    assert Y.shape == X.shape
    match = (windows(X, 2) == Y[:, None]).flatten(2).all(2)  # (N, 25)
    assert (match.sum(1) == 1).all(), "each output is exactly one window"
    offsets = match.float().argmax(1)
    assert len(offsets.unique()) == 25, "every offset, 0..2p in each direction, is drawn"
    assert torch.equal(augment.random_crop(X, 0, torch.Generator()), X)


def test_random_crop_is_reproducible_and_works_on_one_channel():
    X = images(20, c=1, h=28, w=28)
    a = augment.random_crop(X, 3, torch.Generator().manual_seed(5))
    b = augment.random_crop(X, 3, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    assert not torch.equal(a, augment.random_crop(X, 3, torch.Generator().manual_seed(6)))


def test_augmenter_composes_and_plugs_into_fit():
    X = images(8, c=1, h=6, w=6)
    t1 = augment.augmenter(padding=1, p_flip=0.5, seed=0)
    t2 = augment.augmenter(padding=1, p_flip=0.5, seed=0)
    a, b = t1(X), t2(X)
    assert torch.equal(a, b)
    assert not torch.equal(t1(X), a), "each call draws new offsets"
    calls = []

    def flip(X, p, g):
        calls.append(("flip", p))
        return X

    def crop(X, padding, g):
        calls.append(("crop", padding))
        return X

    augment.augmenter(padding=2, p_flip=0.3, flip=flip, crop=crop)(X)
    assert calls == [("flip", 0.3), ("crop", 2)]
    assert torch.equal(augment.augmenter(padding=0)(X), X)

    # fit applies the transform to training batches only
    seen = []
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(36, 2))
    loader = training.to_loader(X, torch.tensor([0, 1] * 4), batch_size=4)
    training.fit(net, loader, loader, num_epochs=1, device="cpu", progress=False,
                 transform=lambda Z: seen.append(Z.shape) or Z)
    assert seen == [torch.Size([4, 1, 6, 6])] * 2


def test_errors_say_what_to_do():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        augment.random_flip(torch.zeros(3, 28, 28))
    with pytest.raises(ValueError, match="to_tensor"):
        augment.random_crop(torch.zeros(28, 28), 2)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")
def test_the_same_seed_gives_the_same_augmentation_on_cuda():
    X = images(32, c=1, h=28, w=28)
    cpu = augment.augmenter(padding=2, p_flip=0.5, seed=7)(X)
    gpu = augment.augmenter(padding=2, p_flip=0.5, seed=7)(X.cuda())
    assert gpu.device.type == "cuda" and torch.equal(gpu.cpu(), cpu)
