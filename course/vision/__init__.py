"""The PyTorch reference of what learners build for images, one module per concept (Days 15 on).

Images are ``(N, C, H, W)`` float32 tensors, as ``course.training.to_tensor`` makes them; every
module here except ``detection`` imports torch, so import them only on days that use torch.

Module, the day that introduced it, what it holds:

- ``cnn`` (Day 15): the small convolutional network for Fashion-MNIST, feature maps.
- ``resnet`` (Day 16): identity and projection blocks, a small ResNet and its plain twin.
- ``detection`` (Day 18): box formats, IoU, score filtering, NMS as torchvision defines it,
  anchors, YOLO grid decoding; NumPy only.
"""
