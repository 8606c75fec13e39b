"""Statistics in science and medicine: "95% CI" and ratios written as their initials before a
value ("HR 0.80", "aOR, 1.5"), said as a reader of the paper would."""

from __future__ import annotations

import re

from .words import Rule

_RATIOS = {"HR": "hazard ratio", "aHR": "adjusted hazard ratio", "OR": "odds ratio", "aOR": "adjusted odds ratio"}
_RATIOS |= {"RR": "relative risk", "aRR": "adjusted relative risk", "IRR": "incidence rate ratio"}
_RATIOS |= {"CI": "confidence interval", "CrI": "credible interval", "SD": "standard deviation"}
_RATIOS |= {"SE": "standard error", "IQR": "interquartile range"}

# Before a decimal ("HR 0.80", "CI: 0.71-0.91", "SD, 1.2", "HR=0.8") or after a percentage
# ("95% CI"); never alone or before a whole number, so "OR" in a headline, "Portland, OR 97201"
# and "SE 82nd Ave" stay as written.
STATISTIC: Rule = (
    re.compile(
        r"(?<![\w-])(?:(?<=%\s)(CI|CrI)|(aHR|HR|aOR|OR|aRR|RR|IRR|CI|CrI|SD|SE|IQR)(?=\s?[=:,]?\s?[−-]?\d{1,3}\.\d))"
        r"(?![\w-])(\s?=\s?)?"
    ),
    lambda m: _RATIOS[m.group(1) or m.group(2)] + (" of " if m.group(3) else ""),  # "HR=0.76": "hazard ratio of"
)
# A decimal written without its zero that is not an average (".05", "p = .003"): espeak says
# "dot"; a reader says "point" and each digit.
BARE_DECIMAL: Rule = (
    re.compile(r"(?<![\w.,$€£¥])\.(\d{1,12})(?!\d|\.\d)"),
    lambda m: "point " + " ".join(m.group(1)),
)
