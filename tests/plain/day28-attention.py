"""Day 28's exercises solved the plain way, from the student notebook's text alone."""
# %% attention_scores
def attention_scores(s_prev, a, W_s, W_a, b, v):
    """Additive attention scores of one decoder step, for a batch.

    Inputs:
    - s_prev: (N, Hd) the decoder's state before the step
    - a: (N, Tx, 2H) the encoder's outputs
    - W_s: (Hd, A), W_a: (2H, A), b: (A,), v: (A,)

    Returns:
    - e: (N, Tx), e[n, t] = v · tanh(a[n, t] @ W_a + s_prev[n] @ W_s + b)
    """
    state_part = torch.matmul(s_prev, W_s) + b          # (N, A)
    state_part = state_part.unsqueeze(1)                # (N, 1, A)
    hidden = torch.tanh(torch.matmul(a, W_a) + state_part)
    e = (hidden * v).sum(dim=2)
    return e

# %% masked_softmax
def masked_softmax(scores, mask):
    """Softmax of the scores over the input positions (axis 1), padded positions excluded.

    Inputs:
    - scores: (N, Tx) float tensor
    - mask: (N, Tx) bool tensor, True where there is a real character

    Returns:
    - alphas: (N, Tx); each row sums to 1 over its real positions and is exactly 0 on padding;
      a row with no real position is all zeros (not NaN)
    """
    alphas = torch.zeros_like(scores)
    for n in range(scores.shape[0]):
        real = mask[n]
        if real.sum() == 0:
            continue
        row = scores[n][real]
        row = torch.exp(row - row.max())
        alphas[n][real] = row / row.sum()
    return alphas

# %% context_vector
def context_vector(alphas, a):
    """The attention-weighted sum of the encoder's outputs.

    Inputs:
    - alphas: (N, Tx) attention weights
    - a: (N, Tx, 2H) the encoder's outputs

    Returns:
    - context: (N, 2H), context[n] = sum over t of alphas[n, t] * a[n, t]
    """
    context = torch.bmm(alphas.unsqueeze(1), a)   # (N, 1, 2H)
    return context.squeeze(1)

# %% decoder_inputs
def decoder_inputs(Y, start):
    """The decoder's inputs for teacher forcing.

    Inputs:
    - Y: (N, Ty) int64 tensor of target indices
    - start: the start token's index, an int

    Returns:
    - Y_in: (N, Ty) int64 tensor; Y_in[:, 0] = start and Y_in[:, t] = Y[:, t - 1] for t >= 1
    """
    Y_in = torch.zeros_like(Y)
    Y_in[:, 0] = start
    Y_in[:, 1:] = Y[:, :-1]
    return Y_in

# %% decode
def decode(model, X, Y_in=None):
    """Run the decoder for model.Ty steps, with teacher forcing or greedily.

    Inputs:
    - model: memory, s = model.encode(X); logits, s, alphas = model.step(y_prev, s, memory), with
      y_prev (N,) int64, logits (N, V), alphas (N, Tx); model.Ty steps; model.start the start token
    - X: (N, Tx) int64 input characters
    - Y_in: None (greedy) or (N, Ty) int64 decoder inputs (teacher forcing): step t reads Y_in[:, t]

    Returns a tuple of:
    - logits: (N, Ty, V), the logits of every step
    - attn: (N, Ty, Tx), the attention weights of every step
    """
    memory, s = model.encode(X)
    N = X.shape[0]
    outputs = []
    weights = []
    previous = None
    for t in range(model.Ty):
        if Y_in is not None:
            y_prev = Y_in[:, t]
        elif t == 0:
            y_prev = torch.full((N,), model.start, dtype=torch.long, device=X.device)
        else:
            y_prev = torch.argmax(previous, dim=1)
        previous, s, alphas = model.step(y_prev, s, memory)
        outputs.append(previous)
        weights.append(alphas)
    return torch.stack(outputs, dim=1), torch.stack(weights, dim=1)
