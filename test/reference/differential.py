#!/usr/bin/env python3
"""Differential test of qprep's sharing resolution against PyTorch's own code.

Generates random annotated graphs, builds each twice -- as a torch.fx graph with
PT2E annotations, and as MLIR with qprep annotations -- runs PyTorch's grouping
(pt2e_reference.py) and `qprep-opt --qprep-collect-qspecs
--qprep-resolve-sharing`, and checks, for every annotated edge and node:
  * the same partition into sharing groups;
  * the same groups without an observer (PyTorch's None spec);
  * each observer built from the same spec (derived ones from the same groups).
Where PyTorch fails only because of visiting order (AssertionError/KeyError
building observers), the expected observer comes from the group's first member
whose spec is not shared; the groups themselves are still PyTorch's. Graphs
whose grouping recurses forever in PyTorch have no reference: qprep must still
succeed on them. Graphs that are invalid (a group of shared specs only, a
derived spec depending on its own group or on an unobserved group) must be
rejected with a diagnostic.

Usage: differential.py QPREP_OPT [--graphs N] [--seed S]
Prints a summary and exits non-zero on any mismatch.
"""

import argparse
import random
import re
import subprocess
import sys

import torch
import torch.fx

import pt2e_reference as ref

DTYPES = {torch.int8: "i8", torch.uint8: "ui8"}
QSCHEMES = {torch.per_tensor_affine: "per_tensor_affine",
            torch.per_tensor_symmetric: "per_tensor_symmetric"}


def concrete_pool():
    Q = ref.QuantizationSpec
    return [
        Q(torch.int8, "minmax"),
        Q(torch.int8, "minmax"),
        Q(torch.int8, "minmax", -128, 127),
        Q(torch.int8, "minmax", qscheme=torch.per_tensor_affine),
        Q(torch.uint8, "minmax"),
        Q(torch.int8, "minmax", is_dynamic=True),
        Q(torch.int8, "minmax", ch_axis=0),
        ref.FixedQParamsQuantizationSpec(torch.uint8, 1.0 / 256, 0),
    ]


