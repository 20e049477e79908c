"""Music (Day 25): Bach chorales from music21's corpus as note sequences, a next-note LSTM,
sampling, MIDI out, a piano roll and a waveform the course synthesises to play in the notebook.

Modules: ``chorales`` (music21's Bach chorales as (pitch, steps) melodies, shipped in
course/data/chorales.csv; tokens, vocabulary, split by chorale, the bigram baseline), ``model``
(NoteModel, train_next_note, sample; imports torch, so it is not imported here), ``synth``
(midi_to_hz, synthesise, write_midi, piano_roll; NumPy and the standard library only).
"""
from .chorales import (END, PAD, START, bigram_cross_entropy, build_vocab, load_chorales,
                       notes_to_tokens, require_music21, split_by_chorale)
from .synth import midi_to_hz, piano_roll, synthesise, write_midi

__all__ = ["END", "PAD", "START", "bigram_cross_entropy", "build_vocab", "load_chorales",
           "midi_to_hz", "notes_to_tokens", "piano_roll", "require_music21", "split_by_chorale",
           "synthesise", "write_midi"]
