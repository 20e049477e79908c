"""Day 30's exercises solved the plain way, from the student notebook's text alone."""
# %% scaled_dot_product_attention
def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d)) V over the last two axes.

    Inputs:
    - Q: (..., Tq, d) queries
    - K: (..., Tk, d) keys
    - V: (..., Tk, dv) values
    - mask: None, or a boolean tensor broadcastable to (..., Tq, Tk), True where query i may
      attend to key j

    Returns a tuple of:
    - output: (..., Tq, dv)
    - weights: (..., Tq, Tk); each row sums to 1, or is all zeros where the mask allows no key
      (that row's output is then zeros too, not NaN)
    """
    d = K.shape[-1]
    scores = torch.matmul(Q, K.mT) / d ** 0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.tensor(float("-inf"), dtype=scores.dtype))
        weights = torch.softmax(scores, dim=-1)
        nobody = ~mask.any(dim=-1, keepdim=True)
        weights = weights.masked_fill(nobody, 0.0)
    else:
        weights = torch.softmax(scores, dim=-1)
    output = torch.matmul(weights, V)
    return output, weights

# %% masks
def causal_mask(T, device=None):
    """The causal mask of a sequence of length T.

    Inputs:
    - T: the sequence length
    - device: where to create it (None: the default device)

    Returns:
    - mask: (T, T) boolean tensor, True where j <= i (on and below the diagonal)
    """
    mask = torch.zeros(T, T, dtype=torch.bool, device=device)
    for i in range(T):
        for j in range(i + 1):
            mask[i, j] = True
    return mask


def padding_mask(X, pad=0):
    """Where a batch of index sequences holds real tokens.

    Inputs:
    - X: (N, T) int64 tensor of token indices, padded with `pad`
    - pad: the padding index

    Returns:
    - mask: (N, 1, 1, T) boolean tensor, True where X is not `pad`
    """
    N, T = X.shape
    return (X != pad).reshape(N, 1, 1, T)

# %% positional_encoding
def positional_encoding(max_len, d_model):
    """The sinusoidal positional encoding of Vaswani et al. (2017).

    Inputs:
    - max_len: the number of positions, 0 .. max_len - 1
    - d_model: the size of each position's vector (even)

    Returns:
    - pe: (max_len, d_model) float tensor, pe[pos, 2i] = sin(pos / 10000^(2i / d_model)) and
      pe[pos, 2i + 1] = cos(pos / 10000^(2i / d_model))
    """
    pe = np.zeros((max_len, d_model))
    for pos in range(max_len):
        for i in range(d_model // 2):
            angle = pos / 10000 ** (2 * i / d_model)
            pe[pos, 2 * i] = np.sin(angle)
            pe[pos, 2 * i + 1] = np.cos(angle)
    return torch.tensor(pe, dtype=torch.float32)

# %% multi_head_attention
class MultiHeadAttention(nn.Module):
    """Multi-head attention.

    Inputs of forward:
    - query: (N, Tq, d_model)
    - key, value: (N, Tk, d_model)
    - mask: None, or a boolean tensor broadcastable to (N, num_heads, Tq, Tk), True where attention
      is allowed (a causal mask (Tq, Tk), a padding mask (N, 1, 1, Tk), or both combined with &)

    Returns a tuple of:
    - output: (N, Tq, d_model), the heads' outputs concatenated and projected by W_o
    - weights: (N, num_heads, Tq, Tk), every head's attention weights
    """

    def __init__(self, d_model, num_heads):
        super().__init__()
        if d_model % num_heads:
            raise ValueError(f"d_model = {d_model} is not a multiple of num_heads = {num_heads}.")
        self.d_model, self.num_heads, self.d_head = d_model, num_heads, d_model // num_heads
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, d_model)
        self.W_v = nn.Linear(d_model, d_model)
        self.W_o = nn.Linear(d_model, d_model)

    def forward(self, query, key, value, mask=None):
        def split(x):
            N, T, _ = x.shape
            x = x.view(N, T, self.num_heads, self.d_head)
            return x.permute(0, 2, 1, 3)

        Q = split(self.W_q(query))
        K = split(self.W_k(key))
        V = split(self.W_v(value))
        heads, weights = scaled_dot_product_attention(Q, K, V, mask)
        N, h, Tq, dh = heads.shape
        concat = heads.permute(0, 2, 1, 3).contiguous().view(N, Tq, h * dh)
        output = self.W_o(concat)
        return output, weights