class Graph:
    """A random DAG: arguments, then ops of one result each."""

    def __init__(self, rng, index):
        self.index = index
        self.args = [f"a{i}" for i in range(rng.randint(1, 3))]
        self.nodes = []  # (name, [operand names])
        values = list(self.args)
        for i in range(rng.randint(1, 12)):
            ops = [rng.choice(values) for _ in range(rng.randint(1, 3))]
            self.nodes.append((f"n{i}", ops))
            values.append(f"n{i}")
        self.users = {v: [] for v in values}
        for name, ops in self.nodes:
            for v in dict.fromkeys(ops):
                self.users[v].append(name)
        self.operands = dict(self.nodes)
        # Keys, in PyTorch's order: ('node', v) or ('edge', v, n).
        self.keys = []
        for a in self.args:
            if rng.random() < 0.5:
                self.keys.append(("node", a))
        self.allow = {}
        for name, ops in self.nodes:
            if rng.random() < 0.15:
                continue
            self.allow[name] = rng.random() < 0.8
            for v in dict.fromkeys(ops):
                if rng.random() < 0.8:
                    self.keys.append(("edge", v, name))
            if rng.random() < 0.7:
                self.keys.append(("node", name))
        self.annotated_nodes = set(self.allow)
        # Specs: concrete from a small pool (so that equal specs meet), then
        # some keys become shared, none or derived.
        pool = concrete_pool()
        self.spec = {}
        referable = [k for k in self.keys
                     if k[0] == "edge" or k[1] in self.operands or self.users[k[1]]]
        for k in self.keys:
            r = rng.random()
            if r < 0.25 and referable:
                self.spec[k] = ("shared", rng.choice(referable))
            elif r < 0.30 and k[0] == "edge":
                self.spec[k] = ("none",)
            elif r < 0.36 and referable:
                srcs = [rng.choice(referable) for _ in range(rng.randint(1, 2))]
                self.spec[k] = ("derived", srcs)
            else:
                self.spec[k] = ("concrete", rng.choice(pool))

    # --- torch.fx ---------------------------------------------------------
    def to_fx(self):
        g = torch.fx.Graph()
        fx = {a: g.placeholder(a) for a in self.args}
        for name, ops in self.nodes:
            fx[name] = g.call_function(torch.add, tuple(fx[v] for v in ops))
            fx[name].name = name

        def key(k):
            return fx[k[1]] if k[0] == "node" else (fx[k[1]], fx[k[2]])

        def spec(k):
            s = self.spec[k]
            if s[0] == "concrete":
                return s[1]
            if s[0] == "none":
                return None
            if s[0] == "shared":
                return ref.SharedQuantizationSpec(key(s[1]))
            return ref.DerivedQuantizationSpec(
                [key(x) for x in s[1]], None, torch.int32,
                qscheme=torch.per_tensor_symmetric)

        ann = {}
        for k in self.keys:
            holder = k[1] if k[0] == "node" else k[2]
            a = ann.setdefault(holder, ref.QuantizationAnnotation(
                allow_implicit_sharing=self.allow.get(holder, True)))
            if k[0] == "edge":
                a.input_qspec_map[fx[k[1]]] = spec(k)
            else:
                a.output_qspec = spec(k)
        for holder, a in ann.items():
            fx[holder].meta["quantization_annotation"] = a
        return g, {k: key(k) for k in self.keys}

    # --- MLIR -------------------------------------------------------------
    def ref_text(self, k):
        if k[0] == "edge":
            return f'edge {self.operands[k[2]].index(k[1])} of "{k[2]}"'
        if k[1] in self.operands:
            return f'result 0 of "{k[1]}"'
        user = self.users[k[1]][0]
        return f'operand {self.operands[user].index(k[1])} of "{user}"'

    def spec_text(self, k):
        s = self.spec[k]
        if s[0] == "concrete":
            return concrete_text(s[1])
        if s[0] == "none":
            return "#qprep.none"
        if s[0] == "shared":
            return f"#qprep.shared<{self.ref_text(s[1])}>"
        srcs = ", ".join(self.ref_text(x) for x in s[1])
        return f"#qprep.derived<i32, from = [{srcs}], qscheme = per_tensor_symmetric>"

    def to_mlir(self):
        t = "tensor<4xf32>"
        args = []
        for a in self.args:
            k = ("node", a)
            attr = f" {{qprep.output = {self.spec_text(k)}}}" if k in self.spec else ""
            args.append(f"%{a}: {t}{attr}")
        lines = [f"func.func @g{self.index}({', '.join(args)}) {{"]
        for name, ops in self.nodes:
            attrs = [f'qprep.id = "{name}"']
            if name in self.annotated_nodes:
                entries = []
                for v in ops:
                    k = ("edge", v, name)
                    entries.append(self.spec_text(k) if k in self.spec else "unit")
                attrs.append(f"qprep.inputs = [{', '.join(entries)}]")
                k = ("node", name)
                if k in self.spec:
                    attrs.append(f"qprep.outputs = [{self.spec_text(k)}]")
                if not self.allow[name]:
                    attrs.append("qprep.allow_implicit_sharing = false")
            operands = ", ".join(f"%{v}" for v in ops)
            types = ", ".join([t] * len(ops))
            lines.append(f'  %{name} = "t.op"({operands}) {{{", ".join(attrs)}}} : ({types}) -> {t}')
        lines.append("  return\n}")
        return "\n".join(lines)


