"""Every parameter of the estimators is documented in their docstrings."""

from __future__ import annotations

import inspect

import pytest

from trainwell.sklearn import MLPClassifier, MLPRegressor


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_every_init_parameter_is_documented(cls):
    doc = cls.__doc__
    params = doc[doc.index("Parameters") : doc.index("Attributes")]
    for name in inspect.signature(cls.__init__).parameters:
        if name != "self":
            assert name in params, f"{cls.__name__}({name}=...) is not documented"
    for attribute in ("coefs_", "intercepts_", "best_loss_", "loss_curve_", "n_iter_"):
        assert attribute in doc[doc.index("Attributes") :]
