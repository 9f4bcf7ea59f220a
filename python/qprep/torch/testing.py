"""Models for tests and for trying qprep.torch without trained weights.

torchvision models built with weights=None keep BatchNorm's default state
(weight 1, bias 0, running mean 0, variance 1). At small inputs that makes
degenerate networks: activations collapse towards 0, some outputs stop
depending on the input, and folding BatchNorm is nearly a no-op, so a wrong
fold would go unnoticed (/work/shared/research/torch113-ptq-facts.md).
`randomize_batchnorm` gives every BatchNorm seeded random affine parameters
and re-estimates its running statistics on sample data, as a trained network
would have them."""
import torch
import torch.nn as nn

__all__ = ["randomize_batchnorm", "torchvision_model", "sample_batches"]


def randomize_batchnorm(model, batches, seed=0):
    """In place: BatchNorm weight ~ U(0.5, 1.5), bias ~ N(0, 0.25^2) (seeded),
    then running mean/variance re-estimated as the exact average over
    `batches` (momentum None), with everything else in eval mode."""
    g = torch.Generator().manual_seed(seed)
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for bn in bns:
            if bn.affine:
                bn.weight.copy_(torch.rand(bn.weight.shape, generator=g) + 0.5)
                bn.bias.copy_(torch.randn(bn.bias.shape, generator=g) * 0.25)
            bn.reset_running_stats()
            bn.momentum = None
        model.eval()
        for bn in bns:
            bn.train()
        for b in batches:
            model(b)
        model.eval()
    return model


def sample_batches(n, shape, seed=0):
    """n standard-normal float32 batches of `shape` from a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g) for _ in range(n)]


def torchvision_model(name, input_shape, seed=0, estimate_batches=4):
    """A torchvision model (weights=None, no download), seeded, with
    randomized BatchNorm state re-estimated on `estimate_batches` batches of
    `input_shape`; in eval mode."""
    import torchvision
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    randomize_batchnorm(model, sample_batches(estimate_batches, input_shape, seed + 1000), seed)
    return model.eval()