def concrete_text(s):
    if isinstance(s, ref.FixedQParamsQuantizationSpec):
        return (f"#qprep.fixed_qspec<{DTYPES[s.dtype]}, scale = {s.scale!r}, "
                f"zero_point = {s.zero_point}>")
    parts = [DTYPES[s.dtype]]
    if s.quant_min is not None:
        parts += [f"quant_min = {s.quant_min}", f"quant_max = {s.quant_max}"]
    if s.qscheme is not None:
        parts.append(f"qscheme = {QSCHEMES[s.qscheme]}")
    if s.ch_axis is not None:
        parts.append(f"ch_axis = {s.ch_axis}")
    if s.is_dynamic:
        parts.append("dynamic")
    return f"#qprep.qspec<{', '.join(parts)}>"


def canonical(text, opt):
    """The spec as qprep prints it (floats and defaults normalized)."""
    out = subprocess.run([opt, "--mlir-print-local-scope"], check=True,
                         input=f"func.func private @x() attributes {{t.a = {text}}}",
                         capture_output=True, text=True).stdout
    return re.search(r"t\.a = (.*)\}", out).group(1)


def expected(graph, res):
    """PyTorch's groups; the key that builds each group's observer."""
    groups = {}
    for k in graph.keys:
        groups.setdefault(res.group_of[res_key(graph, k, res)], []).append(k)
    spec_key = {}
    for gid, members in groups.items():
        first = next((m for m in members if graph.spec[m][0] != "shared"), None)
        spec_key[gid] = first
    return groups, spec_key


def res_key(graph, k, res):
    return graph._fx_keys[k]


def parse_qprep(out):
    """Observer specs by symbol, and per function the entry of every key."""
    observers = dict(re.findall(r"qprep\.observer @(\w+) = (.*)", out))
    funcs = {}
    for m in re.finditer(r"func\.func @g(\d+)\((.*?)\) \{\n(.*?)\n  \}", out, re.S):
        entries = {}
        names = {}  # printed SSA name -> generator name
        for a in re.finditer(r"%arg(\d+): tensor<4xf32>( \{qprep\.output = ([^}]*)\})?",
                             m.group(2)):
            names[f"arg{a.group(1)}"] = f"a{a.group(1)}"
            if a.group(3):
                entries[("node", f"a{a.group(1)}")] = a.group(3)
        for line in m.group(3).splitlines():
            op = re.search(r'^\s*%(\w+) = "t\.op"\((.*?)\).*qprep\.id = "(n\d+)"', line)
            if not op:
                continue
            name = op.group(3)
            names[op.group(1)] = name
            operands = [names[v.strip()[1:]] for v in op.group(2).split(",")]
            ins = re.search(r"qprep\.inputs = \[(.*?)\]", line)
            outs = re.search(r"qprep\.outputs = \[(.*?)\]", line)
            if ins:
                for v, e in zip(operands, ins.group(1).split(", ")):
                    entries.setdefault(("edge", v, name), e)
            if outs:
                entries[("node", name)] = outs.group(1)
        funcs[int(m.group(1))] = entries
    return observers, funcs


def check_graph(graph, res, observers, entries, opt, canon_cache):
    groups, spec_key = expected(graph, res)
    sym_of_group = {}
    for gid, members in groups.items():
        syms = {entries.get(k) for k in members}
        if len(syms) != 1:
            return f"group {members} split into {syms}"
        sym = syms.pop()
        sk = spec_key[gid]
        if graph.spec[sk][0] == "none":
            if sym != "#qprep.none":
                return f"group {members} should have no observer, got {sym}"
            continue
        if not sym or not sym.startswith("@"):
            return f"group {members} has no observer: {sym}"
        if sym in sym_of_group.values():
            return f"two PyTorch groups share observer {sym}"
        sym_of_group[gid] = sym
    for gid, sym in sym_of_group.items():
        sk = spec_key[gid]
        s = graph.spec[sk]
        got = observers[sym[1:]]
        if s[0] == "concrete":
            want = concrete_text(s[1])
            if want not in canon_cache:
                canon_cache[want] = canonical(want, opt)
            if got != canon_cache[want]:
                return f"observer {sym}: {got} != {canon_cache[want]}"
        else:
            srcs = []
            for x in s[1]:
                src_gid = res.group_of[graph._fx_keys[x]]
                srcs.append(sym_of_group[src_gid])
            want = f"#qprep.derived<i32, from = [{', '.join(srcs)}], qscheme = per_tensor_symmetric>"
            if got != want:
                return f"observer {sym}: {got} != {want}"
    return None


