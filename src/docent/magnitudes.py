"""Magnitudes across English and Chinese: the one converter the writer, the judge and the
benchmarks use.

English counts large numbers in thousands (thousand, million, billion, trillion; K, M, B, T),
Chinese in ten-thousands (万, 亿 = 10⁸, 万亿 = 10¹²), so "7B parameters" is 70亿 and "500
million" is 5亿, not 7亿 and 500亿. A rendering that keeps the English mantissa under a Chinese
unit ("7亿" for 7B) states a number the source never states, by a factor of ten or more.

    >>> zh_magnitude(7e9), zh_magnitude(5e8), zh_magnitude(3.4e8), zh_magnitude(1e12)
    ('70亿', '5亿', '3.4亿', '1万亿')
    >>> en_magnitudes("BERT-Large has 340M parameters and was trained on 3.3 billion words.")
    [('340M', 340000000.0), ('3.3 billion', 3300000000.0)]
    >>> magnitude_slips("模型有 7 亿参数，训练了 33 亿词。", ["a 7B model trained on 3.3 billion words"])
    {'7 亿': '70亿'}
"""

from __future__ import annotations

import re

__all__ = ["zh_magnitude", "en_magnitude", "en_magnitudes", "zh_magnitudes", "magnitude_slips",
           "slip_reason"]

_EN_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "b": 1e9,
             "trillion": 1e12, "t": 1e12}
_EN = re.compile(r"(?<![\w.])(\d+(?:[,]\d{3})*(?:\.\d+)?)\s*(thousand|million|billion|trillion|"
                 r"[KMBT](?![a-zA-Z]))", re.IGNORECASE)
_ZH_SCALE = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千万": 1e7, "百万": 1e6}
_ZH = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(万亿|千万|百万|万|亿)")


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def zh_magnitude(value: float) -> str:
    """``value`` as Chinese writes it: in 万亿, 亿 or 万 from ten thousand up, as digits below.

    >>> [zh_magnitude(v) for v in (1.1e8, 2.5e9, 1.6e9, 1e7, 15000, 800, 6e12)]
    ['1.1亿', '25亿', '16亿', '1000万', '1.5万', '800', '6万亿']
    """
    for unit, scale in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
        if value >= scale:
            return _num(value / scale) + unit
    return _num(value)


def en_magnitude(value: float) -> str:
    """``value`` as English writes it: in trillion, billion, million or thousand.

    >>> [en_magnitude(v) for v in (7e8, 5e10, 1.1e8, 15000, 800)]
    ['700 million', '50 billion', '110 million', '15 thousand', '800']
    """
    for unit, scale in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6),
                        ("thousand", 1e3)):
        if value >= scale:
            return f"{_num(value / scale)} {unit}"
    return _num(value)


def en_magnitudes(text: str) -> list[tuple[str, float]]:
    """The scaled numbers English ``text`` states: ``(as written, value)``. A letter counts
    right after digits ("340M", "7B", "3k"), never a lower-case "m" or "t" (metres, tonnes)."""
    out = []
    for m in _EN.finditer(text):
        unit = m.group(2)
        if unit in ("m", "t"):
            continue  # 5 m, 3 t: metres, tonnes
        out.append((m.group(0),
                    round(float(m.group(1).replace(",", "")) * _EN_SCALE[unit.lower()], 6)))
    return out


def zh_magnitudes(text: str) -> list[tuple[str, float, float]]:
    """The numbers Chinese ``text`` writes with digits and a Chinese unit: ``(as written,
    mantissa, value)``.

    >>> zh_magnitudes("约 1.1 亿参数，语料 33亿词，词表 3万")
    [('1.1 亿', 1.1, 110000000.0), ('33亿', 33.0, 3300000000.0), ('3万', 3.0, 30000.0)]
    """
    return [(m.group(0), float(m.group(1).replace(",", "")),
             round(float(m.group(1).replace(",", "")) * _ZH_SCALE[m.group(2)], 6))
            for m in _ZH.finditer(text)]


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def magnitude_slips(chinese: str, passages: list[str]) -> dict[str, str]:
    """The Chinese magnitudes of ``chinese`` that the passages never state but whose mantissa
    they state with an English unit ("7亿" where the passage says "7B"): each, as written, with
    what the passage's number is in Chinese ("70亿").

    >>> magnitude_slips("BERT 有 3.4 亿参数。", ["BERT-Large has 340M parameters."])
    {}
    >>> magnitude_slips("语料有 500 亿词。", ["a corpus of 500 million words"])
    {'500 亿': '5亿'}
    >>> magnitude_slips("大 1 万到 100 万倍。", ["between 10,000 and 1 million times bigger"])
    {}
    """
    from docent.text import number_values

    stated = [value for p in passages for _, value in en_magnitudes(p)]
    stated += [value for p in passages for _, _, value in zh_magnitudes(p)]
    stated += [float(v.rstrip("%")) for v in number_values(" ".join(passages))]
    slips: dict[str, str] = {}
    for written, mantissa, value in zh_magnitudes(chinese):
        if any(_same(value, s) for s in stated):
            continue
        for p in passages:
            for en, en_value in en_magnitudes(p):
                head = float(re.match(r"[\d.,]+", en).group(0).replace(",", ""))
                if _same(head, mantissa) and not _same(en_value, value):
                    slips.setdefault(written, zh_magnitude(en_value))
    return slips


def slip_reason(chinese: str, passages: list[str]) -> list[str]:
    """One line for each magnitude slip of ``chinese``, for a reader.

    >>> slip_reason("该模型有 7 亿参数。", ["a 7B model"])
    ['7 亿 is 700 million; the source says 7B, which is 70亿']
    """
    out = []
    for written, should in magnitude_slips(chinese, passages).items():
        value = zh_magnitudes(written)[0][2]
        said = next((en for p in passages for en, v in en_magnitudes(p)
                     if zh_magnitude(v) == should), should)
        out.append(f"{written} is {en_magnitude(value)}; the source says {said}, which is "
                   f"{should}")
    return out
