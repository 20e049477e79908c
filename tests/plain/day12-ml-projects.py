"""Day 12's exercises solved the plain way, from the student notebook's text alone."""
# %% train_dev_test_split
def train_dev_test_split(m, dev_size, test_size, seed=0):
    """Shuffle the example indices 0..m-1 and cut them into train, dev and test parts.

    Inputs:
    - m: the number of examples
    - dev_size, test_size: how many examples go to dev and to test
    - seed: seeds the shuffle (np.random.default_rng(seed)): the same seed gives the same split

    Returns a tuple of three integer arrays of indices, which together hold each of 0..m-1 once:
    - train_ix: shape (m - dev_size - test_size,)
    - dev_ix: shape (dev_size,)
    - test_ix: shape (test_size,)
    """
    perm = np.random.default_rng(seed).permutation(m)
    n_train = m - dev_size - test_size
    train_ix = perm[:n_train]
    dev_ix = perm[n_train:n_train + dev_size]
    test_ix = perm[n_train + dev_size:]
    return train_ix, dev_ix, test_ix

# %% diagnose
def diagnose(human_error, train_error, train_dev_error, dev_error):
    """Split the dev error into avoidable bias, variance and data mismatch.

    Inputs:
    - human_error, train_error, train_dev_error, dev_error: error rates (numbers in [0, 1])

    Returns a tuple of:
    - gaps: a dict with the keys "avoidable bias", "variance" and "data mismatch", each the gap
      between that error level and the one just below it
    - problem: the key of the largest gap (a string)
    """
    gaps = {"avoidable bias": train_error - human_error,
            "variance": train_dev_error - train_error,
            "data mismatch": dev_error - train_dev_error}
    problem = max(gaps, key=gaps.get)
    return gaps, problem

# %% remedies
# Map each problem to one letter of remedy_options, in this form:
# remedies = {"avoidable bias": "?", "variance": "?", "data mismatch": "?",
#             "overfitting the dev set": "?"}
remedies = {"avoidable bias": "C", "variance": "A", "data mismatch": "D",
            "overfitting the dev set": "B"}

# %% learning_curve
def learning_curve(fit, X, y, X_dev, y_dev, sizes):
    """Train on the first n examples for each n in sizes and measure the error rates.

    Inputs:
    - fit: a function fit(X, y) that trains a model and returns a function predict(X) -> labels
    - X: training examples, shape (m, ...), with labels y of shape (m,)
    - X_dev: held-out examples with labels y_dev, shape (m_dev,)
    - sizes: the numbers of training examples to try, each at most m

    Returns a tuple of two arrays of shape (len(sizes),):
    - train_errors: the error rate on the n examples the model was trained on
    - dev_errors: the error rate on the whole of X_dev
    """
    train_errors, dev_errors = [], []
    for n in sizes:
        predict = fit(X[:n], y[:n])
        train_errors.append(np.mean(predict(X[:n]) != y[:n]))
        dev_errors.append(np.mean(predict(X_dev) != y_dev))
    train_errors, dev_errors = np.array(train_errors), np.array(dev_errors)
    return train_errors, dev_errors

# %% confusion_matrix
def confusion_matrix(y, y_hat, num_classes):
    """Count how often each true class is predicted as each class.

    Inputs:
    - y: true labels, integers in 0..num_classes-1, shape (m,)
    - y_hat: predicted labels, shape (m,)
    - num_classes: K

    Returns:
    - C: an integer array of shape (K, K); C[i, j] = the number of examples of class i predicted as j
    """
    C = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(C, (y, y_hat), 1)
    return C

# %% precision_recall
def precision_recall(C):
    """Per-class precision and recall from a confusion matrix.

    Inputs:
    - C: shape (K, K), rows true classes, columns predictions

    Returns a tuple of two float arrays of shape (K,):
    - precision: C[k, k] / (sum of column k), 0 where the column is empty
    - recall: C[k, k] / (sum of row k), 0 where the row is empty
    """
    diag = np.diag(C)
    col = C.sum(axis=0)
    row = C.sum(axis=1)
    precision = np.divide(diag, col, out=np.zeros(len(C)), where=col > 0)
    recall = np.divide(diag, row, out=np.zeros(len(C)), where=row > 0)
    return precision, recall

