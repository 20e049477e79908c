"""course.audio.model: the spectrogram against torch.stft and NumPy, the model's shape and causality, training."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from course.audio import clips  # noqa: E402
from course.audio.model import (TriggerModel, evaluate_f1, n_frames, output_steps, predict_probs,  # noqa: E402
                                spectrogram, train_trigger)


def test_spectrogram_matches_torch_stft_and_numpy():
    x = torch.randn(3, 2000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    S = spectrogram(x, 400, 160)
    assert S.shape == (3, n_frames(2000), 201)
    X = torch.stft(x, 400, hop_length=160, window=torch.hann_window(400, dtype=torch.float64), center=False,
                   return_complex=True)
    torch.testing.assert_close(S, torch.log(X.abs() ** 2 + 1e-6).transpose(1, 2))
    xn = x[1].numpy()
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)
    frames = np.stack([xn[m * 160:m * 160 + 400] * w for m in range(S.shape[1])])
    np.testing.assert_allclose(S[1].numpy(), np.log(np.abs(np.fft.rfft(frames)) ** 2 + 1e-6), rtol=1e-9, atol=1e-9)


def test_model_shape_and_causality():
    torch.manual_seed(0)
    net = TriggerModel(n_freq=11, conv_channels=8, hidden_size=6, kernel_size=5, stride=2).double().eval()
    X = torch.randn(2, 40, 11, dtype=torch.float64)
    z = net(X)
    assert z.shape == (2, 18) and output_steps(net, 40, "cpu") == 18
    Y = X.clone()
    Y[:, 20:] += 3  # output t reads frames up to 2 t + 4: outputs 0..7 must not change
    d = (net(Y) - z).abs()
    assert d[:, :8].max() < 1e-12 and d[:, 8].min() > 0


def test_training_runs_and_evaluation_counts():
    """Two short epochs on tones (a 1 kHz trigger among 300 Hz words): the loop, its history and the scoring."""
    sr = 16000
    t = np.arange(int(0.3 * sr)) / sr
    bank = {clips.TRIGGER: [(0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)],
            "other": [(0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)]}
    net = TriggerModel(conv_channels=8, hidden_size=8)
    before = [p.detach().clone() for p in net.parameters()]
    history = train_trigger(net, bank, num_epochs=2, clips_per_epoch=32, lr=1e-2, duration=1.0, sample_rate=sr,
                            device="cpu", seed=0, progress=False)
    assert len(history["loss"]) == 2 and all(np.isfinite(history["loss"]))
    assert all(not torch.equal(a, b) for a, b in zip(before, net.parameters()))
    waves, ends = clips.make_clips(bank, 6, seed=1, duration=1.0, sample_rate=sr)
    probs = predict_probs(net, waves, "cpu")
    assert probs.shape == (6, output_steps(net, n_frames(len(waves[0])), "cpu"))
    assert ((0 <= probs) & (probs <= 1)).all()
    result = evaluate_f1(net, waves, ends, duration=1.0, sample_rate=sr, device="cpu")
    assert result["tp"] + result["fn"] == sum(map(len, ends))
    assert result["tp"] + result["fp"] == sum(map(len, result["detections"]))
