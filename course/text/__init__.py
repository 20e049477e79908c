"""Text: the character-level language model (Day 24), word vectors (Day 26), Emojify (Day 27),
translation with attention (Day 28) and a Transformer (Day 30).

- ``charlm`` (Day 24): names as shifted index sequences with a boundary token ``.``, gradient
  clipping by value and by norm, unigram/bigram baselines, ``CharRNN`` (embedding → LSTM → linear),
  sampling with a temperature, and ``train_char_lm``; imports torch, so it is not imported here
  (``from course.text.charlm import ...``).
- ``wordvectors`` (Day 26): cosine similarity, 3CosAdd analogies (one word at a time and
  vectorised, with the only-c and random-vector baselines), neutralise/equalise debiasing
  (Bolukbasi et al. 2016), 2-D PCA by SVD; NumPy only.
- ``emojify`` (Day 27): MiniLM vectors of a data set's vocabulary (``word_vectors``),
  ``sentence_to_avg``, the average model's softmax loss and training, ``sentences_to_indices``
  (PAD 0, UNK 1), ``EmojifyLSTM`` (frozen pretrained embedding → LSTM → last real word → linear),
  ``train_lstm``/``lstm_predict``; imports torch, so it is not imported here.
- ``attention`` (Day 28): additive attention (scores, masked softmax, context), teacher-forcing
  decoder inputs, ``DateTranslator`` (bidirectional GRU encoder, GRU decoder with attention,
  greedy decoding), ``train_translator``; imports torch, so it is not imported here.
- ``transformer`` (Day 30): scaled dot-product attention with boolean masks (True = allowed; a
  row with no allowed key gives zeros), causal and padding masks, the sinusoidal positional
  encoding, ``MultiHeadAttention``, pre-norm encoder and decoder layers, ``DateTransformer`` with
  greedy decoding, ``train_transformer``, ``translate``; imports torch, so it is not imported here.

Modules import torch only where a day trains a network; word vectors are NumPy.
"""
from .wordvectors import (analogy_accuracy, answer_analogies, bias_direction, complete_analogy,
                          cosine_similarity, equalize, neutralize, neutralize_rows, pca_2d,
                          random_vectors_accuracy, unit_rows)

__all__ = ["analogy_accuracy", "answer_analogies", "bias_direction", "complete_analogy",
           "cosine_similarity", "equalize", "neutralize", "neutralize_rows", "pca_2d",
           "random_vectors_accuracy", "unit_rows"]
