"""Day 15's exercises solved the plain way, from the student notebook's text alone."""
# %% conv_output_size
def conv_output_size(n, kernel_size, stride=1, padding=0):
    """The height (or width) of the output of a convolution or pooling layer.

    Inputs:
    - n: the input's height (or width), an int
    - kernel_size, stride, padding: the layer's settings, ints (the same along both axes)

    Returns:
    - n_out: an int, floor((n + 2 * padding - kernel_size) / stride) + 1
    """
    n_out = int(np.floor((n + 2 * padding - kernel_size) / stride)) + 1
    return n_out

# %% conv_num_params
def conv_num_params(in_channels, out_channels, kernel_size, bias=True):
    """The number of parameters of nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias).

    Inputs:
    - in_channels, out_channels: ints
    - kernel_size: an int k, for k x k filters
    - bias: whether the layer has one bias per output channel

    Returns:
    - n_params: an int
    """
    weights = in_channels * kernel_size * kernel_size * out_channels
    biases = out_channels if bias else 0
    n_params = weights + biases
    return n_params

# %% build_cnn
def build_cnn(channels=(16, 32, 64), n_classes=10, image_size=28, in_channels=1, hidden=128,
              dropout=0.3):
    """A convolutional network: [Conv2d -> BatchNorm2d -> ReLU] blocks with MaxPool2d(2) between
    them, then Flatten -> Dropout -> Linear -> ReLU -> Dropout -> Linear.

    Inputs:
    - channels: the output channels of each block's Conv2d (3x3, padding=1, bias=False)
    - n_classes: the number of scores out
    - image_size: the input's height and width (square images)
    - in_channels: the input's channels (1 for grey images)
    - hidden: the width of the hidden Linear layer
    - dropout: the drop probability of both Dropout layers

    Returns:
    - net: an nn.Sequential mapping (N, in_channels, image_size, image_size) to raw scores
      (N, n_classes), no softmax
    """
    layers = []
    size = image_size
    for i in range(len(channels)):
        c_in = in_channels if i == 0 else channels[i - 1]
        layers.append(nn.Conv2d(c_in, channels[i], kernel_size=3, padding=1, bias=False))
        layers.append(nn.BatchNorm2d(channels[i]))
        layers.append(nn.ReLU())
        if i != len(channels) - 1:
            layers.append(nn.MaxPool2d(2))
            size = size // 2
    layers.append(nn.Flatten())
    layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(channels[-1] * size * size, hidden))
    layers.append(nn.ReLU())
    layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(hidden, n_classes))
    net = nn.Sequential(*layers)
    return net

# %% feature_maps
def feature_maps(net, layer, X):
    """The output of `layer` (a module anywhere inside `net`) when `net` runs on X, by a forward hook.

    Runs net in eval mode without gradients, then puts net back in the mode it was in and
    removes the hook.

    Inputs:
    - net: an nn.Module
    - layer: one of net's modules (e.g. net[2])
    - X: a batch of inputs on net's device, e.g. images (N, C, H, W)

    Returns:
    - maps: the layer's output for X, e.g. (N, C', H', W') for a convolution, not requiring grad
    """
    saved = {}

    def hook(module, inputs, output):
        saved["maps"] = output

    handle = layer.register_forward_hook(hook)
    was_training = net.training
    net.eval()
    with torch.no_grad():
        net(X)
    handle.remove()
    net.train(was_training)
    maps = saved["maps"]
    return maps

# %% confident_mistakes
def confident_mistakes(scores, y):
    """The misclassified examples, the most confident mistake first.

    Inputs:
    - scores: a float tensor (m, K) of raw class scores (logits), one row per example
    - y: an int64 tensor (m,) of true labels

    Returns a tuple of:
    - idx: an int64 tensor (n_wrong,), the indices in 0..m-1 of the examples whose predicted
      class (highest score) is not their label, in decreasing order of confidence
    - confidence: a float tensor (n_wrong,), the softmax probability of the predicted class of
      each of those examples, in the same order
    """
    probs = torch.softmax(scores, dim=1)
    y_hat = scores.argmax(dim=1)
    wrong = torch.where(y_hat != y)[0]
    wrong_conf = probs[wrong, y_hat[wrong]]
    order = torch.argsort(wrong_conf, descending=True)
    idx = wrong[order]
    confidence = wrong_conf[order]
    return idx, confidence
