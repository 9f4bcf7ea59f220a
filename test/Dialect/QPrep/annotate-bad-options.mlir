// Every invalid option of qprep-annotate is an error that says what is
// expected (the module's location; one RUN line per error).
// RUN: not qprep-opt %s --qprep-annotate 2>&1 | FileCheck %s --check-prefix=NOPRESET
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack weights=per-group" 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack activations=kl" 2>&1 | FileCheck %s --check-prefix=ACT
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack mode=weight-only" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack bias=int32" 2>&1 | FileCheck %s --check-prefix=BIAS
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack mode=dynamic activations=minmax" 2>&1 | FileCheck %s --check-prefix=ACTDYN
// RUN: not qprep-opt %s --qprep-annotate="preset=x86 qat=true activations=histogram" 2>&1 | FileCheck %s --check-prefix=ACTQAT
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack mode=dynamic bias=derived" 2>&1 | FileCheck %s --check-prefix=DERIVEDDYN
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack reduce-range=true" 2>&1 | FileCheck %s --check-prefix=REDUCE
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=conv=per-tensor" 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=max_pool2d=minmax" 2>&1 | FileCheck %s --check-prefix=NOPATTERN
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=conv2d=per-tensor+int4" 2>&1 | FileCheck %s --check-prefix=SETTING
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=conv2d=per-tensor+per-channel" 2>&1 | FileCheck %s --check-prefix=CONFLICT
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=conv2d=none+minmax" 2>&1 | FileCheck %s --check-prefix=NONEPLUS
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=linear=qat" 2>&1 | FileCheck %s --check-prefix=QATOVR
// RUN: not qprep-opt %s --qprep-annotate="preset=x86 override=linear=dynamic" 2>&1 | FileCheck %s --check-prefix=MIX
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack override=linear=dynamic+derived-bias" 2>&1 | FileCheck %s --check-prefix=OVRDYN
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack exclude=name:" 2>&1 | FileCheck %s --check-prefix=EMPTYNAME
// RUN: not qprep-opt %s --qprep-annotate="preset=xnnpack exclude=softmaxx" 2>&1 | FileCheck %s --check-prefix=EXCLKIND
// RUN: not qprep-opt %s --qprep-annotate="preset=x86 override==minmax" 2>&1 | FileCheck %s --check-prefix=MALFORMED

// NOPRESET: error: qprep-annotate: qprep-annotate needs a preset (preset=<name>); presets: xnnpack, x86
// WEIGHTS: error: qprep-annotate: weights must be per-channel or per-tensor, not 'per-group'
// ACT: error: qprep-annotate: activations must be histogram or minmax, not 'kl'
// MODE: error: qprep-annotate: mode must be static or dynamic, not 'weight-only'
// BIAS: error: qprep-annotate: bias must be none or derived, not 'int32'
// ACTDYN: error: qprep-annotate: activations=minmax applies to static post-training quantization; with mode=dynamic the preset's activation observer is used
// ACTQAT: error: qprep-annotate: activations=histogram applies to static post-training quantization; with qat the preset's activation observer is used
// DERIVEDDYN: error: qprep-annotate: options: bias=derived needs static activations (a dynamic activation has no scale at calibration time)
// REDUCE: error: qprep-annotate: reduce-range is an option of preset x86
// KIND: error: qprep-annotate: unknown op kind 'conv' in a selector; expected name:<pattern> or one of: conv2d, conv_transpose2d, linear,
// NOPATTERN: error: qprep-annotate: preset xnnpack has no per-operator config for 'max_pool2d'; a kind override may name: linear, conv2d, conv_transpose2d, adaptive_avg_pool2d, add, mul, cat
// SETTING: error: qprep-annotate: unknown setting 'int4' in override 'conv2d=per-tensor+int4'; expected none, per-channel, per-tensor, histogram, minmax, static, dynamic, derived-bias or float-bias
// CONFLICT: error: qprep-annotate: conflicting settings in override 'conv2d=per-tensor+per-channel': two values for weights
// NONEPLUS: error: qprep-annotate: override 'conv2d=none+minmax': 'none' (not quantized) cannot be combined with other settings
// QATOVR: error: qprep-annotate: override 'linear=qat': qat applies to the whole module (option qat), not per op
// MIX: error: qprep-annotate: override 'linear=dynamic': preset x86 cannot mix static and dynamic configs (X86InductorQuantizer skips such a config)
// OVRDYN: error: qprep-annotate: override 'linear=dynamic+derived-bias': bias=derived needs static activations
// EMPTYNAME: error: qprep-annotate: empty name pattern in selector 'name:'
// EXCLKIND: error: qprep-annotate: unknown op kind 'softmaxx' in a selector
// MALFORMED: error: qprep-annotate: malformed override '=minmax'
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
