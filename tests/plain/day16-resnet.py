"""Day 16's exercises solved the plain way, from the student notebook's text alone."""
# %% identity_block
class IdentityBlock(nn.Module):
    """A residual block that keeps the shape: conv3x3 -> BN -> ReLU -> conv3x3 -> BN, + x, ReLU.

    Inputs of __init__:
    - channels: C, the channels in and out

    Inputs of forward:
    - x: (N, C, H, W)

    Returns:
    - out: (N, C, H, W), relu(bn2(conv2(relu(bn1(conv1(x))))) + x)
    """

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        z = self.conv1(x)
        z = self.bn1(z)
        z = torch.relu(z)
        z = self.conv2(z)
        z = self.bn2(z)
        out = torch.relu(z + x)
        return out

# %% projection_block
class ProjectionBlock(nn.Module):
    """A residual block that changes the shape: conv3x3 (stride) -> BN -> ReLU -> conv3x3 -> BN on the
    main path, conv1x1 (stride) -> BN on the shortcut, added, then ReLU.

    Inputs of __init__:
    - in_channels, out_channels: C_in, C_out
    - stride: s, the step of conv1 and of the shortcut's 1x1 convolution (2 halves the image)

    Inputs of forward:
    - x: (N, C_in, H, W)

    Returns:
    - out: (N, C_out, H', W'), H' = (H - 1) // s + 1, W' likewise
    """

    def __init__(self, in_channels, out_channels, stride=2):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                                      nn.BatchNorm2d(out_channels))

    def forward(self, x):
        z = torch.relu(self.bn1(self.conv1(x)))
        z = self.bn2(self.conv2(z))
        out = torch.relu(z + self.shortcut(x))
        return out

# %% make_resnet
def make_resnet(blocks_per_stage=3, widths=(16, 32, 64), in_channels=1, num_classes=10):
    """A small ResNet: stem, one stage of blocks per width, global average pooling, linear layer.

    Inputs:
    - blocks_per_stage: n, the blocks in each stage
    - widths: the channels of each stage; each stage after the first opens with a ProjectionBlock
      of stride 2, every other block is an IdentityBlock
    - in_channels: the images' channels (1 for grey)
    - num_classes: K, the number of scores out

    Returns:
    - net: an nn.Sequential from images (N, in_channels, H, W) to scores (N, K)
    """
    layers = []
    layers.append(nn.Conv2d(in_channels, widths[0], kernel_size=3, padding=1, bias=False))
    layers.append(nn.BatchNorm2d(widths[0]))
    layers.append(nn.ReLU())
    for i in range(len(widths)):
        for j in range(blocks_per_stage):
            if i == 0 or j > 0:
                layers.append(IdentityBlock(widths[i]))
            else:
                layers.append(ProjectionBlock(widths[i - 1], widths[i], stride=2))
    layers.append(nn.AdaptiveAvgPool2d(1))
    layers.append(nn.Flatten())
    layers.append(nn.Linear(widths[-1], num_classes))
    net = nn.Sequential(*layers)
    return net

# %% make_plain
class PlainBlock(nn.Module):
    """A block without a skip: conv3x3 (stride) -> BN -> ReLU -> conv3x3 -> BN -> ReLU.

    Inputs of __init__:
    - in_channels, out_channels: C_in, C_out
    - stride: the step of conv1

    Inputs of forward:
    - x: (N, C_in, H, W)

    Returns:
    - out: (N, C_out, H', W'), H' = (H - 1) // stride + 1, W' likewise
    """

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        z = torch.relu(self.bn1(self.conv1(x)))
        out = torch.relu(self.bn2(self.conv2(z)))
        return out


def make_plain(blocks_per_stage=3, widths=(16, 32, 64), in_channels=1, num_classes=10):
    """make_resnet's plain twin: the same stem, widths, strides and head, every block a PlainBlock.

    Inputs: as make_resnet's.

    Returns:
    - net: an nn.Sequential from images (N, in_channels, H, W) to scores (N, K)
    """
    layers = []
    layers.append(nn.Conv2d(in_channels, widths[0], kernel_size=3, padding=1, bias=False))
    layers.append(nn.BatchNorm2d(widths[0]))
    layers.append(nn.ReLU())
    channels = widths[0]
    for i in range(len(widths)):
        for j in range(blocks_per_stage):
            stride = 2 if (i > 0 and j == 0) else 1
            layers.append(PlainBlock(channels, widths[i], stride=stride))
            channels = widths[i]
    layers.append(nn.AdaptiveAvgPool2d(1))
    layers.append(nn.Flatten())
    layers.append(nn.Linear(widths[-1], num_classes))
    net = nn.Sequential(*layers)
    return net

# %% zero_init_residual
def zero_init_residual(net):
    """Make every residual block of net start as relu(shortcut(x)): the scale (gamma, .weight) of its
    last batch norm, bn2, set to 0, in place.

    Inputs:
    - net: an nn.Module holding IdentityBlocks and ProjectionBlocks, at any depth of nesting

    Returns:
    - net: the same network, changed in place
    """
    for m in net.modules():
        if isinstance(m, IdentityBlock) or isinstance(m, ProjectionBlock):
            nn.init.zeros_(m.bn2.weight)
    return net
