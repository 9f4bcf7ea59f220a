// The options of qprep-annotate: the configs PyTorch's config getters build
// (get_symmetric_quantization_config, get_default_x86_inductor_quantization_config)
// and the per-name / per-kind configs and exclusions of the quantizers.
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack weights=per-tensor activations=minmax" | FileCheck %s --check-prefix=PT
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack mode=dynamic" | FileCheck %s --check-prefix=DYN
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack qat=true" | FileCheck %s --check-prefix=QAT
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack qat=true" --qprep-prepare | FileCheck %s --check-prefix=QATPREP
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack qat=true mode=dynamic" | FileCheck %s --check-prefix=QATDYN
// RUN: qprep-opt %s --qprep-annotate="preset=x86 mode=dynamic" | FileCheck %s --check-prefix=X86DYN
// RUN: qprep-opt %s --qprep-annotate="preset=x86 reduce-range=true" | FileCheck %s --check-prefix=REDUCE
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack weights=per-tensor bias=derived" | FileCheck %s --check-prefix=DERIVED
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack override=name:fc=per-tensor+minmax" | FileCheck %s --check-prefix=NAME
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack override=name:block*=minmax" | FileCheck %s --check-prefix=GLOB
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack override=linear=dynamic" | FileCheck %s --check-prefix=KIND
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack exclude=name:block.conv1" | FileCheck %s --check-prefix=EXCL
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack exclude=name:block" | FileCheck %s --check-prefix=EXCL2
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack override=linear=none,name:block=per-tensor" | FileCheck %s --check-prefix=NONE
// RUN: qprep-opt %s --qprep-annotate="preset=x86 exclude=conv2d override=matmul=static" | FileCheck %s --check-prefix=X86KIND
// All of them are valid input for prepare:
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack override=name:fc=per-tensor+minmax,linear=dynamic exclude=name:block.conv1" --qprep-prepare -o /dev/null

// The model: block.conv1 (3x3, with bias) + block_relu (the fx node name
// of module block.relu), a matmul of two activations, and fc (linear with
// bias).

// weights=per-tensor: per_tensor_symmetric with MinMaxObserver (ch_axis 0 is
// kept, as in PyTorch's spec); activations=minmax: MinMaxObserver, eps 2^-12.
// PT-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = minmax(eps = 2.44140625E-4)>
// PT-DAG: #[[W:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric, ch_axis = 0, observer = minmax(eps = 2.44140625E-4)>
// PT: tosa.conv2d
// PT-SAME: qprep.inputs = [#[[ACT]], #[[W]], #qprep.none]
// PT: tosa.matmul %{{[0-9]+}}
// PT-SAME: qprep.inputs = [unit, #[[W]]]

// mode=dynamic (XNNPACK DYNAMIC_OPS = [linear], Q:283-285): only the linear,
// with a dynamic PlaceholderObserver input and no output.
// DYN-DAG: #[[DACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, dynamic, observer = placeholder(eps = 2.44140625E-4)>
// DYN: tosa.conv2d
// DYN-NOT: qprep.inputs
// DYN: tosa.reshape
// DYN-SAME: qprep.inputs = [#[[DACT]]]
// DYN: tosa.matmul %{{[0-9]+}}
// DYN-SAME: qprep.inputs = [unit, #{{qspec[0-9]*}}]
// DYN-NOT: qprep.outputs

// qat=true: FusedMovingAvgObsFakeQuantize around MovingAverage(PerChannel)
// MinMaxObserver (Q:124-166); prepare inserts fake_quantize ops.
// QAT-DAG: #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = moving_average_minmax(eps = 2.44140625E-4, fake_quant)>
// QAT-DAG: #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = moving_average_per_channel_minmax(eps = 2.44140625E-4, fake_quant)>
// QATPREP-COUNT-6: qprep.fake_quantize %
// QATPREP-NOT: qprep.observe %

// qat=true mode=dynamic: FakeQuantize(MovingAverageMinMaxObserver(averaging_constant=1)).
// QATDYN: #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, dynamic, observer = moving_average_minmax(eps = 2.44140625E-4, averaging_constant = 1.000000e+00, fake_quant)>

// x86 mode=dynamic: the same recipe with a dynamic uint8 input spec
// (X:280-343); conv and linear both annotate their inputs.
// X86DYN-DAG: #[[XD:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, dynamic, observer = placeholder(eps = 2.44140625E-4)>
// X86DYN: tosa.conv2d
// X86DYN-SAME: qprep.inputs = [#[[XD]],
// X86DYN: tosa.reshape
// X86DYN-SAME: qprep.inputs = [#[[XD]]]

// x86 reduce-range=true: activations [0, 127].
// REDUCE: #qprep.qspec<ui8, quant_min = 0, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>

// bias=derived: an int32 bias from the input and weight observers;
// per_tensor_symmetric with per-tensor weights.
// DERIVED: tosa.conv2d
// DERIVED-SAME: qprep.inputs = [#{{qspec[0-9]*}}, #{{qspec[0-9]*}}, #qprep.derived<i32, from = [edge 0, edge 1], quant_min = -2147483648, quant_max = 2147483647, qscheme = per_tensor_symmetric>]
// DERIVED: tosa.add
// DERIVED-SAME: qprep.inputs = [unit, #qprep.derived<i32, from = [edge 0 of "fc/reshape", edge 1 of "fc/matmul"], quant_min = -2147483648, quant_max = 2147483647, qscheme = per_tensor_symmetric>]

