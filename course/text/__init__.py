"""Text: the character-level language model (Day 24) and word vectors (Day 26).

Modules import torch only where a day trains a network; word vectors are NumPy.
"""