def invalid_reason(graph, res):
    """Why qprep must reject the graph, or None. Needs PyTorch's groups."""
    groups, spec_key = expected(graph, res)
    if any(sk is None for sk in spec_key.values()):
        return "a group of shared specs only"
    deps = {}
    for gid, sk in spec_key.items():
        if graph.spec[sk][0] == "derived":
            deps[gid] = []
            for x in graph.spec[sk][1]:
                src = res.group_of[graph._fx_keys[x]]
                if graph.spec[spec_key[src]][0] == "none":
                    return "derived from an unobserved group"
                deps[gid].append(src)
    state = {}

    def cyclic(g):
        if state.get(g) == 1:
            return True
        if state.get(g) == 2:
            return False
        state[g] = 1
        if any(cyclic(d) for d in deps.get(g, [])):
            return True
        state[g] = 2
        return False

    if any(cyclic(g) for g in deps):
        return "derived from its own group"
    return None


def run_qprep(opt, mlir, passes=("--qprep-collect-qspecs", "--qprep-resolve-sharing")):
    return subprocess.run(
        [opt, "-allow-unregistered-dialect", "--mlir-print-local-scope", *passes],
        input=mlir, capture_output=True, text=True)


def fx_sequence(model, obs_name):
    """The graph after insertion as a list of (name, kind, operand names);
    observer calls are named o0, o1, ... in order and carry their group."""
    names, seq = {}, []
    for n in model.graph.nodes:
        if n.op == "placeholder":
            names[n] = n.name
            continue
        if n.op == "call_module":
            names[n] = f"o{len([x for x in seq if x[1].startswith('obs')])}"
            obs = getattr(model, n.target)
            seq.append((names[n], "obs " + obs_name(obs), [names[a] for a in n.args]))
            continue
        names[n] = n.name
        seq.append((n.name, "op", [names[a] for a in n.args]))
    return seq


def mlir_sequences(out):
    """Per function, the same list read from qprep-opt's output."""
    funcs = {}
    for m in re.finditer(r"func\.func @g(\d+)\((.*?)\) \{\n(.*?)\n  \}", out, re.S):
        names = {f"arg{i}": f"a{i}" for i in range(16)}
        seq = []
        for line in m.group(3).splitlines():
            obs = re.match(r"\s*%(\w+) = qprep\.observe %(\w+), @(\w+)", line)
            if obs:
                names[obs.group(1)] = f"o{len([x for x in seq if x[1].startswith('obs')])}"
                seq.append((names[obs.group(1)], "obs @" + obs.group(3), [names[obs.group(2)]]))
                continue
            op = re.match(r'\s*%(\w+) = "t\.op"\((.*?)\).*qprep\.id = "(n\d+)"', line)
            if op:
                names[op.group(1)] = op.group(3)
                seq.append((op.group(3), "op", [names[v.strip()[1:]] for v in op.group(2).split(",")]))
        funcs[int(m.group(1))] = seq
    return funcs


