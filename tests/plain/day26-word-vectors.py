"""Day 26's exercises solved the plain way, from the student notebook's text alone."""
# %% cosine_similarity
def cosine_similarity(u, v):
    """The cosine of the angle between u and v.

    Inputs:
    - u: (d,) array
    - v: (d,) array

    Returns:
    - cosine_similarity: a float, u . v / (||u|| ||v||)
    """
    cosine_similarity = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return cosine_similarity

# %% complete_analogy
def complete_analogy(word_a, word_b, word_c, word_to_vec_map):
    """Answer "word_a is to word_b as word_c is to ?" by 3CosAdd.

    Inputs:
    - word_a, word_b, word_c: strings, keys of word_to_vec_map
    - word_to_vec_map: dict, word -> (d,) array

    Returns:
    - best_word: the string w, not one of the three question words, whose vector has the
      largest cosine similarity with e_b - e_a + e_c
    """
    target = word_to_vec_map[word_b] - word_to_vec_map[word_a] + word_to_vec_map[word_c]
    best_word = None
    best_score = -100
    for w in word_to_vec_map:
        if w == word_a or w == word_b or w == word_c:
            continue
        score = cosine_similarity(word_to_vec_map[w], target)
        if score > best_score:
            best_score = score
            best_word = w
    return best_word

# %% neutralize
def neutralize(word, g, word_to_vec_map):
    """Remove the bias component of a word's vector: its projection on the bias direction g.

    Inputs:
    - word: string, a key of word_to_vec_map
    - g: (d,) array, the bias direction (not necessarily unit length)
    - word_to_vec_map: dict, word -> (d,) array; leave it unchanged

    Returns:
    - e_debiased: (d,) array, e - (e . g / ||g||^2) g, a new array orthogonal to g
    """
    e = word_to_vec_map[word]
    e_debiased = e - np.dot(e, g) / np.linalg.norm(g) ** 2 * g
    return e_debiased

# %% equalize
def equalize(pair, bias_axis, word_to_vec_map):
    """Equalise a pair of words along the bias axis (Bolukbasi et al. 2016).

    Inputs:
    - pair: tuple of two strings, e.g. ("actor", "actress"), keys of word_to_vec_map
    - bias_axis: (d,) array, the bias direction (not necessarily unit length)
    - word_to_vec_map: dict, word -> (d,) array of unit vectors; leave it unchanged

    Returns a tuple of:
    - e1: (d,) array, the equalised vector of pair[0]
    - e2: (d,) array, the equalised vector of pair[1]
    """
    g = bias_axis / np.linalg.norm(bias_axis)
    e_w1 = word_to_vec_map[pair[0]]
    e_w2 = word_to_vec_map[pair[1]]
    mu = (e_w1 + e_w2) / 2
    mu_B = np.dot(mu, g) * g
    mu_orth = mu - mu_B
    length = np.sqrt(1 - np.dot(mu_orth, mu_orth))
    # (e_w1B - mu_B) / ||e_w1B - mu_B|| is +g or -g: the side of g that pair[0] is on
    side = np.sign(np.dot(e_w1, g) - np.dot(e_w2, g))
    e1 = mu_orth + length * side * g
    e2 = mu_orth - length * side * g
    return e1, e2
