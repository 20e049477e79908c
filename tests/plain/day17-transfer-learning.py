"""Day 17's exercises solved the plain way, from the student notebook's text alone."""
# %% random_flip
def random_flip(X, p, generator):
    """Mirror each image left-right with probability p, each image on its own coin.

    Inputs:
    - X: images, a float tensor of shape (N, C, H, W)
    - p: the probability that an image is flipped, 0 <= p <= 1
    - generator: a torch.Generator (on the CPU); draw the N coins with
      torch.rand(N, generator=generator)

    Returns:
    - X_aug: a new tensor of shape (N, C, H, W): image n is X[n] mirrored along the width
      (the last axis) when its draw u_n < p, else X[n] unchanged
    """
    N = X.shape[0]
    u = torch.rand(N, generator=generator)
    X_aug = X.clone()
    for n in range(N):
        if u[n] < p:
            X_aug[n] = X[n].flip(-1)
    return X_aug

# %% random_crop
def random_crop(X, padding, generator):
    """Shift each image by a random offset: pad it with zeros, then crop it back to H x W.

    Inputs:
    - X: images, a float tensor of shape (N, C, H, W)
    - padding: an int p >= 0, the zeros added on each side: the largest shift, in pixels
    - generator: a torch.Generator (on the CPU) to draw the offsets from

    Returns:
    - X_aug: a new tensor of shape (N, C, H, W): image n is padded[n, :, i:i + H, j:j + W], where
      padded is X with p zeros on every side and i, j are drawn for each image, uniformly from
      0, 1, ..., 2p (torch.randint(0, 2 * p + 1, ..., generator=generator))
    """
    N, C, H, W = X.shape
    p = padding
    padded = F.pad(X, (p, p, p, p))
    crops = []
    for n in range(N):
        i = int(torch.randint(0, 2 * p + 1, (1,), generator=generator))
        j = int(torch.randint(0, 2 * p + 1, (1,), generator=generator))
        crops.append(padded[n, :, i:i + H, j:j + W])
    X_aug = torch.stack(crops)
    return X_aug

# %% class_subset
def class_subset(X, y, classes, per_class=None, seed=0):
    """The examples of some classes, relabelled 0..k-1 in the order classes lists them.

    Inputs:
    - X: a NumPy array of m examples, shape (m, ...); y: their integer labels, shape (m,)
    - classes: a list of k original labels; classes[i] becomes label i
    - per_class: how many examples of EACH class to draw at random without replacement, with
      rng = np.random.default_rng(seed) and rng.choice; None keeps every example of those classes
    - seed: seeds the random draws

    Returns a tuple of:
    - X_sub: shape (n, ...), the chosen examples (n = k * per_class, or all of them)
    - y_sub: shape (n,), their new integer labels in 0..k-1
    """
    rng = np.random.default_rng(seed)
    X_parts = []
    y_parts = []
    for i in range(len(classes)):
        ix = np.flatnonzero(y == classes[i])
        if per_class is not None:
            ix = rng.choice(ix, per_class, replace=False)
        X_parts.append(X[ix])
        y_parts.append(np.ones(len(ix), dtype=int) * i)
    X_sub = np.concatenate(X_parts)
    y_sub = np.concatenate(y_parts)
    return X_sub, y_sub

# %% freeze
def freeze(net):
    """Freeze the backbone: requires_grad = False on every parameter of net.features.

    Inputs:
    - net: an nn.Module with a backbone net.features and a head net.head

    Returns:
    - net, the same object, with net.head still trainable and its train/eval mode unchanged
    """
    for p in net.features.parameters():
        p.requires_grad = False
    return net


def unfreeze(net):
    """Let every parameter of net learn again (requires_grad = True). Returns net."""
    for p in net.parameters():
        p.requires_grad = True
    return net

# %% replace_head
def replace_head(net, num_classes):
    """Put a new, randomly initialised linear head for num_classes classes on net's backbone.

    Inputs:
    - net: an nn.Module with a backbone net.features and a linear head net.head (an nn.Linear)
    - num_classes: the number of new classes

    Returns:
    - net, the same object, whose net.head is a new nn.Linear(old in_features, num_classes)
    """
    old = net.head
    net.head = nn.Linear(old.in_features, num_classes)
    return net
