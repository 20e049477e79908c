"""The old paths ``course.layers``, ``course.optim`` and ``course.regularisation`` still give every
name they exported before ``course.nn`` existed: the new object itself, or a wrapper with the old
signature and defaults. Learners' notebooks import them and must keep running unchanged."""
import importlib
import inspect
import subprocess
import sys

import numpy as np
import pytest
import torch

from course import data, training
from course.checks import check_gradient, numeric_gradient
from course.nn import activations, batchnorm, dense, gradcheck, loop, optim, regularisation, softmax

# Every public name of the old modules (``git show e0394b5:course/layers.py`` etc.) and the object
# it now is.
SAME = {
    "course.layers": {
        "sigmoid": activations.sigmoid, "relu": activations.relu, "tanh": activations.tanh,
        "sigmoid_backward": activations.sigmoid_backward,
        "relu_backward": activations.relu_backward, "tanh_backward": activations.tanh_backward,
        "ACTIVATIONS": activations.ACTIVATIONS,
        "linear_forward": dense.linear_forward, "linear_backward": dense.linear_backward,
        "layer_forward": dense.layer_forward, "layer_backward": dense.layer_backward,
        "init_params": dense.init_params, "model_forward": dense.model_forward,
        "cross_entropy_cost": dense.cross_entropy_cost, "model_backward": dense.model_backward,
        "update_params": dense.update_params, "predict": dense.predict, "accuracy": dense.accuracy,
        "batchnorm_forward": batchnorm.batchnorm_forward,
        "batchnorm_backward": batchnorm.batchnorm_backward,
        "softmax_cross_entropy_forward": softmax.softmax_cross_entropy_forward,
        "softmax_cross_entropy_backward": softmax.softmax_cross_entropy_backward,
        "BN_OPS": batchnorm.OPS, "bn_init_params": batchnorm.init_params,
        "bn_model_forward": batchnorm.model_forward, "bn_model_backward": batchnorm.model_backward,
        "bn_predict": batchnorm.predict, "bn_train": batchnorm.train,
    },
    "course.optim": {
        "OPTIMIZERS": optim.UPDATE_RULES, "random_mini_batches": optim.random_mini_batches,
        "zeros_like_params": optim.zeros_like_params, "gd_step": optim.gd_step,
        "momentum_step": optim.momentum_step, "rmsprop_step": optim.rmsprop_step,
        "adam_step": optim.adam_step, "inverse_time_decay": optim.inverse_time_decay,
        "scheduled_decay": optim.scheduled_decay, "step_decay": optim.step_decay,
        "exponential_decay": optim.exponential_decay,
        "relative_difference": gradcheck.relative_difference,
        "numeric_grads": gradcheck.numeric_grads, "gradient_check": gradcheck.gradient_check,
        "check_model_gradients": gradcheck.check_model_gradients,
        "numeric_gradient": numeric_gradient,
    },
    "course.regularisation": {
        "l2_penalty": regularisation.l2_penalty, "dropout_forward": regularisation.dropout_forward,
        "dropout_backward": regularisation.dropout_backward,
    },
}

_ = inspect.Parameter.empty
# The wrappers' parameters, (name, default) in order, as the old functions had them.
WRAPPERS = {
    ("course.layers", "train"): [
        ("X", _), ("Y", _), ("layer_dims", _), ("lr", 0.0075), ("num_epochs", 2500),
        ("scale", "he"), ("hidden", "relu"), ("seed", 0), ("every", 100), ("progress", False)],
    ("course.optim", "train"): [
        ("X", _), ("Y", _), ("layer_dims", _), ("optimizer", "adam"), ("lr", 0.0007),
        ("batch_size", 64), ("num_epochs", 5000), ("beta", 0.9), ("beta1", 0.9), ("beta2", 0.999),
        ("eps", 1e-8), ("decay", None), ("seed", 0), ("hidden", "relu"), ("every", 1),
        ("progress", False)],
    ("course.regularisation", "train"): [
        ("X", _), ("Y", _), ("layer_dims", _), ("lambd", 0.0), ("keep_prob", 1.0), ("lr", 0.3),
        ("num_epochs", 30000), ("scale", "he"), ("hidden", "relu"), ("seed", 0), ("every", 1000)],
    ("course.regularisation", "l2_cost"): [("AL", _), ("Y", _), ("params", _), ("lambd", _)],
    ("course.regularisation", "l2_backward"): [
        ("AL", _), ("Y", _), ("caches", _), ("params", _), ("lambd", _), ("hidden", "relu")],
    ("course.regularisation", "model_forward_dropout"): [
        ("X", _), ("params", _), ("keep_prob", _), ("rng", _), ("hidden", "relu"),
        ("output", "sigmoid")],
    ("course.regularisation", "model_backward_dropout"): [
        ("AL", _), ("Y", _), ("caches", _), ("hidden", "relu"), ("output", "sigmoid"),
        ("eps", 1e-12)],
}


@pytest.mark.parametrize("module, name", [(m, n) for m, names in SAME.items() for n in names])
def test_old_name_is_the_new_object(module, name):
    namespace = {}
    exec(f"from {module} import {name}", namespace)  # the learners' `from course.layers import ...`
    assert namespace[name] is SAME[module][name]
    assert getattr(importlib.import_module(module), name) is SAME[module][name]


@pytest.mark.parametrize("module, name", list(WRAPPERS), ids=[f"{m}.{n}" for m, n in WRAPPERS])
def test_old_name_is_a_wrapper_with_the_old_signature(module, name):
    namespace = {}
    exec(f"from {module} import {name}", namespace)
    signature = inspect.signature(namespace[name])
    assert [(p.name, p.default) for p in signature.parameters.values()] == WRAPPERS[module, name]


