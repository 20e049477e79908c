"""Day 11's exercises solved the plain way, from the student notebook's text alone."""
# %% images_to_tensor
def images_to_tensor(images):
    """Grey uint8 images as a float32 tensor in [0, 1], with a channel axis.

    Inputs:
    - images: a NumPy uint8 array of shape (m, H, W), pixels 0..255

    Returns:
    - X: a torch.float32 tensor of shape (m, 1, H, W), pixels / 255
    """
    X = torch.tensor(images).float() / 255
    X = X.unsqueeze(1)
    return X

# %% gradient
def gradient(f, x):
    """The gradient of a scalar function at x, by autograd.

    Inputs:
    - f: a function from a tensor to a scalar (0-d) tensor
    - x: a float tensor of any shape

    Returns:
    - grad: a tensor of x's shape, df/dx at x
    """
    x = x.detach().clone().requires_grad_(True)
    y = f(x)
    y.backward()
    grad = x.grad
    return grad

# %% fit_line
def fit_line(x, y, lr, num_steps):
    """Gradient descent on the mean squared error of y_hat = w * x + b, gradients by autograd.

    Inputs:
    - x, y: float tensors of shape (m,)
    - lr: the learning rate
    - num_steps: how many gradient-descent steps, starting from w = b = 0

    Returns a tuple of:
    - w, b: plain Python floats
    """
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    for step in range(num_steps):
        y_hat = w * x + b
        J = ((y_hat - y) ** 2).mean()
        J.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    w, b = w.item(), b.item()
    return w, b

# %% mlp
class MLP(nn.Module):
    """A multilayer perceptron: Flatten -> [Linear -> ReLU] for each hidden size -> Linear.

    Inputs of forward:
    - x: (batch, ...) anything that flattens to (batch, n_in), e.g. images (batch, 1, 28, 28)

    Returns:
    - scores: (batch, n_out), raw scores (no softmax)
    """

    def __init__(self, n_in=784, hidden=(256, 128), n_out=10):
        super().__init__()
        layers = [nn.Flatten()]
        for n in hidden:
            layers.append(nn.Linear(n_in, n))
            layers.append(nn.ReLU())
            n_in = n
        layers.append(nn.Linear(n_in, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        scores = self.net(x)
        return scores

# %% fashion_dataset
class FashionDataset(Dataset):
    """Images and labels as a Dataset of (x, y) pairs.

    Inputs of __init__:
    - images: NumPy uint8 array (m, H, W)
    - labels: NumPy integer array (m,)

    __getitem__(i) returns a tuple of:
    - x: float32 tensor (1, H, W) in [0, 1]
    - y: an int64 (torch.long) 0-d tensor, the label
    """

    def __init__(self, images, labels):
        self.X = images_to_tensor(images)
        self.y = torch.tensor(labels).long()

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]

# %% train_epoch
def train_epoch(net, loader, loss_fn, optimizer, device):
    """One pass of mini-batch training over loader.

    Inputs:
    - net: an nn.Module already on device
    - loader: yields (X, y) batches
    - loss_fn: (net(X), y) -> the batch's mean loss (a 0-d tensor)
    - optimizer: a torch.optim optimizer over net's parameters
    - device: a torch.device or "cpu" / "cuda"

    Returns:
    - the mean loss per example over the epoch (a float)
    """
    net.train()
    total, count = 0.0, 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(net(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
        count += len(X)
    mean_loss = total / count
    return mean_loss

# %% evaluate
def evaluate(net, loader, device):
    """The accuracy of net over all of loader, in eval mode, without gradients.

    Inputs:
    - net: an nn.Module on device returning scores (batch, K)
    - loader: yields (X, y) batches, y the integer labels
    - device: a torch.device or "cpu" / "cuda"

    Returns:
    - accuracy: a float in [0, 1], correct predictions / examples
    """
    net.eval()
    correct, count = 0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            correct += (net(X).argmax(dim=1) == y).sum().item()
            count += len(y)
    accuracy = correct / count
    return accuracy

# %% checkpoint
def save_checkpoint(path, net, optimizer, epoch):
    """Save the network's and the optimizer's state_dicts and the epoch to one file.

    Inputs:
    - path: the file to write (a str or a pathlib.Path)
    - net: an nn.Module; optimizer: a torch.optim optimizer over its parameters
    - epoch: the number of epochs trained so far (an int)

    Writes, with torch.save, a dict with the keys "model", "optimizer" and "epoch".
    """
    checkpoint = {}
    checkpoint["model"] = net.state_dict()
    checkpoint["optimizer"] = optimizer.state_dict()
    checkpoint["epoch"] = epoch
    torch.save(checkpoint, path)


def load_checkpoint(path, net, optimizer, device):
    """Load a checkpoint written by save_checkpoint into net and optimizer.

    Inputs:
    - path: the file save_checkpoint wrote
    - net: an nn.Module of the same architecture, already on device; its parameters are overwritten
    - optimizer: an optimizer of the same kind over net's parameters; its state is overwritten
    - device: where to put the loaded tensors (a torch.device or "cpu" / "cuda")

    Returns:
    - epoch: the epoch stored in the checkpoint (an int)
    """
    checkpoint = torch.load(path, map_location=device)
    net.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
