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
- ``yolo`` (Day 19): grid targets, the YOLO loss, a tiny YOLO network, detection
  post-processing, COCO-style AP and mAP@IoU (tested against pycocotools); imports torch only
  inside its functions.
- ``verification`` (Day 20): pairwise distances, the triplet loss and batch-hard mining, the
  verification threshold, ROC/AUC, one-shot recognition, PCA via SVD, P×K batches, the embedding
  network and its training.
- ``style`` (Day 21): content cost, Gram matrix, layer and weighted style costs, total cost;
  VGG-19 with torchvision's state-dict keys and its ImageNet weights loaded from the torch hub
  cache or downloaded with a checksum; random multi-scale features (Ustyuzhaninov et al., 2017);
  the pixel-optimisation loop ``stylise``.
"""