// override=name:fc=...: set_module_name("fc", config) - only fc changes.
// NAME-DAG: #[[HIST:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// NAME-DAG: #[[MM:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = minmax(eps = 2.44140625E-4)>
// NAME-DAG: #[[WT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric, ch_axis = 0, observer = minmax(eps = 2.44140625E-4)>
// NAME: tosa.conv2d
// NAME-SAME: qprep.inputs = [#[[HIST]],
// NAME: tosa.reshape
// NAME-SAME: qprep.inputs = [#[[MM]]]
// NAME: tosa.matmul %{{[0-9]+}}
// NAME-SAME: qprep.inputs = [unit, #[[WT]]]
// NAME: tosa.reshape
// NAME-SAME: qprep.outputs = [#[[MM]]]

// A glob: block* selects block.conv1 and block_relu (the relu carries the
// output of the fused conv-relu).
// GLOB-DAG: #[[MM:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = minmax(eps = 2.44140625E-4)>
// GLOB: tosa.conv2d
// GLOB-SAME: qprep.inputs = [#[[MM]],
// GLOB: tosa.clamp
// GLOB-SAME: qprep.outputs = [#[[MM]]]
// GLOB: tosa.reshape
// GLOB-SAME: qprep.inputs = [#{{qspec[0-9]*}}]

// override=linear=dynamic: a per-operator config (ExecuTorch's
// set_operator_type) with XNNPACK's dynamic patterns; conv stays static.
// KIND-DAG: #[[DACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, dynamic, observer = placeholder(eps = 2.44140625E-4)>
// KIND-DAG: #[[HIST:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// KIND: tosa.conv2d
// KIND-SAME: qprep.inputs = [#[[HIST]],
// KIND: tosa.reshape
// KIND-SAME: qprep.inputs = [#[[DACT]]]
// KIND-NOT: qprep.outputs
// KIND: return

// exclude=name:block.conv1: the conv is not annotated; the relu then has no
// pattern and nothing to share.
// EXCL: tosa.conv2d
// EXCL-NOT: qprep.
// EXCL-SAME: -> tensor<1x4x4x4xf32>
// EXCL-NEXT: tosa.clamp
// EXCL-NOT: qprep.
// EXCL-SAME: -> tensor<1x4x4x4xf32>
// EXCL: tosa.reshape
// EXCL-SAME: qprep.inputs =

// exclude=name:block selects block.conv1 and block_relu (fx node names spell
// module paths with '_'): neither is annotated; fc still is.
// EXCL2: tosa.conv2d
// EXCL2-NOT: qprep.
// EXCL2-SAME: -> tensor<1x4x4x4xf32>
// EXCL2-NEXT: tosa.clamp
// EXCL2-NOT: qprep.
// EXCL2-SAME: -> tensor<1x4x4x4xf32>
// EXCL2: tosa.reshape
// EXCL2-SAME: qprep.inputs =

// override=linear=none: no config for linear (not quantized), and the
// block's ops per-tensor.
// NONE: tosa.conv2d
// NONE-SAME: qprep.inputs = [#{{qspec[0-9]*}}, #{{qspec[0-9]*}}, #qprep.none]
// NONE: tosa.matmul %arg1
// NONE: tosa.reshape
// NONE-NOT: qprep.
// NONE: return

// x86: exclude=conv2d marks convs not quantized (X:365-372); a kind override
// for matmul (set_function_type_qconfig(torch.matmul, config)) annotates the
// matmul of two activations (X:1028-1052), which the global config skips.
// X86KIND: tosa.conv2d
// X86KIND-NOT: qprep.
// X86KIND-SAME: -> tensor<1x4x4x4xf32>
// X86KIND: tosa.matmul %arg1, %arg2
// X86KIND-SAME: qprep.inputs = [#[[XA:qspec[0-9]*]], #[[XA]]]
// X86KIND: tosa.reshape
// X86KIND-SAME: qprep.inputs = [#[[XA]]]
module {
  func.func @model(%x: tensor<1x4x4x3xf32>, %a: tensor<1x2x3xf32>, %b: tensor<1x3x2xf32>, %v: tensor<1x3xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x2x2xf32>, tensor<1x2xf32>) {
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32> loc("block.conv1.weight")
    %bias = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32> loc("block.conv1.bias")
    %c = tosa.conv2d %x, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("block.conv1")
    %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("block_relu")
    %mm = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32> loc("bmm")
    %s1 = tosa.const_shape {values = dense<[1, 1, 3]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc")
    %a2 = tosa.reshape %v, %s1 : (tensor<1x3xf32>, !tosa.shape<3>) -> tensor<1x1x3xf32> loc("fc")
    %wf = "tosa.const"() {values = dense<0.25> : tensor<1x3x2xf32>} : () -> tensor<1x3x2xf32> loc("fc.weight")
    %m = tosa.matmul %a2, %wf, %zp, %zp : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32> loc("fc")
    %bf = "tosa.const"() {values = dense<0.5> : tensor<1x1x2xf32>} : () -> tensor<1x1x2xf32> loc("fc.bias")
    %ab = tosa.add %m, %bf : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32> loc("fc")
    %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("fc")
    %y = tosa.reshape %ab, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32> loc("fc")
    return %r, %mm, %y : tensor<1x4x4x4xf32>, tensor<1x2x2xf32>, tensor<1x2xf32>
  }
}
