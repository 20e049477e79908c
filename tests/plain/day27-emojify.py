"""Day 27's exercises solved the plain way, from the student notebook's text alone."""
# %% sentence_to_avg
def sentence_to_avg(sentence, word_to_vec_map):
    """The average of the word vectors of a sentence.

    Inputs:
    - sentence: a string of words separated by spaces (any case)
    - word_to_vec_map: dict word -> (d,) array

    Returns:
    - avg: (d,) array, the mean of the vectors of the sentence's words that are in the map
      (lower-cased); unknown words are skipped; zeros of shape (d,) if no word is known
    """
    d = len(next(iter(word_to_vec_map.values())))
    total = np.zeros(d)
    count = 0
    for word in sentence.lower().split():
        if word in word_to_vec_map:
            total += word_to_vec_map[word]
            count += 1
    if count > 0:
        avg = total / count
    else:
        avg = total
    return avg

# %% avg_model_loss
def avg_model_loss(X_avg, Y, W, b):
    """The softmax layer of the average model: mean cross-entropy and its gradients.

    Inputs:
    - X_avg: (m, d) sentence averages, one per row
    - Y: (m,) int labels in 0..C-1
    - W: (C, d) weights; b: (C,) biases

    Returns a tuple of:
    - loss: the mean cross-entropy over the m sentences, a float
    - grads: dict {"dW": (C, d), "db": (C,)}, the gradients of the loss
    """
    m = X_avg.shape[0]
    Z = np.dot(X_avg, W.T) + b
    Z = Z - np.max(Z, axis=1, keepdims=True)
    A = np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)
    Y_onehot = np.zeros_like(A)
    for i in range(m):
        Y_onehot[i, Y[i]] = 1
    loss = -np.sum(Y_onehot * np.log(A)) / m
    dZ = (A - Y_onehot) / m
    dW = np.dot(dZ.T, X_avg)
    db = np.sum(dZ, axis=0)
    grads = {"dW": dW, "db": db}
    return float(loss), grads

# %% sentences_to_indices
def sentences_to_indices(X, word_to_index, max_len):
    """Sentences as rows of word indices, padded at the end.

    Inputs:
    - X: array or list of m sentences (strings)
    - word_to_index: dict word -> int; word_to_index["<pad>"] is 0, word_to_index["<unk>"] the
      index of any word not in the dict
    - max_len: the length of every row

    Returns:
    - X_indices: (m, max_len) int64 array; row i holds the indices of sentence i's words
      (lower-cased), in order, unknown words as word_to_index["<unk>"], then 0s; words after the
      first max_len are left out
    """
    m = len(X)
    X_indices = np.zeros((m, max_len), dtype=np.int64)
    for i in range(m):
        words = X[i].lower().split()
        j = 0
        for w in words:
            if j >= max_len:
                break
            if w in word_to_index:
                X_indices[i, j] = word_to_index[w]
            else:
                X_indices[i, j] = word_to_index["<unk>"]
            j = j + 1
    return X_indices

# %% emojify_lstm
class EmojifyLSTM(nn.Module):
    """Frozen pretrained embedding -> LSTM -> the hidden state at each sentence's last word -> linear.

    Inputs of __init__:
    - E: (V, d) NumPy array, the pretrained word vectors (row 0 the padding)
    - hidden_size: the LSTM's hidden size
    - num_classes: C, the number of scores out

    Inputs of forward:
    - X: (N, T) int64 tensor of word indices, padded at the end with 0

    Returns:
    - logits: (N, C), fc(the LSTM's hidden state after sentence i's last non-padding word)
    """

    def __init__(self, E, hidden_size, num_classes=5):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(torch.tensor(E, dtype=torch.float32), freeze=True)
        self.lstm = nn.LSTM(E.shape[1], hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, X):
        lengths = (X != 0).sum(dim=1)
        out, _ = self.lstm(self.embedding(X))
        N = X.shape[0]
        idx = torch.arange(N, device=X.device)
        last = out[idx, lengths - 1, :]
        logits = self.fc(last)
        return logits
