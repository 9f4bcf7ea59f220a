"""Tracing for qprep.torch: torch.fx symbolic tracing with source lines,
BatchNorm folded into the preceding convolution or linear layer with torch's
own fusion utilities, and (optionally) modules rewritten as functional calls
whose weights are get_attr nodes, the form PT2E quantizers annotate."""
import operator

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval

import qprep

__all__ = ["trace", "fold_batch_norm", "functionalize", "ExportError"]


class ExportError(qprep.Error):
    """Something qprep.torch cannot trace or export; for a graph node the
    message names the node, its target and the model's source line."""


class _Tracer(torch.fx.Tracer):
    def __init__(self):
        super().__init__()
        # Keep the model's source line on every node, for locations and errors.
        self.record_stack_traces = True


def trace(model, concrete_args=None, fold_bn=True, functional=True):
    """`torch.fx.symbolic_trace` of an eval-mode model, prepared for export.

    - BatchNorm after a Conv2d/Linear whose output it alone uses is folded into
      that layer with `torch.nn.utils.fusion.fuse_conv_bn_eval` /
      `fuse_linear_bn_eval` (what PyTorch's eager and FX fusers call); the
      BatchNorm node disappears and the layer keeps its name.
    - `functional=True` rewrites module calls (Conv2d, Linear, ReLU, ...) as
      the functional calls they perform (`F.conv2d(x, weight, bias, ...)`),
      with parameters as get_attr nodes, so that a PT2E-style quantizer can
      annotate weight and bias edges. Nodes keep their names (`layer1_0_conv1`)
      and source lines; `node.meta["qprep_module"]` holds the module's path.

    The model is not modified (a deep copy is traced)."""
    if isinstance(model, torch.fx.GraphModule):
        gm = model
    else:
        if not isinstance(model, nn.Module):
            raise TypeError("qprep.torch.trace takes a torch.nn.Module, got %s" % type(model).__name__)
        if model.training:
            raise ExportError("qprep.torch exports inference graphs: call model.eval() first "
                             "(BatchNorm folding and dropout need eval mode)")
        import copy
        model = copy.deepcopy(model)
        graph = _Tracer().trace(model, concrete_args)
        name = model.__class__.__name__
        gm = torch.fx.GraphModule(model, graph, name)
    if fold_bn:
        fold_batch_norm(gm)
    if functional:
        functionalize(gm)
    return gm


def _parent(gm, target):
    *path, name = target.rsplit(".", 1) if "." in target else ("", target)
    return (gm.get_submodule(path[0]) if path and path[0] else gm), name


