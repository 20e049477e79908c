"""Music (Day 25): Bach chorales from music21's corpus as note sequences, a next-note LSTM,
sampling, MIDI out, a piano roll and a waveform the course synthesises to play in the notebook.
"""