def check_insertion(opt, cases, ns):
    """qprep-prepare against PyTorch's insertion loop, node for node."""
    mismatches = 0
    mlir = "\n".join(g.to_mlir() for g, _ in cases)
    proc = run_qprep(opt, mlir, ("--qprep-prepare",))
    if proc.returncode != 0:
        print(proc.stderr[:4000])
        return len(cases)
    # The symbol qprep gave each group, from the same batch of functions.
    _, resolved = parse_qprep(run_qprep(opt, mlir).stdout)
    got = mlir_sequences(proc.stdout)
    for g, res in cases:
        fx_graph, keys = g.to_fx()
        g._fx_keys = keys
        res = ref.run(fx_graph, ns)
        # Name PyTorch's observer instances by qprep's symbol for the group
        # (the sharing check already established that groups agree).
        sym_of_obs = {}
        for k in g.keys:
            obs = res.observer_of.get(keys[k])
            if obs is not None:
                sym_of_obs[id(obs)] = resolved[g.index][k]
        model = ref.run_insertion(fx_graph, res, ns)
        if model is None:
            # PyTorch crashes inserting an output observer for an unobserved
            # group; qprep leaves it unobserved.
            if any(x[1] == "obs ?" for x in got[g.index]):
                mismatches += 1
                print(f"unobserved group observed in graph {g.index}")
            continue
        want = fx_sequence(model, lambda o: sym_of_obs.get(id(o), "?"))
        if want != got[g.index]:
            mismatches += 1
            print(f"INSERTION MISMATCH in graph {g.index}:\n{g.to_mlir()}\n"
                  f"pytorch: {want}\nqprep:   {got[g.index]}\n")
    return mismatches


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qprep_opt")
    p.add_argument("--graphs", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--insertion", action="store_true",
                   help="also compare qprep-prepare's observer placement with "
                        "PyTorch's insertion, node for node")
    args = p.parse_args()
    rng = random.Random(args.seed)
    ns = ref.load_seed()
    stats = dict(compared=0, pytorch_order_failures=0, no_reference=0,
                 rejected=0, mismatches=0)
    valid, invalid, unknown = [], [], []
    for i in range(args.graphs):
        g = Graph(rng, i)
        fx_graph, g._fx_keys = g.to_fx()
        res = ref.run(fx_graph, ns)
        if res.failed_stage == "groups":
            stats["no_reference"] += 1
            unknown.append(g)
            continue
        reason = invalid_reason(g, res)
        if reason:
            invalid.append((g, reason))
            continue
        if res.failure is not None:
            stats["pytorch_order_failures"] += 1
        valid.append((g, res))

    mlir = "\n".join(g.to_mlir() for g, _ in valid)
    proc = run_qprep(args.qprep_opt, mlir)
    if proc.returncode != 0:
        print(proc.stderr[:4000])
        print("qprep failed on valid graphs")
        return 1
    observers, funcs = parse_qprep(proc.stdout)
    canon_cache = {}
    for g, res in valid:
        err = check_graph(g, res, observers, funcs[g.index], args.qprep_opt, canon_cache)
        stats["compared"] += 1
        if err:
            stats["mismatches"] += 1
            print(f"MISMATCH in graph {g.index}: {err}\n{g.to_mlir()}\n")
    for g, reason in invalid:
        proc = run_qprep(args.qprep_opt, g.to_mlir())
        stats["rejected"] += 1
        if proc.returncode == 0 or "error:" not in proc.stderr or "Stack dump" in proc.stderr:
            stats["mismatches"] += 1
            print(f"NOT REJECTED graph {g.index} ({reason}):\n{g.to_mlir()}\n{proc.stderr}")
    # PyTorch recursed forever: no reference groups. qprep must terminate and
    # either resolve the graph or reject it with one of its diagnostics for
    # invalid sharing.
    for g in unknown:
        proc = run_qprep(args.qprep_opt, g.to_mlir())
        known = ("sharing group has no concrete spec", "derives from itself",
                 "whose sharing group has no observer")
        if proc.returncode != 0 and (not any(k in proc.stderr for k in known)
                                     or "Stack dump" in proc.stderr):
            stats["mismatches"] += 1
            print(f"FAILED without reference, graph {g.index}:\n{g.to_mlir()}\n{proc.stderr}")
    if args.insertion:
        # Only graphs PyTorch prepares without failure have a reference.
        cases = [(g, res) for g, res in valid if res.failure is None]
        stats["insertion_compared"] = len(cases)
        stats["mismatches"] += check_insertion(args.qprep_opt, cases, ns)
    print(" ".join(f"{k}={v}" for k, v in stats.items()))
    return 1 if stats["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
