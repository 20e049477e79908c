"""Text: the character-level language model (Day 24) and word vectors (Day 26).

- ``charlm`` (Day 24): names as shifted index sequences with a boundary token ``.``, gradient
  clipping by value and by norm, unigram/bigram baselines, ``CharRNN`` (embedding → LSTM → linear),
  sampling with a temperature, and ``train_char_lm``; imports torch, so it is not imported here
  (``from course.text.charlm import ...``).
- ``wordvectors`` (Day 26): cosine similarity, 3CosAdd analogies (one word at a time and
  vectorised, with the only-c and random-vector baselines), neutralise/equalise debiasing
  (Bolukbasi et al. 2016), 2-D PCA by SVD; NumPy only.

Modules import torch only where a day trains a network; word vectors are NumPy.
"""
from .wordvectors import (analogy_accuracy, answer_analogies, bias_direction, complete_analogy,
                          cosine_similarity, equalize, neutralize, neutralize_rows, pca_2d,
                          random_vectors_accuracy, unit_rows)

__all__ = ["analogy_accuracy", "answer_analogies", "bias_direction", "complete_analogy",
           "cosine_similarity", "equalize", "neutralize", "neutralize_rows", "pca_2d",
           "random_vectors_accuracy", "unit_rows"]
