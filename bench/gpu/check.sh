#!/usr/bin/env bash
# The GPU check, one command of under 8 minutes on a GPU machine without network access, from a working tree that
# carries .gpu/ (made here by bench/gpu/pack.sh): install the Vulkan loader from the Debian package files, print the
# WebGPU adapter, run the webgpu correctness tests (MAML meta-gradient against float64 finite differences, first-
# order gradients) and the learner benchmark (wasm vs webgpu at several batch sizes). Output also goes to $OUT.
set -uo pipefail
cd "$(dirname "$0")/../.."
log="${OUT:-/tmp}/gpu-check.log"
exec > >(tee "$log") 2>&1
for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
ldconfig
mkdir -p .gpu/bin
[ -x .gpu/bin/node ] || { xz -dc .gpu/node.xz > .gpu/bin/node && chmod +x .gpu/bin/node; }
[ -d node_modules ] || tar -xJf .gpu/node_modules.tar.xz
export PATH="$PWD/.gpu/bin:$PATH"
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$nvidia_icd" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  export VK_DRIVER_FILES="$nvidia_icd"
fi
echo "== node $(node --version); GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'nvidia-smi absent')"
echo "== WebGPU adapter"
timeout 60 node --import tsx -e "const {probeWebgpu}=await import('./agents/webgpu-backend.ts'); console.log(JSON.stringify(await probeWebgpu()));"
echo "== webgpu correctness tests"
METARL_REQUIRE_WEBGPU=1 timeout 240 node --import tsx --test --test-reporter=spec test/webgpu.test.ts
tests=$?
echo "== learner benchmark: wasm vs webgpu"
timeout 240 node --import tsx bench/learner-backends.ts --backends wasm,webgpu --batches 256,1024,4096,16384,65536 --repeats 5
bench=$?
echo "== done: tests exit $tests, bench exit $bench"
exit $((tests || bench))
