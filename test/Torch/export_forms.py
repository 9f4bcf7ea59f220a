"""Prints the module qprep.torch.export writes for a small CNN (for FileCheck)."""
import sys
import warnings

import torch
import torch.nn as nn

import qprep.torch as qt

warnings.filterwarnings("ignore")
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, (3, 1), padding=(1, 0), bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        y = self.relu(self.bn(self.conv(x)))
        y = self.pool(y)
        return self.fc(torch.flatten(y, 1))


net = Net().eval()
with torch.no_grad():
    net.bn.running_mean.normal_()
exported = qt.export(net, (torch.randn(1, 2, 8, 8),))
sys.stdout.write(exported.text)
