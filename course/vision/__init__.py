"""The PyTorch reference of what learners build for images, one module per concept (Days 15 on).

Images are ``(N, C, H, W)`` float32 tensors, as ``course.training.to_tensor`` makes them; every
module here except ``detection`` imports torch, so import them only on days that use torch.

Module, the day that introduced it, what it holds:

- ``cnn`` (Day 15): the small convolutional network for Fashion-MNIST, feature maps.
- ``resnet`` (Day 16): identity and projection blocks, a small ResNet and its plain twin.
- ``augment`` (Day 17): ``random_flip``, ``random_crop`` (batch augmentations with a seeded
  generator) and ``augmenter``, a ``transform`` for ``course.training.fit``.
- ``transfer`` (Day 17): ``SmallCNN`` (a backbone ``features`` and a linear ``head``),
  ``class_subset``, ``freeze``, ``unfreeze``, ``replace_head``, ``copy_net``, ``seeds_summary``.
- ``detection`` (Day 18): box formats, IoU, score filtering, NMS as torchvision defines it,
  anchors, YOLO grid decoding; NumPy only.
"""
