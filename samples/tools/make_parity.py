#!/usr/bin/env python3
"""PyTorch reference data for convgen's parity tests (the tests themselves need no Python).

Builds, with random weights and random BatchNorm statistics (eval mode, so BatchNorm uses its
running statistics and folds exactly):
  * the MobileNet-v1 stem (dense 3x3 stride 2, 3 -> 32) and its first five separable blocks, on
    one 3x64x64 image (a subset, to keep the committed files small);
  * one MBConv / inverted-residual block 16 -> 96 -> 16 (expansion 6, 3x3 depthwise, residual),
    on one 16x20x20 input.
Module names follow convgen's weight naming convention (see WeightBinder), so the state dicts are
saved as they are: <layer>.weight, <layer>.bn.{weight,bias,running_mean,running_var,
num_batches_tracked}. Convolution weights are stored as float16 (and rounded to float16 before
the reference runs), BatchNorm tensors as float32, num_batches_tracked as int64.

Run from the repository root with Debian's python3-torch:
    python3 samples/tools/make_parity.py samples/parity
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

# (in, out, stride) of MobileNet-v1's 13 separable blocks at width 1.0.
MOBILENET_V1_BLOCKS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
                       (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
PARITY_BLOCKS = 5


class ConvBN(nn.Conv2d):
    """Conv2d (no bias) -> BatchNorm2d -> optional ReLU6; the BatchNorm is a child named bn."""

    def __init__(self, cin, cout, k, stride=1, groups=1, relu6=True):
        super().__init__(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.relu6 = relu6

    def forward(self, x):
        y = self.bn(super().forward(x))
        return torch.clamp(y, 0, 6) if self.relu6 else y


class Separable(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dw = ConvBN(cin, cin, 3, stride, groups=cin)
        self.pw = ConvBN(cin, cout, 1)

    def forward(self, x):
        return self.pw(self.dw(x))


class MobileNetV1Prefix(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.stem = ConvBN(3, 32, 3, 2)
        for i, (cin, cout, stride) in enumerate(MOBILENET_V1_BLOCKS[:blocks], start=1):
            self.add_module("block%d" % i, Separable(cin, cout, stride))

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x


class MBConv(nn.Module):
    def __init__(self, cin, expansion, cout):
        super().__init__()
        hidden = cin * expansion
        self.expand = ConvBN(cin, hidden, 1)
        self.dw = ConvBN(hidden, hidden, 3, groups=hidden)
        self.project = ConvBN(hidden, cout, 1, relu6=False)

    def forward(self, x):
        y = self.project(self.dw(self.expand(x)))
        return x + y if x.shape == y.shape else y


def randomize(model, generator):
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            module.weight.data = module.weight.data.half().float()  # exactly what the file holds
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.weight.data = torch.rand(n, generator=generator) + 0.5
            module.bias.data = torch.randn(n, generator=generator) * 0.1
            module.running_mean = torch.randn(n, generator=generator) * 0.1
            module.running_var = torch.rand(n, generator=generator) + 0.5
            module.num_batches_tracked.fill_(1000)
    return model.eval()


def state(model):
    tensors = {}
    for name, value in model.state_dict().items():
        array = value.numpy()
        if name.endswith("num_batches_tracked"):
            tensors[name] = ("I64", array)
        elif ".bn." in name:
            tensors[name] = ("F32", array)
        else:
            tensors[name] = ("F16", array)
    return tensors


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2026)
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(1122)

    net = randomize(MobileNetV1Prefix(PARITY_BLOCKS), generator)
    x = torch.rand(1, 3, 64, 64, generator=generator) * 2 - 1
    with torch.no_grad():
        y = net(x)
    safetensors_io.save(os.path.join(out, "mobilenet_v1_prefix.safetensors"), state(net),
                        metadata={"model": "MobileNet-v1 stem + blocks 1-%d" % PARITY_BLOCKS,
                                  "torch": torch.__version__})
    np.save(os.path.join(out, "mobilenet_v1_input.npy"), x.numpy())
    np.save(os.path.join(out, "mobilenet_v1_output.npy"), y.numpy())

    block = randomize(MBConv(16, 6, 16), generator)
    x = torch.rand(1, 16, 20, 20, generator=generator) * 2 - 1
    with torch.no_grad():
        y = block(x)
    np.savez(os.path.join(out, "mbconv.npz"),
             **{name: value.numpy() for name, value in block.state_dict().items()})
    np.save(os.path.join(out, "mbconv_input.npy"), x.numpy())
    np.save(os.path.join(out, "mbconv_output.npy"), y.numpy())
    print("wrote", sorted(os.listdir(out)), "with torch", torch.__version__)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "samples/parity")
