"""PyTorch's own PT2E grouping code, run on torch.fx graphs, as a reference for qprep.

The functions that form sharing groups (`_get_edge_or_node_to_qspec`,
`_get_edge_or_node_to_group_id`, `_get_obs_or_fq_map` and their helpers) are
executed from PyTorch's prepare.py as shipped in ../shared/seeds (early-2024
revision), not copied. Two changes of the newest revision (torchao) are applied
on top, each a few lines and documented in ../shared/seeds/README.md and
pytorch/ao#3011:
  * implicit sharing compares dtype, is_dynamic, quant_min, quant_max, qscheme,
    ch_axis, scale and zero_point (`_has_same_attr`), not only dtype and
    is_dynamic;
  * `_union` reverses the edge when the parent's root holds a shared spec that
    names the child's root.

Debian's torch 1.13 has no pt2e quantizer module, so the spec dataclasses are
declared here with torchao's fields (the grouping code only reads fields).
"""

import dataclasses
import os
import sys
import typing
from typing import Any, Callable, Optional

import torch
import torch.fx

SEED = os.environ.get(
    "QPREP_PT2E_SEED",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "seeds",
                 "pt2e_prepare_2024.py"))


@dataclasses.dataclass(eq=True, frozen=True)
class QuantizationSpec:
    dtype: torch.dtype
    observer_or_fake_quant_ctr: Any
    quant_min: Optional[int] = None
    quant_max: Optional[int] = None
    qscheme: Optional[torch.qscheme] = None
    ch_axis: Optional[int] = None
    is_dynamic: bool = False


@dataclasses.dataclass(eq=True, frozen=True)
class FixedQParamsQuantizationSpec:
    dtype: torch.dtype
    scale: float
    zero_point: int
    quant_min: Optional[int] = None
    quant_max: Optional[int] = None
    qscheme: Optional[torch.qscheme] = None
    is_dynamic: bool = False


@dataclasses.dataclass(eq=True, frozen=True)
class SharedQuantizationSpec:
    edge_or_node: Any


@dataclasses.dataclass(eq=True, frozen=True)
class DerivedQuantizationSpec:
    derived_from: Any
    derive_qparams_fn: Callable
    dtype: torch.dtype
    quant_min: Optional[int] = None
    quant_max: Optional[int] = None
    qscheme: Optional[torch.qscheme] = None
    ch_axis: Optional[int] = None
    is_dynamic: bool = False


@dataclasses.dataclass
class QuantizationAnnotation:
    input_qspec_map: dict = dataclasses.field(default_factory=dict)
    output_qspec: Any = None
    allow_implicit_sharing: bool = True


class Observer(torch.nn.Module):
    """Stands for an observer instance: one object per group."""

    def __init__(self, spec, sources=None):
        super().__init__()
        self.spec = spec
        self.sources = sources


class FakeTensor:
    """Stands for torch._subclasses.FakeTensor in node.meta["val"]."""


def _create_obs_or_fq_from_qspec(spec, obs_or_fq_map, is_qat):
    # The control flow of torch.ao.quantization.fx.prepare's function of the
    # same name, with observers replaced by tokens.
    if spec is None:
        return None
    if isinstance(spec, SharedQuantizationSpec):
        assert spec.edge_or_node in obs_or_fq_map, "shared spec refers forward"
        return obs_or_fq_map[spec.edge_or_node]
    if isinstance(spec, DerivedQuantizationSpec):
        return Observer(spec, [obs_or_fq_map[k] for k in spec.derived_from])
    return Observer(spec)


def _is_activation_post_process_node(node, named_modules):
    # torch.ao.quantization.fx.prepare's, with our observer class.
    return (isinstance(node, torch.fx.Node) and node.op == "call_module"
            and isinstance(named_modules[str(node.target)], Observer))


def _insert_obs_or_fq(node, obs_or_fq, model, named_modules, graph):
    # torch.ao.quantization.fx.prepare's, less the device and equalization
    # handling: a new activation_post_process_N module, called by a node
    # inserted right after `node`. PyTorch reaches this with None for an
    # output whose group has no observer, and fails in `obs_or_fq.to(device)`.
    if obs_or_fq is None:
        raise AttributeError("'NoneType' object has no attribute 'to'")
    i = 0
    while hasattr(model, f"activation_post_process_{i}"):
        i += 1
    name = f"activation_post_process_{i}"
    setattr(model, name, obs_or_fq)
    named_modules[name] = obs_or_fq
    with graph.inserting_after(node):
        return graph.create_node("call_module", name, (node,), {})


