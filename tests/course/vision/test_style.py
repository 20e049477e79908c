"""course.vision.style against hand-written formulas (loops, einsum), and the weight loading
against a local HTTP server serving a small stand-in for torchvision's VGG-19 file."""
import functools
import hashlib
import http.server
import threading

import pytest
import torch

from course.vision import style


def _acts(seed, shape):
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_content_cost_is_the_normalised_sum_of_squares():
    a_C, a_G = _acts(0, (1, 3, 4, 5)), _acts(1, (1, 3, 4, 5))
    expected = sum(float(a_C[0, c, h, w] - a_G[0, c, h, w]) ** 2
                   for c in range(3) for h in range(4) for w in range(5)) / (4 * 3 * 4 * 5)
    assert float(style.compute_content_cost(a_C, a_G)) == pytest.approx(expected, rel=1e-12)


def test_gram_matrix_is_channels_by_channels_inner_products():
    A = _acts(2, (4, 7))
    G = style.gram_matrix(A)
    assert G.shape == (4, 4)
    torch.testing.assert_close(G, torch.einsum("ip,jp->ij", A, A))
    torch.testing.assert_close(G, G.T)


def test_layer_style_cost_matches_einsum_formula():
    a_S, a_G = _acts(3, (1, 4, 3, 6)), _acts(4, (1, 4, 3, 6))
    G_S = torch.einsum("chw,dhw->cd", a_S[0], a_S[0])
    G_G = torch.einsum("chw,dhw->cd", a_G[0], a_G[0])
    expected = ((G_S - G_G) ** 2).sum() / (4 * 4 ** 2 * (3 * 6) ** 2)
    torch.testing.assert_close(style.compute_layer_style_cost(a_S, a_G), expected)
    # the style cost ignores where things are: shuffling pixels (the same way in every channel) keeps it
    perm = torch.randperm(18, generator=torch.Generator().manual_seed(5))
    a_P = a_G.reshape(1, 4, 18)[:, :, perm].reshape(1, 4, 3, 6)
    torch.testing.assert_close(style.compute_layer_style_cost(a_S, a_P), expected)


def test_style_cost_is_the_weighted_sum_and_total_cost():
    shapes = [(1, 2, 5, 5), (1, 3, 2, 4)]
    S = [_acts(10 + i, s) for i, s in enumerate(shapes)]
    G = [_acts(20 + i, s) for i, s in enumerate(shapes)]
    weights = [0.3, 2.0]
    expected = sum(w * style.compute_layer_style_cost(s, g) for s, g, w in zip(S, G, weights))
    torch.testing.assert_close(style.compute_style_cost(S, G, weights), expected)
    with pytest.raises(ValueError, match="one weight per layer"):
        style.compute_style_cost(S, G, [1.0])
    assert style.total_cost(2.0, 3.0, alpha=10, beta=40) == 140.0


