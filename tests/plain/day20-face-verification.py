"""Day 20's exercises solved the plain way, from the student notebook's text alone."""
# %% pairwise_distances
def pairwise_distances(embeddings, squared=False):
    """All pairwise Euclidean distances between the rows of a batch of embeddings.

    Inputs:
    - embeddings: (N, D) tensor, one embedding per row
    - squared: if True, return the squared distances

    Returns:
    - D: (N, N) tensor, D[i, j] = |e_i - e_j| (or its square), never negative
    """
    norms = torch.sum(embeddings ** 2, dim=1)
    dots = torch.matmul(embeddings, embeddings.t())
    d2 = norms.unsqueeze(1) - 2 * dots + norms.unsqueeze(0)
    d2 = torch.clamp(d2, min=0)
    if squared:
        return d2
    # the square root only where d2 > 0: its slope is infinite at 0
    is_zero = d2 == 0
    D = torch.sqrt(torch.where(is_zero, torch.ones_like(d2), d2))
    D = torch.where(is_zero, torch.zeros_like(D), D)
    return D

# %% triplet_loss
def triplet_loss(anchor, positive, negative, margin):
    """The triplet loss with Euclidean distances, averaged over the triplets.

    Inputs:
    - anchor, positive, negative: (N, D) tensors; row i of each is one triplet
    - margin: alpha > 0

    Returns:
    - loss: scalar tensor, mean over i of max(0, |a_i - p_i| - |a_i - n_i| + margin)
    """
    d_pos = torch.norm(anchor - positive, dim=1)
    d_neg = torch.norm(anchor - negative, dim=1)
    losses = torch.clamp(d_pos - d_neg + margin, min=0)
    loss = torch.mean(losses)
    return loss

# %% batch_hard_triplet_loss
def batch_hard_triplet_loss(embeddings, labels, margin):
    """The batch-hard triplet loss: every example is an anchor, with its farthest positive and its
    nearest negative in the batch.

    Inputs:
    - embeddings: (N, D) tensor
    - labels: (N,) integer tensor, the identity of each row
    - margin: alpha > 0

    Returns:
    - loss: scalar tensor, the mean over the anchors that have a positive and a negative of
      max(0, hardest positive distance - hardest negative distance + margin)
    """
    D = pairwise_distances(embeddings)
    N = len(labels)
    losses = []
    for i in range(N):
        pos = [j for j in range(N) if j != i and labels[j] == labels[i]]
        neg = [k for k in range(N) if labels[k] != labels[i]]
        if len(pos) == 0 or len(neg) == 0:
            continue
        hardest_pos = D[i, pos].max()
        hardest_neg = D[i, neg].min()
        losses.append(torch.relu(hardest_pos - hardest_neg + margin))
    loss = torch.stack(losses).mean()
    return loss

# %% choose_threshold
def choose_threshold(distances, same):
    """The verification threshold with the best accuracy on a set of (validation) pairs.

    Inputs:
    - distances: (M,) array, the distance of each pair
    - same: (M,) boolean array, True where the pair is of one identity

    Returns a tuple of:
    - threshold: float; a pair is called "same" when its distance <= threshold
    - accuracy: float in [0, 1], the fraction of pairs called right with that threshold
    """
    best_threshold = min(distances) - 1
    best_accuracy = np.mean((distances <= best_threshold) == same)
    for t in sorted(distances):
        accuracy = np.mean((distances <= t) == same)
        if accuracy > best_accuracy:
            best_threshold = t
            best_accuracy = accuracy
    return float(best_threshold), float(best_accuracy)

# %% recognise
def recognise(query, gallery, gallery_labels, threshold=None):
    """One-shot recognition: each query gets the label of its nearest enrolled embedding.

    Inputs:
    - query: (M, D) array of embeddings to identify
    - gallery: (G, D) array, the enrolled embeddings
    - gallery_labels: (G,) integer array, the identity of each enrolled embedding
    - threshold: None, or a Euclidean distance; a query whose nearest enrolled embedding is
      farther than threshold gets -1 ("nobody enrolled")

    Returns:
    - labels: (M,) integer array
    """
    labels = []
    for q in query:
        distances = np.linalg.norm(gallery - q, axis=1)
        best = np.argmin(distances)
        if threshold is not None and distances[best] > threshold:
            labels.append(-1)
        else:
            labels.append(gallery_labels[best])
    return np.array(labels)
