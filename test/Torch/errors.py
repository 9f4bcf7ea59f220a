"""What qprep.torch.export says about what it cannot export: the node, its
target and the model's source line, as a qprep.torch.ExportError (a
qprep.Error, i.e. a ValueError)."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

import qprep
import qprep.torch as qt

warnings.filterwarnings("ignore")


class PixelShuffle(nn.Module):
    def forward(self, x):
        return F.pixel_shuffle(x, 2)


class Upsample(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2)

    def forward(self, x):
        return self.up(x)


class ConvOfInputs(nn.Module):
    def forward(self, x, w):
        return F.conv2d(x, w)


class ArgMax(nn.Module):
    def forward(self, x):
        return x.argmax(1).float()


class Dilated(nn.Module):
    def forward(self, x):
        return F.max_pool2d(x, 2, dilation=2)


x = torch.randn(1, 4, 8, 8)
cases = [
    ("function", PixelShuffle(), (x,)),
    ("module", Upsample(), (x,)),
    ("weight", ConvOfInputs(), (x, torch.randn(2, 4, 3, 3))),
    ("dtype", ArgMax(), (x,)),
    ("option", Dilated(), (x,)),
    ("training", nn.Conv2d(4, 4, 1), (x,)),
    ("inputs", nn.Conv2d(4, 4, 1).eval(), (x, x)),
    ("float64", nn.Conv2d(4, 4, 1).eval(), (x.double(),)),
]
for name, model, inputs in cases:
    if name != "training":
        model.eval()
    try:
        qt.export(model, inputs)
        print(name, "exported?!")
    except qt.ExportError as e:
        print(name, "ExportError", isinstance(e, qprep.Error), isinstance(e, ValueError), e)
    except ValueError as e:
        print(name, "ValueError", e)