# %% top_confusions
def top_confusions(C, k):
    """The k most frequent mistakes in a confusion matrix.

    Inputs:
    - C: shape (K, K), rows true classes, columns predictions
    - k: how many to return

    Returns:
    - a list of at most k tuples (true, predicted, count) of ints, off the diagonal only, count > 0,
      largest count first (ties: smaller true class first, then smaller predicted class)
    """
    off = C.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off.ravel(), kind="stable")
    result = []
    for idx in order[:k]:
        i, j = np.unravel_index(idx, off.shape)
        if off[i, j] > 0:
            result.append((i, j, off[i, j]))
    return result

# %% augment_with
def augment_with(X, y, transform, fraction, seed=0):
    """Append transformed copies of a random share of the examples.

    Inputs:
    - X: examples, shape (m, ...); y: labels, shape (m,)
    - transform: a function from a batch of examples (n, ...) to transformed ones, same shape
    - fraction: the share of the m examples to copy and transform
    - seed: seeds the choice of examples

    Returns a tuple of:
    - X_aug: shape (m + n, ...), X followed by the n = round(fraction * m) transformed copies
    - y_aug: shape (m + n,), y followed by the copies' labels
    """
    m = len(X)
    chosen = np.random.default_rng(seed).choice(m, round(fraction * m), replace=False)
    X_aug = np.concatenate([X, transform(X[chosen])])
    y_aug = np.concatenate([y, y[chosen]])
    return X_aug, y_aug

# %% log_uniform
def log_uniform(low, high, n, seed=0):
    """n random values spread evenly on a log scale between low and high.

    Inputs:
    - low, high: positive numbers, low < high
    - n: how many values to draw
    - seed: seeds np.random.default_rng(seed): the same seed gives the same values

    Returns:
    - values: a float array of shape (n,), whose log10 is uniform on [log10(low), log10(high)]
    """
    rng = np.random.default_rng(seed)
    r = rng.uniform(np.log(low), np.log(high), size=n)
    values = np.exp(r)
    return values

# %% choose_model
def choose_model(precision, recall, size, max_size):
    """The model with the best F1 score among those no larger than max_size.

    Inputs:
    - precision, recall: arrays of shape (n,), each model's precision and recall
    - size: array of shape (n,), each model's number of parameters
    - max_size: the largest size allowed (a model of exactly max_size is allowed)

    Returns a tuple of:
    - f1: float array of shape (n,), 2 P R / (P + R) of every model, 0 where P + R = 0
    - best: the index (an int) of the model with the highest F1 among those with size <= max_size,
      or None when no model is small enough
    """
    f1 = np.zeros(len(precision))
    for i in range(len(precision)):
        p, r = precision[i], recall[i]
        if p + r > 0:
            f1[i] = 2 * p * r / (p + r)
    best = None
    for i in range(len(f1)):
        if size[i] <= max_size and (best is None or f1[i] > f1[best]):
            best = i
    return f1, best

# %% early_stopping
def early_stopping(dev_losses, patience):
    """The best epoch so far and whether training should stop.

    Inputs:
    - dev_losses: a list of the dev loss after each epoch so far (epoch 0 first), at least one
    - patience: how many epochs without improvement to allow

    Returns a tuple of:
    - best_epoch: the index of the lowest loss (the first one among equal losses), an int
    - stop: True when at least `patience` epochs came after best_epoch, else False
    """
    best_epoch = 0
    for epoch, loss in enumerate(dev_losses):
        if loss < dev_losses[best_epoch]:
            best_epoch = epoch
    epochs_since = len(dev_losses) - 1 - best_epoch
    stop = epochs_since >= patience
    return best_epoch, stop
