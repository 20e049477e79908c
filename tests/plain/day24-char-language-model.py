"""Day 24's exercises solved the plain way, from the student notebook's text alone."""
# %% clip
def clip(gradients, max_value):
    """Clip every entry of every gradient to [-max_value, max_value].

    Inputs:
    - gradients: dict name -> NumPy array
    - max_value: v > 0

    Returns:
    - clipped: a new dict with the same names, each array clipped entry by entry to [-v, v];
      the arrays of `gradients` are left as they were
    """
    clipped = {}
    for key in gradients:
        clipped[key] = np.minimum(np.maximum(gradients[key], -max_value), max_value)
    return clipped

# %% clip_by_norm
def clip_by_norm(gradients, max_norm):
    """Scale all the gradients by one factor so that their global L2 norm is at most max_norm.

    Inputs:
    - gradients: dict name -> NumPy array
    - max_norm: c > 0

    Returns a tuple of:
    - clipped: a new dict with the same names: each array times c / norm if norm > c, else a copy
    - norm: the global norm before clipping, sqrt of the sum of the squares of every entry of every
      array (a float)
    """
    total = 0.0
    for key in gradients:
        total += np.sum(gradients[key] ** 2)
    norm = float(np.sqrt(total))
    clipped = {}
    for key in gradients:
        if norm > max_norm:
            clipped[key] = gradients[key] * (max_norm / norm)
        else:
            clipped[key] = gradients[key].copy()
    return clipped, norm

# %% encode
def encode(name, stoi):
    """A name as the model's inputs and targets.

    Inputs:
    - name: a string of characters that are keys of stoi, e.g. "emma"
    - stoi: dict character -> index, with stoi["."] == 0 the boundary token

    Returns a tuple of:
    - x: (len(name) + 1,) int64 tensor, the boundary token then the name's characters
    - y: (len(name) + 1,) int64 tensor, the name's characters then the boundary token
    """
    chars = "." + name + "."
    x = torch.tensor([stoi[c] for c in chars[:-1]], dtype=torch.long)
    y = torch.tensor([stoi[c] for c in chars[1:]], dtype=torch.long)
    return x, y

# %% unigram_cross_entropy
def unigram_cross_entropy(train_names, val_names, stoi):
    """The unigram model's cross-entropy on the validation names, in nats per character.

    Inputs:
    - train_names: list of strings; the probabilities are counted on these targets (every letter
      and one end token "." per name), with 1 added to every token's count
    - val_names: list of strings, the names the loss is measured on
    - stoi: dict character -> index, stoi["."] == 0; len(stoi) tokens in all

    Returns:
    - loss: a float, -mean of ln p(y) over every target y of the validation names, end tokens included
    """
    from collections import Counter

    counts = Counter()
    for name in train_names:
        counts.update(name + ".")
    total = sum(counts.values()) + len(stoi)
    loss_sum = 0.0
    n = 0
    for name in val_names:
        for c in name + ".":
            p = (counts[c] + 1) / total
            loss_sum += -np.log(p)
            n += 1
    return loss_sum / n

# %% sample
def sample(model, itos, temperature=1.0, max_length=20, generator=None, device="cpu"):
    """Generate one name from a character-level model, one character at a time.

    Inputs:
    - model: logits, state = model(x, state), x of shape (1, 1) int64 on device, state None at first;
      logits of shape (1, 1, V)
    - itos: list, index -> character; itos[0] == "." is the boundary (start and end) token
    - temperature: T >= 0; the next index is drawn from softmax(logits / T), or is the argmax if T == 0
    - max_length: the most characters to generate
    - generator: a torch.Generator for torch.multinomial (None: torch's global one)
    - device: where x is created

    Returns:
    - name: a string of at most max_length characters, stopping before the first end token
    """
    index, state, chars = 0, None, []
    with torch.no_grad():
        for _ in range(max_length):
            x = torch.tensor([[index]], device=device)
            logits, state = model(x, state)
            z = logits.reshape(-1).cpu()
            if temperature == 0:
                index = int(torch.argmax(z))
            else:
                probs = torch.softmax(z / temperature, dim=0)
                index = torch.multinomial(probs, 1, generator=generator).item()
            if itos[index] == ".":
                break
            chars.append(itos[index])
    return "".join(chars)
