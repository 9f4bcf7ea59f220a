# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QPREP"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qprep_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
# torch 1.13 picks its AVX2 kernels by default; pin them, since the histogram
# reference's torch.linspace rounding (emulated by qprep_linspace_at) is the
# AVX2 kernel's (docs/Calibration.md).
config.environment["ATEN_CPU_CAPABILITY"] = "avx2"
config.substitutions.append(("%qprep_src_root", config.qprep_src_root))
config.substitutions.append(("%qprep_obj_root", config.qprep_obj_root))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%qprep_tools_dir", config.qprep_tools_dir))
config.substitutions.append(("%qprep_runtime_lib",
                             os.path.join(config.qprep_obj_root, "lib", "libQPrepRuntime.so")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.qprep_tools_dir, config.llvm_tools_dir]
tools = ["qprep-opt", "qprep-run", "mlir-opt", "mlir-runner", "not"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Features for tests that compare with PyTorch.
import subprocess

if subprocess.call([config.python_executable, "-c", "import torch"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("torch")
seed = os.path.join(config.qprep_src_root, "..", "shared", "seeds",
                    "pt2e_prepare_2024.py")
if os.path.exists(seed):
    config.available_features.add("pt2e-seed")
if subprocess.call([config.python_executable, "-c", "import torchvision"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("torchvision")
