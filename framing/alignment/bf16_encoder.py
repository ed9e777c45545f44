"""The fp32 e5 encoder run in bfloat16 on CPUs that multiply bf16 natively (AMX, AVX512-BF16).

A Sapphire Rapids (or later) Xeon multiplies bf16 matrices in hardware: the same model, its
weights cast to bf16 (or its matrix products under ``torch.autocast``), encodes a
compare-your-own request's texts in 0.52-0.57 of the fp32 ONNX graph's CPU time
(:mod:`framing.alignment.fp32_graph`; 2.2-3 times as fast on one thread). The vectors agree
with fp32's to within 4e-5 in cosine (z within 0.05), so the model id, its shipped
calibration and cached vectors stay the fp32 model's; a link whose z sits on a bar can still
move, so it is opt-in (BENCHMARKS.md "bf16 encoder"). On a CPU without native bf16 the
same code runs emulated and slowly, so the setting ``encoder_runtime: auto`` picks this
runtime only where :func:`native_bf16` says so, and the fp32 graph elsewhere.

:class:`Bf16Encoder` has the fp32 graph's interface (``run``, ``batch_size``, ``min_fill``,
``depth``, ``dim``), so :class:`~framing.alignment.embedder.SentenceTransformerEmbedder`
batches, pools and cuts texts the same way for both. Options: ``data/encoder_graph.yaml``,
``bf16``.
"""

from __future__ import annotations

import copy
import platform
from pathlib import Path
from typing import Any

import numpy as np

from framing.settings import packaged_yaml

CPUINFO = Path("/proc/cpuinfo")
# Either flag means bf16 dot products in hardware: AMX tiles (Sapphire Rapids on) or the
# AVX512-BF16 instructions (Cooper Lake, Zen 4 on).
NATIVE_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


def options() -> dict[str, Any]:
    """How the bf16 encoder runs: bf16 weights or autocast, batch size, length cut."""
    return dict(packaged_yaml("encoder_graph.yaml")["bf16"])


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The CPU's feature flags as Linux lists them (empty elsewhere, or unreadable)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def native_bf16(cpuinfo: Path = CPUINFO) -> bool:
    """Whether this CPU multiplies bf16 in hardware and torch's oneDNN can use it: an x86-64
    CPU listing ``amx_bf16`` or ``avx512_bf16``, and torch built with oneDNN bf16 kernels.
    False wherever either cannot be told (then the fp32 graph encodes)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    if not NATIVE_FLAGS & cpu_flags(cpuinfo):
        return False
    return _onednn_bf16()


def _onednn_bf16() -> bool:
    """Whether torch's oneDNN has bf16 kernels for this CPU (it asks the CPU itself)."""
    try:
        import torch

        return bool(torch.backends.mkldnn.is_available()) and bool(
            torch.ops.mkldnn._is_mkldnn_bf16_supported()
        )
    except (ImportError, AttributeError, RuntimeError):
        return False


class Bf16Encoder:
    """The transformer of a ``SentenceTransformer`` run in bf16. :meth:`run` gives, for one
    padded batch, the last layer's states and those after each of ``layers`` layers, as
    float32 arrays, like :meth:`framing.alignment.fp32_graph.GraphEncoder.run`.

    With ``weights: bf16`` a bf16 copy of the transformer encodes (the fp32 model stays for
    everything else that reads it); with ``weights: autocast`` the fp32 transformer itself
    runs under ``torch.autocast`` (no copy; its matrix products in bf16, the rest fp32)."""

    precision = "bf16"

    def __init__(self, model: Any, settings: dict[str, Any]) -> None:
        transformer = model[0].auto_model.eval()
        self.weights = str(settings["weights"])
        if self.weights == "bf16":
            self._transformer = bf16_copy(transformer)
        elif self.weights == "autocast":
            self._transformer = transformer
        else:
            raise ValueError(f"bf16 weights is {self.weights!r}: use 'bf16' or 'autocast'.")
        self.depth = int(transformer.config.num_hidden_layers)
        self.dim = int(transformer.config.hidden_size)
        self.batch_size = int(settings["batch_size"])
        self.min_fill = float(settings.get("min_fill", 0.0))

    def run(
        self, ids: np.ndarray, mask: np.ndarray, layers: tuple[int, ...] = ()
    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        import torch

        wanted = [n for n in dict.fromkeys(layers) if 0 < n <= self.depth]
        with (
            torch.inference_mode(),
            torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.weights == "autocast"),
        ):
            out = self._transformer(
                input_ids=torch.from_numpy(ids),
                attention_mask=torch.from_numpy(mask),
                output_hidden_states=bool(wanted),
            )
            last = out.last_hidden_state.float().numpy()
            # hidden_states[0] is the embedding output, [n] the states after layer n
            kept = {n: out.hidden_states[n].float().numpy() for n in wanted}
        return last, kept


def bf16_copy(module: Any) -> Any:
    """A copy of ``module`` whose floating-point parameters and buffers are bf16, made
    without an fp32 copy in between (which would leave its 470 MB to the allocator)."""
    import torch

    tensors = [*module.parameters(), *module.buffers()]
    memo = {
        id(t): (
            torch.nn.Parameter(t.detach().to(torch.bfloat16), requires_grad=False)
            if isinstance(t, torch.nn.Parameter)
            else t.detach().to(torch.bfloat16)
        )
        for t in tensors
        if t.is_floating_point()
    }
    return copy.deepcopy(module, memo)


def load_encoder(model: Any) -> Bf16Encoder:
    """The bf16 encoder of ``model`` (the fp32 ``SentenceTransformer``), with the shipped
    options."""
    return Bf16Encoder(model, options())
