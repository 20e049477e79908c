"""Day 21's exercises solved the plain way, from the student notebook's text alone."""
# %% compute_content_cost
def compute_content_cost(a_C, a_G):
    """The content cost of the generated image's activations against the content image's.

    Inputs:
    - a_C: (1, n_C, n_H, n_W) tensor, the content image's activations at the content layer
    - a_G: (1, n_C, n_H, n_W) tensor, the generated image's activations at the same layer

    Returns:
    - J_content: 0-d tensor, 1 / (4 n_H n_W n_C) * sum((a_C - a_G) ** 2)
    """
    m, n_C, n_H, n_W = a_G.shape
    diff = a_C - a_G
    J_content = torch.sum(diff * diff) / (4 * n_H * n_W * n_C)
    return J_content

# %% gram_matrix
def gram_matrix(A):
    """The Gram matrix of unrolled activations.

    Inputs:
    - A: (n_C, n_H * n_W) tensor, one row per channel

    Returns:
    - GA: (n_C, n_C) tensor, A A^T
    """
    GA = A @ A.T
    return GA

# %% compute_layer_style_cost
def compute_layer_style_cost(a_S, a_G):
    """The style cost of one layer.

    Inputs:
    - a_S: (1, n_C, n_H, n_W) tensor, the style image's activations at the layer
    - a_G: (1, n_C, n_H, n_W) tensor, the generated image's activations at the layer

    Returns:
    - J_style_layer: 0-d tensor, 1 / (4 n_C^2 (n_H n_W)^2) * sum((G_S - G_G) ** 2), where G_S and
      G_G are the Gram matrices of a_S and a_G unrolled to (n_C, n_H * n_W)
    """
    m, n_C, n_H, n_W = a_G.shape
    a_S = a_S.reshape(n_C, n_H * n_W)
    a_G = a_G.reshape(n_C, n_H * n_W)
    GS = gram_matrix(a_S)
    GG = gram_matrix(a_G)
    J_style_layer = torch.sum(torch.square(GS - GG)) / (4 * n_C**2 * (n_H * n_W)**2)
    return J_style_layer

# %% compute_style_cost
def compute_style_cost(style_features, generated_features, weights):
    """The weighted style cost over several layers.

    Inputs:
    - style_features: list of L tensors, the style image's activations at each style layer,
      each (1, n_C, n_H, n_W) with that layer's sizes
    - generated_features: list of L tensors, the generated image's activations, same layers and order
    - weights: list of L floats, lambda[l]

    Returns:
    - J_style: 0-d tensor, sum over l of weights[l] * compute_layer_style_cost(style_features[l],
      generated_features[l])
    """
    J_style = 0
    for l in range(len(weights)):
        J_style += weights[l] * compute_layer_style_cost(style_features[l], generated_features[l])
    return J_style

# %% total_cost
def total_cost(J_content, J_style, alpha=10, beta=40):
    """The total cost of style transfer.

    Inputs:
    - J_content: the content cost (0-d tensor or number)
    - J_style: the style cost (0-d tensor or number)
    - alpha, beta: the weights of the content and the style cost

    Returns:
    - J: alpha * J_content + beta * J_style
    """
    J = alpha * J_content + beta * J_style
    return J
