"""Prints a module with a chain of N derived observers (each derives from the
previous one and from @a), observed through one min/max observer."""
import sys

n = int(sys.argv[1])
print("qprep.observer @a = #qprep.qspec<i8>")
print("qprep.observer @d0 = #qprep.derived<i32, from = [@a]>")
for i in range(1, n):
    print(f"qprep.observer @d{i} = #qprep.derived<i32, from = [@d{i - 1}, @a]>")
print("func.func @forward(%x: memref<16xf32>) {")
print("  %0 = qprep.observe %x, @a : memref<16xf32>")
print("  return")
print("}")
