"""Local model speed by binding and thread count, on an idle and on a shared machine (prints;
asserts nothing).

    .venv/bin/python bench/threads.py [--model NAME] [--bindings B,B] [--threads 1,2]
                                      [--tokens N] [--repeat K]

For each binding (xllamacpp, llama-cpp-python where installed) and thread count it loads the
model in a child process and measures, through the provider Docent uses
(:func:`docent.llm.get_model`):

* ``prompt tok/s``: a ~600-token judge-like prompt evaluated afresh (answers only, as
  ``token_scores`` does), a new prompt each repetition so that no cache helps;
* ``gen tok/s``: ``N`` tokens generated greedily after a short prompt;

first with nothing else running, then while one competing process keeps one core busy (a
pure-Python loop: another worker, a browser, a compiler). Medians of ``K`` repetitions; the
core count is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
from docent.config import Settings
from docent.llm import Message, get_model
model_name, binding, threads, tokens, repeat = sys.argv[1:6]
model = get_model(Settings(llm_model=model_name, llm_binding=binding, llm_threads=int(threads),
                           llm_ctx=4096))
rule = " ".join(f"Rule {i}: a claim is supported only if the evidence states every detail of "
                "it, including its numbers, names and the relations between them." for i in
                range(1, 23))
def ask(r):
    return [Message("system", f"Session {r * 7919 + int(threads)}. {rule}"),
            Message("user", "Evidence: ALCE contains three datasets.\nClaim: ALCE has three "
                    "datasets.\nIs the claim supported? Answer Yes or No.")]
n = model.complete(ask(-1), max_tokens=1).prompt_tokens  # loads the model; the prompt's size
prompt, gen = [], []
for r in range(int(repeat)):
    start = time.perf_counter()
    model.token_scores(ask(r), answers=[["Yes"], ["No"]])
    prompt.append((time.perf_counter() - start, n))
    start = time.perf_counter()
    out = model.complete([Message("user", f"Count from {r} upwards, one number a line.")],
                         max_tokens=int(tokens), temperature=0.0)
    gen.append((time.perf_counter() - start, out.completion_tokens))
print(json.dumps({"prompt": prompt, "gen": gen}))
"""


def _busy() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def measure(model: str, binding: str, threads: int, tokens: int, repeat: int, busy: bool
            ) -> tuple[float, float]:
    hog = _busy() if busy else None
    try:
        out = subprocess.run([sys.executable, "-c", _CHILD, model, binding, str(threads),
                              str(tokens), str(repeat)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
    data = json.loads(out.stdout.strip().splitlines()[-1])
    prompt = statistics.median(n / s for s, n in data["prompt"])
    gen = statistics.median(n / s for s, n in data["gen"])
    return prompt, gen


def main() -> None:
    import importlib.util

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    installed = ["xllamacpp"] + (["llama-cpp-python"] if importlib.util.find_spec("llama_cpp")
                                 else [])
    ap.add_argument("--bindings", default=",".join(installed))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}; model {args.model}; medians of {args.repeat}")
    print(f"{'binding':<18} {'threads':>7} {'machine':<8} {'prompt tok/s':>12} "
          f"{'gen tok/s':>10}")
    for binding in args.bindings.split(","):
        for threads in (int(t) for t in args.threads.split(",")):
            for busy in (False, True):
                start = time.perf_counter()
                prompt, gen = measure(args.model, binding, threads, args.tokens, args.repeat,
                                      busy)
                print(f"{binding:<18} {threads:>7} {'shared' if busy else 'idle':<8} "
                      f"{prompt:>12.1f} {gen:>10.1f}   ({time.perf_counter() - start:.0f} s)",
                      flush=True)


if __name__ == "__main__":
    main()