def test_vgg19_has_torchvisions_state_dict_keys_and_layer_names():
    net = style.VGGFeatures()
    keys = [k for k in net.state_dict() if k.startswith("features.")]
    conv_indices = sorted({int(k.split(".")[1]) for k in keys})
    assert conv_indices == [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
    assert tuple(net.state_dict()["features.34.weight"].shape) == (512, 512, 3, 3)
    assert sum(p.numel() for n, p in net.named_parameters()) == 20_024_384  # torchvision's vgg19().features
    for name, index in style.VGG19_LAYERS.items():
        assert isinstance(net.features[index], torch.nn.ReLU), name
        assert isinstance(net.features[index - 1], torch.nn.Conv2d), name


def test_vgg_features_returns_the_chosen_layers():
    torch.manual_seed(0)
    net = style.VGGFeatures(cfg=(4, "M", 6), layers={"a": 1, "b": 4})
    x = torch.rand(2, 3, 8, 8)
    out = net(x)
    z = (x - net.mean) / net.std
    a = torch.relu(net.features[0](z))
    torch.testing.assert_close(out["a"], a)
    torch.testing.assert_close(out["b"], torch.relu(net.features[3](torch.nn.functional.max_pool2d(a, 2))))


@pytest.fixture
def server(tmp_path):
    """A local HTTP server over tmp_path/'www': yields its base URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _stand_in(root, cfg, *, bad_name=False):
    """A small VGG state dict with an extra classifier key, as torchvision's file has, saved under a
    name carrying the first 8 hex digits of its SHA-256 (or a wrong one)."""
    torch.manual_seed(1)
    state = dict(style.VGGFeatures(cfg, layers={"x": 1}).state_dict())
    state = {k: v for k, v in state.items() if k.startswith("features.")}
    state["classifier.0.weight"] = torch.zeros(2, 2)
    tmp = root / "tmp.pth"
    torch.save(state, tmp)
    digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    name = f"tiny-{'00000000' if bad_name else digest[:8]}.pth"
    tmp.rename(root / name)
    return name, state


def test_load_vgg_downloads_checks_and_caches(server, tmp_path):
    root, base = server
    cfg = (4, "M", 6)
    name, state = _stand_in(root, cfg)
    cache = tmp_path / "cache"
    net = style.load_vgg(cfg, url=f"{base}/{name}", cache_dir=cache, progress=False, layers={"x": 1})
    assert (cache / name).exists() and not list(cache.glob("*.partial"))
    torch.testing.assert_close(net.features[3].weight, state["features.3.weight"])
    assert not any(p.requires_grad for p in net.parameters())
    (root / name).unlink()  # the second time it comes from the cache
    net = style.load_vgg(cfg, url=f"{base}/{name}", cache_dir=cache, download=False, layers={"x": 1})
    torch.testing.assert_close(net.features[0].bias, state["features.0.bias"])


def test_load_vgg_refuses_a_file_with_the_wrong_checksum(server, tmp_path):
    root, base = server
    name, _ = _stand_in(root, (4,), bad_name=True)
    cache = tmp_path / "cache"
    with pytest.raises(style.WeightsUnavailable, match="SHA-256"):
        style.load_vgg((4,), url=f"{base}/{name}", cache_dir=cache, progress=False, layers={"x": 1})
    assert not list(cache.iterdir())


def test_load_vgg_says_what_to_do_offline(server, tmp_path):
    _, base = server
    with pytest.raises(style.WeightsUnavailable, match="Could not download"):
        style.load_vgg((4,), url=f"{base}/missing-abcdef12.pth", cache_dir=tmp_path, progress=False)
    with pytest.raises(style.WeightsUnavailable, match="download=False"):
        style.load_vgg((4,), url=f"{base}/missing-abcdef12.pth", cache_dir=tmp_path, download=False)


def test_feature_extractor_falls_back_to_random_features(monkeypatch, tmp_path):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    net, content_layer, style_layers, description = style.feature_extractor("auto", download=False)
    assert isinstance(net, style.RandomMultiscaleFeatures) and "random" in description
    x = torch.rand(1, 3, 32, 32)
    out = net(x)
    assert content_layer in out and set(style_layers) <= set(out)
    assert [tuple(out[k].shape) for k in style_layers] == [(1, 64, 32 // f, 32 // f) for f in net.factors]
    with pytest.raises(style.WeightsUnavailable):
        style.feature_extractor("vgg19", download=False)


def test_stylise_lowers_both_costs():
    net = style.RandomMultiscaleFeatures(levels=3, channels=16)
    content, texture = style.load_image("chelsea", 32), style.load_image("brick", 32)
    assert content.shape == (1, 3, 32, 32) and 0 <= content.min() and content.max() <= 1
    G, history = style.stylise(net, content, texture, "scale1", list(net.layers), alpha=1.0, beta=1e3,
                               num_steps=60, lr=0.03, noise=1.0, progress=False)
    assert G.shape == content.shape and 0 <= G.min() and G.max() <= 1
    assert len(history["content"]) == 61
    assert history["content"][-1] < history["content"][0] / 3
    assert history["style"][-1] < history["style"][0] / 3
