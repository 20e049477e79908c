import pytest
import torch

from course.device import DeviceUnavailable, describe, get_device


def test_auto_and_cpu():
    assert get_device("cpu") == torch.device("cpu")
    assert get_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert get_device(torch.device("cpu")) == torch.device("cpu")
    assert "CPU" in describe("cpu") or "cuda" in describe("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(DeviceUnavailable, match='device="auto"'):
        get_device("cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_with_a_gpu():
    assert get_device("cuda").type == "cuda"
    with pytest.raises(DeviceUnavailable):
        get_device(f"cuda:{torch.cuda.device_count()}")


@pytest.mark.parametrize("bad", ["gpu", "tpu", "", "cuda:x"])
def test_unknown_device(bad):
    with pytest.raises((ValueError, DeviceUnavailable)):
        get_device(bad)
