// PyTorch's observer constructor checks, class by class, as qprep applies
// them to a spec (docs/QPrep.md, "PyTorch's observer rules"). Each case names
// the class and the version that raises; observer-rules-parity.test runs the
// torch 1.13 ones against torch itself.
// RUN: qprep-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

// HistogramObserver accepts reduce_range with symmetric quint8 (torch 1.13
// and torchao alike); only MinMax and PerChannelMinMax raise.
func.func private @f() attributes {
  t.a = #qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = histogram(reduce_range)>
}

// -----

// MovingAverageMinMaxObserver calls MinMaxObserver's constructor: it raises.
// expected-error @+1 {{cannot reduce range for symmetric quantization of ui8 with observer moving_average_minmax}}
func.func private @f() attributes {t.a = #qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = moving_average_minmax(reduce_range)>}

// -----

// expected-error @+1 {{cannot reduce range for symmetric quantization of ui8 with observer moving_average_per_channel_minmax}}
func.func private @f() attributes {t.a = #qprep.qspec<ui8, qscheme = per_channel_symmetric, ch_axis = 0, observer = moving_average_per_channel_minmax(reduce_range)>}

// -----

// Uniform observers take integer and float8 dtypes (torchao's
// _ALLOWED_DTYPES; torch 1.13 had no float8 and no int16/uint16).
// expected-error @+1 {{observer minmax does not support dtype 'f32' (PyTorch's uniform observers take integer and float8 dtypes; float ones need a placeholder)}}
func.func private @f() attributes {t.a = #qprep.qspec<f32>}

// -----

// expected-error @+1 {{observer moving_average_minmax does not support dtype 'f16'}}
func.func private @f() attributes {t.a = #qprep.qspec<f16, observer = moving_average_minmax>}

// -----

func.func private @f() attributes {
  t.a = #qprep.qspec<f32, observer = placeholder>,
  t.b = #qprep.qspec<f16, dynamic, observer = placeholder>,
  t.c = #qprep.qspec<i16, observer = minmax>,
  t.d = #qprep.qspec<ui16, qscheme = per_channel_affine, ch_axis = 0>,
  t.e = #qprep.qspec<f8E4M3FN, observer = minmax>,
  t.f = #qprep.qspec<i32, quant_min = -2147483648, quant_max = 2147483647>
}

// -----

// HistogramObserver: dst_nbins = 2 ** torch.iinfo(dtype).bits raises for
// float dtypes.
// expected-error @+1 {{observer histogram needs an integer dtype, not 'f8E5M2' (HistogramObserver quantizes into 2 ** iinfo(dtype).bits levels)}}
func.func private @f() attributes {t.a = #qprep.qspec<f8E5M2, observer = histogram>}

// -----

// torchao: HistogramObserver, PerChannelMinMaxObserver and
// MovingAveragePerChannelMinMaxObserver raise for is_dynamic.
// expected-error @+1 {{observer histogram does not support dynamic quantization}}
func.func private @f() attributes {t.a = #qprep.qspec<ui8, dynamic, observer = histogram>}

// -----

// expected-error @+1 {{observer moving_average_per_channel_minmax does not support dynamic quantization}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1, dynamic, observer = moving_average_per_channel_minmax(averaging_constant = 1.0)>}

// -----

// torchao: MinMaxObserver and PlaceholderObserver accept is_dynamic; a
// moving average accepts it with averaging_constant = 1.
func.func private @f() attributes {
  t.a = #qprep.qspec<ui8, dynamic>,
  t.b = #qprep.qspec<ui8, dynamic, observer = moving_average_minmax(averaging_constant = 1.0)>
}

// -----

// torchao: FixedQParamsObserver raises for is_dynamic.
// expected-error @+1 {{fixed qparams do not support dynamic quantization (FixedQParamsObserver raises)}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0, dynamic>}

// -----

// PlaceholderObserver takes no reduce_range (TypeError in PyTorch).
// expected-error @+1 {{reduce_range does not apply to placeholder observers (PlaceholderObserver takes no reduce_range)}}
func.func private @f() attributes {t.a = #qprep.qspec<ui8, observer = placeholder(reduce_range)>}

// -----

// FakeQuantize checks a custom range against torch.iinfo(dtype), which
// raises for float8.
// expected-error @+1 {{fake_quant with a custom range needs an integer dtype, not 'f8E4M3FN' (FakeQuantize checks the range against torch.iinfo(dtype))}}
func.func private @f() attributes {t.a = #qprep.qspec<f8E4M3FN, quant_min = -100, quant_max = 100, observer = minmax(fake_quant)>}

// -----

// A reversed range says so (PyTorch's validate_qmin_qmax checks 0 first and
// would call [0, -5] a range without 0).
// expected-error @+1 {{quant_min (0) must be less than quant_max (-5)}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, quant_min = 0, quant_max = -5>}

// -----

// Values PyTorch keeps as float32 must survive the conversion.
// expected-error @+1 {{is 0 in float32, where PyTorch computes with it; use a value in [1.4e-45, 3.4e38]}}
func.func private @f() attributes {t.a = #qprep.observer<minmax(eps = 1.0e-320)>}

// -----

// expected-error @+1 {{eps = 1e+300 is inf in float32}}
func.func private @f() attributes {t.a = #qprep.observer<histogram(eps = 1.0e300)>}

// -----

// A denormal eps survives (torch.tensor([1e-45]) is not 0).
func.func private @f() attributes {t.a = #qprep.observer<minmax(eps = 1.0e-45)>}

// -----

// expected-error @+1 {{scale = 1e-50 is 0 in float32}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0e-50, zero_point = 0>}

// -----

// expected-error @+1 {{scale = 1e+300 is inf in float32}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0e300, zero_point = 0>}

// -----

// expected-error @+1 {{averaging_constant = 1e-50 is 0 in float32}}
func.func private @f() attributes {t.a = #qprep.observer<moving_average_minmax(averaging_constant = 1.0e-50)>}

// -----

// bins: PyTorch has no bound (1e9 bins exhaust memory); qprep's is 2^20.
// expected-error @+1 {{bins = 1000000000 is above qprep's limit of 1048576 (the state and the qparams search grow with bins)}}
func.func private @f() attributes {t.a = #qprep.observer<histogram(bins = 1000000000)>}

// -----

func.func private @f() attributes {t.a = #qprep.observer<histogram(bins = 1048576)>}