def test_old_modules_export_nothing_less():
    for module in SAME:
        old = importlib.import_module(module)
        exported = set(SAME[module]) | {n for m, n in WRAPPERS if m == module}
        assert set(getattr(old, "__all__", exported)) <= exported | {"numeric_gradient"}
        assert all(hasattr(old, name) for name in exported)


def test_importing_the_old_paths_prints_and_warns_nothing():
    code = ("from course import layers, optim, regularisation\n"
            "from course.layers import model_forward, bn_train\n"
            "layers.model_forward, optim.train, regularisation.l2_cost\n")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", result.stderr


def test_the_train_wrappers_are_the_loop_with_their_defaults():
    from course import layers
    from course import optim as old_optim
    from course import regularisation as old_reg

    X, Y = data.moons(90, seed=4)
    for (params, costs), (ref, ref_costs) in [
        (layers.train(X, Y, [2, 4, 1], num_epochs=250),
         loop.train(X, Y, [2, 4, 1], lr=0.0075, num_epochs=250, every=100)),
        (old_optim.train(X, Y, [2, 4, 1], num_epochs=6),
         loop.train(X, Y, [2, 4, 1], optimizer="adam", lr=0.0007, batch_size=64, num_epochs=6)),
        (old_reg.train(X, Y, [2, 4, 1], lambd=0.5, keep_prob=0.8, num_epochs=1200),
         loop.train(X, Y, [2, 4, 1], lambd=0.5, keep_prob=0.8, lr=0.3, num_epochs=1200,
                    every=1000)),
    ]:
        assert costs == ref_costs and all(np.array_equal(params[k], ref[k]) for k in ref)
    assert len(layers.train(X, Y, [2, 1], num_epochs=250)[1]) == 4  # epochs 0, 100, 200 and 249


def test_old_l2_functions_are_the_dense_options():
    from course import regularisation as old_reg

    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(3, 6)), (rng.random((1, 6)) > 0.5).astype(float)
    params = dense.init_params([3, 4, 1], seed=3)
    AL, caches = dense.model_forward(X, params)
    assert old_reg.l2_cost(AL, Y, params, 0.4) == dense.cross_entropy_cost(AL, Y, params=params,
                                                                            lambd=0.4)
    plain = dense.model_backward(AL, Y, caches)
    grads = old_reg.l2_backward(AL, Y, caches, params, 0.4)
    for l in (1, 2):
        np.testing.assert_allclose(grads[f"dW{l}"], plain[f"dW{l}"] + 0.4 / 6 * params[f"W{l}"])
        assert np.array_equal(grads[f"db{l}"], plain[f"db{l}"])


def test_old_dropout_model_keeps_its_caches_and_matches_autograd_with_the_same_masks():
    from course import regularisation as old_reg

    rng = np.random.default_rng(7)
    X, Y = rng.normal(size=(2, 11)), (rng.random((1, 11)) > 0.5).astype(float)
    params = {k: v + rng.normal(scale=0.1, size=v.shape)
              for k, v in dense.init_params([2, 6, 5, 1], seed=7).items()}
    AL, caches = old_reg.model_forward_dropout(X, params, 0.7, np.random.default_rng(8))
    assert caches[-1][1] is None  # no dropout on the output layer
    masks = [drop[0] for _, drop in caches[:-1]]
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X)
    for l in (1, 2, 3):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        A = torch.sigmoid(Z) if l == 3 else torch.relu(Z) * torch.tensor(masks[l - 1]) / 0.7
    y = torch.tensor(Y)
    cost = -(y * torch.log(A) + (1 - y) * torch.log(1 - A)).mean()
    cost.backward()
    assert abs(dense.cross_entropy_cost(AL, Y) - cost.item()) < 1e-12
    grads = old_reg.model_backward_dropout(AL, Y, caches)
    for k, v in t.items():
        check_gradient(f"d{k}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)
    plain = old_reg.model_forward_dropout(X, params, 1.0, np.random.default_rng(9))[0]
    assert np.allclose(plain, dense.model_forward(X, params)[0])


def test_old_dropout_backward_keeps_the_gradient_of_a_saturated_wrong_prediction():
    """The old path used to chain dA through a clipped AL: at Z = 40 its dW2 was [0, 0], not [1, 1]."""
    from course import layers
    from course import regularisation as old_reg

    X, Y = np.array([[1.0]]), np.array([[0]])
    params = {"W1": np.array([[1.0], [1.0]]), "b1": np.zeros((2, 1)),
              "W2": np.array([[20.0, 20.0]]), "b2": np.zeros((1, 1))}
    AL, caches = layers.model_forward(X, params)
    expected = layers.model_backward(AL, Y, caches)
    np.testing.assert_array_equal(expected["dW2"], [[1.0, 1.0]])
    AL, caches = old_reg.model_forward_dropout(X, params, 1.0, np.random.default_rng(0))
    grads = old_reg.model_backward_dropout(AL, Y, caches)
    for k in params:
        np.testing.assert_array_equal(grads[f"d{k}"], expected[f"d{k}"], err_msg=k)


def test_one_name_per_meaning_of_optimizers():
    assert optim.UPDATE_RULES == ("gd", "momentum", "rmsprop", "adam")  # NumPy update rules
    assert training.OPTIMIZERS == ("adam", "adamw", "sgd")  # torch.optim optimizers
    assert not hasattr(training, "SCHEDULERS")