def fold_batch_norm(gm):
    """Folds BatchNorm{1,2}d (eval) into the Conv2d / Linear module that feeds
    it, in place, as torch.fx.experimental.optimization.fuse does."""
    modules = dict(gm.named_modules())
    for node in list(gm.graph.nodes):
        if node.op != "call_module" or not isinstance(modules.get(node.target), (nn.BatchNorm1d, nn.BatchNorm2d)):
            continue
        prev = node.args[0] if node.args else None
        if not isinstance(prev, torch.fx.Node) or prev.op != "call_module" or len(prev.users) != 1:
            continue
        layer, bn = modules.get(prev.target), modules[node.target]
        if not bn.track_running_stats or bn.running_mean is None:
            continue
        if isinstance(layer, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
            fused = fuse_conv_bn_eval(layer, bn)
        elif isinstance(layer, nn.Linear) and isinstance(bn, nn.BatchNorm1d):
            fused = fuse_linear_bn_eval(layer, bn)
        else:
            continue
        parent, name = _parent(gm, prev.target)
        setattr(parent, name, fused)
        modules[prev.target] = fused
        prev.meta.setdefault("qprep_folded", []).append(node.target)
        node.replace_all_uses_with(prev)
        gm.graph.erase_node(node)
    gm.graph.lint()
    gm.recompile()
    return gm


def _module_call(mod, x, attr):
    """(function, args, kwargs) of the functional call a module performs, with
    `attr(name)` giving a get_attr node for the module's parameter `name`."""
    def param(name):
        return attr(name) if getattr(mod, name, None) is not None else None
    if isinstance(mod, nn.Conv2d) and mod.padding_mode == "zeros":
        return F.conv2d, (x, attr("weight"), param("bias"), mod.stride, mod.padding, mod.dilation, mod.groups), {}
    if isinstance(mod, nn.Linear):
        return F.linear, (x, attr("weight"), param("bias")), {}
    if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)) and mod.track_running_stats and mod.running_mean is not None:
        return F.batch_norm, (x, attr("running_mean"), attr("running_var"), param("weight"), param("bias"),
                              False, 0.0, mod.eps), {}
    if isinstance(mod, nn.LayerNorm):
        return F.layer_norm, (x, mod.normalized_shape, param("weight"), param("bias"), mod.eps), {}
    if isinstance(mod, nn.ReLU):
        return F.relu, (x,), {}
    if isinstance(mod, nn.ReLU6):
        return F.relu6, (x,), {}
    if isinstance(mod, nn.Hardtanh):
        return F.hardtanh, (x, mod.min_val, mod.max_val), {}
    if isinstance(mod, nn.Hardswish):
        return F.hardswish, (x,), {}
    if isinstance(mod, nn.Hardsigmoid):
        return F.hardsigmoid, (x,), {}
    if isinstance(mod, nn.Sigmoid):
        return torch.sigmoid, (x,), {}
    if isinstance(mod, nn.Tanh):
        return torch.tanh, (x,), {}
    if isinstance(mod, nn.SiLU):
        return F.silu, (x,), {}
    if isinstance(mod, nn.GELU):
        return F.gelu, (x,), {"approximate": mod.approximate}
    if isinstance(mod, nn.Softmax):
        return F.softmax, (x, mod.dim), {}
    if isinstance(mod, nn.MaxPool2d) and not mod.return_indices:
        return F.max_pool2d, (x, mod.kernel_size, mod.stride, mod.padding, mod.dilation, mod.ceil_mode), {}
    if isinstance(mod, nn.AvgPool2d):
        return F.avg_pool2d, (x, mod.kernel_size, mod.stride, mod.padding, mod.ceil_mode,
                              mod.count_include_pad, mod.divisor_override), {}
    if isinstance(mod, nn.AdaptiveAvgPool2d):
        return F.adaptive_avg_pool2d, (x, mod.output_size), {}
    if isinstance(mod, nn.AdaptiveMaxPool2d) and not mod.return_indices:
        return F.adaptive_max_pool2d, (x, mod.output_size), {}
    if isinstance(mod, (nn.Dropout, nn.Dropout2d, nn.AlphaDropout)):
        return F.dropout, (x, mod.p, False), {}
    if isinstance(mod, nn.Flatten):
        return torch.flatten, (x, mod.start_dim, mod.end_dim), {}
    if isinstance(mod, nn.Identity):
        return None, (x,), {}
    return None


def functionalize(gm):
    """Rewrites call_module nodes of the modules above as functional calls on
    get_attr parameters, in place; node names, stack traces and metadata are
    kept. Other modules are left as they are (the exporter reports them)."""
    modules = dict(gm.named_modules())
    old = gm.graph
    new = torch.fx.Graph()
    env = {}
    # Names of all nodes are reserved first so that the get_attr nodes created
    # on the way never take a name an original node still has to get.
    for node in old.nodes:
        new._graph_namespace.create_name(node.name, None)
    for node in old.nodes:
        mod = modules.get(node.target) if node.op == "call_module" else None
        call = None
        if mod is not None and len(node.args) == 1 and not node.kwargs:
            def attr(name, _t=node.target):
                return new.get_attr(f"{_t}.{name}")
            x = env[node.args[0]] if isinstance(node.args[0], torch.fx.Node) else node.args[0]
            call = _module_call(mod, x, attr)
        if call is None:
            copied = new.node_copy(node, lambda n: env[n])
            copied.name = node.name
            env[node] = copied
            continue
        fn, args, kwargs = call
        if fn is None:           # nn.Identity
            env[node] = args[0]
            continue
        created = new.create_node("call_function", fn, args, kwargs)
        created.name = node.name
        created.meta = dict(node.meta)
        created.meta["qprep_module"] = node.target
        created.meta["qprep_module_type"] = type(mod).__name__
        created.stack_trace = node.stack_trace
        env[node] = created
    gm.graph = new
    gm.recompile()
    return gm


# Functions that only pass their input on (in eval mode).
IDENTITY_FUNCTIONS = {F.dropout, F.dropout2d, F.alpha_dropout}
IDENTITY_METHODS = {"contiguous", "clone", "detach"}
_ = operator  # re-exported for the exporter's tables