def load_seed():
    with open(SEED) as f:
        source = f.read()
    # Drop the import block: its modules do not exist in torch 1.13. Every name
    # it imported is provided below.
    body = source[source.index("# TODO: make pt2e folder private?"):]
    ns = dict(
        torch=torch, Node=torch.fx.Node, Graph=torch.fx.Graph,
        GraphModule=torch.fx.GraphModule, Argument=Any, Any=Any,
        Dict=typing.Dict, Optional=Optional, Tuple=typing.Tuple,
        Union=typing.Union, EdgeOrNode=Any, QuantizationSpecBase=Any,
        ObserverOrFakeQuantize=Any, QConfigAny=Any, QConfigMapping=Any,
        FakeTensor=FakeTensor, PrepareCustomConfig=Any, CUSTOM_KEY="custom",
        NUMERIC_DEBUG_HANDLE_KEY="numeric_debug_handle",
        SharedQuantizationSpec=SharedQuantizationSpec,
        _create_obs_or_fq_from_qspec=_create_obs_or_fq_from_qspec,
        _insert_obs_or_fq=_insert_obs_or_fq,
        _is_activation_post_process_node=_is_activation_post_process_node,
    )
    exec(compile(body, SEED, "exec"), ns)

    # Newest revision, change 1: `_has_same_attr` over eight attributes. The
    # 2024 code calls `_has_same_dtype(a, b) and _has_same_is_dynamic(a, b)`.
    def _has_same_attr(a, b, name):
        return ((hasattr(a, name) and hasattr(b, name)
                 and getattr(a, name) == getattr(b, name))
                or (not hasattr(a, name) and not hasattr(b, name)))

    attrs = ["dtype", "is_dynamic", "quant_min", "quant_max", "qscheme",
             "ch_axis", "scale", "zero_point"]
    ns["_has_same_dtype"] = lambda a, b: all(_has_same_attr(a, b, n) for n in attrs)
    ns["_has_same_is_dynamic"] = lambda a, b: True

    # Newest revision, change 2 (pytorch/ao#3011): `_union` avoids the cycle.
    find = ns["_find_root_edge_or_node"]

    def _union(parent, child, shared_with_map):
        root_parent = find(parent, shared_with_map)
        root_child = find(child, shared_with_map)
        parent_qspec = ns["_current_qspec_map"][root_parent]
        if (isinstance(parent_qspec, SharedQuantizationSpec)
                and parent_qspec.edge_or_node == root_child):
            shared_with_map[root_parent] = root_child
        else:
            shared_with_map[root_child] = root_parent

    ns["_union"] = _union
    return ns


class Result:
    """What PyTorch computed for one graph."""

    def __init__(self):
        self.keys = []          # in key order
        self.group_of = {}      # key -> group id
        self.observer_of = {}   # key -> Observer or None
        self.failure = None     # PyTorch's exception, if any
        self.failed_stage = None


def run(model_graph, ns=None):
    """Runs PyTorch's grouping on a torch.fx.Graph with annotations in meta."""
    ns = ns or load_seed()
    model = type("M", (), {"graph": model_graph})()
    res = Result()
    qspecs = ns["_get_edge_or_node_to_qspec"](model)
    res.keys = list(qspecs.keys())
    ns["_current_qspec_map"] = qspecs
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        res.group_of = ns["_get_edge_or_node_to_group_id"](qspecs)
    except RecursionError as e:
        res.failure, res.failed_stage = e, "groups"
        return res
    finally:
        sys.setrecursionlimit(old_limit)
    try:
        res.observer_of = ns["_get_obs_or_fq_map"](res.group_of, qspecs, False)
    except (AssertionError, KeyError) as e:
        res.failure, res.failed_stage = e, "observers"
    return res


def run_insertion(model_graph, res, ns, is_qat=False):
    """PyTorch's observer insertion (the loop of `prepare`) on a graph whose
    grouping `run` computed without failure. Returns the GraphModule."""
    model = torch.fx.GraphModule(torch.nn.Module(), model_graph)
    for node in model.graph.nodes:
        node.meta["val"] = FakeTensor()
    nodes_before_observation = list(model.graph.nodes)
    try:
        for node in nodes_before_observation:
            ns["_maybe_insert_input_and_output_observers_for_node"](
                node, model, res.observer_of, is_qat)
    except AttributeError:
        return None  # PyTorch fails on this graph.
    return model
