"""qprep.torch: PyTorch models into qprep.

    import torch, torchvision, qprep.torch as qt
    model = torchvision.models.resnet18(weights=None).eval()
    exported = qt.export(model, (torch.randn(1, 3, 64, 64),))   # TOSA module
    cal = exported.calibrator()                                  # lower + JIT
    (logits,) = cal.forward(x.numpy())

See docs/Torch.md.
"""
from .trace import ExportError, fold_batch_norm, functionalize, trace
from .export import ExportedModule, export

__all__ = ["ExportError", "ExportedModule", "export", "fold_batch_norm", "functionalize", "trace"]
