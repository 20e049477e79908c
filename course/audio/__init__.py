"""Audio (Day 29): words spoken by espeak-ng, clips built from them with exact trigger labels,
spectrograms, a conv + GRU trigger-word model, detections, F1 on detections and a chime.

Modules: ``speech`` (espeak-ng through its command line or the ``espeakng-loader`` library,
float32 mono at 16 kHz, cached; NumPy and the standard library only), ``clips`` (backgrounds,
insert_clip, make_labels, the clip builder, detect, match_detections, f1_score, chime; NumPy only),
``model`` (spectrogram, TriggerModel, train_trigger; imports torch, so it is not imported here).
"""
